/**
 * Data-parallel training of an `nn` network on the embedded engine: `numWorkers` threads, each with a replica,
 * each computing gradients on its slice of every global batch; the gradients are summed by ring all-reduce and
 * every replica applies the same update. The result equals training on one worker with the same global batch,
 * up to the order of float additions (networks with dropout or batch normalization aside: their masks and batch
 * statistics are each worker's own).
 *
 * @module
 */

import type * as arrow from 'apache-arrow';
import { ParamError } from '../errors.js';
import type { DataFrame } from '../frame/DataFrame.js';
import { col } from '../frame/functions.js';
import { sequentialToJson } from '../nn/layerJson.js';
import type { Sequential } from '../nn/layers.js';
import type { OptimizerSpec } from '../nn/optimizers.js';
import { forwardGraph, type Labels, type Loss } from '../nn/Trainer.js';
import { vectorValues } from '../tensor/vectors.js';
import { engineRunsGangs, fitOnEngineGang } from './fitOnEngine.js';
import type { MinibatchJob } from './replica.js';
import { type GangEpoch, type GangResult, runThreadGang } from './threadGang.js';

/** Options of {@link trainDataParallel}. */
export interface DataParallelOptions {
  readonly loss: Loss;
  readonly optimizer: OptimizerSpec;
  /** Rows per step over all workers (the global batch); each worker takes its share. */
  readonly batchSize: number;
  /** Features per row: a count, or a shape (rows are passed flattened). */
  readonly inputSize: number | readonly number[];
  readonly epochs: number;
  /** Worker threads (default 2). */
  readonly numWorkers?: number;
  /** Seed of the weight initialization, the dropout masks and the shuffles (default 0). */
  readonly seed?: number;
  /** Stop early when an epoch's loss moves by at most `tol` relative to the epoch before's (default 0: never). */
  readonly tol?: number;
  /** Starting weights, one array per parameter in the order of `model.params`. */
  readonly initialWeights?: readonly Float32Array[];
  /** ONNX Runtime intra-op threads per worker (default: the cores shared out). */
  readonly threadsPerWorker?: number;
  /** Where per-epoch checkpoints go (default: a temporary directory, removed at the end). */
  readonly checkpointDir?: string;
  /** How many times a gang whose worker died restarts from its last checkpoint (default 3). */
  readonly maxRestarts?: number;
  /** Called after every epoch (from rank 0's report). */
  readonly onEpoch?: (info: GangEpoch) => void;
}

/** Options of {@link trainDataParallelOn}: those of {@link trainDataParallel} and the DataFrame's columns. */
export interface DataFrameParallelOptions extends DataParallelOptions {
  /** A `vector<N>` column of features (N = the input's size). */
  readonly featuresCol: string;
  /** Class indices (cross-entropy) or targets: a number, or a `vector<outputs>`. */
  readonly labelCol: string;
}

/** A data-parallel fit. */
export interface DataParallelResult {
  /** The trained parameters, in the order of `model.params`. */
  readonly weights: Float32Array[];
  /** The layers' state (BatchNorm's moving statistics), in the order of `model.state`. */
  readonly layerState: Float32Array[];
  /** Each epoch's mean training loss. */
  readonly history: readonly number[];
  readonly stopReason: 'maxIter' | 'converged' | 'stopped';
  /** How many times the gang restarted from a checkpoint. */
  readonly restarts: number;
  /** The trained network as an inference ONNX model (as `Trainer.export`). */
  readonly onnx: Uint8Array;
}

/**
 * Trains `model` on `x` / `y` with `numWorkers` data-parallel worker threads.
 *
 * @example
 * ```ts
 * const model = new Sequential([new Dense(128, { activation: 'relu' }), new Dense(10, { activation: 'softmax' })]);
 * const fit = await trainDataParallel(model, x, labels, {
 *   loss: 'crossEntropy', optimizer: adam({ learningRate: 0.01 }), batchSize: 256, inputSize: 64,
 *   epochs: 20, numWorkers: 2, seed: 7,
 * });
 * const session = await ort.InferenceSession.create(fit.onnx);
 * ```
 */
