/**
 * Reverse-mode automatic differentiation that writes the backward pass as ordinary ONNX nodes into the same
 * {@link GraphBuilder} as the forward pass.
 *
 * A {@link Tape} emits each forward op and records how to emit its gradient; {@link Tape.backward} walks the
 * record in reverse. Shapes are static (the training graph has a fixed batch size); a batch dimension of `-1` is
 * allowed in forward-only graphs, which never call `backward`.
 *
 * Gradients: Gemm/MatMul through Gemm with `transA`/`transB`; Add/Sub/Mul reduce broadcast axes with ReduceSum;
 * Relu through `Where(Greater(x, 0), g, 0)`; Sigmoid `g·y·(1−y)`; Tanh `g·(1−y²)`; Softmax `y·(g − Σ g·y)`;
 * softmax cross-entropy fused through LogSoftmax with gradient `(softmax − onehot)/B`; MSE `2·(p − t)/n`;
 * Flatten/Reshape by reshaping back.
 *
 * @module
 */

import { ParamError } from '../errors.js';
import type { GraphBuilder } from './graph.js';

/** A value in the graph: its name, static shape, and whether a gradient flows to it. */
export interface Value {
  readonly name: string;
  readonly shape: readonly number[];
  readonly requiresGrad: boolean;
}

interface Record_ {
  readonly inputs: readonly Value[];
  readonly output: Value;
  /** Emits the gradients of the inputs given the output's gradient (undefined: no gradient). */
  readonly backward: (g: string) => readonly (string | undefined)[];
}

/**
 * Emits forward ops and, on {@link Tape.backward}, their gradients.
 *
 * @example
 * ```ts
 * const g = new GraphBuilder();
 * const t = new Tape(g, 'float32');
 * const x = t.leaf(g.input('x', 'float32', [4, 3]), [4, 3], false);
 * const w = t.leaf(g.input('w', 'float32', [3, 2]), [3, 2], true);
 * const loss = t.mse(t.matmul(x, w), t.leaf(g.input('y', 'float32', [4, 2]), [4, 2], false));
 * const [dw] = t.backward(loss, [w]);
 * ```
 */
export class Tape {
  private readonly records: Record_[] = [];
  private readonly consts = new Map<string, string>();

  constructor(
    readonly g: GraphBuilder,
    readonly dtype: 'float32' | 'float64',
  ) {}

  /** Wraps an existing graph value (an input or initializer). */
  leaf(name: string, shape: readonly number[], requiresGrad: boolean): Value {
    return { name, shape, requiresGrad };
  }

  /** A scalar constant of the tape's element type (cached). */
  scalar(v: number): string {
    const key = `f${v}`;
    let name = this.consts.get(key);
    if (name === undefined) {
      name = this.g.initializer('c', this.dtype, [], [v]);
      this.consts.set(key, name);
    }
    return name;
  }

  /** An int64 1-D constant (shapes, axes; cached). */
  ints(v: readonly number[]): string {
    const key = `i${v.join(',')}`;
    let name = this.consts.get(key);
    if (name === undefined) {
      name = this.g.initializer('ci', 'int64', [v.length], v);
      this.consts.set(key, name);
    }
    return name;
  }

  private op(
    opType: string,
    inputs: readonly Value[],
    shape: readonly number[],
    backward: Record_['backward'],
    attrs: Record<string, number | number[]> = {},
    extra: readonly string[] = [],
  ): Value {
    const name = this.g.node(opType, [...inputs.map((v) => v.name), ...extra], attrs);
    const output = { name, shape, requiresGrad: inputs.some((v) => v.requiresGrad) };
    if (output.requiresGrad) this.records.push({ inputs, output, backward });
    return output;
  }

  /**
   * Records a value computed by nodes the caller emitted, with the rule that emits its inputs' gradients: the hook
   * for fused ops (weighted losses, for one) defined outside this file.
   */
  record(
    inputs: readonly Value[],
    name: string,
    shape: readonly number[],
    backward: (g: string) => readonly (string | undefined)[],
  ): Value {
    const output = { name, shape, requiresGrad: inputs.some((v) => v.requiresGrad) };
    if (output.requiresGrad) this.records.push({ inputs, output, backward });
    return output;
  }

