/**
 * The layers API: the {@link Layer} contract, {@link Dense}, {@link Flatten}, {@link ActivationLayer} and
 * {@link Sequential}. Convolution, pooling, batch normalization and dropout layers live in `conv.ts`, `pooling.ts`,
 * `normalization.ts` and `dropout.ts`; seeded initialization in `init.ts`.
 *
 * @module
 */

import { ParamError } from '../errors.js';
import type { Tape, Value } from './autodiff.js';
import { layerSeed } from './init.js';

export { initParams, layerSeed, mulberry32 } from './init.js';

/** Activations of {@link Dense}, {@link Conv2D} and {@link ActivationLayer}. */
export type Activation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';

/** Kernel initializers. */
export type Initializer = 'glorotUniform' | 'heUniform';

/** A trainable tensor a layer declares. */
export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: Initializer | 'zeros' | 'ones';
  /** Inputs feeding one output unit, for the initializer's limit (default `shape[0]`). */
  readonly fanIn?: number;
  /** Outputs fed by one input unit (default `shape[1]`). */
  readonly fanOut?: number;
}

/**
 * A non-trainable tensor a layer carries from one training step to the next (BatchNorm's moving statistics): an
 * input of the training-step graph whose updated value is an output, fed back like optimizer state; a constant in
 * the exported model.
 */
export interface StateSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** The value every element starts at. */
  readonly initial: number;
}

/** The kinds of layer. */
export type LayerKind =
  | 'dense'
  | 'flatten'
  | 'activation'
  | 'conv2d'
  | 'maxPool2d'
  | 'avgPool2d'
  | 'globalAvgPool2d'
  | 'globalMaxPool2d'
  | 'batchNorm'
  | 'dropout';

/** What a layer's `forward` is told besides its input and parameters. */
export interface LayerContext {
  /** Leave out a final softmax or sigmoid (the loss is fused with it); true only for the last layer. */
  readonly logits: boolean;
  /** The training-step graph (batch statistics, dropout masks) rather than an inference graph. */
  readonly training: boolean;
  /** The layer's state values, in the order of its `state()`. */
  readonly state: readonly Value[];
  /** A seed for the layer's randomness, derived from the model's seed and the layer's position. */
  readonly seed: number;
  /**
   * Which of the training steps chained in one graph this is (0 for the first or only one): a layer with randomness
   * mixes it into its seed so that each chained step draws its own masks.
   */
  readonly stepInRun?: number;
  /** Where a layer in training writes the names of its updated state values, in the order of its `state()`. */
  readonly updates: string[];
}

/** A layer of a {@link Sequential} model. Shapes exclude the batch: `[features]` or `[channels, height, width]`. */
export interface Layer {
  readonly kind: LayerKind;
  /** The activation applied last, for layers that have one. */
  readonly activation?: Activation;
  /**
   * The output shape for an input shape; throws a ParamError when the layer does not fit the input.
   *
   * @example
   * ```ts
   * new Conv2D(16, 3).outputShape([1, 8, 8]); // [16, 6, 6]
   * ```
   */
  outputShape(inputShape: readonly number[]): number[];
  /**
   * The trainable tensors, for an input shape.
   *
   * @example
   * ```ts
   * new Dense(10).params([64]); // kernel [64, 10], bias [10]
   * ```
   */
  params(inputShape: readonly number[]): ParamSpec[];
  /**
   * The state tensors, for an input shape (none when absent).
   *
   * @example
   * ```ts
   * new BatchNorm().state?.([16, 8, 8]); // movingMean [16], movingVariance [16]
   * ```
   */
  state?(inputShape: readonly number[]): StateSpec[];
  /**
   * Emits the layer.
   *
   * @example
   * ```ts
   * const y = layer.forward(tape, x, params, { logits: false, training: true, state: [], seed: 0, updates: [] });
   * ```
   */
  forward(tape: Tape, x: Value, params: readonly Value[], ctx: LayerContext): Value;
}

/** Emits `activation(z)`; softmax runs over axis 1 (features, or channels of `[B, C, H, W]`). @internal */
export function activate(tape: Tape, z: Value, activation: Activation, logits: boolean): Value {
  switch (activation) {
    case 'linear':
      return z;
    case 'relu':
      return tape.relu(z);
    case 'sigmoid':
      return logits ? z : tape.sigmoid(z);
    case 'tanh':
      return tape.tanh(z);
    case 'softmax':
      return logits ? z : tape.softmax(z, 1);
    default: {
      const never: never = activation;
      return never;
    }
  }
}

