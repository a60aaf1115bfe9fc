import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { ModelError } from '../../src/errors.js';
import {
  cachedModelPath,
  type DownloadProgress,
  deepframeHome,
  getModelEntry,
  getSession,
  type ModelZooEntry,
  parseLabels,
  registerModel,
  releaseSessions,
  resolveLabels,
  resolveModel,
  unregisterModel,
} from '../../src/models/index.js';
import { seededWeights, tinyConvNet, writeModel } from '../fixtures/models/buildModels.js';

const modelBytes = tinyConvNet().bytes;
const bigBytes = new Uint8Array(seededWeights(256 * 1024, 5).buffer); // 1 MiB, for several progress events
const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** A file server on 127.0.0.1 (random port) that records the paths asked for. */
interface TestServer {
  readonly base: string;
  readonly requests: string[];
  close(): Promise<void>;
}

async function serve(routes: Record<string, Route>): Promise<TestServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const route = routes[req.url ?? ''];
    if (route === undefined) {
      res.writeHead(404, 'Not Found').end('no such file');
      return;
    }
    route(req, res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  const handle: TestServer = {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () => {
      closed ??= new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      });
      return closed;
    },
  };
  servers.push(handle);
  return handle;
}

/** Every server a test started, closed after it even when it fails. */
const servers: TestServer[] = [];

/** Sends bytes in four writes, with or without a Content-Length. */
function file(bytes: Uint8Array, withLength = true): Route {
  return (_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      ...(withLength ? { 'content-length': String(bytes.length) } : {}),
    });
    const quarter = Math.ceil(bytes.length / 4);
    for (let i = 0; i < bytes.length; i += quarter) res.write(bytes.subarray(i, i + quarter));
    res.end();
  };
}

function redirect(to: string): Route {
  return (_req, res) => {
    res.writeHead(302, { location: to }).end();
  };
}

let home: string;
const savedEnv: Record<string, string | undefined> = {};
const registered: string[] = [];
let counter = 0;

/** Registers a zoo entry for the fixture model (unique name), served from `url`. */
function entry(url: string, change: Partial<ModelZooEntry> = {}): ModelZooEntry {
  const name = `DownloadTest${++counter}`;
  registered.push(name);
  return registerModel({
    name,
    url,
    sha256: sha256(modelBytes),
    sizeBytes: modelBytes.length,
    inputSize: [8, 8],
    channelOrder: 'RGB',
    layout: 'NCHW',
    scale: 1 / 255,
    mean: [0, 0, 0],
    std: [1, 1, 1],
    resize: 'squash',
    labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    outputIsProbabilities: false,
    ...change,
  });
}

async function leftovers(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.part'));
  } catch {
    return [];
  }
}

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'deepframe-home-'));
  for (const k of ['DEEPFRAME_HOME', 'DEEPFRAME_OFFLINE', 'DEEPFRAME_MODEL_BASE_URL']) {
    savedEnv[k] = process.env[k];
    delete process.env[k];
  }
  process.env.DEEPFRAME_HOME = home;
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  for (const name of registered.splice(0)) unregisterModel(name);
  delete process.env.DEEPFRAME_OFFLINE;
  delete process.env.DEEPFRAME_MODEL_BASE_URL;
});
after(async () => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await rm(home, { recursive: true, force: true });
});

