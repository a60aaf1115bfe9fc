/**
 * A training step split in two graphs, for data-parallel training: the **gradient** graph (forward, loss,
 * backward on one worker's share of a global batch) and the **update** graph (the optimizer's update from summed
 * gradients). Between them the workers sum their gradient vectors (an all-reduce); every worker then runs the same
 * update on the same sum, so the replicas stay identical.
 *
 * The gradient graph writes one flat float32 vector: the gradients of every parameter (in the order of
 * `model.params`), then the loss, then the layers' new state (BatchNorm's moving statistics), all multiplied by the
 * worker's `scale` — its rows over the global batch's. Summed over the workers, that is the gradient of the global
 * batch's mean loss, its mean loss, and the row-weighted mean of the layers' state: what one worker computes on the
 * whole batch, up to the order of float additions. (BatchNorm's batch statistics and dropout's masks are a
 * worker's own: with them the sum differs from one worker's, as in every data-parallel trainer without synchronized
 * batch normalization.)
 *
 * @module
 */
import * as ort from 'onnxruntime-node';
import { ParamError } from '../errors.js';
import { Tape } from './autodiff.js';
import { GraphBuilder } from './graph.js';
import { initParams, type ParamSpec, type Sequential, type StateSpec } from './layers.js';
import {
  emitUpdate,
  type OptimizerStateSpec,
  optimizerState,
  stepScalarNames,
  stepScalarValues,
} from './optimizers.js';
import { forwardGraph, type Labels, type TrainingOptions } from './Trainer.js';
import { lossTargets } from './targets.js';
import { trainingThreads } from './threads.js';

/** Everything that changes while training: the state a checkpoint holds. */
export interface TrainingState {
  /** Parameters, in the order of `model.params`. */
  readonly weights: readonly Float32Array[];
  /** The optimizer's state (Adam's moments, SGD's velocity). */
  readonly optimizer: readonly Float32Array[];
  /** The layers' state (BatchNorm's moving statistics), in the order of `model.state`. */
  readonly layers: readonly Float32Array[];
  /** Updates applied so far (Adam's bias corrections count them). */
  readonly steps: number;
}

/** Options of {@link compileGradientStep}: those of `compileTraining` without `stepsPerRun`. */
export type GradientStepOptions = Omit<TrainingOptions, 'stepsPerRun'>;

/**
 * Compiles `model`'s gradient and update graphs; `batchSize` is this worker's rows per step.
 *
 * @example
 * ```ts
 * const step = await compileGradientStep(model, { loss: 'crossEntropy', optimizer: adam(), batchSize: 64, inputSize: 64 });
 * const flat = new Float32Array(step.vectorSize);
 * step.gradients(x, labels, 64 / 128, flat); // this worker's 64 rows of a global batch of 128
 * // … sum `flat` over the workers …
 * await step.apply(flat);
 * ```
 */
export async function compileGradientStep(
  model: Sequential,
  options: GradientStepOptions,
): Promise<GradientStep> {
  const inputShape = typeof options.inputSize === 'number' ? [options.inputSize] : [...options.inputSize];
  const batch = options.batchSize;
  if (!Number.isInteger(batch) || batch < 1) {
    throw new ParamError('INVALID_PARAM', `batchSize must be a positive integer; got ${batch}.`, {
      param: 'batchSize',
      value: String(batch),
    });
  }
  const outShape = model.outputShape(inputShape);
  const specs = model.params(inputShape);
  const stateSpecs = model.state(inputShape);
  const optState = optimizerState(options.optimizer, specs);
  const init = options.initialWeights ?? initParams(specs, options.seed ?? 0);
  const threads = trainingThreads(options.threads);
  const sessionOptions: ort.InferenceSession.SessionOptions =
    threads === undefined ? {} : { intraOpNumThreads: threads, interOpNumThreads: 1 };
  const parts = { model, options, inputShape, outShape, specs, stateSpecs, optState };
  const gradient = await ort.InferenceSession.create(gradientGraph(parts), sessionOptions);
  // The update graph is compiled on the first `apply` (a sharded optimizer never needs it).
  const update = () => ort.InferenceSession.create(updateGraph(parts), sessionOptions);
  return new GradientStep(parts, gradient, update, {
    weights: init.map((w) => Float32Array.from(w)),
    optimizer: optState.map((s) => new Float32Array(count(s.shape)).fill(s.initial)),
    layers: stateSpecs.map((s) => new Float32Array(count(s.shape)).fill(s.initial)),
    steps: 0,
  });
}