const ACTIVATIONS: readonly Activation[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'];

/** Checks an activation name given at run time. @internal */
export function checkActivation(layer: string, activation: Activation): Activation {
  if (!ACTIVATIONS.includes(activation)) {
    throw new ParamError(
      'INVALID_PARAM',
      `${layer} activation must be one of ${ACTIVATIONS.join(', ')}; got '${String(activation)}'.`,
      { param: 'activation', value: String(activation) },
    );
  }
  return activation;
}

/** Options of {@link Dense}. */
export interface DenseOptions {
  /**
   * The activation after `x·W + b`; default `'linear'`.
   *
   * @example
   * ```ts
   * new Dense(10, { activation: 'softmax' });
   * ```
   */
  readonly activation?: Activation;
  /**
   * The kernel initializer; default He for relu, Glorot otherwise.
   *
   * @example
   * ```ts
   * new Dense(64, { activation: 'tanh', initializer: 'heUniform' });
   * ```
   */
  readonly initializer?: Initializer;
}

/**
 * A fully connected layer `activation(x·W + b)` on `[B, K]` inputs.
 *
 * @example
 * ```ts
 * const model = new Sequential([new Dense(256, { activation: 'relu' }), new Dense(10, { activation: 'softmax' })]);
 * ```
 */
export class Dense implements Layer {
  readonly kind = 'dense';
  readonly activation: Activation;
  readonly initializer: Initializer;

  constructor(
    readonly units: number,
    options: DenseOptions = {},
  ) {
    if (!Number.isInteger(units) || units < 1) {
      throw new ParamError('INVALID_PARAM', `Dense units must be a positive integer; got ${units}.`, {
        param: 'units',
        value: String(units),
      });
    }
    this.activation = checkActivation('Dense', options.activation ?? 'linear');
    this.initializer = options.initializer ?? (this.activation === 'relu' ? 'heUniform' : 'glorotUniform');
  }

  outputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length !== 1) {
      throw new ParamError(
        'INVALID_LAYER_INPUT',
        `Dense expects 1-D features per row; got shape [${inputShape.join(', ')}]. Put a Flatten layer before it.`,
        { layer: 'Dense', shape: inputShape.join(','), expected: '[features]' },
      );
    }
    return [this.units];
  }

  params(inputShape: readonly number[]): ParamSpec[] {
    this.outputShape(inputShape);
    return [
      { name: 'kernel', shape: [inputShape[0] ?? 1, this.units], init: this.initializer },
      { name: 'bias', shape: [this.units], init: 'zeros' },
    ];
  }

  forward(tape: Tape, x: Value, params: readonly Value[], ctx: LayerContext): Value {
    const [w, b] = params as [Value, Value];
    return activate(tape, tape.dense(x, w, b), this.activation, ctx.logits);
  }
}

/**
 * Flattens each row to one dimension.
 *
 * @example
 * ```ts
 * const model = new Sequential([new Flatten(), new Dense(10)]);
 * ```
 */
export class Flatten implements Layer {
  readonly kind = 'flatten';
  outputShape(inputShape: readonly number[]): number[] {
    return [inputShape.reduce((a, b) => a * b, 1)];
  }
  params(): ParamSpec[] {
    return [];
  }
  forward(tape: Tape, x: Value): Value {
    return tape.flatten(x);
  }
}

/**
 * An activation on its own, for any input shape: after a {@link Conv2D} or a {@link BatchNorm}, for instance.
 * Softmax runs over axis 1: the features of `[B, K]`, the channels of `[B, C, H, W]`.
 *
 * @example
 * ```ts
 * const model = new Sequential([new Conv2D(8, 3), new BatchNorm(), new ActivationLayer('relu'), new Flatten()]);
 * ```
 */
export class ActivationLayer implements Layer {
  readonly kind = 'activation';
  readonly activation: Activation;
  constructor(activation: Activation) {
    this.activation = checkActivation('ActivationLayer', activation);
  }
  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }
  params(): ParamSpec[] {
    return [];
  }
  forward(tape: Tape, x: Value, _params: readonly Value[], ctx: LayerContext): Value {
    return activate(tape, x, this.activation, ctx.logits);
  }
}

/** Options of {@link Sequential.apply}. */
export interface ApplyOptions {
  /** Leave out the last layer's softmax or sigmoid (default false). */
  readonly logits?: boolean;
  /** Emit the training graph: batch statistics, dropout masks, state updates (default false). */
  readonly training?: boolean;
  /** The state values, in the order of {@link Sequential.state} (required when the model has state). */
  readonly state?: readonly Value[];
  /** The model's seed, from which each layer's seed derives (default 0). */
  readonly seed?: number;
  /** Which of the training steps chained in one graph this is (default 0); see {@link LayerContext.stepInRun}. */
  readonly stepInRun?: number;
}

/**
 * A stack of layers applied in order.
 *
 * @example
 * ```ts
 * const model = new Sequential([new Dense(16, { activation: 'tanh' }), new Dense(3, { activation: 'softmax' })]);
 * ```
 */