describe('resolveModel', () => {
  it('downloads a zoo model into DEEPFRAME_HOME, checks it, and gives a file ONNX Runtime loads', async () => {
    const server = await serve({ '/m.onnx': file(modelBytes) });
    try {
      const e = entry(`${server.base}/m.onnx`);
      const resolved = await resolveModel(e.name, { progress: false });
      assert.equal(deepframeHome(), home);
      assert.equal(resolved.path, join(home, 'models', `${e.name}-${e.sha256.slice(0, 8)}.onnx`));
      assert.equal(resolved.path, cachedModelPath(e));
      assert.equal(resolved.entry, e);
      assert.equal(resolved.downloaded, true);
      assert.equal(sha256(await readFile(resolved.path)), sha256(modelBytes));
      assert.deepEqual(await leftovers(dirname(resolved.path)), []);
      const cache = new Map<string, unknown>();
      const session = await getSession(resolved.path, {}, cache);
      assert.deepEqual(session.inputNames, ['image']);
      await releaseSessions(cache);
    } finally {
      await server.close();
    }
  });

  it('reports growing byte counts to the progress callback', async () => {
    const server = await serve({ '/big.onnx': file(bigBytes, false) });
    try {
      const e = entry(`${server.base}/big.onnx`, { sha256: sha256(bigBytes), sizeBytes: bigBytes.length });
      const seen: DownloadProgress[] = [];
      await resolveModel(e.name, { progress: true, onProgress: (p) => seen.push(p) }); // a bar only on a TTY
      assert.ok(seen.length >= 2, `${seen.length} progress events`);
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.received > seen[i - 1]!.received);
      assert.equal(seen.at(-1)!.received, bigBytes.length);
      assert.ok(seen.every((p) => p.total === bigBytes.length && p.url === e.url));
    } finally {
      await server.close();
    }
  });

  it('uses the cache without the network once the model is there, online and offline', async () => {
    const server = await serve({ '/m.onnx': file(modelBytes) });
    const e = entry(`${server.base}/m.onnx`);
    const first = await resolveModel(e.name, { progress: false });
    await server.close();
    const again = await resolveModel(e.name);
    assert.deepEqual(again, { path: first.path, entry: e, downloaded: false });
    process.env.DEEPFRAME_OFFLINE = '1';
    assert.equal((await resolveModel(e.name)).path, first.path);
    assert.equal(server.requests.length, 1);
  });

  it('downloads again when the cached copy is not the expected file', async () => {
    const server = await serve({ '/m.onnx': file(modelBytes) });
    try {
      const e = entry(`${server.base}/m.onnx`);
      const path = cachedModelPath(e);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, 'truncated');
      await assert.rejects(resolveModel(e.name, { offline: true }), (err: unknown) => {
        assert.ok(err instanceof ModelError);
        assert.equal(err.errorClass, 'CHECKSUM_MISMATCH');
        assert.equal(err.messageParameters.actual, sha256('truncated'));
        return true;
      });
      const resolved = await resolveModel(e.name, { progress: false });
      assert.equal(resolved.downloaded, true);
      assert.equal(sha256(await readFile(path)), sha256(modelBytes));
    } finally {
      await server.close();
    }
  });

  it('refuses a download whose SHA-256 differs, naming both, and caches nothing', async () => {
    const server = await serve({ '/m.onnx': file(modelBytes) });
    try {
      const wrong = 'ab'.repeat(32);
      const e = entry(`${server.base}/m.onnx`, { sha256: wrong });
      await assert.rejects(resolveModel(e.name, { progress: false }), (err: unknown) => {
        assert.ok(err instanceof ModelError);
        assert.equal(err.errorClass, 'CHECKSUM_MISMATCH');
        assert.equal(err.messageParameters.expected, wrong);
        assert.equal(err.messageParameters.actual, sha256(modelBytes));
        assert.ok(err.message.includes(wrong) && err.message.includes(sha256(modelBytes)));
        return true;
      });
      const path = cachedModelPath(e);
      await assert.rejects(readFile(path), { code: 'ENOENT' });
      assert.deepEqual(await leftovers(dirname(path)), []);
    } finally {
      await server.close();
    }
  });

  it('fails with DOWNLOAD_FAILED naming the URL and the status on a 404', async () => {
    const server = await serve({});
    try {
      const e = entry(`${server.base}/gone.onnx`);
      await assert.rejects(resolveModel(e.name, { progress: false }), (err: unknown) => {
        assert.ok(err instanceof ModelError);
        assert.equal(err.errorClass, 'DOWNLOAD_FAILED');
        assert.ok(err.message.includes(`${server.base}/gone.onnx: HTTP 404 Not Found`), err.message);
        return true;
      });
      assert.deepEqual(await leftovers(join(home, 'models')), []);
    } finally {
      await server.close();
    }
  });

  it('follows redirects', async () => {
    const server = await serve({ '/latest.onnx': redirect('/v2/m.onnx'), '/v2/m.onnx': file(modelBytes) });
    try {
      const e = entry(`${server.base}/latest.onnx`);
      const resolved = await resolveModel(e.name, { progress: false });
      assert.equal(sha256(await readFile(resolved.path)), sha256(modelBytes));
      assert.deepEqual(server.requests, ['/latest.onnx', '/v2/m.onnx']);
    } finally {
      await server.close();
    }
  });

  it('tries the mirrors when the URL fails, and DEEPFRAME_MODEL_BASE_URL first', async () => {
    const server = await serve({ '/mirror/m.onnx': file(modelBytes), '/base/m.onnx': file(modelBytes) });
    try {
      const e = entry(`${server.base}/missing/m.onnx`, { mirrors: [`${server.base}/mirror/m.onnx`] });
      await resolveModel(e.name, { progress: false });
      assert.deepEqual(server.requests, ['/missing/m.onnx', '/mirror/m.onnx']);
      const f = entry(`${server.base}/missing/m.onnx`);
      process.env.DEEPFRAME_MODEL_BASE_URL = `${server.base}/base/`;
      await resolveModel(f.name, { progress: false });
      assert.deepEqual(server.requests.slice(2), ['/base/m.onnx']);
    } finally {
      await server.close();
    }
  });

  it('shares one download between concurrent calls', async () => {
    const server = await serve({ '/m.onnx': file(modelBytes) });
    try {
      const e = entry(`${server.base}/m.onnx`);
      const [a, b] = await Promise.all([
        resolveModel(e.name, { progress: false }),
        resolveModel(e.name, { progress: false }),
      ]);
      assert.equal(a.path, b.path);
      assert.deepEqual(server.requests, ['/m.onnx']);
    } finally {
      await server.close();
    }
  });

  it('says where to put the file when offline and the model is not cached', async () => {
    const e = entry('http://127.0.0.1:9/never.onnx');
    for (const options of [{ offline: true }, {}]) {
      process.env.DEEPFRAME_OFFLINE = options.offline ? '' : '1';
      await assert.rejects(resolveModel(e.name, options), (err: unknown) => {
        assert.ok(err instanceof ModelError);
        assert.equal(err.errorClass, 'MODEL_NOT_CACHED');
        assert.equal(err.messageParameters.path, cachedModelPath(e));
        assert.ok(err.message.includes(cachedModelPath(e)), err.message);
        assert.ok(err.message.includes(e.sha256));
        assert.match(err.message, /pass the file's path/);
        return true;
      });
    }
  });

  it('lists the known names for an unknown model', async () => {
    await assert.rejects(resolveModel('NoSuchNet'), (err: unknown) => {
      assert.ok(err instanceof ModelError);
      assert.equal(err.errorClass, 'UNKNOWN_MODEL');
      assert.match(err.message, /Known models: .*MobileNetV2.*ResNet50/);
      return true;
    });
  });

  it('uses a file the user names as it is, bypassing the zoo', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'deepframe-user-model-'));
    try {
      const path = await writeModel(dir, 'mine', modelBytes);
      assert.deepEqual(await resolveModel(path, { offline: true }), { path, entry: null, downloaded: false });
      assert.equal((await resolveModel(`file://${path}`)).path, path);
      await assert.rejects(resolveModel(join(dir, 'other.onnx')), (err: unknown) => {
        assert.ok(err instanceof ModelError);
        assert.equal(err.errorClass, 'MODEL_LOAD_FAILED');
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps built-in entries pointing at their own files', () => {
    assert.match(cachedModelPath(getModelEntry('ResNet50')), /models\/ResNet50-79102261\.onnx$/);
  });
});

