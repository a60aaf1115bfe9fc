/**
 * Compiles a {@link Sequential} model into one ONNX training-step graph (forward, loss, backward, optimizer
 * update) run by an ordinary `ort.InferenceSession`. Weights and optimizer state stay in ONNX Runtime tensors: each
 * step's output tensors are fed back as the next step's inputs, with no graph rebuild.
 *
 * Runs in the calling thread: `session.run` blocks it while the kernels run.
 *
 * @module
 */

import * as ort from 'onnxruntime-node';
import { ParamError, SchemaError } from '../errors.js';
import { Tape, type Value } from './autodiff.js';
import { GraphBuilder } from './graph.js';
import { initParams, type ParamSpec, type Sequential, type StateSpec } from './layers.js';
import { emitUpdate, type OptimizerSpec, type StateTensor } from './optimizers.js';

/**
 * Losses: softmax cross-entropy on class indices; binary cross-entropy on 0/1 float targets, one per output unit
 * (a single sigmoid unit, or several independent ones); or mean squared error on float targets.
 */
export type Loss = 'crossEntropy' | 'binaryCrossEntropy' | 'mse';

/** Options of {@link compileTraining}. */
export interface TrainingOptions {
  readonly loss: Loss;
  readonly optimizer: OptimizerSpec;
  /** Rows per step; every `step` takes exactly this many. */
  readonly batchSize: number;
  /** Features per row: a count, or a shape such as `[28, 28]` (rows are passed flattened). */
  readonly inputSize: number | readonly number[];
  /** Seed of the weight initialization and of the dropout masks (default 0). */
  readonly seed?: number;
  /** ONNX Runtime intra-op threads (default: ONNX Runtime's choice). */
  readonly threads?: number;
  /** Starting weights, one array per parameter in the order of `model.params` (default: seeded initialization). */
  readonly initialWeights?: readonly Float32Array[];
}

/** Labels: class indices for cross-entropy, or `batch × outputs` floats for binary cross-entropy and MSE. */
export type Labels = ArrayLike<number>;

/**
 * Compiles a model for training.
 *
 * @example
 * ```ts
 * const model = new Sequential([new Dense(256, { activation: 'relu' }), new Dense(10, { activation: 'softmax' })]);
 * const trainer = await compileTraining(model, { loss: 'crossEntropy', optimizer: adam(), batchSize: 256, inputSize: 2048 });
 * const loss = await trainer.step(x, labels);
 * const onnxBytes = trainer.export();
 * ```
 */