  /** `x·w + b` (Gemm) for x `[B, K]`, w `[K, N]`, b `[N]`. */
  dense(x: Value, w: Value, b?: Value): Value {
    const shape = [dim(x, 0), dim(w, 1)];
    const ins = b === undefined ? [x, w] : [x, w, b];
    return this.op('Gemm', ins, shape, (g) => [
      x.requiresGrad ? this.g.node('Gemm', [g, w.name], { transB: 1 }) : undefined,
      w.requiresGrad ? this.g.node('Gemm', [x.name, g], { transA: 1 }) : undefined,
      b?.requiresGrad === true ? this.g.node('ReduceSum', [g, this.ints([0])], { keepdims: 0 }) : undefined,
    ]);
  }

  /** Matrix product of two 2-D values. */
  matmul(a: Value, b: Value): Value {
    return this.op('MatMul', [a, b], [dim(a, 0), dim(b, 1)], (g) => [
      a.requiresGrad ? this.g.node('Gemm', [g, b.name], { transB: 1 }) : undefined,
      b.requiresGrad ? this.g.node('Gemm', [a.name, g], { transA: 1 }) : undefined,
    ]);
  }

  /** Elementwise `a + b` with NumPy broadcasting. */
  add(a: Value, b: Value): Value {
    const shape = broadcast(a.shape, b.shape);
    return this.op('Add', [a, b], shape, (g) => [this.reduceTo(g, shape, a), this.reduceTo(g, shape, b)]);
  }

  /** Elementwise `a − b` with NumPy broadcasting. */
  sub(a: Value, b: Value): Value {
    const shape = broadcast(a.shape, b.shape);
    return this.op('Sub', [a, b], shape, (g) => [
      this.reduceTo(g, shape, a),
      b.requiresGrad ? this.reduceTo(this.g.node('Neg', [g]), shape, b) : undefined,
    ]);
  }

  /** Elementwise `a · b` with NumPy broadcasting. */
  mul(a: Value, b: Value): Value {
    const shape = broadcast(a.shape, b.shape);
    return this.op('Mul', [a, b], shape, (g) => [
      a.requiresGrad ? this.reduceTo(this.g.node('Mul', [g, b.name]), shape, a) : undefined,
      b.requiresGrad ? this.reduceTo(this.g.node('Mul', [g, a.name]), shape, b) : undefined,
    ]);
  }

  /** `max(x, 0)`; gradient masked by `Where(Greater(x, 0), g, 0)`. */
  relu(x: Value): Value {
    return this.op('Relu', [x], x.shape, (g) => {
      const mask = this.g.node('Greater', [x.name, this.scalar(0)]);
      return [this.g.node('Where', [mask, g, this.scalar(0)])];
    });
  }

  /** Logistic sigmoid; gradient `g·y·(1−y)`. */
  sigmoid(x: Value): Value {
    const y: Value = this.op('Sigmoid', [x], x.shape, (g) => {
      const oneMinus = this.g.node('Sub', [this.scalar(1), y.name]);
      return [this.g.node('Mul', [this.g.node('Mul', [g, y.name]), oneMinus])];
    });
    return y;
  }

  /** Hyperbolic tangent; gradient `g·(1−y²)`. */
  tanh(x: Value): Value {
    const y: Value = this.op('Tanh', [x], x.shape, (g) => {
      const sq = this.g.node('Mul', [y.name, y.name]);
      return [this.g.node('Mul', [g, this.g.node('Sub', [this.scalar(1), sq])])];
    });
    return y;
  }

  /** Softmax over the last axis; gradient `y·(g − Σ_last g·y)`. */
  softmax(x: Value): Value {
    const y: Value = this.op(
      'Softmax',
      [x],
      x.shape,
      (g) => {
        const gy = this.g.node('Mul', [g, y.name]);
        const s = this.g.node('ReduceSum', [gy, this.ints([-1])], { keepdims: 1 });
        return [this.g.node('Mul', [y.name, this.g.node('Sub', [g, s])])];
      },
      { axis: -1 },
    );
    return y;
  }

  /** Flattens to `[B, rest]`; gradient reshaped back. */
  flatten(x: Value): Value {
    const rest = x.shape.slice(1).reduce((a, b) => a * b, 1);
    return this.op(
      'Flatten',
      [x],
      [dim(x, 0), rest],
      (g) => [this.g.node('Reshape', [g, this.ints(x.shape)])],
      {
        axis: 1,
      },
    );
  }

