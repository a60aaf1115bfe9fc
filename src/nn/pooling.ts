/**
 * Pooling layers on `[C, H, W]` rows: {@link MaxPool2D}, {@link AvgPool2D}, {@link GlobalAvgPool2D},
 * {@link GlobalMaxPool2D}. Their ops and gradients are in `poolingOps.ts`.
 *
 * @module
 */

import type { Tape, Value } from './autodiff.js';
import { checkPadding, chw, type Padding, pair, type Window2D, window2d } from './conv.js';
import type { Layer, LayerKind, ParamSpec } from './layers.js';
import { avgPool2d, globalAvgPool, globalMaxPool, maxPool2d } from './poolingOps.js';

/** Options of {@link MaxPool2D} and {@link AvgPool2D}. */
export interface Pool2DOptions {
  /**
   * Steps of the window, one number or `[height, width]`; default the pool size (windows side by side).
   *
   * @example
   * ```ts
   * new MaxPool2D(3, { strides: 2 }); // overlapping windows
   * ```
   */
  readonly strides?: number | readonly [number, number];
  /**
   * `'valid'` (default) or `'same'` (`⌈H / stride⌉` rows out; padding never wins a max and is left out of an
   * average).
   *
   * @example
   * ```ts
   * new AvgPool2D(2, { padding: 'same' });
   * ```
   */
  readonly padding?: Padding;
}

abstract class Pool2D implements Layer {
  abstract readonly kind: LayerKind;
  readonly poolSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;

  constructor(
    private readonly label: string,
    poolSize: number | readonly [number, number],
    options: Pool2DOptions,
  ) {
    this.poolSize = pair(label, 'poolSize', poolSize);
    this.strides = pair(label, 'strides', options.strides ?? this.poolSize);
    this.padding = checkPadding(label, options.padding ?? 'valid');
  }

  protected window(inputShape: readonly number[]): Window2D {
    const [, h, w] = chw(this.label, inputShape);
    return window2d(this.label, [h, w], this.poolSize, this.strides, this.padding);
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [inputShape[0] ?? 1, ...this.window(inputShape).out];
  }

  params(): ParamSpec[] {
    return [];
  }

  abstract forward(tape: Tape, x: Value): Value;
}

/**
 * Max pooling over `poolSize` windows of `[C, H, W]` rows; the gradient goes to each window's first maximum (and
 * sums where overlapping windows share it).
 *
 * @example
 * ```ts
 * const model = new Sequential([new Conv2D(8, 3, { activation: 'relu' }), new MaxPool2D(2), new Flatten(), new Dense(10)]);
 * ```
 */
export class MaxPool2D extends Pool2D {
  readonly kind = 'maxPool2d';
  constructor(poolSize: number | readonly [number, number] = 2, options: Pool2DOptions = {}) {
    super('MaxPool2D', poolSize, options);
  }
  forward(tape: Tape, x: Value): Value {
    return maxPool2d(tape, x, this.window(x.shape.slice(1)));
  }
}

/**
 * Average pooling over `poolSize` windows of `[C, H, W]` rows; padding is not counted in the average.
 *
 * @example
 * ```ts
 * const model = new Sequential([new Conv2D(8, 3, { activation: 'relu' }), new AvgPool2D(2), new Flatten(), new Dense(10)]);
 * ```
 */
export class AvgPool2D extends Pool2D {
  readonly kind = 'avgPool2d';
  constructor(poolSize: number | readonly [number, number] = 2, options: Pool2DOptions = {}) {
    super('AvgPool2D', poolSize, options);
  }
  forward(tape: Tape, x: Value): Value {
    return avgPool2d(tape, x, this.window(x.shape.slice(1)));
  }
}

abstract class GlobalPool2D implements Layer {
  abstract readonly kind: LayerKind;
  constructor(private readonly label: string) {}
  outputShape(inputShape: readonly number[]): number[] {
    return [chw(this.label, inputShape)[0]];
  }
  params(): ParamSpec[] {
    return [];
  }
  abstract forward(tape: Tape, x: Value): Value;
}

/**
 * The mean of each channel: `[C, H, W]` rows become `[C]`, ready for a {@link Dense} head without a Flatten.
 *
 * @example
 * ```ts
 * const model = new Sequential([new Conv2D(16, 3, { activation: 'relu' }), new GlobalAvgPool2D(), new Dense(10)]);
 * ```
 */
export class GlobalAvgPool2D extends GlobalPool2D {
  readonly kind = 'globalAvgPool2d';
  constructor() {
    super('GlobalAvgPool2D');
  }
  forward(tape: Tape, x: Value): Value {
    return globalAvgPool(tape, x);
  }
}

/**
 * The maximum of each channel: `[C, H, W]` rows become `[C]`; the gradient goes to the first maximum.
 *
 * @example
 * ```ts
 * const model = new Sequential([new Conv2D(16, 3, { activation: 'relu' }), new GlobalMaxPool2D(), new Dense(10)]);
 * ```
 */
export class GlobalMaxPool2D extends GlobalPool2D {
  readonly kind = 'globalMaxPool2d';
  constructor() {
    super('GlobalMaxPool2D');
  }
  forward(tape: Tape, x: Value): Value {
    return globalMaxPool(tape, x);
  }
}
