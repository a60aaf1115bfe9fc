import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { Tape } from '../../src/nn/autodiff.js';
import { conv2d, type Window2D, window2d } from '../../src/nn/conv.js';
import { GraphBuilder } from '../../src/nn/graph.js';
import { batchNormTraining } from '../../src/nn/normalization.js';
import { avgPool2d, globalAvgPool, globalMaxPool, maxPool2d } from '../../src/nn/poolingOps.js';
import { gradCheck } from './gradCheck.js';

/**
 * Gradient checks of the spatial, normalization, dropout and loss ops against central finite differences of the
 * same graph's loss (an MSE against random targets unless said otherwise).
 *
 * float64 where ONNX Runtime's CPU provider has float64 kernels (MaxPool, the global pools as reductions, batch
 * normalization, dropout, the losses): h = 1e-5, tolerance 1e-6 relative to max(1, |g|), as in autodiff.test.ts.
 *
 * Conv, ConvTranspose and AveragePool run in float32 only. Those ops are linear, so an MSE of them is a quadratic
 * function of each input, whose central difference is exact for any step: the only error is rounding. With h = 0.1
 * the float32 loss (≈ 1, rounding ≈ 1e-7 per evaluation) gives numeric gradients good to ≈ 1e-6; the analytic
 * ones sum ≤ 100 float32 products (≈ 1e-6 relative). Tolerance 2e-5 relative to max(1, |g|).
 */
const F32 = { dtype: 'float32', h: 0.1, tol: 2e-5 } as const;

describe('conv2d gradients (float32, exact-quadratic differences)', () => {
  const check = (
    x: [number, number, number, number],
    filters: number,
    kernel: [number, number],
    strides: [number, number],
    padding: 'valid' | 'same',
    bias = true,
  ) => {
    const win = window2d('Conv2D', [x[2], x[3]], kernel, strides, padding);
    const y = [x[0], filters, ...win.out];
    return gradCheck(
      [
        { shape: x },
        { shape: [filters, x[1], ...kernel] },
        ...(bias ? [{ shape: [filters] }] : []),
        { shape: y, grad: false },
      ],
      (t, [xv, w, ...rest]) => {
        const target = rest[rest.length - 1]!;
        return t.mse(conv2d(t, xv!, w!, bias ? rest[0] : undefined, win), target);
      },
      F32,
    );
  };
  it('valid, stride 1, with bias', () => check([2, 3, 5, 5], 4, [3, 3], [1, 1], 'valid'));
  it('valid, stride 2, rows the window never reaches (output_padding 1)', () =>
    check([2, 2, 6, 7], 3, [3, 3], [2, 2], 'valid'));
  it('same, stride 2, without bias', () => check([2, 2, 5, 5], 3, [3, 3], [2, 2], 'same', false));
  it('same with an even, non-square kernel (odd padding at the bottom and right), strides [2, 1]', () =>
    check([1, 2, 5, 6], 2, [2, 3], [2, 1], 'same'));
});

