/**
 * 2-D convolution on NCHW tensors: the window geometry shared with the pooling layers, the differentiable
 * {@link conv2d} op, and the {@link Conv2D} layer.
 *
 * Gradients of `y = Conv(x, w, b)` (strides `s`, explicit pads): the input's is `ConvTranspose(dy, w)` with the same
 * strides and pads and an `output_padding` of `(H + pads − kh) mod s` (rows a 'valid' window never reached get
 * zero); the kernel's is one Gemm of `dy` with the input's `kh·kw` shifted views (see `kernelGradient`); the
 * bias's sums `dy` over batch, height and width. ONNX Runtime's CPU provider runs Conv and ConvTranspose in float32 only.
 *
 * @module
 */

import { ParamError } from '../errors.js';
import type { Tape, Value } from './autodiff.js';
import {
  type Activation,
  activate,
  checkActivation,
  type Initializer,
  type Layer,
  type LayerContext,
  type ParamSpec,
} from './layers.js';

/** How a window meets the edges: `'valid'` (no padding) or `'same'` (zero padding, `ceil(size / stride)` out). */
export type Padding = 'valid' | 'same';

/** Where a sliding window goes over an `H × W` input. */
export interface Window2D {
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  /** `[top, left, bottom, right]`, ONNX's order. */
  readonly pads: readonly [number, number, number, number];
  /** The output's height and width. */
  readonly out: readonly [number, number];
}

/** A size given as one number or `[height, width]`, checked to be positive integers. @internal */
export function pair(layer: string, param: string, v: number | readonly number[]): [number, number] {
  const p = typeof v === 'number' ? [v, v] : [...v];
  if (p.length !== 2 || p.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ParamError(
      'INVALID_PARAM',
      `${layer} ${param} must be a positive integer or [height, width] of positive integers; got ${JSON.stringify(v)}.`,
      { param, value: JSON.stringify(v) },
    );
  }
  return [p[0] as number, p[1] as number];
}

/** Checks a padding name given at run time. @internal */
export function checkPadding(layer: string, padding: Padding): Padding {
  if (padding !== 'valid' && padding !== 'same') {
    throw new ParamError(
      'INVALID_PARAM',
      `${layer} padding must be 'valid' or 'same'; got '${String(padding)}'.`,
      {
        param: 'padding',
        value: String(padding),
      },
    );
  }
  return padding;
}

/** The `[C, H, W]` of an input shape (without the batch), or a ParamError saying what the layer expects. @internal */
export function chw(layer: string, inputShape: readonly number[]): [number, number, number] {
  if (inputShape.length !== 3) {
    throw new ParamError(
      'INVALID_LAYER_INPUT',
      `${layer} expects [channels, height, width] per row; got shape [${inputShape.join(', ')}]. Give ` +
        `inputSize as [C, H, W] (e.g. [1, 8, 8] for grey 8×8 images), or put it before a Flatten, not after.`,
      { layer, shape: inputShape.join(','), expected: '[channels, height, width]' },
    );
  }
  return inputShape as [number, number, number];
}

/**
 * The window geometry: Keras's rules, `'valid'`: `⌊(H − k)/s⌋ + 1` rows out, no padding; `'same'`: `⌈H/s⌉` rows
 * out, `max((out − 1)·s + k − H, 0)` rows of padding, the odd one at the bottom (right). A window larger than a
 * `'valid'` input is a ParamError naming `layer`.
 *
 * @example
 * ```ts
 * window2d('Conv2D', [5, 5], [3, 3], [2, 2], 'same'); // { pads: [1, 1, 1, 1], out: [3, 3], ... }
 * ```
 */
export function window2d(
  layer: string,
  hw: readonly [number, number],
  kernel: readonly [number, number],
  strides: readonly [number, number],
  padding: Padding,
): Window2D {
  const pads = [0, 0, 0, 0] as [number, number, number, number];
  const out = [0, 0] as [number, number];
  for (const a of [0, 1] as const) {
    const size = hw[a];
    const k = kernel[a];
    const s = strides[a];
    if (padding === 'valid') {
      if (k > size) {
        throw new ParamError(
          'INVALID_LAYER_INPUT',
          `${layer} window ${kernel.join('×')} is larger than its ${hw.join('×')} input with padding 'valid'. Use a ` +
            `smaller kernel or pool size, padding 'same', or a larger input.`,
          { layer, kernel: kernel.join('x'), input: hw.join('x') },
        );
      }
      out[a] = Math.floor((size - k) / s) + 1;
    } else {
      out[a] = Math.ceil(size / s);
      const total = Math.max((out[a] - 1) * s + k - size, 0);
      pads[a] = Math.floor(total / 2);
      pads[a + 2] = total - pads[a];
    }
  }
  return { kernel, strides, pads, out };
}

