/**
 * Pooling on NCHW tensors: {@link MaxPool2D}, {@link AvgPool2D}, {@link GlobalAvgPool2D}, {@link GlobalMaxPool2D},
 * and their differentiable ops.
 *
 * Forward passes are ONNX `MaxPool`, `AveragePool` (padding excluded from the average, as Keras does),
 * `ReduceMean` and `ReduceMax`. Backward passes work on the windows' cells: a constant index table lists, for each
 * cell `k` of the `kh × kw` window and each output position `l`, the flat position in the padded input. MaxPool
 * gathers the windows (`Gather`, padding as −∞), takes the first argmax of each (`ArgMax`), and routes the output's
 * gradient to it alone (`Where(Equal(argmax, k), dy, 0)`); AvgPool spreads `dy / count` to every cell. The cells'
 * gradients are then summed back into the input with `ScatterElements`: where windows overlap (stride < window) a
 * position gets the sum of every window it belongs to, by scattering the cells in groups that never hit the same
 * position twice (`⌈kh/sh⌉·⌈kw/sw⌉` groups; one when windows do not overlap) and adding the groups.
 *
 * @module
 */

import type { Tape, Value } from './autodiff.js';
import { checkPadding, chw, type Padding, pair, type Window2D, window2d } from './conv.js';
import type { Layer, LayerKind, ParamSpec } from './layers.js';

/** Max pooling of `x` `[B, C, H, W]`; the gradient goes to the first maximum of each window. */
export function maxPool2d(tape: Tape, x: Value, win: Window2D): Value {
  const g = tape.g;
  const name = g.node('MaxPool', [x.name], attrs(win));
  const [batch, c] = x.shape as [number, number];
  return tape.record([x], name, [batch, c, ...win.out], (dy) => {
    const { hp, wp, cells, size } = layout(x, win);
    const padded = win.pads.some((p) => p > 0)
      ? g.node('Pad', [
          x.name,
          tape.ints([0, 0, win.pads[0], win.pads[1], 0, 0, win.pads[2], win.pads[3]]),
          tape.scalar(-Infinity),
        ])
      : x.name;
    const flat = g.node('Reshape', [padded, tape.ints([batch, c, hp * wp])]);
    const windows = g.node(
      'Gather',
      [flat, g.initializer('pool_index', 'int64', [cells, size], index(win, wp))],
      {
        axis: 2,
      },
    );
    const argmax = g.node('ArgMax', [windows], { axis: 2, keepdims: 1 });
    const first = g.node('Equal', [argmax, g.initializer('pool_cells', 'int64', [cells, 1], range(cells))]);
    const routed = g.node('Where', [
      first,
      g.node('Reshape', [dy, tape.ints([batch, c, 1, size])]),
      tape.scalar(0),
    ]);
    return [col2im(tape, routed, x.shape, win)];
  });
}

/** Average pooling of `x` `[B, C, H, W]` (padding not counted); the gradient is spread evenly over each window. */
export function avgPool2d(tape: Tape, x: Value, win: Window2D): Value {
  const g = tape.g;
  const name = g.node('AveragePool', [x.name], attrs(win));
  const [batch, c, h, w] = x.shape as [number, number, number, number];
  return tape.record([x], name, [batch, c, ...win.out], (dy) => {
    const { cells, size } = layout(x, win);
    const [ho, wo] = win.out;
    const inv: number[] = [];
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) inv.push(1 / (inside(oh, 0, h, win) * inside(ow, 1, w, win)));
    }
    const scale = inv.every((v) => v === inv[0])
      ? tape.scalar(inv[0] as number)
      : g.initializer('pool_inverse_count', tape.dtype, [size], inv);
    const share = g.node('Mul', [g.node('Reshape', [dy, tape.ints([batch, c, 1, size])]), scale]);
    const routed = g.node('Expand', [share, tape.ints([batch, c, cells, size])]);
    return [col2im(tape, routed, x.shape, win)];
  });
}

/** The mean of each channel over height and width: `[B, C, H, W]` → `[B, C]`. */
export function globalAvgPool(tape: Tape, x: Value): Value {
  const g = tape.g;
  const [batch, c, h, w] = x.shape as [number, number, number, number];
  const name = g.node('ReduceMean', [x.name], { axes: [2, 3], keepdims: 0 });
  return tape.record([x], name, [batch, c], (dy) => {
    const share = g.node('Reshape', [
      g.node('Mul', [dy, tape.scalar(1 / (h * w))]),
      tape.ints([batch, c, 1, 1]),
    ]);
    return [g.node('Expand', [share, tape.ints(x.shape)])];
  });
}

