import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { type Digits, loadDigits } from '../../src/cli/digits.js';
import { decodeModel } from '../../src/models/onnxProto.js';
import { Conv2D } from '../../src/nn/conv.js';
import { Dropout } from '../../src/nn/dropout.js';
import { ActivationLayer, Dense, Flatten, Sequential } from '../../src/nn/layers.js';
import { BatchNorm } from '../../src/nn/normalization.js';
import { adam } from '../../src/nn/optimizers.js';
import { GlobalAvgPool2D, MaxPool2D } from '../../src/nn/pooling.js';
import { compileTraining, type Trainer } from '../../src/nn/Trainer.js';

/** The shipped 8×8 digits as `[1, 8, 8]` rows scaled to [0, 1], in the order of `indices`. */
function rows(d: Digits, indices: readonly number[]): { x: Float32Array; y: Uint8Array } {
  const x = new Float32Array(indices.length * 64);
  const y = new Uint8Array(indices.length);
  indices.forEach((i, r) => {
    for (let p = 0; p < 64; p++) x[r * 64 + p] = (d.pixels[i * 64 + p] ?? 0) / 255;
    y[r] = d.labels[i] ?? 0;
  });
  return { x, y };
}

/** Conv2D → BatchNorm → relu → MaxPool → Flatten → Dropout → Dense softmax. */
const cnn = () =>
  new Sequential([
    new Conv2D(16, 3, { padding: 'same', useBias: false }),
    new BatchNorm({ momentum: 0.9 }),
    new ActivationLayer('relu'),
    new MaxPool2D(2),
    new Flatten(),
    new Dropout(0.25),
    new Dense(10, { activation: 'softmax' }),
  ]);

const BATCH = 32;

/** `steps` Adam steps over the training rows in order, batch after batch (wrapping around). */
async function train(
  model: Sequential,
  train: { x: Float32Array; y: Uint8Array },
  steps: number,
  seed: number,
) {
  const trainer = await compileTraining(model, {
    loss: 'crossEntropy',
    optimizer: adam({ learningRate: 0.01 }),
    batchSize: BATCH,
    inputSize: [1, 8, 8],
    seed,
    threads: 1,
  });
  const batches = Math.floor(train.y.length / BATCH);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const b = s % batches;
    losses.push(
      await trainer.step(
        train.x.subarray(b * BATCH * 64, (b + 1) * BATCH * 64),
        train.y.subarray(b * BATCH, (b + 1) * BATCH),
      ),
    );
  }
  return { trainer, losses };
}

function argmax(p: Float32Array): number[] {
  const out: number[] = [];
  for (let r = 0; r < p.length / 10; r++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if ((p[r * 10 + c] ?? 0) > (p[r * 10 + best] ?? 0)) best = c;
    out.push(best);
  }
  return out;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] ?? 0))), 0);
}

function opTypes(bytes: Uint8Array): string[] {
  return (decodeModel(bytes).graph?.node ?? []).map((n) => n.opType ?? '');
}

describe('a CNN on the shipped 8×8 digits', () => {
  let digits: Digits;
  let trainRows: { x: Float32Array; y: Uint8Array };
  let testRows: { x: Float32Array; y: Uint8Array };
  let trained: { trainer: Trainer; losses: number[] };

  before(async () => {
    digits = await loadDigits();
    trainRows = rows(digits, digits.train);
    testRows = rows(digits, digits.test);
    // 5 epochs of the 1,437 training rows (44 batches of 32).
    trained = await train(cnn(), trainRows, 220, 1);
  });

  after(() => trained.trainer.close());

  it('reaches ≥ 95% accuracy on the 360 held-out rows', async () => {
    const { accuracy, loss } = await trained.trainer.evaluate(testRows.x, testRows.y);
    assert.ok((accuracy ?? 0) >= 0.95, `accuracy ${accuracy}, loss ${loss}`);
    const first = trained.losses.slice(0, 10).reduce((a, b) => a + b) / 10;
    const last = trained.losses.slice(-10).reduce((a, b) => a + b) / 10;
    assert.ok(last < first / 5, `loss ${first} → ${last}`);
  });

  it('exports an inference model (no dropout, BatchNormalization on the moving statistics) that ort runs on any batch', async () => {
    const bytes = trained.trainer.export();
    const ops = opTypes(bytes);
    assert.ok(
      ops.includes('Conv') && ops.includes('MaxPool') && ops.includes('BatchNormalization'),
      ops.join(),
    );
    assert.ok(!ops.includes('Dropout') && !ops.includes('ReduceMean'), ops.join());
    const expected = await trained.trainer.predict(testRows.x);
    const input = new ort.Tensor('float32', testRows.x, [360, 1, 8, 8]);
    // As built, the model computes exactly what the trainer's predictor computes.
    const exact = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
    assert.deepEqual((await exact.run({ input })).output?.data, expected);
    // ONNX Runtime's default optimizations fold the constant batch norm into the convolution, which moves the last
    // bits: the same classes, probabilities within 1e-6 (float32 rounding of a few dozen products).
    const session = await ort.InferenceSession.create(bytes);
    const all = (await session.run({ input })).output?.data as Float32Array;
    assert.deepEqual(argmax(all), argmax(expected));
    assert.ok(maxDiff(all, expected) <= 1e-6, `max difference ${maxDiff(all, expected)}`);
    const one = await session.run({
      input: new ort.Tensor('float32', testRows.x.subarray(64, 128), [1, 1, 8, 8]),
    });
    assert.ok(maxDiff(one.output?.data as Float32Array, expected.subarray(10, 20)) <= 1e-6);
    await exact.release();
    await session.release();
  });

  it('predicts deterministically at inference (dropout off, moving statistics)', async () => {
    const a = await trained.trainer.predict(testRows.x.subarray(0, 640));
    const b = await trained.trainer.predict(testRows.x.subarray(0, 640));
    assert.deepEqual(a, b);
  });

  it('gives bit-identical weights, moving statistics and losses for the same seed, with dropout and BN', async () => {
    const a = await train(cnn(), trainRows, 30, 9);
    const b = await train(cnn(), trainRows, 30, 9);
    const c = await train(cnn(), trainRows, 30, 10);
    assert.deepEqual(await a.trainer.getWeights(), await b.trainer.getWeights());
    assert.deepEqual(await a.trainer.getState(), await b.trainer.getState());
    assert.deepEqual(a.losses, b.losses);
    assert.notDeepEqual(await c.trainer.getWeights(), await a.trainer.getWeights());
    for (const t of [a.trainer, b.trainer, c.trainer]) await t.close();
  });

  it('needs no Flatten after a GlobalAvgPool2D', async () => {
    const model = new Sequential([
      new Conv2D(8, 3, { activation: 'relu' }),
      new GlobalAvgPool2D(),
      new Dense(10, { activation: 'softmax' }),
    ]);
    const { trainer, losses } = await train(model, trainRows, 20, 3);
    assert.ok(losses.every(Number.isFinite));
    assert.deepEqual(
      (await trainer.getWeights()).map((w) => w.length),
      [8 * 9, 8, 8 * 10, 10],
    );
    await trainer.close();
  });
});
