import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParamError, SchemaError } from '../../src/errors.js';
import { Dropout } from '../../src/nn/dropout.js';
import { ActivationLayer, Dense, mulberry32, Sequential } from '../../src/nn/layers.js';
import { BatchNorm } from '../../src/nn/normalization.js';
import { adam, type OptimizerSpec, sgd } from '../../src/nn/optimizers.js';
import { compileTraining, type Trainer } from '../../src/nn/Trainer.js';

const F = 6;
const BATCH = 8;

/** `batches` seeded batches of `BATCH` rows: F uniform features, 3 classes from the first two features. */
function data(batches: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rand = mulberry32(seed);
  const rows = batches * BATCH;
  const x = Float32Array.from({ length: rows * F }, () => rand() * 2 - 1);
  const y = Int32Array.from({ length: rows }, (_, r) => {
    const s = (x[r * F] ?? 0) + (x[r * F + 1] ?? 0);
    return s < -0.3 ? 0 : s < 0.3 ? 1 : 2;
  });
  return { x, y };
}

const net = () =>
  new Sequential([
    new Dense(5),
    new BatchNorm({ momentum: 0.9 }),
    new ActivationLayer('tanh'),
    new Dense(3, { activation: 'softmax' }),
  ]);

async function trainer(optimizer: OptimizerSpec, stepsPerRun: number, model = net()): Promise<Trainer> {
  return compileTraining(model, {
    loss: 'crossEntropy',
    optimizer,
    batchSize: BATCH,
    inputSize: F,
    seed: 3,
    threads: 1,
    stepsPerRun,
  });
}

describe('Trainer.steps with stepsPerRun', () => {
  for (const optimizer of [adam({ learningRate: 0.05 }), sgd({ learningRate: 0.1, momentum: 0.9 })]) {
    it(`equals one step() per batch, bit for bit (${optimizer.kind}, BatchNorm state)`, async () => {
      const { x, y } = data(10, 1);
      const chained = await trainer(optimizer, 4); // 10 batches: two runs of 4 steps, then 2 single steps
      const single = await trainer(optimizer, 1);
      const losses = await chained.steps(x, y);
      const expected: number[] = [];
      for (let b = 0; b < 10; b++) {
        expected.push(
          await single.step(
            x.subarray(b * BATCH * F, (b + 1) * BATCH * F),
            y.subarray(b * BATCH, (b + 1) * BATCH),
          ),
        );
      }
      assert.deepEqual([...losses], expected);
      assert.deepEqual(await chained.getWeights(), await single.getWeights());
      assert.deepEqual(await chained.getState(), await single.getState());
      // The optimizer state carried over too: one more step from each stays equal.
      const more = data(1, 2);
      assert.equal(await chained.step(more.x, more.y), await single.step(more.x, more.y));
      assert.deepEqual(await chained.getWeights(), await single.getWeights());
      await chained.close();
      await single.close();
    });
  }

  it('draws separate dropout masks for each chained step, reproducibly', async () => {
    const model = () => new Sequential([new Dropout(0.5), new Dense(3)]);
    const { x, y } = data(1, 4);
    const twice = new Float32Array([...x, ...x]);
    const labels = new Int32Array([...y, ...y]);
    // A tiny learning rate: both steps see nearly the same weights, so different losses mean different masks.
    const a = await trainer(sgd({ learningRate: 1e-12 }), 2, model());
    const b = await trainer(sgd({ learningRate: 1e-12 }), 2, model());
    const la = await a.steps(twice, labels);
    assert.notEqual(la[0], la[1]);
    assert.deepEqual(await b.steps(twice, labels), la);
    await a.close();
    await b.close();
  });

  it('rejects a bad stepsPerRun and rows that are not whole batches', async () => {
    await assert.rejects(
      trainer(adam(), 0),
      (e) => e instanceof ParamError && /stepsPerRun must be a positive integer; got 0/.test(e.message),
    );
    await assert.rejects(trainer(adam(), 2.5), ParamError);
    const t = await trainer(adam(), 2);
    const { x, y } = data(2, 5);
    await assert.rejects(
      t.steps(x.subarray(0, (2 * BATCH - 1) * F), y.subarray(0, 2 * BATCH - 1)),
      (e) => e instanceof SchemaError && /not a multiple of batchSize 8/.test(e.message),
    );
    const bad = Int32Array.from(y);
    bad[12] = 7;
    const before = await t.getWeights();
    await assert.rejects(
      t.steps(x, bad),
      (e) => e instanceof ParamError && /Label 7 at row 12/.test(e.message),
    );
    assert.deepEqual(await t.getWeights(), before, 'no step ran before the labels were checked');
    await t.close();
  });
});