  /** Reshapes to a static shape; gradient reshaped back. */
  reshape(x: Value, shape: readonly number[]): Value {
    return this.op('Reshape', [x], shape, (g) => [this.g.node('Reshape', [g, this.ints(x.shape)])], {}, [
      this.ints(shape),
    ]);
  }

  /**
   * Mean softmax cross-entropy of `logits` `[B, C]` against one-hot targets `[B, C]`: `−Σ onehot·logsoftmax / B`.
   * The gradient is the fused `(softmax − onehot) / B`.
   */
  softmaxCrossEntropy(logits: Value, onehot: Value): Value {
    const batch = dim(logits, 0);
    const logp = this.g.node('LogSoftmax', [logits.name], { axis: -1 });
    const total = this.g.node('ReduceSum', [this.g.node('Mul', [onehot.name, logp])], { keepdims: 0 });
    const name = this.g.node('Mul', [total, this.scalar(-1 / batch)], {}, 'loss');
    const output = { name, shape: [], requiresGrad: logits.requiresGrad };
    if (output.requiresGrad) {
      this.records.push({
        inputs: [logits],
        output,
        backward: (g) => {
          const diff = this.g.node('Sub', [this.g.node('Exp', [logp]), onehot.name]);
          return [this.g.node('Mul', [diff, this.g.node('Mul', [g, this.scalar(1 / batch)])])];
        },
      });
    }
    return output;
  }

  /** Mean squared error over all elements; gradient `2·(p − t)·g / n`. */
  mse(pred: Value, target: Value): Value {
    const n = pred.shape.reduce((a, b) => a * b, 1);
    const diff = this.g.node('Sub', [pred.name, target.name]);
    const name = this.g.node('ReduceMean', [this.g.node('Mul', [diff, diff])], { keepdims: 0 }, 'loss');
    const output = { name, shape: [], requiresGrad: pred.requiresGrad };
    if (output.requiresGrad) {
      this.records.push({
        inputs: [pred],
        output,
        backward: (g) => [this.g.node('Mul', [diff, this.g.node('Mul', [g, this.scalar(2 / n)])])],
      });
    }
    return output;
  }

  /**
   * Emits the gradients of a scalar `loss` with respect to `wrt`, in order (a zero-free graph: a value the loss
   * does not depend on gets a ParamError).
   */
  backward(loss: Value, wrt: readonly Value[]): string[] {
    const grads = new Map<string, string>([[loss.name, this.scalar(1)]]);
    for (let i = this.records.length - 1; i >= 0; i--) {
      const r = this.records[i] as Record_;
      const g = grads.get(r.output.name);
      if (g === undefined) continue;
      const gs = r.backward(g);
      r.inputs.forEach((input, k) => {
        const gi = gs[k];
        if (gi === undefined || !input.requiresGrad) return;
        const prev = grads.get(input.name);
        grads.set(input.name, prev === undefined ? gi : this.g.node('Add', [prev, gi]));
      });
    }
    return wrt.map((v) => {
      const g = grads.get(v.name);
      if (g === undefined) {
        throw new ParamError('NO_GRADIENT', `The loss does not depend on '${v.name}'; it has no gradient.`, {
          value: v.name,
        });
      }
      return g;
    });
  }

  /** Sums a broadcast gradient back to the shape of `target`. */
  private reduceTo(g: string, shape: readonly number[], target: Value): string | undefined {
    if (!target.requiresGrad) return undefined;
    const offset = shape.length - target.shape.length;
    const axes: number[] = [];
    for (let i = 0; i < offset; i++) axes.push(i);
    target.shape.forEach((d, i) => {
      if (d === 1 && shape[i + offset] !== 1) axes.push(i + offset);
    });
    if (axes.length === 0) return g;
    const summed = this.g.node('ReduceSum', [g, this.ints(axes)], { keepdims: 1 });
    return this.g.node('Reshape', [summed, this.ints(target.shape)]);
  }
}

function dim(v: Value, i: number): number {
  return v.shape[i] ?? 1;
}

function broadcast(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ParamError(
        'SHAPE_MISMATCH',
        `Shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast.`,
        {
          left: a.join(','),
          right: b.join(','),
        },
      );
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}
