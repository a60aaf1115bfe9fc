/**
 * Batch normalization: the {@link BatchNorm} layer and its ops.
 *
 * In training, `y = γ·(x − μ_B)/√(σ²_B + ε) + β` with the batch's mean and biased variance over every axis but the
 * channel (features of `[B, F]`, channels of `[B, C, H, W]`), and the gradient flows through the batch statistics:
 * `dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / √(σ²_B + ε)` with `dx̂ = dy·γ`. The moving statistics follow Keras:
 * `moving ← momentum·moving + (1 − momentum)·batch` (momentum 0.99, the biased batch variance), as step-state
 * outputs. At inference (the trainer's predictions and the exported model) the layer is ONNX `BatchNormalization`
 * in inference mode on the moving statistics. That node keeps ONNX's default epsilon (1e-5): the layer's ε enters
 * as `moving variance + (ε − 1e-5)`, a constant ONNX Runtime folds.
 *
 * @module
 */

import { ParamError } from '../errors.js';
import type { Tape, Value } from './autodiff.js';
import type { Layer, LayerContext, ParamSpec, StateSpec } from './layers.js';

/** ONNX BatchNormalization's default epsilon, which the emitted node keeps. */
const ONNX_EPSILON = 1e-5;

/**
 * Batch normalization in training mode over axis 1 of `x` (`[B, C]` or `[B, C, H, W]`); returns the output, whose
 * gradient flows through the batch statistics, and the batch mean and biased variance, each `[C]`.
 *
 * @example
 * ```ts
 * const { y, mean, variance } = batchNormTraining(tape, x, gamma, beta, 1e-3);
 * ```
 */
export function batchNormTraining(
  tape: Tape,
  x: Value,
  gamma: Value,
  beta: Value,
  epsilon: number,
): { y: Value; mean: string; variance: string } {
  const g = tape.g;
  const c = x.shape[1] ?? 1;
  const axes = x.shape.length === 4 ? [0, 2, 3] : [0];
  const bshape = x.shape.length === 4 ? [1, c, 1, 1] : [1, c];
  const mean = g.node('ReduceMean', [x.name], { axes, keepdims: 1 });
  const centered = g.node('Sub', [x.name, mean]);
  const variance = g.node('ReduceMean', [g.node('Mul', [centered, centered])], { axes, keepdims: 1 });
  const inv = g.node('Reciprocal', [g.node('Sqrt', [g.node('Add', [variance, tape.scalar(epsilon)])])]);
  const xhat = g.node('Mul', [centered, inv]);
  const scale = g.node('Reshape', [gamma.name, tape.ints(bshape)]);
  const shift = g.node('Reshape', [beta.name, tape.ints(bshape)]);
  const name = g.node('Add', [g.node('Mul', [xhat, scale]), shift]);
  const y = tape.record([x, gamma, beta], name, x.shape, (dy) => {
    const sum = (v: string) => g.node('ReduceSum', [v, tape.ints(axes)], { keepdims: 0 });
    const avg = (v: string) => g.node('ReduceMean', [v], { axes, keepdims: 1 });
    let dx: string | undefined;
    if (x.requiresGrad) {
      const dxhat = g.node('Mul', [dy, scale]);
      const inner = g.node('Sub', [
        g.node('Sub', [dxhat, avg(dxhat)]),
        g.node('Mul', [xhat, avg(g.node('Mul', [dxhat, xhat]))]),
      ]);
      dx = g.node('Mul', [inner, inv]);
    }
    return [
      dx,
      gamma.requiresGrad ? sum(g.node('Mul', [dy, xhat])) : undefined,
      beta.requiresGrad ? sum(dy) : undefined,
    ];
  });
  const flat = tape.ints([c]);
  return { y, mean: g.node('Reshape', [mean, flat]), variance: g.node('Reshape', [variance, flat]) };
}

/**
 * Batch normalization on given statistics (ONNX `BatchNormalization`, inference mode); no gradient.
 *
 * @example
 * ```ts
 * const y = batchNormInference(tape, x, gamma, beta, movingMean, movingVariance, 1e-3);
 * ```
 */
export function batchNormInference(
  tape: Tape,
  x: Value,
  gamma: Value,
  beta: Value,
  mean: Value,
  variance: Value,
  epsilon: number,
): Value {
  const g = tape.g;
  const v =
    epsilon === ONNX_EPSILON
      ? variance.name
      : g.node('Add', [variance.name, tape.scalar(epsilon - ONNX_EPSILON)]);
  const name = g.node('BatchNormalization', [x.name, gamma.name, beta.name, mean.name, v]);
  return tape.record([x, gamma, beta], name, x.shape, () => {
    throw new ParamError(
      'NO_GRADIENT',
      'BatchNorm in inference mode has no gradient here; train with the training graph (batch statistics).',
      { layer: 'BatchNorm' },
    );
  });
}

