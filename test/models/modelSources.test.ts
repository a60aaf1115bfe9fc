import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DeepframeError } from '../../src/errors.js';
import { localModelFile, modelFileFromBytes } from '../../src/models/modelSources.js';
import { tinyMlp } from '../fixtures/models/buildModels.js';

const home = mkdtempSync(join(tmpdir(), 'deepframe-sources-'));
const bytes = new Uint8Array(tinyMlp().bytes);
const sha = createHash('sha256').update(bytes).digest('hex');
let server: Server;
let base: string;
let requests = 0;

describe('model sources', () => {
  before(async () => {
    server = createServer((req, res) => {
      requests++;
      if (req.url === '/m.onnx') res.end(Buffer.from(bytes));
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    rmSync(home, { recursive: true, force: true });
  });

  it('downloads a model URL once, checks its SHA-256, and uses the cache afterwards', async () => {
    const path = await localModelFile(`${base}/m.onnx#sha256=${sha}`, { home, progress: false });
    assert.deepEqual(new Uint8Array(readFileSync(path)), bytes);
    const before = requests;
    assert.equal(await localModelFile(`${base}/m.onnx#sha256=${sha}`, { home, progress: false }), path);
    assert.equal(requests, before);
  });

  it('refuses a URL without a checksum, a wrong checksum, and an uncached URL offline', async () => {
    await assert.rejects(
      localModelFile(`${base}/m.onnx`, { home }),
      (e: DeepframeError) => e.errorClass === 'MODEL_CHECKSUM_REQUIRED',
    );
    await assert.rejects(
      localModelFile(`${base}/m.onnx#sha256=${'0'.repeat(64)}`, { home, progress: false }),
      /CHECKSUM_MISMATCH|SHA-256/,
    );
    await assert.rejects(
      localModelFile(`${base}/other.onnx#sha256=${'1'.repeat(64)}`, { home, offline: true }),
      (e: DeepframeError) => e.errorClass === 'MODEL_NOT_CACHED',
    );
  });

  it('writes model bytes to the cache once, named by their content', async () => {
    const a = await modelFileFromBytes(bytes, { home });
    const b = await modelFileFromBytes(bytes, { home });
    assert.equal(a, b);
    assert.match(a, new RegExp(`bytes-${sha.slice(0, 16)}\\.onnx$`));
    assert.deepEqual(new Uint8Array(readFileSync(a)), bytes);
  });
});
