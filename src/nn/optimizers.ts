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

/** An optimizer state tensor: graph input, its updated output, shape and initial value. */
export interface StateTensor {
  readonly input: string;
  readonly output: string;
  readonly shape: readonly number[];
  readonly initial: number;
}

/** A parameter to update: its graph input name, gradient value name and shape. */
export interface UpdateTarget {
  readonly name: string;
  readonly grad: string;
  readonly shape: readonly number[];
}

/** Emits the update nodes; returns the new weights' value names and the state tensors. */
export function emitUpdate(
  tape: Tape,
  spec: OptimizerSpec,
  targets: readonly UpdateTarget[],
): { weights: string[]; state: StateTensor[] } {
  const g = tape.g;
  const dt = tape.dtype;
  const state: StateTensor[] = [];
  const stateIn = (name: string, shape: readonly number[]) => g.input(name, dt, shape);
  if (spec.kind === 'sgd') {
    const lr = tape.scalar(spec.learningRate);
    const weights = targets.map((t) => {
      let step = t.grad;
      if (spec.momentum !== 0) {
        const v = stateIn(`${t.name}_velocity`, t.shape);
        step = g.node('Add', [g.node('Mul', [v, tape.scalar(spec.momentum)]), t.grad]);
        state.push({ input: v, output: step, shape: t.shape, initial: 0 });
      }
      return g.node('Sub', [t.name, g.node('Mul', [step, lr])]);
    });
    return { weights, state };
  }
  const count = stateIn('adam_step', []);
  const t1 = g.node('Add', [count, tape.scalar(1)]);
  state.push({ input: count, output: t1, shape: [], initial: 0 });
  // lr_t = lr · √(1 − β2^t) / (1 − β1^t): the bias corrections folded into one scalar.
  const c1 = g.node('Sub', [tape.scalar(1), g.node('Pow', [tape.scalar(spec.beta1), t1])]);
  const c2 = g.node('Sub', [tape.scalar(1), g.node('Pow', [tape.scalar(spec.beta2), t1])]);
  const lrT = g.node('Div', [g.node('Mul', [tape.scalar(spec.learningRate), g.node('Sqrt', [c2])]), c1]);
  const epsHat = g.node('Mul', [tape.scalar(spec.epsilon), g.node('Sqrt', [c2])]);
  const weights = targets.map((t) => {
    const m = stateIn(`${t.name}_m`, t.shape);
    const v = stateIn(`${t.name}_v`, t.shape);
    const m1 = g.node('Add', [
      g.node('Mul', [m, tape.scalar(spec.beta1)]),
      g.node('Mul', [t.grad, tape.scalar(1 - spec.beta1)]),
    ]);
    const gg = g.node('Mul', [t.grad, t.grad]);
    const v1 = g.node('Add', [
      g.node('Mul', [v, tape.scalar(spec.beta2)]),
      g.node('Mul', [gg, tape.scalar(1 - spec.beta2)]),
    ]);
    state.push(
      { input: m, output: m1, shape: t.shape, initial: 0 },
      { input: v, output: v1, shape: t.shape, initial: 0 },
    );
    const upd = g.node('Div', [g.node('Mul', [m1, lrT]), g.node('Add', [g.node('Sqrt', [v1]), epsHat])]);
    return g.node('Sub', [t.name, upd]);
  });
  return { weights, state };
}
