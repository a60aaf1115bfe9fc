/**
 * The {@link Dropout} layer.
 *
 * @module
 */

import { ParamError } from '../errors.js';
import type { Tape, Value } from './autodiff.js';
import { layerSeed } from './init.js';
import type { Layer, LayerContext, ParamSpec } from './layers.js';

/** Options of {@link Dropout}. */
export interface DropoutOptions {
  /**
   * The seed of the layer's masks; default: derived from the trainer's seed and the layer's position, so the
   * trainer's seed alone makes training reproducible.
   *
   * @example
   * ```ts
   * new Dropout(0.5, { seed: 42 });
   * ```
   */
  readonly seed?: number;
}

/**
 * Inverted dropout: in training each value is zeroed with probability `rate` and the others scaled by
 * `1/(1 − rate)`, with a new mask every step; at inference and in the exported model the layer is the identity (no
 * node at all).
 *
 * Masks come from ONNX `Dropout` (training mode, with a `seed` attribute) in the training-step graph: ONNX Runtime
 * draws the same sequence of masks in every fresh trainer with the same seed, whatever the thread count, so two
 * trainers with the same seed and data end with the same weights, bit for bit (on one machine and ONNX Runtime
 * version). Each of the steps a trainer chains in one run (`stepsPerRun`) has its own mask sequence, so the masks
 * depend on `stepsPerRun` and on the mix of `step` and `steps` calls, and are reproducible for the same ones.
 *
 * @example
 * ```ts
 * const model = new Sequential([new Dense(128, { activation: 'relu' }), new Dropout(0.5), new Dense(10)]);
 * ```
 */
export class Dropout implements Layer {
  readonly kind = 'dropout';
  readonly seed: number | undefined;

  constructor(
    readonly rate: number,
    options: DropoutOptions = {},
  ) {
    if (!(rate >= 0 && rate < 1)) {
      throw new ParamError(
        'INVALID_PARAM',
        `Dropout rate is the fraction of values dropped and must be in [0, 1); got ${rate}.`,
        { param: 'rate', value: String(rate) },
      );
    }
    if (options.seed !== undefined && !(Number.isInteger(options.seed) && options.seed >= 0)) {
      throw new ParamError(
        'INVALID_PARAM',
        `Dropout seed must be a non-negative integer; got ${options.seed}.`,
        {
          param: 'seed',
          value: String(options.seed),
        },
      );
    }
    this.seed = options.seed;
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  params(): ParamSpec[] {
    return [];
  }

  forward(tape: Tape, x: Value, _params: readonly Value[], ctx: LayerContext): Value {
    if (!ctx.training || this.rate === 0) return x;
    const seed = this.seed ?? ctx.seed;
    const step = ctx.stepInRun ?? 0;
    return tape.dropout(x, this.rate, step === 0 ? seed : layerSeed(seed, step));
  }
}