export async function trainDataParallel(
  model: Sequential,
  x: Float32Array,
  y: Labels,
  options: DataParallelOptions,
): Promise<DataParallelResult> {
  const inputShape = typeof options.inputSize === 'number' ? [options.inputSize] : [...options.inputSize];
  for (const [name, value] of [
    ['epochs', options.epochs],
    ['batchSize', options.batchSize],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new ParamError('INVALID_PARAM', `${name} must be a positive integer; got ${value}.`, {
        param: name,
        value: String(value),
      });
    }
  }
  const features = inputShape.reduce((a, b) => a * b, 1);
  if (x.length === 0 || x.length % features !== 0) {
    throw new ParamError(
      'FEATURE_SIZE_MISMATCH',
      `The features hold ${x.length} values; expected a positive multiple of ${features} (rows flattened).`,
      { features: String(features), got: String(x.length) },
    );
  }
  const result = await runThreadGang(
    minibatchJob(model, inputShape, options),
    { x, labels: Float64Array.from(y) },
    {
      numWorkers: options.numWorkers ?? 2,
      ...(options.threadsPerWorker === undefined ? {} : { threadsPerWorker: options.threadsPerWorker }),
      ...(options.checkpointDir === undefined ? {} : { checkpointDir: options.checkpointDir }),
      ...(options.maxRestarts === undefined ? {} : { maxRestarts: options.maxRestarts }),
      ...(options.initialWeights === undefined ? {} : { initialWeights: options.initialWeights }),
      ...(options.onEpoch === undefined ? {} : { onEpoch: options.onEpoch }),
    },
  );
  return fitResult(model, inputShape, options.loss, result);
}

function minibatchJob(model: Sequential, inputShape: number[], options: DataParallelOptions): MinibatchJob {
  return {
    kind: 'minibatch',
    network: sequentialToJson(model),
    loss: options.loss,
    optimizer: options.optimizer,
    inputShape,
    seed: options.seed ?? 0,
    globalBatch: options.batchSize,
    epochs: options.epochs,
    tol: options.tol ?? 0,
  };
}

function fitResult(
  model: Sequential,
  inputShape: number[],
  loss: Loss,
  result: GangResult,
): DataParallelResult {
  const weights = (result.final.arrays.weights ?? []).map((a) => Float32Array.from(a));
  const layerState = (result.final.arrays.layers ?? []).map((a) => Float32Array.from(a));
  const onnx = forwardGraph(
    model,
    inputShape,
    model.params(inputShape),
    model.state(inputShape),
    [...weights, ...layerState],
    loss,
  ).toBytes();
  return {
    weights,
    layerState,
    history: result.history,
    stopReason: result.stopReason,
    restarts: result.restarts,
    onnx,
  };
}

/**
 * Trains `model` on a DataFrame's rows with `numWorkers` data-parallel workers: on the embedded engine, threads over
 * the rows read into shared memory (as {@link trainDataParallel}); on Spark, a barrier-mode gang of tasks on the
 * executors, each on its partition, the rows never leaving the cluster.
 *
 * @example
 * ```ts
 * const fit = await trainDataParallelOn(df, network, {
 *   featuresCol: 'features', labelCol: 'label', loss: 'crossEntropy', optimizer: adam(),
 *   batchSize: 256, inputSize: 64, epochs: 10, numWorkers: 2,
 * });
 * ```
 */
export async function trainDataParallelOn(
  df: DataFrame,
  model: Sequential,
  options: DataFrameParallelOptions,
): Promise<DataParallelResult> {
  const inputShape = typeof options.inputSize === 'number' ? [options.inputSize] : [...options.inputSize];
  const features = inputShape.reduce((a, b) => a * b, 1);
  const outputs = model.outputShape(inputShape).reduce((a, b) => a * b, 1);
  const width = options.loss === 'crossEntropy' ? 1 : outputs;
  if (!engineRunsGangs(df)) {
    const { x, y } = await readRows(df, options.featuresCol, options.labelCol, features, width);
    return trainDataParallel(model, x, y, options);
  }
  const result = await fitOnEngineGang(df, {
    job: minibatchJob(model, inputShape, options),
    featuresCol: options.featuresCol,
    labelCol: options.labelCol,
    inputShape,
    labelWidth: width,
    numWorkers: options.numWorkers ?? 2,
    ...(options.initialWeights === undefined
      ? {}
      : { initialWeights: options.initialWeights.map((w) => Array.from(w)) }),
    checkpointDir: options.checkpointDir,
  });
  return fitResult(model, inputShape, options.loss, result);
}

/** The features and labels of a DataFrame on this machine. */
async function readRows(
  df: DataFrame,
  featuresCol: string,
  labelCol: string,
  features: number,
  width: number,
): Promise<{ x: Float32Array; y: Float64Array }> {
  const xs: Float32Array[] = [];
  const ys: number[] = [];
  for await (const batch of df.select(col(featuresCol), col(labelCol)).toBatches()) {
    xs.push(Float32Array.from(vectorValues(batch.getChildAt(0) as arrow.Vector, features, featuresCol)));
    const labels = batch.getChildAt(1) as arrow.Vector;
    if (width === 1) {
      for (let i = 0; i < batch.numRows; i++) ys.push(Number(labels.get(i)));
    } else {
      const values = vectorValues(labels, width, labelCol);
      for (const v of values) ys.push(v);
    }
  }
  const x = new Float32Array(xs.reduce((n, a) => n + a.length, 0));
  let k = 0;
  for (const a of xs) {
    x.set(a, k);
    k += a.length;
  }
  return { x, y: Float64Array.from(ys) };
}