/** The maximum of each channel over height and width, `[B, C]`; the gradient goes to the first maximum. */
export function globalMaxPool(tape: Tape, x: Value): Value {
  const g = tape.g;
  const [batch, c, h, w] = x.shape as [number, number, number, number];
  const name = g.node('ReduceMax', [x.name], { axes: [2, 3], keepdims: 0 });
  return tape.record([x], name, [batch, c], (dy) => {
    const argmax = g.node('ArgMax', [g.node('Reshape', [x.name, tape.ints([batch, c, h * w])])], {
      axis: 2,
      keepdims: 1,
    });
    const first = g.node('Equal', [argmax, g.initializer('pool_cells', 'int64', [h * w], range(h * w))]);
    const routed = g.node('Where', [
      first,
      g.node('Reshape', [dy, tape.ints([batch, c, 1])]),
      tape.scalar(0),
    ]);
    return [g.node('Reshape', [routed, tape.ints(x.shape)])];
  });
}

function attrs(win: Window2D): Record<string, number[]> {
  return { kernel_shape: [...win.kernel], strides: [...win.strides], pads: [...win.pads] };
}

function layout(x: Value, win: Window2D) {
  const [, , h, w] = x.shape as [number, number, number, number];
  return {
    hp: h + win.pads[0] + win.pads[2],
    wp: w + win.pads[1] + win.pads[3],
    cells: win.kernel[0] * win.kernel[1],
    size: win.out[0] * win.out[1],
  };
}

/** How many cells of window `o` along axis `a` fall inside the unpadded input of length `n`. */
function inside(o: number, a: 0 | 1, n: number, win: Window2D): number {
  const start = o * win.strides[a] - win.pads[a];
  return Math.min(start + win.kernel[a], n) - Math.max(start, 0);
}

/** Flat padded-input positions, `[cell][output position]`, for the cells in `only` (default all). */
function index(win: Window2D, wp: number, only?: readonly number[]): number[] {
  const [kh, kw] = win.kernel;
  const [sh, sw] = win.strides;
  const [ho, wo] = win.out;
  const out: number[] = [];
  for (const k of only ?? range(kh * kw)) {
    const i = Math.floor(k / kw);
    const j = k % kw;
    for (let oh = 0; oh < ho; oh++)
      for (let ow = 0; ow < wo; ow++) out.push((oh * sh + i) * wp + ow * sw + j);
  }
  return out;
}

/**
 * Sums per-cell gradients `[B, C, cells, positions]` back into the input's shape: scattered in groups of cells
 * whose positions never collide (cell rows in the same block of `sh`, columns in the same block of `sw`), the
 * groups added, the padding cut off.
 */
function col2im(tape: Tape, routed: string, shape: readonly number[], win: Window2D): string {
  const g = tape.g;
  const [batch, c, h, w] = shape as [number, number, number, number];
  const hp = h + win.pads[0] + win.pads[2];
  const wp = w + win.pads[1] + win.pads[3];
  const [kh, kw] = win.kernel;
  const size = win.out[0] * win.out[1];
  const groups = new Map<string, number[]>();
  for (let k = 0; k < kh * kw; k++) {
    const key = `${Math.floor(Math.floor(k / kw) / win.strides[0])},${Math.floor((k % kw) / win.strides[1])}`;
    groups.set(key, [...(groups.get(key) ?? []), k]);
  }
  const zeros = g.node('Expand', [tape.scalar(0), tape.ints([batch, c, hp * wp])]);
  let sum: string | undefined;
  for (const cells of groups.values()) {
    const part =
      cells.length === kh * kw ? routed : g.node('Gather', [routed, tape.ints(cells)], { axis: 2 });
    const n = cells.length * size;
    const positions = g.node('Expand', [
      g.initializer('pool_positions', 'int64', [n], index(win, wp, cells)),
      tape.ints([batch, c, n]),
    ]);
    const updates = g.node('Reshape', [part, tape.ints([batch, c, n])]);
    const scattered = g.node('ScatterElements', [zeros, positions, updates], { axis: 2 });
    sum = sum === undefined ? scattered : g.node('Add', [sum, scattered]);
  }
  const image = g.node('Reshape', [sum as string, tape.ints([batch, c, hp, wp])]);
  if (!win.pads.some((p) => p > 0)) return image;
  return g.node('Slice', [
    image,
    tape.ints([win.pads[0], win.pads[1]]),
    tape.ints([win.pads[0] + h, win.pads[1] + w]),
    tape.ints([2, 3]),
  ]);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

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
