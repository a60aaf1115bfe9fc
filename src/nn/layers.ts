/**
 * The layers API: {@link Dense}, {@link Flatten} and {@link Sequential}, and seeded weight initialization.
 *
 * Weights are drawn from {@link mulberry32} (a 32-bit PRNG: state `s += 0x6D2B79F5`, then two xorshift-multiply
 * rounds; output `/ 2^32` in [0, 1)), seeded once per model and consumed in layer order (kernel, then bias), so a
 * seed reproduces every weight bit for bit. Kernels are uniform in ±limit: He (`√(6/fanIn)`) before relu, Glorot
 * (`√(6/(fanIn+fanOut))`) otherwise; biases start at zero.
 *
 * @module
 */

import { ParamError } from '../errors.js';
import type { Tape, Value } from './autodiff.js';

/** Activations of a {@link Dense} layer. */
export type Activation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';

/** Kernel initializers. */
export type Initializer = 'glorotUniform' | 'heUniform';

/** A trainable tensor a layer declares. */
export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: Initializer | 'zeros';
}

/** A layer of a {@link Sequential} model. */
export interface Layer {
  readonly kind: 'dense' | 'flatten';
  /** The output shape (without the batch) for an input shape (without the batch). */
  outputShape(inputShape: readonly number[]): number[];
  /** The trainable tensors, for an input shape (without the batch). */
  params(inputShape: readonly number[]): ParamSpec[];
  /** Emits the layer; `logits` leaves out a final softmax. */
  forward(tape: Tape, x: Value, params: readonly Value[], logits: boolean): Value;
}

/** Options of {@link Dense}. */
export interface DenseOptions {
  /** The activation after `x·W + b`; default `'linear'`. */
  readonly activation?: Activation;
  /** The kernel initializer; default He for relu, Glorot otherwise. */
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
    this.activation = options.activation ?? 'linear';
    this.initializer = options.initializer ?? (this.activation === 'relu' ? 'heUniform' : 'glorotUniform');
  }

  outputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length !== 1) {
      throw new ParamError(
        'INVALID_PARAM',
        `Dense expects 1-D features per row; got shape [${inputShape.join(', ')}]. Put a Flatten layer before it.`,
        { shape: inputShape.join(',') },
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

  forward(tape: Tape, x: Value, params: readonly Value[], logits: boolean): Value {
    const [w, b] = params as [Value, Value];
    const z = tape.dense(x, w, b);
    switch (this.activation) {
      case 'linear':
        return z;
      case 'relu':
        return tape.relu(z);
      case 'sigmoid':
        return tape.sigmoid(z);
      case 'tanh':
        return tape.tanh(z);
      case 'softmax':
        return logits ? z : tape.softmax(z);
      default: {
        const never: never = this.activation;
        return never;
      }
    }
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

  /** Every trainable tensor, in layer order, named `layer<i>_<name>`. */
  params(inputShape: readonly number[]): ParamSpec[] {
    const out: ParamSpec[] = [];
    let shape = [...inputShape];
    this.layers.forEach((layer, i) => {
      for (const p of layer.params(shape)) out.push({ ...p, name: `layer${i}_${p.name}` });
      shape = layer.outputShape(shape);
    });
    return out;
  }

  /** The output shape (without the batch). */
  outputShape(inputShape: readonly number[]): number[] {
    return this.layers.reduce<number[]>((s, l) => l.outputShape(s), [...inputShape]);
  }

  /** Emits the whole network; `params` in the order of {@link Sequential.params}. */
  forward(tape: Tape, x: Value, params: readonly Value[], logits: boolean): Value {
    let k = 0;
    let shape = x.shape.slice(1);
    let h = x;
    this.layers.forEach((layer, i) => {
      const n = layer.params(shape).length;
      h = layer.forward(tape, h, params.slice(k, k + n), logits && i === this.layers.length - 1);
      k += n;
      shape = layer.outputShape(shape);
    });
    return h;
  }
}

/** The mulberry32 PRNG: returns a function giving uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Initial values of every parameter, drawn in order from one {@link mulberry32} stream. */
export function initParams(specs: readonly ParamSpec[], seed: number): Float32Array[] {
  const rand = mulberry32(seed);
  return specs.map((p) => {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (p.init === 'zeros') return data;
    const fanIn = p.shape[0] ?? 1;
    const fanOut = p.shape[1] ?? 1;
    const limit = p.init === 'heUniform' ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < size; i++) data[i] = (2 * rand() - 1) * limit;
    return data;
  });
}
