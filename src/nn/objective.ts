/**
 * A full-batch objective for quasi-Newton solvers: one ONNX graph computes, for a block of rows, the weighted sum
 * of a loss and its gradient with respect to every parameter (forward and backward, no update). An
 * {@link Objective} runs it over all blocks of the bound data and sums in float64, so an optimizer in JavaScript
 * (L-BFGS, OWL-QN) sees `f(θ)` and `∇f(θ)` of a flat parameter vector.
 *
 * Rows carry weights: padding rows of the last block get weight 0, and `weightCol` weights enter the same way.
 *
 * @module
 */

import * as ort from 'onnxruntime-node';
import { ParamError, SchemaError } from '../errors.js';
import { Tape, type Value } from './autodiff.js';
import { GraphBuilder } from './graph.js';
import type { ParamSpec, Sequential } from './layers.js';
import { trainingThreads } from './threads.js';

/**
 * Per-row losses: `crossEntropy` (softmax over the outputs against a class index), `logistic` (one output, a
 * logit, against a 0/1 label: `log(1 + e^z) − y·z`), `mse` (sum of squared errors over the outputs).
 */
export type ObjectiveLoss = 'crossEntropy' | 'logistic' | 'mse';

/** Options of {@link compileObjective}. */
export interface ObjectiveOptions {
  readonly loss: ObjectiveLoss;
  /** Features per row: a count or a shape (rows are passed flattened). */
  readonly inputSize: number | readonly number[];
  /** Rows per graph run (default 4096); the last block is padded with zero-weight rows. */
  readonly blockSize?: number;
  /**
   * The arithmetic: `float64` (default; features are cast inside the graph, as Spark MLlib computes in doubles)
   * or `float32` (about twice as fast, for large networks).
   */
  readonly dtype?: 'float32' | 'float64';
  /** ONNX Runtime intra-op threads (default: the `withTrainingThreads` scope's, else ONNX Runtime's choice). */
  readonly threads?: number;
  /**
   * A factor per feature that the features are multiplied by inside the graph, before the model (standardization
   * without a scaled copy of the data).
   */
  readonly inputScale?: ArrayLike<number>;
  /** A value per feature subtracted before the scaling (centering without a copy of the data). */
  readonly inputShift?: ArrayLike<number>;
}

/** The data an {@link Objective} sums over. */
export interface ObjectiveData {
  /** Features, rows × features, flattened. */
  readonly x: Float32Array;
  /** Class indices (`crossEntropy`), 0/1 labels (`logistic`) or rows × outputs targets (`mse`). */
  readonly y: ArrayLike<number>;
  /** Row weights (default 1 for every row). */
  readonly weights?: ArrayLike<number>;
}

/** `f(θ)` and `∇f(θ)`: the weighted sums of the loss and of its gradient over every bound row. */
export interface ObjectiveValue {
  readonly loss: number;
  readonly gradient: Float64Array;
}

type Floats = Float32Array | Float64Array;

interface Block {
  readonly feeds: Record<string, ort.Tensor>;
}

/**
 * Compiles the loss-and-gradient graph of a model.
 *
 * @example
 * ```ts
 * const objective = await compileObjective(new Sequential([new Dense(3)]), { loss: 'crossEntropy', inputSize: 4 });
 * objective.bind({ x, y });
 * const { loss, gradient } = await objective.evaluate(theta);
 * ```
 */
