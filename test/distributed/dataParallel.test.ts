import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { loadDigits } from '../../src/cli/digits.js';
import { globalBatchSampler } from '../../src/distributed/sampler.js';
import { trainDataParallel, trainDataParallelOn } from '../../src/distributed/trainDataParallel.js';
import type { DeepframeError } from '../../src/errors.js';
import { Session } from '../../src/frame/Session.js';
import { Dense, Sequential } from '../../src/nn/layers.js';
import { adam, type OptimizerSpec, sgd } from '../../src/nn/optimizers.js';
import { compileTraining } from '../../src/nn/Trainer.js';
import { canonicalRowOrder } from '../../src/tensor/rowOrder.js';
import { DataTypes } from '../../src/types/DataType.js';

const model = () =>
  new Sequential([new Dense(32, { activation: 'relu' }), new Dense(10, { activation: 'softmax' })]);

function maxDiff(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let m = 0;
  a.forEach((w, i) => {
    w.forEach((v, j) => {
      m = Math.max(m, Math.abs(v - (b[i]?.[j] as number)));
    });
  });
  return m;
}

describe('trainDataParallel (worker threads, ring all-reduce)', () => {
  let x: Float32Array;
  let y: Float64Array;
  let tmp: string;
  before(async () => {
    const d = await loadDigits();
    x = Float32Array.from(d.pixels, (v) => v / 255);
    y = Float64Array.from(d.labels);
    tmp = await mkdtemp(join(tmpdir(), 'deepframe-dp-'));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  /** One worker (the fused training step) on the same global batches as the data-parallel run. */
  async function singleWorker(batch: number, epochs: number, seed: number, optimizer: OptimizerSpec) {
    const trainer = await compileTraining(model(), {
      loss: 'crossEntropy',
      optimizer,
      batchSize: batch,
      inputSize: 64,
      seed,
    });
    const sampler = globalBatchSampler(canonicalRowOrder(x, 64, y), batch, seed, 0, 1);
    const history: number[] = [];
    const xb = new Float32Array(batch * 64);
    const yb = new Float64Array(batch);
    for (let e = 0; e < epochs; e++) {
      sampler.beginEpoch();
      let sum = 0;
      for (let s = 0; s < sampler.stepsPerEpoch; s++) {
        sampler.rows(s).forEach((row, i) => {
          xb.set(x.subarray(row * 64, row * 64 + 64), i * 64);
          yb[i] = y[row] as number;
        });
        sum += await trainer.step(xb, yb);
      }
      history.push(sum / sampler.stepsPerEpoch);
    }
    const weights = await trainer.getWeights();
    await trainer.close();
    return { weights, history };
  }

  for (const [workers, batch, optimizer] of [
    [2, 128, adam({ learningRate: 0.01 })],
    [3, 100, sgd({ learningRate: 0.1, momentum: 0.9 })],
  ] as const) {
    it(`${workers} workers (global batch ${batch}, ${optimizer.kind}) equal one worker on the same batches`, async () => {
      const epochs = 4;
      const dp = await trainDataParallel(model(), x, y, {
        loss: 'crossEntropy',
        optimizer,
        batchSize: batch,
        inputSize: 64,
        epochs,
        numWorkers: workers,
        seed: 11,
        threadsPerWorker: 1,
      });
      const one = await singleWorker(batch, epochs, 11, optimizer);
      assert.equal(dp.restarts, 0);
      assert.equal(dp.history.length, epochs);
      // Only the order of float32 additions differs (a sum of per-worker partial gradients).
      assert.ok(
        maxDiff(dp.weights, one.weights) < 1e-4,
        `max weight difference ${maxDiff(dp.weights, one.weights)}`,
      );
      for (const [i, l] of dp.history.entries()) {
        assert.ok(Math.abs(l - (one.history[i] as number)) < 1e-4, `epoch ${i + 1}`);
      }
      assert.ok((dp.history.at(-1) as number) < (dp.history[0] as number) / 2, 'the loss falls');
      // The exported model runs and classifies the training digits well.
      const session = await ort.InferenceSession.create(dp.onnx);
      const out = await session.run({ input: new ort.Tensor('float32', x, [y.length, 64]) });
      const p = out.output?.data as Float32Array;
      let correct = 0;
      for (let r = 0; r < y.length; r++) {
        let best = 0;
        for (let c = 1; c < 10; c++) if ((p[r * 10 + c] as number) > (p[r * 10 + best] as number)) best = c;
        if (best === y[r]) correct++;
      }
      assert.ok(correct / y.length > 0.9, `training accuracy ${correct / y.length}`);
      await session.release();
    });
  }

  it('a killed worker makes the gang restart from the last checkpoint and finish with the same result', async () => {
    const options = {
      loss: 'crossEntropy',
      optimizer: adam({ learningRate: 0.01 }),
      batchSize: 128,
      inputSize: 64,
      epochs: 4,
      numWorkers: 2,
      seed: 5,
      threadsPerWorker: 1,
    } as const;
    const clean = await trainDataParallel(model(), x, y, options);
    const dir = join(tmp, 'restart');
    const seen: { epoch: number; restarts: number }[] = [];
    let killed = false;
    const drilled = await trainDataParallel(model(), x, y, {
      ...options,
      checkpointDir: dir,
      onEpoch: (info) => {
        seen.push({ epoch: info.epoch, restarts: info.restarts });
        if (info.epoch === 2 && !killed) {
          killed = true;
          void info.terminateWorker(1);
        }
      },
    });
    assert.equal(drilled.restarts, 1);
    // Resumed after epoch 2 (or 3, had worker 1 finished epoch 3 before it was stopped): no epoch from scratch.
    const resumedAt = seen.find((s) => s.restarts === 1)?.epoch as number;
    assert.ok(resumedAt === 3 || resumedAt === 4, `first epoch after the restart: ${resumedAt}`);
    assert.deepEqual(
      seen.filter((s) => s.restarts === 0).map((s) => s.epoch),
      Array.from({ length: resumedAt - 1 }, (_, i) => i + 1),
    );
    // The same computation from the same state: the same bits.
    assert.deepEqual(drilled.weights, clean.weights);
    assert.deepEqual(drilled.history, clean.history);
    // The run's final checkpoint stays in the directory the caller gave.
    const [run] = await readdir(dir);
    const index = JSON.parse(await readFile(join(dir, run as string, 'checkpoint.json'), 'utf8'));
    assert.equal(index.epoch, 4);
  });

  it('gives up after maxRestarts with GANG_FAILED naming the worker', async () => {
    await assert.rejects(
      trainDataParallel(model(), x, y, {
        loss: 'crossEntropy',
        optimizer: adam(),
        batchSize: 64,
        inputSize: 64,
        epochs: 5,
        numWorkers: 2,
        threadsPerWorker: 1,
        maxRestarts: 1,
        onEpoch: (info) => void info.terminateWorker(0),
      }),
      (e: DeepframeError) =>
        e.errorClass === 'GANG_FAILED' &&
        /worker 0 of 2 died/.test(e.message) &&
        /maxRestarts 1/.test(e.message),
    );
  });

  it('fails at once, without restarting, on an error training raises (a label out of range)', async () => {
    const bad = Float64Array.from(y);
    bad[7] = 12;
    let epochs = 0;
    await assert.rejects(
      trainDataParallel(model(), x, bad, {
        loss: 'crossEntropy',
        optimizer: adam(),
        batchSize: 1797,
        inputSize: 64,
        epochs: 2,
        numWorkers: 2,
        threadsPerWorker: 1,
        onEpoch: () => {
          epochs++;
        },
      }),
      (e: DeepframeError) => e.errorClass === 'LABEL_OUT_OF_RANGE' && /Label 12/.test(e.message),
    );
    assert.equal(epochs, 0);
  });

  it("trains a DataFrame's rows (trainDataParallelOn) as it trains the same rows given as arrays", async () => {
    const session = await Session.builder().master('local[2]').create();
    try {
      const rows = Array.from({ length: y.length }, (_, r) => ({
        features: x.subarray(r * 64, (r + 1) * 64),
        label: y[r] as number,
      }));
      const df = session.createDataFrame(
        rows,
        DataTypes.struct([
          DataTypes.field('features', DataTypes.vector(64)),
          DataTypes.field('label', DataTypes.double),
        ]),
      );
      const options = {
        loss: 'crossEntropy',
        optimizer: adam({ learningRate: 0.01 }),
        batchSize: 128,
        inputSize: 64,
        epochs: 2,
        numWorkers: 2,
        seed: 9,
        threadsPerWorker: 1,
      } as const;
      const fromFrame = await trainDataParallelOn(df, model(), {
        ...options,
        featuresCol: 'features',
        labelCol: 'label',
      });
      const fromArrays = await trainDataParallel(model(), x, y, options);
      assert.deepEqual(fromFrame.weights, fromArrays.weights);
      assert.deepEqual(fromFrame.history, fromArrays.history);
    } finally {
      await session.stop();
    }
  });

  it('refuses bad params before starting threads', async () => {
    const base = { loss: 'crossEntropy', optimizer: adam(), inputSize: 64, epochs: 1 } as const;
    await assert.rejects(
      trainDataParallel(model(), x, y, { ...base, batchSize: 1, numWorkers: 2 }),
      (e: DeepframeError) =>
        e.errorClass === 'INVALID_PARAM' && /batch of 1 rows cannot be shared by 2/.test(e.message),
    );
    await assert.rejects(
      trainDataParallel(model(), x, y, { ...base, batchSize: 64, numWorkers: 0 }),
      (e: DeepframeError) => e.errorClass === 'INVALID_PARAM' && /numWorkers/.test(e.message),
    );
    await assert.rejects(
      trainDataParallel(model(), x.subarray(0, 100), y, { ...base, batchSize: 64 }),
      (e: DeepframeError) => e.errorClass === 'FEATURE_SIZE_MISMATCH',
    );
  });
});