export async function compileTraining(model: Sequential, options: TrainingOptions): Promise<Trainer> {
  const inputShape = typeof options.inputSize === 'number' ? [options.inputSize] : [...options.inputSize];
  const batch = options.batchSize;
  if (!Number.isInteger(batch) || batch < 1) {
    throw new ParamError('INVALID_PARAM', `batchSize must be a positive integer; got ${batch}.`, {
      param: 'batchSize',
      value: String(batch),
    });
  }
  if (inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ParamError(
      'INVALID_PARAM',
      `inputSize must hold positive integers; got [${inputShape.join(', ')}].`,
      {
        param: 'inputSize',
      },
    );
  }
  const outShape = model.outputShape(inputShape);
  checkHead(model, options.loss, outShape);
  const specs = model.params(inputShape);
  const stateSpecs = model.state(inputShape);
  const init = options.initialWeights ?? initParams(specs, options.seed ?? 0);
  specs.forEach((p, i) => {
    const n = size(p.shape);
    if (init[i]?.length !== n) {
      throw new ParamError(
        'INVALID_PARAM',
        `initialWeights[${i}] (${p.name}) must hold ${n} values [${p.shape.join(', ')}]; got ${init[i]?.length ?? 'none'}.`,
        { param: 'initialWeights' },
      );
    }
  });
  const logits = options.loss !== 'mse';

  // The training-step graph.
  const g = new GraphBuilder('train_step');
  const tape = new Tape(g, 'float32');
  const x = tape.leaf(g.input('x', 'float32', [batch, ...inputShape]), [batch, ...inputShape], false);
  const yShape = [batch, ...outShape];
  const y = tape.leaf(g.input('y', 'float32', yShape), yShape, false);
  const params = specs.map((p) => tape.leaf(g.input(p.name, 'float32', p.shape), p.shape, true));
  const layerState = stateSpecs.map((s) => tape.leaf(g.input(s.name, 'float32', s.shape), s.shape, false));
  const { output: out, state: layerStateNew } = model.apply(tape, x, params, {
    logits,
    training: true,
    state: layerState,
    seed: options.seed ?? 0,
  });
  const loss =
    options.loss === 'crossEntropy'
      ? tape.softmaxCrossEntropy(out, y)
      : options.loss === 'binaryCrossEntropy'
        ? tape.sigmoidBinaryCrossEntropy(out, y)
        : tape.mse(out, y);
  const grads = tape.backward(loss, params);
  const upd = emitUpdate(
    tape,
    options.optimizer,
    params.map((p, i) => ({ name: p.name, grad: grads[i] as string, shape: p.shape })),
  );
  // Step outputs are the update nodes' own values: renaming them through Identity nodes would copy every weight
  // and optimizer-state tensor once more per step. A value output twice, or a graph input, still gets one.
  const inputs = new Set([...specs.map((p) => p.name), ...stateSpecs.map((p) => p.name), 'x', 'y']);
  const outputOnce = (value: string, shape: readonly number[], name: string) => {
    const rename = inputs.has(value);
    inputs.add(value);
    return g.output(value, 'float32', shape, rename ? name : undefined);
  };
  const lossOut = g.output(loss.name, 'float32', [], 'loss');
  inputs.add(lossOut);
  const weightOuts = upd.weights.map((w, i) =>
    outputOnce(w, params[i]?.shape ?? [], `${specs[i]?.name}_new`),
  );
  const stateOuts = upd.state.map((s) => outputOnce(s.output, s.shape, `${s.input}_new`));
  const layerStateOuts = layerStateNew.map((v, i) =>
    outputOnce(v, stateSpecs[i]?.shape ?? [], `${stateSpecs[i]?.name}_new`),
  );

  const sessionOptions: ort.InferenceSession.SessionOptions =
    options.threads === undefined ? {} : { intraOpNumThreads: options.threads, interOpNumThreads: 1 };
  const session = await ort.InferenceSession.create(g.toBytes(), sessionOptions);
  const predictor = await ort.InferenceSession.create(
    forwardGraph(model, inputShape, specs, stateSpecs, undefined, options.loss).toBytes(),
    sessionOptions,
  );
  return new Trainer({
    model,
    options,
    inputShape,
    outShape,
    specs,
    session,
    predictor,
    weights: init.map((d, i) => new ort.Tensor('float32', d, specs[i]?.shape ?? [])),
    state: upd.state.map(
      (s) => new ort.Tensor('float32', new Float32Array(size(s.shape)).fill(s.initial), s.shape),
    ),
    stateSpecs: upd.state,
    lossOut,
    weightOuts,
    stateOuts,
    layerStateSpecs: stateSpecs,
    layerState: stateSpecs.map(
      (s) => new ort.Tensor('float32', new Float32Array(size(s.shape)).fill(s.initial), s.shape),
    ),
    layerStateOuts,
  });
}

/** Checks that the last layer fits the loss: softmax (or linear) with cross-entropy, sigmoid (or linear) with BCE. */
function checkHead(model: Sequential, loss: Loss, outShape: readonly number[]): void {
  const act = model.finalActivation;
  if (loss === 'crossEntropy' && (!['softmax', 'linear'].includes(act) || outShape.length !== 1)) {
    throw new ParamError(
      'INVALID_PARAM',
      `Cross-entropy needs a last layer with activation 'softmax' (or 'linear' logits) and 1-D outputs; got ` +
        `'${act}' with output shape [${outShape.join(', ')}].`,
      { param: 'loss', activation: act },
    );
  }
  if (loss === 'binaryCrossEntropy' && !['sigmoid', 'linear'].includes(act)) {
    throw new ParamError(
      'INVALID_PARAM',
      `Binary cross-entropy needs a last layer with activation 'sigmoid' (or 'linear' logits); got '${act}'.`,
      { param: 'loss', activation: act },
    );
  }
}

interface TrainerParts {
  model: Sequential;
  options: TrainingOptions;
  inputShape: number[];
  outShape: number[];
  specs: ParamSpec[];
  session: ort.InferenceSession;
  predictor: ort.InferenceSession;
  weights: ort.Tensor[];
  state: ort.Tensor[];
  stateSpecs: StateTensor[];
  lossOut: string;
  weightOuts: string[];
  stateOuts: string[];
  layerStateSpecs: StateSpec[];
  layerState: ort.Tensor[];
  layerStateOuts: string[];
}

/**
 * A compiled training session; make one with {@link compileTraining}. Close it with {@link Trainer.close}.
 *
 * @example
 * ```ts
 * for (let epoch = 0; epoch < 10; epoch++) for (const [x, y] of batches) await trainer.step(x, y);
 * const { accuracy } = await trainer.evaluate(xTest, yTest);
 * ```
 */
export class Trainer {
  private weights: ort.Tensor[];
  private state: ort.Tensor[];
  private layerState: ort.Tensor[];

  /** @internal */
  constructor(private readonly p: TrainerParts) {
    this.weights = p.weights;
    this.state = p.state;
    this.layerState = p.layerState;
  }

