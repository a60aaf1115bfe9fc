import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { Tape, type Value } from '../../src/nn/autodiff.js';
import { GraphBuilder } from '../../src/nn/graph.js';
import { mulberry32 } from '../../src/nn/layers.js';

/**
 * Gradient checks: each op's emitted gradient graph runs in float64 in ONNX Runtime and is compared with central
 * finite differences of the same graph's loss (h = 1e-5). In float64 the truncation error is O(h²) ≈ 1e-10 and the
 * rounding error ≈ 1e-16/h ≈ 1e-11, so 1e-6 (relative to max(1, |g|)) is a safe tolerance.
 */
type Build = (t: Tape, a: Value, b: Value, y: Value) => Value;

async function gradCheck(
  build: Build,
  aShape: number[],
  bShape: number[],
  yShape: number[],
  yData?: number[],
): Promise<void> {
  const g = new GraphBuilder();
  const t = new Tape(g, 'float64');
  const a = t.leaf(g.input('a', 'float64', aShape), aShape, true);
  const b = t.leaf(g.input('b', 'float64', bShape), bShape, true);
  const y = t.leaf(g.input('y', 'float64', yShape), yShape, false);
  const loss = build(t, a, b, y);
  const [ga, gb] = t.backward(loss, [a, b]);
  g.output(loss.name, 'float64', [], 'loss');
  g.output(ga as string, 'float64', aShape, 'ga');
  g.output(gb as string, 'float64', bShape, 'gb');
  const session = await ort.InferenceSession.create(g.toBytes());
  const rand = mulberry32(7);
  const n = (s: number[]) => s.reduce((p, q) => p * q, 1);
  const av = Float64Array.from({ length: n(aShape) }, () => rand() * 2 - 1);
  const bv = Float64Array.from({ length: n(bShape) }, () => rand() * 2 - 1);
  const yv =
    yData === undefined ? Float64Array.from({ length: n(yShape) }, () => rand()) : Float64Array.from(yData);
  const run = async (A: Float64Array, B: Float64Array) =>
    session.run({
      a: new ort.Tensor('float64', A, aShape),
      b: new ort.Tensor('float64', B, bShape),
      y: new ort.Tensor('float64', yv, yShape),
    });
  const base = await run(av, bv);
  const h = 1e-5;
  for (const [which, vals, grad] of [
    ['a', av, base.ga?.data],
    ['b', bv, base.gb?.data],
  ] as const) {
    for (let i = 0; i < vals.length; i++) {
      const plus = Float64Array.from(vals);
      const minus = Float64Array.from(vals);
      plus[i] = (plus[i] as number) + h;
      minus[i] = (minus[i] as number) - h;
      const lp = which === 'a' ? await run(plus, bv) : await run(av, plus);
      const lm = which === 'a' ? await run(minus, bv) : await run(av, minus);
      const value = (r: typeof lp) => Number((r.loss as ort.Tensor).data[0]);
      const fd = (value(lp) - value(lm)) / (2 * h);
      const an = (grad as Float64Array)[i] as number;
      assert.ok(
        Math.abs(fd - an) <= 1e-6 * Math.max(1, Math.abs(fd)),
        `d/d${which}[${i}]: analytic ${an}, numeric ${fd}`,
      );
    }
  }
  await session.release();
}

describe('autodiff gradients (float64, central differences)', () => {
  it('Gemm with bias, MSE', () => gradCheck((t, a, b, y) => t.mse(t.dense(a, b, y), y), [3, 4], [4, 2], [2]));
  it('MatMul + relu, MSE', () =>
    gradCheck((t, a, b, y) => t.mse(t.relu(t.matmul(a, b)), y), [3, 4], [4, 2], [3, 2]));
  it('Add broadcasting a bias row, Mul, sigmoid', () =>
    gradCheck((t, a, b, y) => t.mse(t.sigmoid(t.mul(t.add(a, b), a)), y), [3, 2], [1, 2], [3, 2]));
  it('Sub with a broadcast vector, tanh', () =>
    gradCheck((t, a, b, y) => t.mse(t.tanh(t.sub(a, b)), y), [2, 3], [3], [2, 3]));
  it('softmax, Flatten, Reshape', () =>
    gradCheck(
      (t, a, b, y) => t.mse(t.softmax(t.matmul(t.flatten(t.reshape(a, [2, 2, 2])), b)), y),
      [2, 4],
      [4, 3],
      [2, 3],
    ));
  it('softmax cross-entropy (fused)', () =>
    gradCheck(
      (t, a, b, y) => t.softmaxCrossEntropy(t.matmul(a, b), y),
      [3, 4],
      [4, 3],
      [3, 3],
      [1, 0, 0, 0, 0, 1, 0, 1, 0],
    ));
  it('an input used twice accumulates its gradients', () =>
    gradCheck((t, a, b, y) => t.mse(t.add(t.mul(a, a), t.mul(a, b)), y), [2, 2], [2, 2], [2, 2]));
});
