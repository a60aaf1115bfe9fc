import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { Tape, type Value } from '../../src/nn/autodiff.js';
import { GraphBuilder } from '../../src/nn/graph.js';
import { mulberry32 } from '../../src/nn/layers.js';

/** One input of a checked graph: its shape, whether it gets a gradient, and fixed data (default random). */
export interface CheckInput {
  readonly shape: readonly number[];
  readonly grad?: boolean;
  readonly data?: readonly number[];
}

/** How to check: element type, finite-difference step, tolerance, and a fresh session per evaluation. */
export interface CheckOptions {
  readonly dtype?: 'float32' | 'float64';
  readonly h?: number;
  /** Allowed |numeric − analytic| / max(1, |numeric|). */
  readonly tol?: number;
  /** For ops with per-run randomness (Dropout): each evaluation in a new session, so every run sees one mask. */
  readonly fresh?: boolean;
  readonly seed?: number;
}

/**
 * Compares the gradients that {@link Tape.backward} emits with central finite differences of the same graph's
 * loss, element by element, for every input with `grad`. With `GRADCHECK_REPORT=1` in the environment, prints the
 * largest deviation seen (scaled as `tol`).
 */
export async function gradCheck(
  inputs: readonly CheckInput[],
  build: (t: Tape, values: Value[]) => Value,
  options: CheckOptions = {},
): Promise<void> {
  const dtype = options.dtype ?? 'float64';
  const h = options.h ?? 1e-5;
  const tol = options.tol ?? 1e-6;
  const g = new GraphBuilder();
  const t = new Tape(g, dtype);
  const values = inputs.map((inp, i) =>
    t.leaf(g.input(`in${i}`, dtype, inp.shape), inp.shape, inp.grad ?? true),
  );
  const loss = build(t, values);
  const wrt = values.filter((v) => v.requiresGrad);
  const grads = t.backward(loss, wrt);
  g.output(loss.name, dtype, [], 'loss');
  grads.forEach((gr, i) => {
    g.output(gr, dtype, wrt[i]?.shape ?? [], `grad${i}`);
  });
  const bytes = g.toBytes();
  const rand = mulberry32(options.seed ?? 7);
  const Arr = (v: ArrayLike<number>) => (dtype === 'float64' ? Float64Array.from(v) : Float32Array.from(v));
  const data = inputs.map((inp) => {
    const n = inp.shape.reduce((a, b) => a * b, 1);
    return Arr(inp.data ?? Array.from({ length: n }, () => rand() * 2 - 1));
  });
  let shared: ort.InferenceSession | undefined;
  const run = async (d: readonly (Float32Array | Float64Array)[]) => {
    const session = options.fresh === true ? await ort.InferenceSession.create(bytes) : shared;
    const feeds: Record<string, ort.Tensor> = {};
    d.forEach((v, i) => {
      feeds[`in${i}`] = new ort.Tensor(dtype, v, inputs[i]?.shape ?? []);
    });
    const out = await (session as ort.InferenceSession).run(feeds);
    if (options.fresh === true) await session?.release();
    return out;
  };
  if (options.fresh !== true) shared = await ort.InferenceSession.create(bytes);
  const base = await run(data);
  let worst = 0;
  let w = 0;
  for (let k = 0; k < inputs.length; k++) {
    if (!(inputs[k]?.grad ?? true)) continue;
    const analytic = base[`grad${w++}`]?.data as Float32Array | Float64Array;
    const vals = data[k] as Float32Array | Float64Array;
    for (let i = 0; i < vals.length; i++) {
      const plus = Arr(vals);
      const minus = Arr(vals);
      plus[i] = (plus[i] as number) + h;
      minus[i] = (minus[i] as number) - h;
      const value = async (changed: Float32Array | Float64Array) => {
        const out = await run(data.map((d, j) => (j === k ? changed : d)));
        return Number((out.loss as ort.Tensor).data[0]);
      };
      // The step actually taken, after rounding to the element type.
      const step = (plus[i] as number) - (minus[i] as number);
      const numeric = ((await value(plus)) - (await value(minus))) / step;
      const an = analytic[i] as number;
      const dev = Math.abs(numeric - an) / Math.max(1, Math.abs(numeric));
      worst = Math.max(worst, dev);
      assert.ok(dev <= tol, `input ${k}[${i}]: analytic ${an}, numeric ${numeric}`);
    }
  }
  await shared?.release();
  if (process.env.GRADCHECK_REPORT === '1')
    console.error(`gradCheck ${dtype}: worst deviation ${worst.toExponential(2)}`);
}