describe('Adam', () => {
  it('matches a float64 reference of Adam (Kingma & Ba) on a linear least-squares model', async () => {
    const rows = 16;
    const rand = mulberry32(9);
    const x = Float32Array.from({ length: rows * 3 }, () => rand() * 2 - 1);
    const y = Float32Array.from({ length: rows * 2 }, () => rand());
    const spec = adam({ learningRate: 0.01, beta1: 0.8, beta2: 0.95, epsilon: 1e-4 });
    const t = await compileTraining(new Sequential([new Dense(2)]), {
      loss: 'mse',
      optimizer: spec,
      batchSize: rows,
      inputSize: 3,
      seed: 2,
      stepsPerRun: 3,
    });
    const [kernel, bias] = (await t.getWeights()).map((w) => Float64Array.from(w)) as [
      Float64Array,
      Float64Array,
    ];
    const params = [kernel, bias];
    const m = params.map((p) => new Float64Array(p.length));
    const v = params.map((p) => new Float64Array(p.length));
    const steps = 7;
    for (let step = 1; step <= steps; step++) {
      // Gradients of mean((xW + b − y)²) over rows × 2 outputs.
      const gk = new Float64Array(6);
      const gb = new Float64Array(2);
      for (let r = 0; r < rows; r++) {
        for (let o = 0; o < 2; o++) {
          let p = bias[o] ?? 0;
          for (let i = 0; i < 3; i++) p += (x[r * 3 + i] ?? 0) * (kernel[i * 2 + o] ?? 0);
          const d = (2 * (p - (y[r * 2 + o] ?? 0))) / (rows * 2);
          for (let i = 0; i < 3; i++) gk[i * 2 + o] = (gk[i * 2 + o] ?? 0) + d * (x[r * 3 + i] ?? 0);
          gb[o] = (gb[o] ?? 0) + d;
        }
      }
      [gk, gb].forEach((g, j) => {
        const w = params[j] as Float64Array;
        const mj = m[j] as Float64Array;
        const vj = v[j] as Float64Array;
        for (let i = 0; i < w.length; i++) {
          const gi = g[i] ?? 0;
          mj[i] = spec.beta1 * (mj[i] ?? 0) + (1 - spec.beta1) * gi;
          vj[i] = spec.beta2 * (vj[i] ?? 0) + (1 - spec.beta2) * gi * gi;
          const mHat = (mj[i] ?? 0) / (1 - spec.beta1 ** step);
          const vHat = (vj[i] ?? 0) / (1 - spec.beta2 ** step);
          w[i] = (w[i] ?? 0) - (spec.learningRate * mHat) / (Math.sqrt(vHat) + spec.epsilon);
        }
      });
    }
    // Seven steps on the same batch: two chained runs of 3, then one single step.
    const batches = new Float32Array(steps * rows * 3);
    const targets = new Float32Array(steps * rows * 2);
    for (let s = 0; s < steps; s++) {
      batches.set(x, s * rows * 3);
      targets.set(y, s * rows * 2);
    }
    await t.steps(batches, targets);
    const got = await t.getWeights();
    params.forEach((p, j) => {
      p.forEach((want, i) => {
        const have = got[j]?.[i] ?? Number.NaN;
        assert.ok(
          Math.abs(have - want) <= 1e-6 + 1e-5 * Math.abs(want),
          `param ${j}[${i}]: ${have} vs ${want}`,
        );
      });
    });
    await t.close();
  });
});