describe('pooling gradients', () => {
  const pool = (
    op: typeof maxPool2d,
    x: [number, number, number, number],
    kernel: [number, number],
    strides: [number, number],
    padding: 'valid' | 'same',
    dtype: 'float32' | 'float64',
  ) => {
    const win = window2d('Pool', [x[2], x[3]], kernel, strides, padding);
    return gradCheck(
      [{ shape: x }, { shape: [x[0], x[1], ...win.out], grad: false }],
      (t, [xv, y]) => t.mse(op(t, xv!, win), y!),
      dtype === 'float64' ? {} : F32,
    );
  };
  // Windows that tile the input (stride = window) take the Reshape/Transpose path, others the Gather/Scatter one.
  it('max pool 2×2, tiling windows (float64)', () =>
    pool(maxPool2d, [2, 2, 4, 4], [2, 2], [2, 2], 'valid', 'float64'));
  it('max pool 2×2 on 5×5: the last row and column get no gradient (float64)', () =>
    pool(maxPool2d, [1, 2, 5, 5], [2, 2], [2, 2], 'valid', 'float64'));
  it('max pool 3×2 tiling, same padding on 7×5 (float64)', () =>
    pool(maxPool2d, [2, 2, 7, 5], [3, 2], [3, 2], 'same', 'float64'));
  it('max pool 3×3 stride 2, overlapping windows, same padding (float64)', () =>
    pool(maxPool2d, [2, 2, 6, 5], [3, 3], [2, 2], 'same', 'float64'));
  it('max pool 3×3 stride 1, each input in up to 9 windows (float64)', () =>
    pool(maxPool2d, [1, 1, 5, 5], [3, 3], [1, 1], 'valid', 'float64'));
  it('max pool 2×2 stride 3, gaps between windows (float64)', () =>
    pool(maxPool2d, [1, 2, 7, 7], [2, 2], [3, 3], 'valid', 'float64'));
  it('average pool 2×2, tiling windows (float32)', () =>
    pool(avgPool2d, [2, 2, 4, 4], [2, 2], [2, 2], 'valid', 'float32'));
  it('average pool 3×3 tiling on 7×8: remainders with valid, padding left out of the count with same (float32)', async () => {
    await pool(avgPool2d, [1, 2, 7, 8], [3, 3], [3, 3], 'valid', 'float32');
    await pool(avgPool2d, [1, 2, 7, 8], [3, 3], [3, 3], 'same', 'float32');
  });
  it('average pool 3×3 stride 2, overlapping, same padding left out of the count (float32)', () =>
    pool(avgPool2d, [2, 2, 6, 5], [3, 3], [2, 2], 'same', 'float32'));
  it('global average and max pool (float64)', async () => {
    await gradCheck([{ shape: [2, 3, 3, 4] }, { shape: [2, 3], grad: false }], (t, [x, y]) =>
      t.mse(globalAvgPool(t, x!), y!),
    );
    await gradCheck([{ shape: [2, 3, 3, 4] }, { shape: [2, 3], grad: false }], (t, [x, y]) =>
      t.mse(globalMaxPool(t, x!), y!),
    );
  });

  /** The gradient of `mean((maxpool(x)·w)²)` with respect to x, and the pooled values, for one `[1, 1, h, w]` image. */
  async function routed(x: number[], hw: [number, number], win: Window2D, w: number[]) {
    const g = new GraphBuilder();
    const t = new Tape(g, 'float64');
    const shape = [1, 1, ...hw];
    const xv = t.leaf(g.input('x', 'float64', shape), shape, true);
    const y = maxPool2d(t, xv, win);
    const wv = t.leaf(g.initializer('w', 'float64', y.shape, w), y.shape, false);
    const loss = t.mse(t.mul(y, wv), t.leaf(g.initializer('zero', 'float64', [], [0]), [], false));
    const [dx] = t.backward(loss, [xv]);
    g.output(dx as string, 'float64', shape, 'dx');
    g.output(y.name, 'float64', y.shape, 'y');
    const session = await ort.InferenceSession.create(g.toBytes());
    const out = await session.run({ x: new ort.Tensor('float64', Float64Array.from(x), shape) });
    await session.release();
    return { y: Array.from(out.y?.data as Float64Array), dx: Array.from(out.dx?.data as Float64Array) };
  }

  it('routes a max pool gradient to the first of tied maxima and sums where windows overlap', async () => {
    // 2×2 windows with stride 1 over a 3×3 image: the centre 9 is the maximum of all four windows, tied with the
    // bottom-right 9 in the last window, where the first (the centre) wins.
    const overlap = await routed(
      [5, 5, 1, 2, 9, 3, 4, 6, 9],
      [3, 3],
      window2d('Pool', [3, 3], [2, 2], [1, 1], 'valid'),
      [1, 2, 3, 4],
    );
    assert.deepEqual(overlap.y, [9, 9, 9, 9]);
    // d loss / d y = 2·y·w²/4 = [4.5, 18, 40.5, 72]; the centre takes all four: 135.
    assert.deepEqual(overlap.dx, [0, 0, 0, 0, 135, 0, 0, 0, 0]);
    // Tiling 2×2 windows over a 2×4 image, both with ties: dy = y·w² = [5, 3] goes to the first of each.
    const tiled = await routed(
      [1, 5, 3, 0, 5, 5, 3, 3],
      [2, 4],
      window2d('Pool', [2, 4], [2, 2], [2, 2], 'valid'),
      [1, 1],
    );
    assert.deepEqual(tiled.y, [5, 3]);
    assert.deepEqual(tiled.dx, [0, 5, 3, 0, 0, 0, 0, 0]);
  });
});