/**
 * Convolution of `x` `[B, C, H, W]` with `w` `[F, C, kh, kw]` (+ `b` `[F]`): `[B, F, out…]`, with the gradients
 * described in this module's header. float32 only (ONNX Runtime's CPU kernels).
 *
 * @example
 * ```ts
 * const y = conv2d(tape, x, w, b, window2d('Conv2D', [28, 28], [3, 3], [1, 1], 'same'));
 * ```
 */
export function conv2d(tape: Tape, x: Value, w: Value, b: Value | undefined, win: Window2D): Value {
  const g = tape.g;
  const [batch, , h, wd] = x.shape as [number, number, number, number];
  const [kh, kw] = win.kernel;
  const [sh, sw] = win.strides;
  const [pt, pl, pb, pr] = win.pads;
  const [ho, wo] = win.out;
  const attrs = { kernel_shape: [kh, kw], strides: [sh, sw], pads: [...win.pads] };
  const inputs = b === undefined ? [x, w] : [x, w, b];
  const name = g.node(
    'Conv',
    inputs.map((v) => v.name),
    attrs,
  );
  const outputPadding = [(h + pt + pb - kh) % sh, (wd + pl + pr - kw) % sw];
  return tape.record(inputs, name, [batch, w.shape[0] ?? 1, ho, wo], (dy) => {
    const dw = w.requiresGrad ? kernelGradient(tape, x, dy, win) : undefined;
    return [
      x.requiresGrad
        ? g.node('ConvTranspose', [dy, w.name], { ...attrs, output_padding: outputPadding })
        : undefined,
      dw,
      b?.requiresGrad === true ? g.node('ReduceSum', [dy, tape.ints([0, 2, 3])], { keepdims: 0 }) : undefined,
    ];
  });
}

/**
 * The kernel's gradient `dw[f, c, i, j] = Σ_b,oh,ow dy[b, f, oh, ow] · xpad[b, c, oh·sh + i, ow·sw + j]` as one
 * Gemm: the input's `kh·kw` shifted (strided) views, channels first, stacked as `[kh·kw·C, B·Ho·Wo]`, against `dy`
 * as `[F, B·Ho·Wo]`. (A convolution of the input with `dy`, batch and channels swapped, computes the same with a
 * skinny product, 1.3–2× slower in ONNX Runtime.)
 */
function kernelGradient(tape: Tape, x: Value, dy: string, win: Window2D): string {
  const g = tape.g;
  const [batch, c] = x.shape as [number, number];
  const [kh, kw] = win.kernel;
  const [sh, sw] = win.strides;
  const [ho, wo] = win.out;
  const [pt, pl, pb, pr] = win.pads;
  let xt = g.node('Transpose', [x.name], { perm: [1, 0, 2, 3] });
  if (pt + pl + pb + pr > 0) xt = g.node('Pad', [xt, tape.ints([0, 0, pt, pl, 0, 0, pb, pr])]);
  const views: string[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const starts = tape.ints([i, j]);
      const ends = tape.ints([i + (ho - 1) * sh + 1, j + (wo - 1) * sw + 1]);
      views.push(g.node('Slice', [xt, starts, ends, tape.ints([2, 3]), tape.ints([sh, sw])]));
    }
  }
  const cols = g.node('Reshape', [
    g.node('Concat', views, { axis: 0 }),
    tape.ints([kh * kw * c, batch * ho * wo]),
  ]);
  const f = g.node('Reshape', [
    g.node('Transpose', [dy], { perm: [1, 0, 2, 3] }),
    tape.ints([-1, batch * ho * wo]),
  ]);
  const byCell = g.node('Reshape', [g.node('Gemm', [f, cols], { transB: 1 }), tape.ints([-1, kh * kw, c])]);
  return g.node('Reshape', [g.node('Transpose', [byCell], { perm: [0, 2, 1] }), tape.ints([-1, c, kh, kw])]);
}