interface Parts {
  readonly model: Sequential;
  readonly options: GradientStepOptions;
  readonly inputShape: readonly number[];
  readonly outShape: readonly number[];
  readonly specs: readonly ParamSpec[];
  readonly stateSpecs: readonly StateSpec[];
  readonly optState: readonly OptimizerStateSpec[];
}

/** Input `x`, `y`, `scale`, the weights and layer state; output `flat` (see the module's doc). */
function gradientGraph(p: Parts): Uint8Array {
  const { model, options, inputShape, outShape, specs } = p;
  const g = new GraphBuilder('gradient_step');
  const tape = new Tape(g, 'float32');
  const xShape = [options.batchSize, ...inputShape];
  const yShape = [options.batchSize, ...outShape];
  const x = tape.leaf(g.input('x', 'float32', xShape), xShape, false);
  const y = tape.leaf(g.input('y', 'float32', yShape), yShape, false);
  const scale = g.input('scale', 'float32', []);
  const params = specs.map((s) => tape.leaf(g.input(s.name, 'float32', s.shape), s.shape, true));
  const state = p.stateSpecs.map((s) => tape.leaf(g.input(s.name, 'float32', s.shape), s.shape, false));
  const applied = model.apply(tape, x, params, {
    logits: options.loss !== 'mse',
    training: true,
    state,
    seed: options.seed ?? 0,
    stepInRun: 0,
  });
  const loss =
    options.loss === 'crossEntropy'
      ? tape.softmaxCrossEntropy(applied.output, y)
      : options.loss === 'binaryCrossEntropy'
        ? tape.sigmoidBinaryCrossEntropy(applied.output, y)
        : tape.mse(applied.output, y);
  const grads = tape.backward(loss, params);
  const flat = (v: string) => g.node('Reshape', [v, tape.ints([-1])]);
  const all = g.node('Concat', [...grads.map(flat), flat(loss.name), ...applied.state.map(flat)], {
    axis: 0,
  });
  g.output(g.node('Mul', [all, scale]), 'float32', [vectorSize(p)], 'flat');
  return g.toBytes();
}

/** Input the weights, the optimizer state, the step's scalars and `flat`; output the new weights and state. */
function updateGraph(p: Parts): Uint8Array {
  const { options, specs } = p;
  const g = new GraphBuilder('update_step');
  const tape = new Tape(g, 'float32');
  const weights = specs.map((s) => g.input(s.name, 'float32', s.shape));
  const state = p.optState.map((s) => g.input(s.name, 'float32', s.shape));
  const scalars = stepScalarNames(options.optimizer).map((n) => g.input(n, 'float32', []));
  const flat = g.input('flat', 'float32', [vectorSize(p)]);
  let offset = 0;
  const targets = specs.map((s, i) => {
    const n = count(s.shape);
    const part = g.node('Slice', [flat, tape.ints([offset]), tape.ints([offset + n]), tape.ints([0])]);
    offset += n;
    return {
      name: weights[i] as string,
      grad: g.node('Reshape', [part, tape.ints(s.shape)]),
      shape: s.shape,
    };
  });
  const updated = emitUpdate(tape, options.optimizer, targets, state, scalars);
  updated.weights.forEach((w, i) => {
    g.output(g.node('Identity', [w]), 'float32', specs[i]?.shape ?? [], `${specs[i]?.name}_new`);
  });
  updated.state.forEach((v, i) => {
    g.output(g.node('Identity', [v]), 'float32', p.optState[i]?.shape ?? [], `${p.optState[i]?.name}_new`);
  });
  return g.toBytes();
}

