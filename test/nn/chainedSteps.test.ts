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

/** Row-major `[r × k]·[k × c]`, with `a` transposed (`[k × r]` stored) when `ta`. */
function matmul(a: Float64Array, b: Float64Array, r: number, k: number, c: number, ta = false): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < k; j++) {
      const av = (ta ? a[j * r + i] : a[i * k + j]) ?? 0;
      if (av === 0) continue;
      for (let l = 0; l < c; l++) out[i * c + l] = (out[i * c + l] ?? 0) + av * (b[j * c + l] ?? 0);
    }
  }
  return out;
}

describe('Adam', () => {
  // Two linear layers `features → 4 → 2` under MSE, so the reference's gradients are a few matrix products. With
  // 8192 features the first kernel is large (its own moments) and the other three parameters share flat ones; with
  // 3 features all four share them.
  for (const features of [3, 8192]) {
    it(`matches a float64 reference of Adam (Kingma & Ba), ${features} features`, async () => {
      const rows = 16;
      const rand = mulberry32(9);
      const x = Float64Array.from(Float32Array.from({ length: rows * features }, () => rand() * 2 - 1));
      const y = Float64Array.from(Float32Array.from({ length: rows * 2 }, () => rand()));
      const spec = adam({ learningRate: 0.01, beta1: 0.8, beta2: 0.95, epsilon: 1e-4 });
      const t = await compileTraining(new Sequential([new Dense(4), new Dense(2)]), {
        loss: 'mse',
        optimizer: spec,
        batchSize: rows,
        inputSize: features,
        seed: 2,
        stepsPerRun: 3,
      });
      const params = (await t.getWeights()).map((w) => Float64Array.from(w));
      const [w1, b1, w2, b2] = params as [Float64Array, Float64Array, Float64Array, Float64Array];
      const m = params.map((p) => new Float64Array(p.length));
      const v = params.map((p) => new Float64Array(p.length));
      const steps = 7;
      for (let step = 1; step <= steps; step++) {
        const h = matmul(x, w1, rows, features, 4).map((z, i) => z + (b1[i % 4] ?? 0));
        const p = matmul(h, w2, rows, 4, 2).map((z, i) => z + (b2[i % 2] ?? 0));
        const dp = p.map((z, i) => (2 * (z - (y[i] ?? 0))) / (rows * 2));
        const dh = new Float64Array(rows * 4);
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < 4; j++) {
            for (let o = 0; o < 2; o++)
              dh[r * 4 + j] = (dh[r * 4 + j] ?? 0) + (dp[r * 2 + o] ?? 0) * (w2[j * 2 + o] ?? 0);
          }
        }
        const colSum = (d: Float64Array, c: number) => {
          const out = new Float64Array(c);
          d.forEach((z, i) => {
            out[i % c] = (out[i % c] ?? 0) + z;
          });
          return out;
        };
        const grads = [
          matmul(x, dh, features, rows, 4, true),
          colSum(dh, 4),
          matmul(h, dp, 4, rows, 2, true),
          colSum(dp, 2),
        ];
        grads.forEach((g, j) => {
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
      const batches = new Float32Array(steps * rows * features);
      const targets = new Float32Array(steps * rows * 2);
      for (let s = 0; s < steps; s++) {
        batches.set(x, s * rows * features);
        targets.set(y, s * rows * 2);
      }
      await t.steps(batches, targets);
      // float32 against float64: the weights moved by up to lr·steps = 0.07. A mistake moves them by ~lr = 0.01;
      // float32 rounding (sums over 8192 features, Adam dividing small moments) by up to ~1e-5.
      const got = await t.getWeights();
      let worst = 0;
      params.forEach((p, j) => {
        p.forEach((want, i) => {
          worst = Math.max(worst, Math.abs((got[j]?.[i] ?? Number.NaN) - want));
        });
      });
      assert.ok(worst <= 1e-4, `largest difference ${worst}`);
      await t.close();
    });
  }
});