/** Options of {@link Conv2D}. */
export interface Conv2DOptions {
  /**
   * Steps of the window, one number or `[height, width]`; default 1.
   *
   * @example
   * ```ts
   * new Conv2D(16, 3, { strides: 2 });
   * ```
   */
  readonly strides?: number | readonly [number, number];
  /**
   * `'valid'` (default; the window stays inside the input) or `'same'` (zero padding; `⌈H / stride⌉` rows out).
   *
   * @example
   * ```ts
   * new Conv2D(16, 3, { padding: 'same' });
   * ```
   */
  readonly padding?: Padding;
  /**
   * The activation after the convolution; default `'linear'`. Softmax runs over the channels.
   *
   * @example
   * ```ts
   * new Conv2D(16, 3, { activation: 'relu' });
   * ```
   */
  readonly activation?: Activation;
  /**
   * Whether to add a bias per filter; default true (turn it off before a {@link BatchNorm}, which has its own).
   *
   * @example
   * ```ts
   * new Conv2D(16, 3, { useBias: false });
   * ```
   */
  readonly useBias?: boolean;
  /**
   * The kernel initializer; default He for relu, Glorot otherwise (fan-in `C·kh·kw`, fan-out `F·kh·kw`).
   *
   * @example
   * ```ts
   * new Conv2D(16, 3, { initializer: 'heUniform' });
   * ```
   */
  readonly initializer?: Initializer;
}

/**
 * A 2-D convolution layer on `[C, H, W]` rows (NCHW batches): `filters` kernels of `kernelSize`, kept as ONNX's
 * `[filters, C, kh, kw]`, and a bias per filter; ONNX `Conv`.
 *
 * @example
 * ```ts
 * const model = new Sequential([
 *   new Conv2D(16, 3, { padding: 'same', activation: 'relu' }),
 *   new MaxPool2D(2),
 *   new Flatten(),
 *   new Dense(10, { activation: 'softmax' }),
 * ]);
 * ```
 */
export class Conv2D implements Layer {
  readonly kind = 'conv2d';
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly initializer: Initializer;

  constructor(
    readonly filters: number,
    kernelSize: number | readonly [number, number],
    options: Conv2DOptions = {},
  ) {
    if (!Number.isInteger(filters) || filters < 1) {
      throw new ParamError('INVALID_PARAM', `Conv2D filters must be a positive integer; got ${filters}.`, {
        param: 'filters',
        value: String(filters),
      });
    }
    this.kernelSize = pair('Conv2D', 'kernelSize', kernelSize);
    this.strides = pair('Conv2D', 'strides', options.strides ?? 1);
    this.padding = checkPadding('Conv2D', options.padding ?? 'valid');
    this.activation = checkActivation('Conv2D', options.activation ?? 'linear');
    this.useBias = options.useBias ?? true;
    this.initializer = options.initializer ?? (this.activation === 'relu' ? 'heUniform' : 'glorotUniform');
  }

  private window(inputShape: readonly number[]): Window2D {
    const [, h, w] = chw('Conv2D', inputShape);
    return window2d('Conv2D', [h, w], this.kernelSize, this.strides, this.padding);
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [this.filters, ...this.window(inputShape).out];
  }

  params(inputShape: readonly number[]): ParamSpec[] {
    const [c] = chw('Conv2D', inputShape);
    const [kh, kw] = this.kernelSize;
    const kernel: ParamSpec = {
      name: 'kernel',
      shape: [this.filters, c, kh, kw],
      init: this.initializer,
      fanIn: c * kh * kw,
      fanOut: this.filters * kh * kw,
    };
    return this.useBias ? [kernel, { name: 'bias', shape: [this.filters], init: 'zeros' }] : [kernel];
  }

  forward(tape: Tape, x: Value, params: readonly Value[], ctx: LayerContext): Value {
    const [w, b] = params as [Value, Value | undefined];
    const y = conv2d(tape, x, w, b, this.window(x.shape.slice(1)));
    return activate(tape, y, this.activation, ctx.logits);
  }
}