/** The length of the flat vector: every parameter, the loss, the layers' state. */
function vectorSize(p: Pick<Parts, 'specs' | 'stateSpecs'>): number {
  const sum = (list: readonly { shape: readonly number[] }[]) => list.reduce((n, s) => n + count(s.shape), 0);
  return sum(p.specs) + 1 + sum(p.stateSpecs);
}

/**
 * One worker's compiled gradient and update graphs and its replica of the training state; make one with
 * {@link compileGradientStep}.
 *
 * @example
 * ```ts
 * const loss = await step.gradients(x, y, 0.5, flat); // this worker's half of the batch
 * await allReduce(flat);                              // sum over the workers
 * await step.apply(flat);
 * ```
 */
export class GradientStep {
  private current: TrainingState;
  private update: ort.InferenceSession | undefined;

  /** @internal */
  constructor(
    private readonly p: Parts,
    private readonly gradient: ort.InferenceSession,
    private readonly compileUpdate: () => Promise<ort.InferenceSession>,
    initial: TrainingState,
  ) {
    this.current = initial;
  }

  /** Length of the flat vector {@link GradientStep.gradients} writes: parameters, then the loss, then layer state. */
  get vectorSize(): number {
    return vectorSize(this.p);
  }

  /** Number of parameters (the gradient's part of the flat vector). */
  get parameterCount(): number {
    return this.p.specs.reduce((n, s) => n + count(s.shape), 0);
  }

  /** The parameters' sizes, in the order of `model.params`. */
  get parameterSizes(): number[] {
    return this.p.specs.map((s) => count(s.shape));
  }

  /** The layer state's sizes, in the order of `model.state`. */
  get layerStateSizes(): number[] {
    return this.p.stateSpecs.map((s) => count(s.shape));
  }

  /** Rows per step on this worker. */
  get batchSize(): number {
    return this.p.options.batchSize;
  }

  /** Values per row of the input. */
  get featureCount(): number {
    return count(this.p.inputShape);
  }

  /**
   * Runs forward and backward on exactly `batchSize` rows and writes the flat vector times `scale` into `into`;
   * returns this worker's loss times `scale`.
   */
  async gradients(x: Float32Array, y: Labels, scale: number, into: Float32Array): Promise<number> {
    const flat = await this.gradientVector(x, y, scale);
    into.set(flat);
    return flat[this.parameterCount] as number;
  }

  /**
   * As {@link GradientStep.gradients}, returning the flat vector itself (a new array each call, which the caller
   * may keep and change) instead of copying it.
   *
   * @example
   * ```ts
   * const flat = await step.gradientVector(x, y, 0.5);
   * await ringAllReduce(flat, link);
   * ```
   */
  async gradientVector(x: Float32Array, y: Labels, scale: number): Promise<Float32Array> {
    const rows = this.p.options.batchSize;
    const f = this.featureCount;
    if (x.length !== rows * f) {
      throw new ParamError(
        'FEATURE_SIZE_MISMATCH',
        `The batch holds ${x.length} values; expected ${rows} rows × ${f} features.`,
        { got: String(x.length), expected: String(rows * f) },
      );
    }
    const outputs = count(this.p.outShape);
    const feeds: Record<string, ort.Tensor> = {
      x: new ort.Tensor('float32', x, [rows, ...this.p.inputShape]),
      y: new ort.Tensor('float32', lossTargets(this.p.options.loss, y, rows, outputs), [
        rows,
        ...this.p.outShape,
      ]),
      scale: new ort.Tensor('float32', Float32Array.of(scale), []),
    };
    this.p.specs.forEach((s, i) => {
      feeds[s.name] = new ort.Tensor('float32', this.current.weights[i] as Float32Array, s.shape);
    });
    this.p.stateSpecs.forEach((s, i) => {
      feeds[s.name] = new ort.Tensor('float32', this.current.layers[i] as Float32Array, s.shape);
    });
    const out = await this.gradient.run(feeds);
    return out.flat?.data as Float32Array;
  }