export async function compileObjective(model: Sequential, options: ObjectiveOptions): Promise<Objective> {
  const inputShape = typeof options.inputSize === 'number' ? [options.inputSize] : [...options.inputSize];
  const blockSize = options.blockSize ?? 4096;
  const dtype = options.dtype ?? 'float64';
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new ParamError('INVALID_PARAM', `blockSize must be a positive integer; got ${blockSize}.`, {
      param: 'blockSize',
      value: String(blockSize),
    });
  }
  const outShape = model.outputShape(inputShape);
  const outputs = outShape.reduce((a, b) => a * b, 1);
  if (options.loss === 'logistic' && outputs !== 1) {
    throw new ParamError(
      'INVALID_PARAM',
      `The logistic loss needs a model with one output (a logit); this one has ${outputs}.`,
      {
        param: 'loss',
      },
    );
  }
  const specs = model.params(inputShape);
  const g = new GraphBuilder('objective');
  const tape = new Tape(g, dtype);
  const xIn = g.input('x', 'float32', [blockSize, ...inputShape]);
  const xCast = dtype === 'float32' ? xIn : g.node('Cast', [xIn], { to: 11 });
  const shift = options.inputShift;
  const xShifted =
    shift === undefined
      ? xCast
      : g.node('Sub', [xCast, g.initializer('input_shift', dtype, [...inputShape], shift)]);
  const scale = options.inputScale;
  const xName =
    scale === undefined
      ? xShifted
      : g.node('Mul', [xShifted, g.initializer('input_scale', dtype, [...inputShape], scale)]);
  const x = tape.leaf(xName, [blockSize, ...inputShape], false);
  const targetShape = [blockSize, outputs];
  const y = tape.leaf(g.input('y', dtype, targetShape), targetShape, false);
  const w = tape.leaf(g.input('w', dtype, [blockSize]), [blockSize], false);
  const params = specs.map((p) => tape.leaf(g.input(p.name, dtype, p.shape), p.shape, true));
  const out = model.forward(tape, x, params, true);
  const loss = weightedLoss(tape, options.loss, out, y, w);
  const grads = tape.backward(loss, params);
  const lossOut = g.output(loss.name, dtype, [], 'loss');
  const gradOuts = grads.map((gr, i) => g.output(gr, dtype, specs[i]?.shape ?? [], `${specs[i]?.name}_grad`));
  const threads = trainingThreads(options.threads);
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    ...(threads === undefined ? {} : { intraOpNumThreads: threads, interOpNumThreads: 1 }),
  };
  const session = await ort.InferenceSession.create(g.toBytes(), sessionOptions);
  return new Objective(
    session,
    specs,
    inputShape,
    outputs,
    blockSize,
    dtype,
    options.loss,
    lossOut,
    gradOuts,
  );
}

/** Emits the weighted sum of per-row losses, with its fused gradient with respect to the model's output. */
function weightedLoss(tape: Tape, loss: ObjectiveLoss, out: Value, y: Value, w: Value): Value {
  const g = tape.g;
  const wCol = g.node('Unsqueeze', [w.name, tape.ints([1])]);
  const total = (rowLoss: string) =>
    g.node('ReduceSum', [g.node('Mul', [rowLoss, w.name])], { keepdims: 0 }, 'loss');
  switch (loss) {
    case 'crossEntropy': {
      const logp = g.node('LogSoftmax', [out.name], { axis: -1 });
      const rowLoss = g.node('Neg', [
        g.node('ReduceSum', [g.node('Mul', [y.name, logp]), tape.ints([1])], { keepdims: 0 }),
      ]);
      return tape.record([out], total(rowLoss), [], (gr) => {
        const diff = g.node('Sub', [g.node('Exp', [logp]), y.name]);
        return [g.node('Mul', [diff, g.node('Mul', [wCol, gr])])];
      });
    }
    case 'logistic': {
      // log(1 + e^z) computed stably as max(z, 0) + log(1 + e^−|z|).
      const z = out.name;
      const softplus = g.node('Add', [
        g.node('Relu', [z]),
        g.node('Log', [
          g.node('Add', [tape.scalar(1), g.node('Exp', [g.node('Neg', [g.node('Abs', [z])])])]),
        ]),
      ]);
      const rowLoss = g.node(
        'ReduceSum',
        [g.node('Sub', [softplus, g.node('Mul', [y.name, z])]), tape.ints([1])],
        {
          keepdims: 0,
        },
      );
      return tape.record([out], total(rowLoss), [], (gr) => {
        const diff = g.node('Sub', [g.node('Sigmoid', [z]), y.name]);
        return [g.node('Mul', [diff, g.node('Mul', [wCol, gr])])];
      });
    }
    case 'mse': {
      const diff = g.node('Sub', [out.name, y.name]);
      const rowLoss = g.node('ReduceSum', [g.node('Mul', [diff, diff]), tape.ints([1])], { keepdims: 0 });
      return tape.record([out], total(rowLoss), [], (gr) => [
        g.node('Mul', [diff, g.node('Mul', [wCol, g.node('Mul', [gr, tape.scalar(2)])])]),
      ]);
    }
    default: {
      const never: never = loss;
      return never;
    }
  }
}

