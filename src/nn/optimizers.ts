/**
 * Optimizers as ONNX update nodes in the training-step graph. State (momentum buffers, Adam's `m`, `v` and step
 * count) are extra graph inputs whose updated values are graph outputs, fed back on the next step.
 *
 * @module
 */

import { ParamError } from '../errors.js';
import type { Tape } from './autodiff.js';

/** Stochastic gradient descent: `v ← μ·v + g; w ← w − lr·v` (PyTorch's form; no buffer when μ = 0). */
export interface SgdSpec {
  readonly kind: 'sgd';
  readonly learningRate: number;
  readonly momentum: number;
}

/** Adam (Kingma & Ba), with bias correction. */
export interface AdamSpec {
  readonly kind: 'adam';
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

/** An optimizer, as plain data. */
export type OptimizerSpec = SgdSpec | AdamSpec;

/**
 * SGD with optional momentum.
 *
 * @example
 * ```ts
 * compileTraining(model, { loss: 'crossEntropy', optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }), ... });
 * ```
 */
export function sgd(options: { learningRate?: number; momentum?: number } = {}): SgdSpec {
  return {
    kind: 'sgd',
    learningRate: positive('learningRate', options.learningRate ?? 0.01),
    momentum: options.momentum ?? 0,
  };
}

/**
 * Adam.
 *
 * @example
 * ```ts
 * compileTraining(model, { loss: 'crossEntropy', optimizer: adam({ learningRate: 1e-3 }), ... });
 * ```
 */
export function adam(
  options: { learningRate?: number; beta1?: number; beta2?: number; epsilon?: number } = {},
): AdamSpec {
  return {
    kind: 'adam',
    learningRate: positive('learningRate', options.learningRate ?? 1e-3),
    beta1: options.beta1 ?? 0.9,
    beta2: options.beta2 ?? 0.999,
    epsilon: options.epsilon ?? 1e-8,
  };
}

function positive(name: string, v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) {
    throw new ParamError('INVALID_PARAM', `${name} must be a positive number; got ${v}.`, {
      param: name,
      value: String(v),
    });
  }
  return v;
}

/** An optimizer state tensor: its graph-input name, shape and initial value (fed back step to step). */
export interface OptimizerStateSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly initial: number;
}

/** A parameter to update: its current value's name, its gradient's name and its shape. */
export interface UpdateTarget {
  readonly name: string;
  readonly grad: string;
  readonly shape: readonly number[];
}

/**
 * The optimizer's state tensors for `params` (their names and shapes): SGD's velocities when it has momentum; Adam's
 * rescaled moments per large parameter, then one flat pair shared by the small ones (see {@link emitUpdate}).
 *
 * @example
 * ```ts
 * optimizerState(adam(), [{ name: 'w', shape: [3, 2] }]); // w_m [3, 2], w_v [3, 2]
 * ```
 */
export function optimizerState(
  spec: OptimizerSpec,
  params: readonly { readonly name: string; readonly shape: readonly number[] }[],
): OptimizerStateSpec[] {
  if (spec.kind === 'sgd') {
    return spec.momentum === 0
      ? []
      : params.map((p) => ({ name: `${p.name}_velocity`, shape: p.shape, initial: 0 }));
  }
  const { large, small } = adamGroups(params);
  const state = large.flatMap((i) => {
    const p = params[i] as (typeof params)[number];
    return [
      { name: `${p.name}_m`, shape: p.shape, initial: 0 },
      { name: `${p.name}_v`, shape: p.shape, initial: 0 },
    ];
  });
  if (small.length > 0) {
    const total = small.reduce((n, i) => n + size(params[i]?.shape ?? []), 0);
    state.push(
      { name: 'adam_small_m', shape: [total], initial: 0 },
      { name: 'adam_small_v', shape: [total], initial: 0 },
    );
  }
  return state;
}

/** Parameters with fewer values than this share one flat Adam state (see {@link emitUpdate}). */
const SMALL_PARAM = 16_384;

/**
 * Splits parameters for Adam: each large one keeps its own moments; the small ones (two or more, each under
 * {@link SMALL_PARAM} values) share one flat pair, in order. Indices into `params`.
 */