  /**
   * Applies the optimizer's update from `flat`, the flat vectors summed over the workers; takes the layers' state
   * from it too. Returns the summed loss (the global batch's mean loss).
   */
  async apply(flat: Float32Array): Promise<number> {
    const feeds: Record<string, ort.Tensor> = {
      flat: new ort.Tensor('float32', flat, [flat.length]),
    };
    this.p.specs.forEach((s, i) => {
      feeds[s.name] = new ort.Tensor('float32', this.current.weights[i] as Float32Array, s.shape);
    });
    this.p.optState.forEach((s, i) => {
      feeds[s.name] = new ort.Tensor('float32', this.current.optimizer[i] as Float32Array, s.shape);
    });
    const step = this.current.steps + 1;
    const values = stepScalarValues(this.p.options.optimizer, step);
    stepScalarNames(this.p.options.optimizer).forEach((n, i) => {
      feeds[n] = new ort.Tensor('float32', Float32Array.of(values[i] ?? Number.NaN), []);
    });
    this.update ??= await this.compileUpdate();
    const out = await this.update.run(feeds);
    let offset = this.parameterCount + 1;
    this.current = {
      weights: this.p.specs.map((s) => out[`${s.name}_new`]?.data as Float32Array),
      optimizer: this.p.optState.map((s) => out[`${s.name}_new`]?.data as Float32Array),
      layers: this.p.stateSpecs.map((s) => {
        const n = count(s.shape);
        const part = flat.slice(offset, offset + n);
        offset += n;
        return part;
      }),
      steps: step,
    };
    return flat[this.parameterCount] as number;
  }

  /** The replica's training state (shared arrays: copy before changing them). */
  get state(): TrainingState {
    return this.current;
  }

  /**
   * Sets the weights from one flat vector (the parameters in order; kept as views, not copied) and the layers'
   * state, for a caller that updates the weights itself (a sharded optimizer).
   *
   * @example
   * ```ts
   * step.setParameters(weightsFlat, layerState);
   * ```
   */
  setParameters(flat: Float32Array, layers: readonly Float32Array[], steps: number): void {
    let offset = 0;
    const weights = this.p.specs.map((s) => {
      const n = count(s.shape);
      const view = flat.subarray(offset, offset + n);
      offset += n;
      return view;
    });
    this.current = { weights, optimizer: this.current.optimizer, layers, steps };
  }

  /** Replaces the training state, e.g. with a checkpoint's; the arrays must have the shapes of this model's. */
  restore(state: TrainingState): void {
    const check = (
      what: string,
      got: readonly Float32Array[],
      specs: readonly { shape: readonly number[] }[],
    ) => {
      const bad = specs.findIndex((s, i) => got[i]?.length !== count(s.shape));
      if (got.length !== specs.length || bad >= 0) {
        throw new ParamError(
          'CHECKPOINT_MISMATCH',
          `The checkpoint's ${what} do not fit this model: expected ${specs.length} arrays of sizes ` +
            `[${specs.map((s) => count(s.shape)).join(', ')}], got [${got.map((a) => a.length).join(', ')}].`,
          { part: what },
        );
      }
    };
    check('weights', state.weights, this.p.specs);
    check('optimizer state', state.optimizer, this.p.optState);
    check('layer state', state.layers, this.p.stateSpecs);
    this.current = state;
  }

  /** The trained network as an inference ONNX model (as `Trainer.export`). */
  export(): Uint8Array {
    return forwardGraph(
      this.p.model,
      this.p.inputShape,
      this.p.specs,
      this.p.stateSpecs,
      [...this.current.weights, ...this.current.layers],
      this.p.options.loss,
    ).toBytes();
  }

  /** Releases the ONNX Runtime sessions. */
  async close(): Promise<void> {
    await this.gradient.release();
    await this.update?.release();
  }
}

function count(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
