import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { artifactPayloads } from '../../../src/engine/spark/connect/artifacts.js';
import { cacheArtifactName, crc32, validateArtifactName } from '../../../src/engine/spark/connect/index.js';
import { IOError, SparkError } from '../../../src/errors.js';

const bytes = (...values: number[]) => new Uint8Array(values);

/** A value with its byte arrays as plain number arrays, for deep comparison. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return [...value];
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

describe('crc32', () => {
  it("is zlib's CRC-32", () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
    assert.equal(crc32(new Uint8Array(0)), 0);
  });
});

describe('artifact names', () => {
  it('accept the kinds Spark knows, an archive with its alias, a cache entry by SHA-256', () => {
    for (const name of [
      'jars/udfs.jar',
      'pyfiles/deepframe_worker.zip',
      'archives/env.tar.gz#env',
      'files/labels.txt',
      'files/models/resnet.onnx',
      'classes/a/B.class',
      cacheArtifactName(bytes(1, 2, 3)),
    ]) {
      assert.doesNotThrow(() => validateArtifactName(name), name);
    }
    assert.equal(
      cacheArtifactName(bytes(1, 2, 3)),
      'cache/039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81',
    );
  });

  for (const [name, why] of [
    ['model.onnx', 'does not start with a known kind'],
    ['files/../etc/passwd', 'normalized relative path'],
    ['files//x', 'normalized relative path'],
    ['jars/udfs.zip', '.jar'],
    ['cache/abc', 'SHA-256'],
  ] as const) {
    it(`refuse ${name}`, () => {
      assert.throws(
        () => validateArtifactName(name),
        (e: unknown) =>
          e instanceof SparkError && e.errorClass === 'INVALID_ARTIFACT_NAME' && e.message.includes(why),
      );
    });
  }
});

describe('artifact upload payloads', () => {
  it('batch small artifacts, chunk large ones, stream files, and put a CRC-32 on every chunk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deepframe-artifacts-'));
    try {
      const file = join(dir, 'model.bin');
      writeFileSync(file, bytes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
      const payloads = [];
      for await (const p of artifactPayloads(
        [
          { name: 'files/a', data: bytes(1, 2) },
          { name: 'files/b', data: bytes(3, 4, 5) },
          { name: 'files/c', data: bytes(6, 7, 8, 9) },
          { name: 'files/model.bin', data: file },
        ],
        6,
      )) {
        payloads.push(p);
      }
      const chunk = (...v: number[]) => ({ data: bytes(...v), crc: crc32(bytes(...v)) });
      assert.deepEqual(
        plain(payloads),
        [
          {
            batch: {
              artifacts: [
                { name: 'files/a', data: chunk(1, 2) },
                { name: 'files/b', data: chunk(3, 4, 5) },
              ],
            },
          },
          { batch: { artifacts: [{ name: 'files/c', data: chunk(6, 7, 8, 9) }] } },
          {
            beginChunk: {
              name: 'files/model.bin',
              totalBytes: 10,
              numChunks: 2,
              initialChunk: chunk(0, 1, 2, 3, 4, 5),
            },
          },
          { chunk: chunk(6, 7, 8, 9) },
        ].map(plain),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fail on a missing file with an IOError naming the file and the artifact', async () => {
    await assert.rejects(
      async () => {
        for await (const _ of artifactPayloads([{ name: 'files/x', data: '/nonexistent/x.bin' }])) {
          // nothing comes
        }
      },
      (e: unknown) =>
        e instanceof IOError &&
        e.errorClass === 'ARTIFACT_NOT_READABLE' &&
        e.message.includes("'/nonexistent/x.bin' for artifact 'files/x'"),
    );
  });
});