describe('labels', () => {
  it('parses synset lines, plain lines and JSON', () => {
    assert.deepEqual(parseLabels('n01440764 tench, Tinca tinca\r\nn01443537 goldfish\n\n'), [
      { class: 'n01440764', description: 'tench, Tinca tinca' },
      { class: 'n01443537', description: 'goldfish' },
    ]);
    assert.deepEqual(parseLabels('cat\ndog\n'), [
      { class: 'cat', description: 'cat' },
      { class: 'dog', description: 'dog' },
    ]);
    assert.deepEqual(
      parseLabels('{"1": "dog", "0": "cat", "10": "owl"}').map((l) => l.description),
      ['cat', 'dog', 'owl'],
    );
    assert.deepEqual(
      parseLabels('["a", "b"]').map((l) => l.class),
      ['a', 'b'],
    );
    assert.throws(() => parseLabels('[1, 2]'), /INVALID_LABELS/);
  });

  it('downloads a labels file once, checked, and reads it from the cache after', async () => {
    const text = 'n01440764 tench, Tinca tinca\nn01443537 goldfish, Carassius auratus\n';
    const server = await serve({ '/synset.txt': file(new TextEncoder().encode(text)) });
    const source = { url: `${server.base}/synset.txt`, sha256: sha256(text) };
    const labels = await resolveLabels(source, { progress: false });
    assert.deepEqual(labels[1], { class: 'n01443537', description: 'goldfish, Carassius auratus' });
    await server.close();
    assert.deepEqual(await resolveLabels(source, { offline: true }), labels);
    assert.deepEqual(server.requests, ['/synset.txt']);
    assert.deepEqual(await resolveLabels(['a', 'b']), [
      { class: 'a', description: 'a' },
      { class: 'b', description: 'b' },
    ]);
  });

  it('says where to put the ImageNet labels when offline', async () => {
    await assert.rejects(resolveLabels('imagenet', { offline: true }), (err: unknown) => {
      assert.ok(err instanceof ModelError);
      assert.equal(err.errorClass, 'LABELS_NOT_CACHED');
      assert.match(err.message, /synset\.txt/);
      assert.ok((err.messageParameters.path ?? '').startsWith(join(home, 'labels')));
      return true;
    });
  });
});
