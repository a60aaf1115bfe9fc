import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { ParamError, SchemaError } from '../../src/errors.js';
import { Dense, Flatten, mulberry32, Sequential } from '../../src/nn/layers.js';
import { adam, type OptimizerSpec, sgd } from '../../src/nn/optimizers.js';
import { compileTraining } from '../../src/nn/Trainer.js';

/** Three seeded Gaussian blobs in 2-D, centred on a triangle of radius 3 (unit variance): separable to ~99%. */
function blobs(rows: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rand = mulberry32(seed);
  const x = new Float32Array(rows * 2);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = r % 3;
    const angle = (2 * Math.PI * c) / 3;
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    const rad = Math.sqrt(-2 * Math.log(u));
    x[2 * r] = 3 * Math.cos(angle) + rad * Math.cos(2 * Math.PI * v);
    x[2 * r + 1] = 3 * Math.sin(angle) + rad * Math.sin(2 * Math.PI * v);
    y[r] = c;
  }
  return { x, y };
}

const mlp = () =>
  new Sequential([new Dense(16, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })]);

async function train(seed: number, steps: number, optimizer: OptimizerSpec = adam({ learningRate: 0.02 })) {
  const trainer = await compileTraining(mlp(), {
    loss: 'crossEntropy',
    optimizer,
    batchSize: 30,
    inputSize: 2,
    seed,
    threads: 1,
  });
  const data = blobs(300, 1);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const b = s % 10;
    losses.push(
      await trainer.step(data.x.subarray(b * 60, b * 60 + 60), data.y.subarray(b * 30, b * 30 + 30)),
    );
  }
  return { trainer, losses };
}

describe('compileTraining', () => {
  it('learns 3 Gaussian blobs to ≥ 0.95 accuracy with Adam, and the loss decreases', async () => {
    const { trainer, losses } = await train(42, 200);
    const test = blobs(600, 99);
    const { accuracy, loss } = await trainer.evaluate(test.x, test.y);
    assert.ok((accuracy ?? 0) >= 0.95, `accuracy ${accuracy}`);
    const first = losses.slice(0, 10).reduce((a, b) => a + b) / 10;
    const last = losses.slice(-10).reduce((a, b) => a + b) / 10;
    assert.ok(last < first / 3, `loss ${first} → ${last}`);
    assert.ok(loss < 0.2);
    await trainer.close();
  });

  it('learns with SGD + momentum', async () => {
    const { trainer } = await train(3, 200, sgd({ learningRate: 0.05, momentum: 0.9 }));
    const test = blobs(600, 99);
    assert.ok(((await trainer.evaluate(test.x, test.y)).accuracy ?? 0) >= 0.95);
    await trainer.close();
  });

  it('gives bit-identical weights for the same seed', async () => {
    const a = await train(5, 50);
    const b = await train(5, 50);
    const c = await train(6, 1);
    const wa = await a.trainer.getWeights();
    const wb = await b.trainer.getWeights();
    assert.deepEqual(wa, wb);
    assert.deepEqual(a.losses, b.losses);
    assert.notDeepEqual(await c.trainer.getWeights(), wa);
    for (const t of [a.trainer, b.trainer, c.trainer]) await t.close();
  });

  it('exports an inference model that predicts what the trainer predicts', async () => {
    const { trainer } = await train(42, 30);
    const test = blobs(50, 7);
    const expected = await trainer.predict(test.x);
    const session = await ort.InferenceSession.create(trainer.export());
    const out = await session.run({ input: new ort.Tensor('float32', test.x, [50, 2]) });
    assert.deepEqual(out.output?.data, expected);
    // Probabilities: each row sums to 1.
    for (let r = 0; r < 50; r++) {
      const s = (expected[3 * r] ?? 0) + (expected[3 * r + 1] ?? 0) + (expected[3 * r + 2] ?? 0);
      assert.ok(Math.abs(s - 1) < 1e-5);
    }
    await session.release();
    await trainer.close();
  });

  it('trains a regression head with MSE', async () => {
    const model = new Sequential([new Dense(8, { activation: 'tanh' }), new Dense(1)]);
    const trainer = await compileTraining(model, {
      loss: 'mse',
      optimizer: adam({ learningRate: 0.05 }),
      batchSize: 32,
      inputSize: 2,
      seed: 1,
    });
    const rand = mulberry32(3);
    const x = Float32Array.from({ length: 64 }, () => rand() * 2 - 1);
    const y = Float32Array.from({ length: 32 }, (_, r) => 2 * (x[2 * r] ?? 0) - (x[2 * r + 1] ?? 0));
    const first = await trainer.step(x, y);
    let last = first;
    for (let s = 0; s < 200; s++) last = await trainer.step(x, y);
    assert.ok(last < first / 20, `${first} → ${last}`);
    await trainer.close();
  });

  it('takes shaped rows through Flatten', async () => {
    const model = new Sequential([new Flatten(), new Dense(4, { activation: 'sigmoid' }), new Dense(2)]);
    const trainer = await compileTraining(model, {
      loss: 'crossEntropy',
      optimizer: sgd({ learningRate: 0.5 }),
      batchSize: 2,
      inputSize: [1, 2],
    });
    const x = Float32Array.of(1, 0, 0, 1);
    const first = await trainer.step(x, [0, 1]);
    let last = first;
    for (let s = 0; s < 50; s++) last = await trainer.step(x, [0, 1]);
    assert.ok(last < first);
    const session = await ort.InferenceSession.create(trainer.export());
    const out = await session.run({ input: new ort.Tensor('float32', x, [2, 1, 2]) });
    assert.deepEqual(out.output?.data, await trainer.predict(x));
    await session.release();
    await trainer.close();
  });

  it('rejects bad input with clear errors', async () => {
    const trainer = await compileTraining(mlp(), {
      loss: 'crossEntropy',
      optimizer: adam(),
      batchSize: 2,
      inputSize: 2,
    });
    const x = new Float32Array(4);
    await assert.rejects(
      trainer.step(x, [0, 3]),
      (e) => e instanceof ParamError && e.errorClass === 'LABEL_OUT_OF_RANGE',
    );
    await assert.rejects(trainer.step(x, [0, 1.5]), ParamError);
    await assert.rejects(
      trainer.step(new Float32Array(5), [0, 1]),
      (e) => e instanceof SchemaError && e.errorClass === 'FEATURE_SIZE_MISMATCH',
    );
    await assert.rejects(trainer.step(x, [0]), SchemaError);
    await assert.rejects(trainer.predict(new Float32Array(3)), SchemaError);
    await assert.rejects(
      compileTraining(new Sequential([new Dense(3, { activation: 'relu' })]), {
        loss: 'crossEntropy',
        optimizer: adam(),
        batchSize: 2,
        inputSize: 2,
      }),
      ParamError,
    );
    assert.throws(() => new Dense(0), ParamError);
    assert.throws(() => adam({ learningRate: -1 }), ParamError);
    await trainer.close();
  });
});