function adamGroups(params: readonly { readonly shape: readonly number[] }[]): {
  large: number[];
  small: number[];
} {
  const small = params.flatMap((p, i) => (size(p.shape) < SMALL_PARAM ? [i] : []));
  if (small.length < 2) return { large: params.map((_, i) => i), small: [] };
  return { large: params.flatMap((_, i) => (small.includes(i) ? [] : [i])), small };
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * The names of the scalars a step of the optimizer takes as graph inputs, computed for each step by
 * {@link stepScalarValues}: Adam's `a_t` and `ε_t` (see {@link emitUpdate}); none for SGD.
 */
export function stepScalarNames(spec: OptimizerSpec): readonly string[] {
  return spec.kind === 'adam' ? ['adam_a', 'adam_eps'] : [];
}

/**
 * The values of {@link stepScalarNames} for step `t` (1-based), computed in float64.
 *
 * @example
 * ```ts
 * stepScalarValues(adam({ learningRate: 0.001 }), 1); // [a_1, ε_1]
 * ```
 */
export function stepScalarValues(spec: OptimizerSpec, t: number): number[] {
  if (spec.kind === 'sgd') return [];
  const scale = Math.sqrt((1 - spec.beta2 ** t) / (1 - spec.beta2));
  return [(spec.learningRate * (1 - spec.beta1) * scale) / (1 - spec.beta1 ** t), spec.epsilon * scale];
}

/**
 * Emits one update of `targets` given the current optimizer state (values in the order of
 * {@link optimizerState}) and the step's scalars (in the order of {@link stepScalarNames}); returns the new
 * weights' and the new state's value names, in the same orders. Calling it again on the returned names chains a
 * second step in the same graph.
 *
 * Adam keeps its moments rescaled, `M = m/(1 − β1)` and `V = v/(1 − β2)`, so that a step is
 * `M ← β1·M + g; V ← β2·V + g²; w ← w − a_t·M/(√V + ε_t)` — ten elementwise passes instead of twelve — with the
 * bias corrections and the rescaling folded into two scalars computed in float64 from the step count:
 * `a_t = lr·(1 − β1)/(1 − β1^t) · √((1 − β2^t)/(1 − β2))`, `ε_t = ε·√((1 − β2^t)/(1 − β2))`. This is Adam exactly
 * (Kingma & Ba, with ε added to the bias-corrected `√v̂`), up to float32 rounding. Parameters under 16,384 values
 * (biases, small layers) share one flat pair of moments when there are two or more of them.
 */
export function emitUpdate(
  tape: Tape,
  spec: OptimizerSpec,
  targets: readonly UpdateTarget[],
  state: readonly string[],
  scalars: readonly string[],
): { weights: string[]; state: string[] } {
  const g = tape.g;
  if (spec.kind === 'sgd') {
    const lr = tape.scalar(spec.learningRate);
    const newState: string[] = [];
    const weights = targets.map((t, i) => {
      let step = t.grad;
      if (spec.momentum !== 0) {
        step = g.node('Add', [g.node('Mul', [state[i] as string, tape.scalar(spec.momentum)]), t.grad]);
        newState.push(step);
      }
      return g.node('Sub', [t.name, g.node('Mul', [step, lr])]);
    });
    return { weights, state: newState };
  }
  const [a, eps] = scalars as [string, string];
  // One Adam update of a value `w` with gradient `grad` and moments `m`, `v`: the new moments and the step to subtract.
  const adamStep = (grad: string, m: string, v: string) => {
    const m1 = g.node('Add', [g.node('Mul', [m, tape.scalar(spec.beta1)]), grad]);
    const v1 = g.node('Add', [g.node('Mul', [v, tape.scalar(spec.beta2)]), g.node('Mul', [grad, grad])]);
    const step = g.node('Div', [g.node('Mul', [m1, a]), g.node('Add', [g.node('Sqrt', [v1]), eps])]);
    return { m1, v1, step };
  };
  const { large, small } = adamGroups(targets);
  const weights: string[] = new Array(targets.length);
  const newState: string[] = [];
  large.forEach((i, k) => {
    const t = targets[i] as UpdateTarget;
    const { m1, v1, step } = adamStep(t.grad, state[2 * k] as string, state[2 * k + 1] as string);
    newState.push(m1, v1);
    weights[i] = g.node('Sub', [t.name, step]);
  });
  if (small.length > 0) {
    // The small parameters (biases, a small head) as one flat vector: ten nodes for all of them instead of ten
    // each, since at these sizes a node's fixed cost outweighs its arithmetic.
    const flat = (t: UpdateTarget) =>
      t.shape.length === 1 ? t.grad : g.node('Reshape', [t.grad, tape.ints([-1])]);
    const grad = g.node(
      'Concat',
      small.map((i) => flat(targets[i] as UpdateTarget)),
      { axis: 0 },
    );
    const { m1, v1, step } = adamStep(
      grad,
      state[2 * large.length] as string,
      state[2 * large.length + 1] as string,
    );
    newState.push(m1, v1);
    let offset = 0;
    for (const i of small) {
      const t = targets[i] as UpdateTarget;
      const n = size(t.shape);
      const part = g.node('Slice', [step, tape.ints([offset]), tape.ints([offset + n]), tape.ints([0])]);
      const shaped = t.shape.length === 1 ? part : g.node('Reshape', [part, tape.ints(t.shape)]);
      weights[i] = g.node('Sub', [t.name, shaped]);
      offset += n;
    }
  }
  return { weights, state: newState };
}