export class Sequential {
  readonly layers: readonly Layer[];
  constructor(layers: readonly Layer[]) {
    if (layers.length === 0) {
      throw new ParamError('INVALID_PARAM', 'A Sequential model needs at least one layer.', {
        param: 'layers',
      });
    }
    this.layers = [...layers];
  }

  /** The last layer, when it is a Dense layer. */
  get head(): Dense | undefined {
    const last = this.layers[this.layers.length - 1];
    return last instanceof Dense ? last : undefined;
  }

  /**
   * The last layer's activation (`'linear'` for a layer without one, such as Flatten or a pooling layer).
   *
   * @example
   * ```ts
   * new Sequential([new Conv2D(8, 3), new GlobalAvgPool2D()]).finalActivation; // 'linear'
   * ```
   */
  get finalActivation(): Activation {
    return this.layers[this.layers.length - 1]?.activation ?? 'linear';
  }

  /** Every trainable tensor, in layer order, named `layer<i>_<name>`. */
  params(inputShape: readonly number[]): ParamSpec[] {
    return this.inputShapes(inputShape).flatMap((shape, i) =>
      (this.layers[i] as Layer).params(shape).map((p) => ({ ...p, name: `layer${i}_${p.name}` })),
    );
  }

  /**
   * Every state tensor, in layer order, named `layer<i>_<name>`.
   *
   * @example
   * ```ts
   * new Sequential([new Conv2D(8, 3), new BatchNorm()]).state([1, 8, 8]); // layer1_movingMean, layer1_movingVariance
   * ```
   */
  state(inputShape: readonly number[]): StateSpec[] {
    return this.inputShapes(inputShape).flatMap((shape, i) =>
      ((this.layers[i] as Layer).state?.(shape) ?? []).map((s) => ({ ...s, name: `layer${i}_${s.name}` })),
    );
  }

  /** The output shape (without the batch); a layer that does not fit its input throws a ParamError naming it. */
  outputShape(inputShape: readonly number[]): number[] {
    const shapes = this.inputShapes(inputShape);
    const i = this.layers.length - 1;
    return this.at(i, () => (this.layers[i] as Layer).outputShape(shapes[i] as number[]));
  }

  /** Emits the network's inference graph; `params` in the order of {@link Sequential.params}. Stateless models. */
  forward(tape: Tape, x: Value, params: readonly Value[], logits: boolean): Value {
    return this.apply(tape, x, params, { logits }).output;
  }

  /**
   * Emits the network: its output and, in training, the updated state values in the order of
   * {@link Sequential.state}.
   *
   * @example
   * ```ts
   * const { output, state } = model.apply(tape, x, params, { logits: true, training: true, state: moving, seed: 0 });
   * ```
   */
  apply(
    tape: Tape,
    x: Value,
    params: readonly Value[],
    options: ApplyOptions = {},
  ): { output: Value; state: string[] } {
    const shapes = this.inputShapes(x.shape.slice(1));
    const stateIn = options.state ?? [];
    const updates: string[] = [];
    let k = 0;
    let s = 0;
    let h = x;
    this.layers.forEach((layer, i) => {
      const shape = shapes[i] as number[];
      const np = layer.params(shape).length;
      const ns = layer.state?.(shape).length ?? 0;
      if (s + ns > stateIn.length) {
        throw new ParamError(
          'MISSING_STATE',
          `Layer ${i} (${layer.kind}) carries ${ns} state tensors, but no values were given for them.`,
          { layer: String(i) },
        );
      }
      const layerUpdates: string[] = [];
      h = layer.forward(tape, h, params.slice(k, k + np), {
        logits: options.logits === true && i === this.layers.length - 1,
        training: options.training === true,
        state: stateIn.slice(s, s + ns),
        seed: layerSeed(options.seed ?? 0, i),
        stepInRun: options.stepInRun ?? 0,
        updates: layerUpdates,
      });
      if (options.training === true) updates.push(...layerUpdates);
      k += np;
      s += ns;
    });
    return { output: h, state: updates };
  }

  /** The input shape of each layer; a layer that does not fit its input throws a ParamError naming it. */
  private inputShapes(inputShape: readonly number[]): number[][] {
    const shapes: number[][] = [];
    let shape = [...inputShape];
    this.layers.forEach((layer, i) => {
      shapes.push(shape);
      if (i < this.layers.length - 1) shape = this.at(i, () => layer.outputShape(shape));
    });
    return shapes;
  }

  private at<T>(i: number, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof ParamError) || e.messageParameters.index !== undefined) throw e;
      const message = e.message.replace(/^\[[A-Z_]+\] /, '');
      throw new ParamError(e.errorClass, `Layer ${i} (${this.layers[i]?.kind}): ${message}`, {
        ...e.messageParameters,
        index: String(i),
      });
    }
  }
}