describe('batch normalization gradients in training mode (float64)', () => {
  it('over the channels of [B, C, H, W], through the batch statistics, with γ and β', () =>
    gradCheck(
      [{ shape: [3, 2, 2, 3] }, { shape: [2] }, { shape: [2] }, { shape: [3, 2, 2, 3], grad: false }],
      (t, [x, gamma, beta, y]) => t.mse(t.sigmoid(batchNormTraining(t, x!, gamma!, beta!, 1e-3).y), y!),
    ));
  it('over the features of [B, F]', () =>
    gradCheck(
      [{ shape: [4, 3] }, { shape: [3] }, { shape: [3] }, { shape: [4, 3], grad: false }],
      (t, [x, gamma, beta, y]) => t.mse(t.tanh(batchNormTraining(t, x!, gamma!, beta!, 1e-5).y), y!),
    ));
});

describe('dropout, softmax over channels, binary cross-entropy (float64)', () => {
  it('dropout: the gradient goes through the same mask (one mask per fresh session)', () =>
    gradCheck(
      [{ shape: [4, 5] }, { shape: [4, 5], grad: false }],
      (t, [x, y]) => t.mse(t.tanh(t.dropout(x!, 0.4, 11)), y!),
      { fresh: true },
    ));
  it('softmax over axis 1 of [B, C, H, W]', () =>
    gradCheck([{ shape: [2, 3, 2, 2] }, { shape: [2, 3, 2, 2], grad: false }], (t, [x, y]) =>
      t.mse(t.softmax(x!, 1), y!),
    ));
  it('binary cross-entropy from logits, several outputs, 0/1 and soft targets', () =>
    gradCheck(
      [{ shape: [3, 4] }, { shape: [4, 2] }, { shape: [3, 2], grad: false, data: [1, 0, 0, 1, 1, 0.25] }],
      (t, [x, w, y]) => t.sigmoidBinaryCrossEntropy(t.matmul(x!, w!), y!),
    ));
  it('binary cross-entropy stays finite and exact for large logits', async () => {
    const g = new GraphBuilder();
    const t = new Tape(g, 'float32');
    const z = t.leaf(g.input('z', 'float32', [1, 4]), [1, 4], true);
    const y = t.leaf(g.input('y', 'float32', [1, 4]), [1, 4], false);
    const loss = t.sigmoidBinaryCrossEntropy(z, y);
    const [dz] = t.backward(loss, [z]);
    g.output(loss.name, 'float32', [], 'loss');
    g.output(dz as string, 'float32', [1, 4], 'dz');
    const session = await ort.InferenceSession.create(g.toBytes());
    const out = await session.run({
      z: new ort.Tensor('float32', Float32Array.of(200, -200, 200, -200), [1, 4]),
      y: new ort.Tensor('float32', Float32Array.of(1, 0, 0, 1), [1, 4]),
    });
    // Two confident right answers (loss 0) and two confident wrong ones (loss 200 each): mean 100.
    assert.equal(Number(out.loss?.data[0]), 100);
    assert.deepEqual(Array.from(out.dz?.data as Float32Array), [0, 0, 0.25, -0.25]);
    await session.release();
  });
});