/**
 * A compiled loss-and-gradient graph and the data it sums over; make one with {@link compileObjective}, bind data
 * with {@link Objective.bind}, and release it with {@link Objective.close}.
 *
 * @example
 * ```ts
 * objective.bind({ x, y, weights });
 * const theta = objective.pack(initialWeights);
 * const { loss, gradient } = await objective.evaluate(theta);
 * ```
 */
export class Objective {
  /** Values in the flat parameter vector. */
  readonly size: number;
  private blocks: Block[] = [];
  private rows = 0;
  private weightSum = 0;

  /** @internal */
  constructor(
    private readonly session: ort.InferenceSession,
    /** The parameters, in the order of the flat vector. */
    readonly specs: readonly ParamSpec[],
    private readonly inputShape: readonly number[],
    private readonly outputs: number,
    private readonly blockSize: number,
    private readonly dtype: 'float32' | 'float64',
    private readonly loss: ObjectiveLoss,
    private readonly lossOut: string,
    private readonly gradOuts: readonly string[],
  ) {
    this.size = specs.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
  }

  /** Rows bound. */
  get rowCount(): number {
    return this.rows;
  }

  /** The sum of the bound rows' weights. */
  get totalWeight(): number {
    return this.weightSum;
  }

  /**
   * Binds the rows to sum over, split into blocks once (the features are viewed, not copied, except the padded
   * last block). Labels are checked here: class indices must be integers in `[0, outputs)`, logistic labels 0 or 1.
   */
  bind(data: ObjectiveData): void {
    const features = this.inputShape.reduce((a, b) => a * b, 1);
    if (data.x.length % features !== 0) {
      throw new SchemaError(
        'FEATURE_SIZE_MISMATCH',
        `The features hold ${data.x.length} values, not a multiple of ${features} per row.`,
        { features: String(features), got: String(data.x.length) },
      );
    }
    const rows = data.x.length / features;
    const perRowTargets = this.loss === 'mse' ? this.outputs : 1;
    if (data.y.length !== rows * perRowTargets) {
      throw new SchemaError(
        'LABEL_SIZE_MISMATCH',
        `Got ${data.y.length} labels for ${rows} rows; expected ${rows * perRowTargets}.`,
        { rows: String(rows), got: String(data.y.length) },
      );
    }
    if (data.weights !== undefined && data.weights.length !== rows) {
      throw new SchemaError('WEIGHT_SIZE_MISMATCH', `Got ${data.weights.length} weights for ${rows} rows.`, {
        rows: String(rows),
        got: String(data.weights.length),
      });
    }
    const B = this.blockSize;
    const make = (n: number) => (this.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n));
    this.blocks = [];
    this.weightSum = 0;
    for (let start = 0; start < rows; start += B) {
      const n = Math.min(B, rows - start);
      let xb = data.x.subarray(start * features, (start + n) * features);
      if (n < B) {
        const padded = new Float32Array(B * features);
        padded.set(xb);
        xb = padded;
      }
      const yb = make(B * this.outputs);
      const wb = make(B);
      for (let r = 0; r < n; r++) {
        const row = start + r;
        const weight = data.weights === undefined ? 1 : Number(data.weights[row]);
        wb[r] = weight;
        this.weightSum += weight;
        if (this.loss === 'crossEntropy') {
          const label = Number(data.y[row]);
          if (!Number.isInteger(label) || label < 0 || label >= this.outputs) {
            throw new ParamError(
              'LABEL_OUT_OF_RANGE',
              `Label ${label} at row ${row} is not a class index in [0, ${this.outputs - 1}].`,
              { row: String(row), label: String(label), classes: String(this.outputs) },
            );
          }
          yb[r * this.outputs + label] = 1;
        } else if (this.loss === 'logistic') {
          const label = Number(data.y[row]);
          if (label !== 0 && label !== 1) {
            throw new ParamError('LABEL_OUT_OF_RANGE', `Label ${label} at row ${row} is not 0 or 1.`, {
              row: String(row),
              label: String(label),
              classes: '2',
            });
          }
          yb[r] = label;
        } else {
          for (let k = 0; k < this.outputs; k++)
            yb[r * this.outputs + k] = Number(data.y[row * this.outputs + k]);
        }
      }
      this.blocks.push({
        feeds: {
          x: new ort.Tensor('float32', xb, [B, ...this.inputShape]),
          y: new ort.Tensor(this.dtype, yb, [B, this.outputs]),
          w: new ort.Tensor(this.dtype, wb, [B]),
        },
      });
    }
    this.rows = rows;
  }

  /** Concatenates per-parameter arrays (in {@link Objective.specs} order) into one flat float64 vector. */
  pack(values: readonly ArrayLike<number>[]): Float64Array {
    const out = new Float64Array(this.size);
    let k = 0;
    this.specs.forEach((p, i) => {
      const v = values[i];
      const n = p.shape.reduce((a, b) => a * b, 1);
      if (v === undefined || v.length !== n) {
        throw new ParamError(
          'INVALID_PARAM',
          `Parameter '${p.name}' needs ${n} values [${p.shape.join(', ')}]; got ${v?.length ?? 'none'}.`,
          { param: p.name },
        );
      }
      for (let j = 0; j < n; j++) out[k + j] = Number(v[j]);
      k += n;
    });
    return out;
  }

  /** Splits a flat vector into per-parameter float32 arrays (in {@link Objective.specs} order). */
  unpack(theta: ArrayLike<number>): Float32Array[] {
    let k = 0;
    return this.specs.map((p) => {
      const n = p.shape.reduce((a, b) => a * b, 1);
      const out = new Float32Array(n);
      for (let j = 0; j < n; j++) out[j] = Number(theta[k + j]);
      k += n;
      return out;
    });
  }

  /** The weighted sums of the loss and its gradient over every bound row, at `theta`. */
  async evaluate(theta: Float64Array): Promise<ObjectiveValue> {
    if (theta.length !== this.size) {
      throw new ParamError('INVALID_PARAM', `Expected ${this.size} parameter values; got ${theta.length}.`, {
        param: 'theta',
      });
    }
    const paramFeeds: Record<string, ort.Tensor> = {};
    let k = 0;
    for (const p of this.specs) {
      const n = p.shape.reduce((a, b) => a * b, 1);
      const slice = theta.subarray(k, k + n);
      const data: Floats = this.dtype === 'float64' ? Float64Array.from(slice) : Float32Array.from(slice);
      paramFeeds[p.name] = new ort.Tensor(this.dtype, data, p.shape);
      k += n;
    }
    const gradient = new Float64Array(this.size);
    let loss = 0;
    for (const block of this.blocks) {
      const out = await this.session.run({ ...block.feeds, ...paramFeeds });
      loss += Number((out[this.lossOut] as ort.Tensor).data[0]);
      let offset = 0;
      this.gradOuts.forEach((name) => {
        const data = (out[name] as ort.Tensor).data as Floats;
        for (let j = 0; j < data.length; j++)
          gradient[offset + j] = (gradient[offset + j] ?? 0) + (data[j] ?? 0);
        offset += data.length;
      });
    }
    return { loss, gradient };
  }

  /** Releases the ONNX Runtime session. */
  async close(): Promise<void> {
    await this.session.release();
  }
}