  private get features(): number {
    return size(this.p.inputShape);
  }

  /** Runs one training step on exactly `batchSize` rows; returns the batch's mean loss before the update. */
  async step(x: Float32Array, y: Labels): Promise<number> {
    const batch = this.p.options.batchSize;
    this.checkX(x, batch);
    const feeds: Record<string, ort.Tensor> = {
      x: new ort.Tensor('float32', x, [batch, ...this.p.inputShape]),
      y: new ort.Tensor('float32', this.targets(y, batch), [batch, ...this.p.outShape]),
    };
    this.p.specs.forEach((s, i) => {
      feeds[s.name] = this.weights[i] as ort.Tensor;
    });
    this.p.stateSpecs.forEach((s, i) => {
      feeds[s.input] = this.state[i] as ort.Tensor;
    });
    this.feedLayerState(feeds);
    const out = await this.p.session.run(feeds);
    this.weights = this.p.weightOuts.map((n) => out[n] as ort.Tensor);
    this.state = this.p.stateOuts.map((n) => out[n] as ort.Tensor);
    this.layerState = this.p.layerStateOuts.map((n) => out[n] as ort.Tensor);
    const lossData = out[this.p.lossOut]?.data;
    return lossData instanceof Float32Array ? (lossData[0] ?? Number.NaN) : Number.NaN;
  }

  /** The model's outputs (class probabilities for classification), `rows × outputs`, for any number of rows. */
  async predict(x: Float32Array): Promise<Float32Array> {
    const rows = this.checkX(x);
    const feeds: Record<string, ort.Tensor> = {
      input: new ort.Tensor('float32', x, [rows, ...this.p.inputShape]),
    };
    this.p.specs.forEach((s, i) => {
      feeds[s.name] = this.weights[i] as ort.Tensor;
    });
    this.feedLayerState(feeds);
    const out = await this.p.predictor.run(feeds);
    return out.output?.data as Float32Array;
  }

  /**
   * Mean loss, and accuracy for classification: argmax against the labels for cross-entropy; for binary
   * cross-entropy the fraction of outputs on the right side of 0.5.
   */
  async evaluate(x: Float32Array, y: Labels): Promise<{ loss: number; accuracy?: number }> {
    const rows = this.checkX(x);
    const target = this.targets(y, rows);
    const pred = await this.predict(x);
    const k = size(this.p.outShape);
    let loss = 0;
    let correct = 0;
    for (let r = 0; r < rows; r++) {
      if (this.p.options.loss === 'crossEntropy') {
        const label = Number(y[r]);
        loss -= Math.log(Math.max(pred[r * k + label] ?? 0, 1e-30));
        let best = 0;
        for (let c = 1; c < k; c++) if ((pred[r * k + c] ?? 0) > (pred[r * k + best] ?? 0)) best = c;
        if (best === label) correct++;
      } else if (this.p.options.loss === 'binaryCrossEntropy') {
        for (let c = 0; c < k; c++) {
          const p = pred[r * k + c] ?? 0;
          const t = target[r * k + c] ?? 0;
          loss -= (t * Math.log(Math.max(p, 1e-30)) + (1 - t) * Math.log(Math.max(1 - p, 1e-30))) / k;
          if (p >= 0.5 === t >= 0.5) correct += 1 / k;
        }
      } else {
        for (let c = 0; c < k; c++) loss += ((pred[r * k + c] ?? 0) - (target[r * k + c] ?? 0)) ** 2 / k;
      }
    }
    return this.p.options.loss === 'mse'
      ? { loss: loss / rows }
      : { loss: loss / rows, accuracy: correct / rows };
  }

  /** Copies of the current weights, in the order of `model.params`. */
  async getWeights(): Promise<Float32Array[]> {
    return this.weights.map((t) => Float32Array.from(t.data as Float32Array));
  }

  /**
   * Copies of the layers' state (BatchNorm's moving statistics), in the order of `model.state`.
   *
   * @example
   * ```ts
   * const [movingMean, movingVariance] = await trainer.getState();
   * ```
   */
  async getState(): Promise<Float32Array[]> {
    return this.layerState.map((t) => Float32Array.from(t.data as Float32Array));
  }

  /**
   * The trained network as an inference ONNX model: input `input` `[N, ...inputSize]`, output `output`
   * (softmax probabilities for cross-entropy, sigmoid probabilities for binary cross-entropy), weights and layer
   * state as initializers; dropout left out, batch normalization on the moving statistics. As built it computes
   * exactly what {@link Trainer.predict} computes; ONNX Runtime's default graph optimizations then fold constants
   * (a batch norm into the convolution before it, for one), which can move the last bits of float32 outputs.
   *
   * @example
   * ```ts
   * const session = await ort.InferenceSession.create(trainer.export());
   * const { output } = await session.run({ input: new ort.Tensor('float32', images, [n, 1, 8, 8]) });
   * ```
   */
  export(): Uint8Array {
    const data = [...this.weights, ...this.layerState].map((t) => t.data as Float32Array);
    return forwardGraph(
      this.p.model,
      this.p.inputShape,
      this.p.specs,
      this.p.layerStateSpecs,
      data,
      this.p.options.loss,
    ).toBytes();
  }

