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
import {
  emitUpdate,
  type OptimizerSpec,
  type OptimizerStateSpec,
  optimizerState,
  stepScalarNames,
  stepScalarValues,
} from './optimizers.js';
import { lossTargets } from './targets.js';
import { trainingThreads } from './threads.js';

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
  /** ONNX Runtime intra-op threads (default: the `withTrainingThreads` scope's, else ONNX Runtime's choice). */
  readonly threads?: number;
  /** Starting weights, one array per parameter in the order of `model.params` (default: seeded initialization). */
  readonly initialWeights?: readonly Float32Array[];
  /**
   * Training steps chained in one ONNX Runtime run by {@link Trainer.steps} (default 1). Each run hands the weights
   * and optimizer state back to JavaScript once, so chaining `k` steps divides that cost by `k`: with a 2048×256
   * layer, about a third of an Adam step. A second graph of `k` steps is compiled beside the one-step graph;
   * compiling takes longer and the graph holds `k` batches of activations. Without dropout the result is the same
   * as `k` calls of {@link Trainer.step}.
   */
  readonly stepsPerRun?: number;
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
  const stepsPerRun = options.stepsPerRun ?? 1;
  if (!Number.isInteger(stepsPerRun) || stepsPerRun < 1) {
    throw new ParamError('INVALID_PARAM', `stepsPerRun must be a positive integer; got ${stepsPerRun}.`, {
      param: 'stepsPerRun',
      value: String(stepsPerRun),
    });
  }
  const optState = optimizerState(options.optimizer, specs);
  const parts = { model, options, inputShape, outShape, specs, optState, stateSpecs };
  const threads = trainingThreads(options.threads);
  const sessionOptions: ort.InferenceSession.SessionOptions =
    threads === undefined ? {} : { intraOpNumThreads: threads, interOpNumThreads: 1 };
  const compile = async (steps: number): Promise<StepRunner> => {
    const graph = stepGraph(parts, steps);
    return { ...graph, steps, session: await ort.InferenceSession.create(graph.bytes, sessionOptions) };
  };
  const single = await compile(1);
  const chained = stepsPerRun > 1 ? await compile(stepsPerRun) : undefined;
  const predictor = await ort.InferenceSession.create(
    forwardGraph(model, inputShape, specs, stateSpecs, undefined, options.loss).toBytes(),
    sessionOptions,
  );
  const zeros = (s: { shape: readonly number[]; initial: number }) =>
    new ort.Tensor('float32', new Float32Array(size(s.shape)).fill(s.initial), s.shape);
  return new Trainer({
    model,
    options,
    inputShape,
    outShape,
    specs,
    single,
    chained,
    predictor,
    weights: init.map((d, i) => new ort.Tensor('float32', d, specs[i]?.shape ?? [])),
    state: optState.map(zeros),
    layerStateSpecs: stateSpecs,
    layerState: stateSpecs.map(zeros),
  });
}

/** What {@link stepGraph} builds from. */
interface StepGraphParts {
  readonly model: Sequential;
  readonly options: TrainingOptions;
  readonly inputShape: readonly number[];
  readonly outShape: readonly number[];
  readonly specs: readonly ParamSpec[];
  readonly optState: readonly OptimizerStateSpec[];
  readonly stateSpecs: readonly StateSpec[];
}

/** A training graph's value names: inputs in feed order, outputs in the order of the state they replace. */
interface StepGraph {
  readonly bytes: Uint8Array;
  readonly xs: readonly string[];
  readonly ys: readonly string[];
  /** Per step, the optimizer's step scalars (see `stepScalarNames`). */
  readonly scalarIns: readonly (readonly string[])[];
  readonly weightIns: readonly string[];
  readonly stateIns: readonly string[];
  readonly layerStateIns: readonly string[];
  readonly losses: string;
  readonly weightOuts: readonly string[];
  readonly stateOuts: readonly string[];
  readonly layerStateOuts: readonly string[];
}

/** A compiled training graph of `steps` chained steps. */
interface StepRunner extends StepGraph {
  readonly steps: number;
  readonly session: ort.InferenceSession;
}

/**
 * The training graph of `steps` steps chained: step k takes batch `x_k`/`y_k` and the weights and state step k − 1
 * computed, inside the graph; out come every step's loss (`losses`, `[steps]`) and the last step's weights and state.
 */