/** Options of {@link BatchNorm}. */
export interface BatchNormOptions {
  /**
   * Weight of the old moving statistics in each update, Keras's convention: `moving ← momentum·moving +
   * (1 − momentum)·batch`; in [0, 1), default 0.99 (PyTorch's `momentum=0.1` is 0.9 here).
   *
   * @example
   * ```ts
   * new BatchNorm({ momentum: 0.9 });
   * ```
   */
  readonly momentum?: number;
  /**
   * Added to the variance before the square root; positive, default 1e-3 (Keras's).
   *
   * @example
   * ```ts
   * new BatchNorm({ epsilon: 1e-5 });
   * ```
   */
  readonly epsilon?: number;
}

/**
 * Batch normalization over the channels of `[C, H, W]` rows or the features of `[F]` rows: a learned scale `gamma`
 * (starting at 1) and shift `beta` (at 0) per channel, batch statistics in training, moving statistics
 * (`movingMean` from 0, `movingVariance` from 1) at inference and in the exported model.
 *
 * @example
 * ```ts
 * const model = new Sequential([
 *   new Conv2D(16, 3, { useBias: false }),
 *   new BatchNorm(),
 *   new ActivationLayer('relu'),
 *   new GlobalAvgPool2D(),
 *   new Dense(10, { activation: 'softmax' }),
 * ]);
 * ```
 */
export class BatchNorm implements Layer {
  readonly kind = 'batchNorm';
  readonly momentum: number;
  readonly epsilon: number;

  constructor(options: BatchNormOptions = {}) {
    this.momentum = options.momentum ?? 0.99;
    this.epsilon = options.epsilon ?? 1e-3;
    if (!(this.momentum >= 0 && this.momentum < 1)) {
      throw new ParamError('INVALID_PARAM', `BatchNorm momentum must be in [0, 1); got ${this.momentum}.`, {
        param: 'momentum',
        value: String(this.momentum),
      });
    }
    if (!(this.epsilon > 0) || !Number.isFinite(this.epsilon)) {
      throw new ParamError(
        'INVALID_PARAM',
        `BatchNorm epsilon must be a positive number; got ${this.epsilon}.`,
        {
          param: 'epsilon',
          value: String(this.epsilon),
        },
      );
    }
  }

  private channels(inputShape: readonly number[]): number {
    if (inputShape.length !== 1 && inputShape.length !== 3) {
      throw new ParamError(
        'INVALID_LAYER_INPUT',
        `BatchNorm expects [features] or [channels, height, width] per row; got shape [${inputShape.join(', ')}].`,
        {
          layer: 'BatchNorm',
          shape: inputShape.join(','),
          expected: '[features] or [channels, height, width]',
        },
      );
    }
    return inputShape[0] as number;
  }

  outputShape(inputShape: readonly number[]): number[] {
    this.channels(inputShape);
    return [...inputShape];
  }

  params(inputShape: readonly number[]): ParamSpec[] {
    const c = this.channels(inputShape);
    return [
      { name: 'gamma', shape: [c], init: 'ones' },
      { name: 'beta', shape: [c], init: 'zeros' },
    ];
  }

  state(inputShape: readonly number[]): StateSpec[] {
    const c = this.channels(inputShape);
    return [
      { name: 'movingMean', shape: [c], initial: 0 },
      { name: 'movingVariance', shape: [c], initial: 1 },
    ];
  }

  forward(tape: Tape, x: Value, params: readonly Value[], ctx: LayerContext): Value {
    const [gamma, beta] = params as [Value, Value];
    const [movingMean, movingVariance] = ctx.state as [Value, Value];
    if (!ctx.training) {
      return batchNormInference(tape, x, gamma, beta, movingMean, movingVariance, this.epsilon);
    }
    const { y, mean, variance } = batchNormTraining(tape, x, gamma, beta, this.epsilon);
    const g = tape.g;
    const update = (moving: Value, batch: string) =>
      g.node('Add', [
        g.node('Mul', [moving.name, tape.scalar(this.momentum)]),
        g.node('Mul', [batch, tape.scalar(1 - this.momentum)]),
      ]);
    ctx.updates.push(update(movingMean, mean), update(movingVariance, variance));
    return y;
  }
}