  private feedLayerState(feeds: Record<string, ort.Tensor>): void {
    this.p.layerStateSpecs.forEach((s, i) => {
      feeds[s.name] = this.layerState[i] as ort.Tensor;
    });
  }

  /** Releases the ONNX Runtime sessions. */
  async close(): Promise<void> {
    await this.p.session.release();
    await this.p.predictor.release();
  }

  private checkX(x: Float32Array, rows?: number): number {
    const f = this.features;
    if (!(x instanceof Float32Array) || x.length % f !== 0 || (rows !== undefined && x.length !== rows * f)) {
      const expected = rows === undefined ? `a multiple of ${f}` : `${rows} rows × ${f} = ${rows * f}`;
      throw new SchemaError(
        'FEATURE_SIZE_MISMATCH',
        `The features hold ${x.length} values; expected ${expected} (rows flattened, ${f} features per row, float32).`,
        { features: String(f), got: String(x.length) },
      );
    }
    return x.length / f;
  }

  private targets(y: Labels, rows: number): Float32Array {
    const k = size(this.p.outShape);
    if (this.p.options.loss !== 'crossEntropy') {
      if (y.length !== rows * k) {
        throw new SchemaError(
          'LABEL_SIZE_MISMATCH',
          `Got ${y.length} targets; expected ${rows} rows × ${k}.`,
          {
            got: String(y.length),
          },
        );
      }
      const targets = Float32Array.from(y);
      const bad =
        this.p.options.loss === 'binaryCrossEntropy' ? targets.findIndex((t) => !(t >= 0 && t <= 1)) : -1;
      if (bad >= 0) {
        throw new ParamError(
          'LABEL_OUT_OF_RANGE',
          `Binary cross-entropy target ${targets[bad]} at row ${Math.floor(bad / k)}, output ${bad % k} is not in ` +
            '[0, 1]; give 0/1 (or probability) targets, one per output unit.',
          { row: String(Math.floor(bad / k)), label: String(targets[bad]) },
        );
      }
      return targets;
    }
    if (y.length !== rows) {
      throw new SchemaError(
        'LABEL_SIZE_MISMATCH',
        `Got ${y.length} labels; expected one per row (${rows}).`,
        {
          got: String(y.length),
        },
      );
    }
    const onehot = new Float32Array(rows * k);
    for (let r = 0; r < rows; r++) {
      const label = y[r] ?? Number.NaN;
      if (!Number.isInteger(label) || label < 0 || label >= k) {
        throw new ParamError(
          'LABEL_OUT_OF_RANGE',
          `Label ${label} at row ${r} is not a class index in [0, ${k - 1}]; the last layer has ${k} units.`,
          { row: String(r), label: String(label), classes: String(k) },
        );
      }
      onehot[r * k + label] = 1;
    }
    return onehot;
  }
}

/**
 * A forward-only (inference mode) graph with a dynamic batch; weights and layer state as inputs, or as
 * initializers when `data` (weights, then state) is given; a linear head gets a softmax for cross-entropy, a
 * sigmoid for binary cross-entropy.
 */
function forwardGraph(
  model: Sequential,
  inputShape: readonly number[],
  specs: readonly ParamSpec[],
  stateSpecs: readonly StateSpec[],
  data: readonly Float32Array[] | undefined,
  loss: Loss,
): GraphBuilder {
  const g = new GraphBuilder('deepframe_model');
  const tape = new Tape(g, 'float32');
  const x = tape.leaf(g.input('input', 'float32', ['N', ...inputShape]), [-1, ...inputShape], false);
  const [params, state] = [specs, stateSpecs].map((list, offset) =>
    list.map((p, i) => {
      const d = data?.[i + offset * specs.length];
      const name =
        d === undefined ? g.input(p.name, 'float32', p.shape) : g.initializer(p.name, 'float32', p.shape, d);
      return tape.leaf(name, p.shape, false);
    }),
  ) as [Value[], Value[]];
  const out = model.apply(tape, x, params, { state }).output;
  const linear = model.finalActivation === 'linear';
  const final =
    linear && loss === 'crossEntropy'
      ? tape.softmax(out)
      : linear && loss === 'binaryCrossEntropy'
        ? tape.sigmoid(out)
        : out;
  g.output(final.name, 'float32', ['N', ...model.outputShape(inputShape)], 'output');
  return g;
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