function stepGraph(p: StepGraphParts, steps: number): StepGraph {
  const { model, options, inputShape, outShape, specs } = p;
  const batch = options.batchSize;
  const g = new GraphBuilder(steps === 1 ? 'train_step' : `train_${steps}_steps`);
  const tape = new Tape(g, 'float32');
  const xShape = [batch, ...inputShape];
  const yShape = [batch, ...outShape];
  const xs: string[] = [];
  const ys: string[] = [];
  const scalarIns: string[][] = [];
  const weightIns = specs.map((s) => g.input(s.name, 'float32', s.shape));
  const stateIns = p.optState.map((s) => g.input(s.name, 'float32', s.shape));
  const layerStateIns = p.stateSpecs.map((s) => g.input(s.name, 'float32', s.shape));
  let weights: readonly string[] = weightIns;
  let state: readonly string[] = stateIns;
  let layerState: readonly string[] = layerStateIns;
  const losses: string[] = [];
  for (let k = 0; k < steps; k++) {
    xs.push(g.input(`x_${k}`, 'float32', xShape));
    ys.push(g.input(`y_${k}`, 'float32', yShape));
    scalarIns.push(stepScalarNames(options.optimizer).map((n) => g.input(`${n}_${k}`, 'float32', [])));
    const x = tape.leaf(xs[k] as string, xShape, false);
    const y = tape.leaf(ys[k] as string, yShape, false);
    const params = weights.map((w, i) => tape.leaf(w, specs[i]?.shape ?? [], true));
    const applied = model.apply(tape, x, params, {
      logits: options.loss !== 'mse',
      training: true,
      state: layerState.map((v, i) => tape.leaf(v, p.stateSpecs[i]?.shape ?? [], false)),
      seed: options.seed ?? 0,
      stepInRun: k,
    });
    const loss =
      options.loss === 'crossEntropy'
        ? tape.softmaxCrossEntropy(applied.output, y)
        : options.loss === 'binaryCrossEntropy'
          ? tape.sigmoidBinaryCrossEntropy(applied.output, y)
          : tape.mse(applied.output, y);
    const grads = tape.backward(loss, params);
    const updated = emitUpdate(
      tape,
      options.optimizer,
      params.map((w, i) => ({ name: w.name, grad: grads[i] as string, shape: w.shape })),
      state,
      scalarIns[k] ?? [],
    );
    losses.push(g.node('Reshape', [loss.name, tape.ints([1])]));
    weights = updated.weights;
    state = updated.state;
    layerState = applied.state;
  }
  const lossesOut = g.output(
    steps === 1 ? (losses[0] as string) : g.node('Concat', losses, { axis: 0 }),
    'float32',
    [steps],
    'losses',
  );
  // Outputs are the update nodes' own values: renaming them through Identity nodes would copy every weight and
  // state tensor once more per run. A value output twice, or a graph input, still gets one.
  const taken = new Set([...weightIns, ...stateIns, ...layerStateIns, ...xs, ...ys, lossesOut]);
  const outputOnce = (value: string, shape: readonly number[], name: string) => {
    const out = g.output(value, 'float32', shape, taken.has(value) ? `${name}_new` : undefined);
    taken.add(value);
    return out;
  };
  const weightOuts = weights.map((w, i) => outputOnce(w, specs[i]?.shape ?? [], weightIns[i] as string));
  const stateOuts = state.map((v, i) => outputOnce(v, p.optState[i]?.shape ?? [], stateIns[i] as string));
  const layerStateOuts = layerState.map((v, i) =>
    outputOnce(v, p.stateSpecs[i]?.shape ?? [], layerStateIns[i] as string),
  );
  return {
    bytes: g.toBytes(),
    xs,
    ys,
    scalarIns,
    weightIns,
    stateIns,
    layerStateIns,
    losses: lossesOut,
    weightOuts,
    stateOuts,
    layerStateOuts,
  };
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
  single: StepRunner;
  chained: StepRunner | undefined;
  predictor: ort.InferenceSession;
  weights: ort.Tensor[];
  state: ort.Tensor[];
  layerStateSpecs: StateSpec[];
  layerState: ort.Tensor[];
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
  /** Steps run so far (Adam's bias corrections count them). */
  private stepsDone = 0;

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
    return (await this.run(this.p.single, x, this.targets(y, batch), 0))[0] ?? Number.NaN;
  }

  /**
   * Runs one training step per `batchSize` rows of `x`, in order: `stepsPerRun` steps per ONNX Runtime run, then
   * single steps for the batches left over. Returns each step's mean loss before its update. The rows must be a
   * whole number of batches.
   *
   * @example
   * ```ts
   * const trainer = await compileTraining(model, { ...options, batchSize: 256, stepsPerRun: 13 });
   * const losses = await trainer.steps(epochX, epochLabels); // epochX: 78 × 256 rows → 6 runs of 13 steps
   * ```
   */
  async steps(x: Float32Array, y: Labels): Promise<Float32Array> {
    const batch = this.p.options.batchSize;
    const rows = this.checkX(x);
    if (rows % batch !== 0) {
      throw new SchemaError(
        'FEATURE_SIZE_MISMATCH',
        `steps() takes whole batches: ${rows} rows is not a multiple of batchSize ${batch}; train the rest with ` +
          'step() on a full batch, or leave it out.',
        { rows: String(rows), batchSize: String(batch) },
      );
    }
    const targets = this.targets(y, rows);
    const losses = new Float32Array(rows / batch);
    let done = 0;
    const chained = this.p.chained;
    if (chained !== undefined) {
      for (; done + chained.steps <= losses.length; done += chained.steps) {
        losses.set(await this.run(chained, x, targets, done), done);
      }
    }
    for (; done < losses.length; done++) losses.set(await this.run(this.p.single, x, targets, done), done);
    return losses;
  }

  /**
   * Runs `runner`'s steps on the batches from batch `first` of `x` and of `targets` (as {@link Trainer.targets}
   * made them); returns their losses.
   */
  private async run(
    runner: StepRunner,
    x: Float32Array,
    targets: Float32Array,
    first: number,
  ): Promise<Float32Array> {
    const batch = this.p.options.batchSize;
    const f = this.features;
    const k = size(this.p.outShape);
    const feeds: Record<string, ort.Tensor> = {};
    for (let s = 0; s < runner.steps; s++) {
      const r = (first + s) * batch;
      feeds[runner.xs[s] as string] = new ort.Tensor('float32', x.subarray(r * f, (r + batch) * f), [
        batch,
        ...this.p.inputShape,
      ]);
      feeds[runner.ys[s] as string] = new ort.Tensor('float32', targets.subarray(r * k, (r + batch) * k), [
        batch,
        ...this.p.outShape,
      ]);
      const values = stepScalarValues(this.p.options.optimizer, this.stepsDone + s + 1);
      runner.scalarIns[s]?.forEach((n, i) => {
        feeds[n] = new ort.Tensor('float32', Float32Array.of(values[i] ?? Number.NaN), []);
      });
    }
    runner.weightIns.forEach((n, i) => {
      feeds[n] = this.weights[i] as ort.Tensor;
    });
    runner.stateIns.forEach((n, i) => {
      feeds[n] = this.state[i] as ort.Tensor;
    });
    runner.layerStateIns.forEach((n, i) => {
      feeds[n] = this.layerState[i] as ort.Tensor;
    });
    const out = await runner.session.run(feeds);
    this.weights = runner.weightOuts.map((n) => out[n] as ort.Tensor);
    this.state = runner.stateOuts.map((n) => out[n] as ort.Tensor);
    this.layerState = runner.layerStateOuts.map((n) => out[n] as ort.Tensor);
    this.stepsDone += runner.steps;
    return out[runner.losses]?.data as Float32Array;
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
    this.p.layerStateSpecs.forEach((s, i) => {
      feeds[s.name] = this.layerState[i] as ort.Tensor;
    });
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

  /**
   * Replaces the weights and the layers' state (e.g. with those another trainer reached), in the orders of
   * `model.params` and `model.state`; the optimizer's state is left as it is.
   *
   * @example
   * ```ts
   * trainer.setParameters(weights, state);
   * const { accuracy } = await trainer.evaluate(x, labels);
   * ```
   */
  setParameters(weights: readonly Float32Array[], state: readonly Float32Array[] = []): void {
    const check = (
      what: string,
      got: readonly Float32Array[],
      specs: readonly { shape: readonly number[] }[],
    ) => {
      if (got.length !== specs.length || specs.some((s, i) => got[i]?.length !== size(s.shape))) {
        throw new ParamError(
          'INVALID_PARAM',
          `setParameters: expected ${specs.length} ${what} arrays of sizes [${specs.map((s) => size(s.shape)).join(', ')}]; ` +
            `got [${got.map((a) => a.length).join(', ')}].`,
          { param: what },
        );
      }
    };
    check('weight', weights, this.p.specs);
    check('state', state, this.p.layerStateSpecs);
    this.weights = weights.map((w, i) => new ort.Tensor('float32', w, this.p.specs[i]?.shape ?? []));
    this.layerState = state.map(
      (v, i) => new ort.Tensor('float32', v, this.p.layerStateSpecs[i]?.shape ?? []),
    );
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

  /** Releases the ONNX Runtime sessions. */
  async close(): Promise<void> {
    await this.p.single.session.release();
    await this.p.chained?.session.release();
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

  /** The loss's targets for `rows` rows of labels (see {@link lossTargets}). */
  private targets(y: Labels, rows: number): Float32Array {
    return lossTargets(this.p.options.loss, y, rows, size(this.p.outShape));
  }
}

/**
 * @internal
 * A forward-only (inference mode) graph with a dynamic batch; weights and layer state as inputs, or as
 * initializers when `data` (weights, then state) is given; a linear head gets a softmax for cross-entropy, a
 * sigmoid for binary cross-entropy.
 */
export function forwardGraph(
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
