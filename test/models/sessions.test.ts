import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { ModelError, ParamError } from '../../src/errors.js';
import {
  CUDA_INSTALL_HINT,
  createSession,
  executionProviderSupport,
  getSession,
  normalizeSessionOptions,
  releaseSessions,
  SESSION_CACHE_PREFIX,
} from '../../src/models/index.js';
import {
  type ModelFiles,
  seededInput,
  tinyConvNet,
  tinyMlp,
  writeModels,
} from '../fixtures/models/buildModels.js';

/**
 * Float32 arithmetic against float64 in JavaScript: sums of at most 27 products of values below 1 in magnitude,
 * so differences stay far below 1e-5.
 */
const TOLERANCE = 1e-5;

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i]! - expected[i]!) <= TOLERANCE,
      `${what}[${i}]: ${actual[i]} vs ${expected[i]} (tolerance ${TOLERANCE})`,
    );
  }
}

let dir: string;
let files: ModelFiles;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deepframe-sessions-'));
  files = await writeModels(dir);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createSession', () => {
  it('runs a small MLP with the outputs JavaScript computes', async () => {
    const mlp = tinyMlp();
    const session = await createSession(files.mlp, { intraOpNumThreads: 1 });
    try {
      const x = seededInput(3 * 4, 99);
      const out = await session.run({ x: new ort.Tensor('float32', x, [3, 4]) });
      const logits = out.logits!;
      assert.deepEqual(logits.dims, [3, 3]);
      assertClose(logits.data as Float32Array, mlp.compute(x, 3).logits, 'logits');
    } finally {
      await session.release();
    }
  });

  it('runs a small conv net (Conv, Relu, GlobalAveragePool, Flatten, Gemm) with the outputs JavaScript computes', async () => {
    const net = tinyConvNet();
    const session = await createSession(files.convnet);
    try {
      const image = seededInput(2 * 3 * 8 * 8, 7);
      const out = await session.run({ image: new ort.Tensor('float32', image, [2, 3, 8, 8]) });
      assert.deepEqual(out.logits!.dims, [2, 10]);
      assertClose(out.logits!.data as Float32Array, net.compute(image, 2).logits, 'logits');
    } finally {
      await session.release();
    }
  });

  it('names the path when the file is missing', async () => {
    const path = join(dir, 'nope.onnx');
    await assert.rejects(createSession(path), (e: unknown) => {
      assert.ok(e instanceof ModelError);
      assert.equal(e.errorClass, 'MODEL_LOAD_FAILED');
      assert.equal(e.messageParameters.path, path);
      assert.match(e.message, /nope\.onnx/);
      return true;
    });
  });

  it("names the path and ONNX Runtime's reason when the file is not ONNX", async () => {
    const path = join(dir, 'garbage.onnx');
    await writeFile(path, 'this is not a model');
    await assert.rejects(createSession(path), (e: unknown) => {
      assert.ok(e instanceof ModelError);
      assert.equal(e.errorClass, 'MODEL_LOAD_FAILED');
      assert.equal(e.messageParameters.path, path);
      assert.match(e.messageParameters.reason ?? '', /Protobuf parsing failed/);
      assert.ok(e.message.includes(path));
      return true;
    });
  });

  it('says how to install the CUDA build when cuda is asked for and missing', async (t) => {
    const bin = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const cudaInstalled = existsSync(
      join(bin, 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so'),
    );
    if (cudaInstalled) {
      t.skip('the CUDA build of onnxruntime-node is installed here');
      return;
    }
    await assert.rejects(createSession(files.mlp, { executionProviders: ['cuda'] }), (e: unknown) => {
      assert.ok(e instanceof ModelError);
      assert.equal(e.errorClass, 'EXECUTION_PROVIDER_UNAVAILABLE');
      assert.equal(e.messageParameters.provider, 'cuda');
      assert.ok(e.message.includes(CUDA_INSTALL_HINT), e.message);
      return true;
    });
  });

  it('refuses an execution provider this build does not know', async () => {
    assert.equal(executionProviderSupport('cpu'), 'bundled');
    assert.equal(executionProviderSupport('no-such-ep'), 'unavailable');
    await assert.rejects(createSession(files.mlp, { executionProviders: ['no-such-ep'] }), (e: unknown) => {
      assert.ok(e instanceof ModelError);
      assert.equal(e.errorClass, 'EXECUTION_PROVIDER_UNAVAILABLE');
      assert.match(e.message, /supports: cpu/);
      return true;
    });
  });
});

describe('normalizeSessionOptions', () => {
  it('fills defaults in a fixed key order', () => {
    assert.deepEqual(normalizeSessionOptions({ intraOpNumThreads: 2, executionProviders: ['CUDA', 'cpu'] }), {
      executionProviders: ['cuda', 'cpu'],
      intraOpNumThreads: 2,
      interOpNumThreads: 0,
      graphOptimizationLevel: 'all',
    });
  });

  for (const [field, options] of [
    ['executionProviders', { executionProviders: [] }],
    ['intraOpNumThreads', { intraOpNumThreads: -1 }],
    ['interOpNumThreads', { interOpNumThreads: 1.5 }],
    ['graphOptimizationLevel', { graphOptimizationLevel: 'max' }],
  ] as const) {
    it(`refuses a bad ${field}`, () => {
      assert.throws(
        () => normalizeSessionOptions(options as never),
        (e: unknown) => {
          assert.ok(e instanceof ParamError);
          assert.equal(e.errorClass, 'INVALID_SESSION_OPTIONS');
          assert.equal(e.messageParameters.field, field);
          return true;
        },
      );
    });
  }
});

describe('getSession', () => {
  it('returns the same session for the same file and options, across calls and concurrent calls', async () => {
    const cache = new Map<string, unknown>();
    const [a, b] = await Promise.all([getSession(files.mlp, {}, cache), getSession(files.mlp, {}, cache)]);
    const c = await getSession(files.mlp, { graphOptimizationLevel: 'all' }, cache);
    assert.equal(a, b);
    assert.equal(a, c, 'defaults written out give the same key');
    assert.equal([...cache.keys()].filter((k) => k.startsWith(SESSION_CACHE_PREFIX)).length, 1);
    const d = await getSession(files.mlp, { intraOpNumThreads: 1 }, cache);
    assert.notEqual(a, d, 'other options, another session');
    assert.equal(await releaseSessions(cache), 2);
    assert.equal(cache.size, 0);
  });

  it('creates a new session when the file changes on disk, and drops the old one', async () => {
    const cache = new Map<string, unknown>();
    const path = join(dir, 'changing.onnx');
    await writeFile(path, tinyMlp().bytes);
    const first = await getSession(path, {}, cache);
    await writeFile(path, tinyConvNet().bytes);
    const later = new Date(Date.now() + 5000);
    await utimes(path, later, later);
    const second = await getSession(path, {}, cache);
    assert.notEqual(first, second);
    assert.deepEqual(second.inputNames, ['image']);
    assert.equal(cache.size, 1, 'the old session left the cache');
    await releaseSessions(cache);
  });

  it('does not cache a failure', async () => {
    const cache = new Map<string, unknown>();
    const path = join(dir, 'late.onnx');
    await writeFile(path, 'not yet a model');
    await assert.rejects(getSession(path, {}, cache), ModelError);
    assert.equal(cache.size, 0);
  });

  it('keeps other entries of the worker cache', async () => {
    const cache = new Map<string, unknown>([['other/stage', 42]]);
    await getSession(files.convnet, {}, cache);
    await releaseSessions(cache);
    assert.deepEqual([...cache], [['other/stage', 42]]);
  });
});
