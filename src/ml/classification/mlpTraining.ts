/**
 * Spark MLlib's multilayer perceptron, on deepframe's training engine: dense layers with a sigmoid (or the
 * extension's relu/tanh) after each hidden layer and softmax cross-entropy at the output, trained by
 *
 * - `l-bfgs` (MLlib's default): full-batch L-BFGS on the mean loss; the loss and gradient are one float64 ONNX
 *   graph summed over blocks of rows;
 * - `gd`: MLlib's full-batch gradient descent, step `stepSize / √iteration`, stopping when the weights move less
 *   than `tol · max(‖w‖, 1)`;
 * - `adam` (deepframe's extension): mini-batches of `blockSize` rows in a seeded shuffle, one compiled training
 *   step per batch (forward, backward and update in one float32 ONNX graph); the last batch of an epoch is filled
 *   up with rows from the start of the shuffle, so every row is seen each epoch and no row is dropped. The shuffle
 *   starts from an order of the rows' own content, so a seed gives the same model however the rows arrive.
 *
 * Weights use MLlib's flat layout: per layer, the `inputs × outputs` kernel (MLlib's column-major
 * `outputs × inputs` matrix), then the biases.
 *
 * @module
 */

import { fitOnEngineGang } from '../../distributed/fitOnEngine.js';
import type { DataParallelJob } from '../../distributed/replica.js';
import { runThreadGang } from '../../distributed/threadGang.js';
import { ParamError } from '../../errors.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { Dropout } from '../../nn/dropout.js';
import { sequentialToJson } from '../../nn/layerJson.js';
import { type Activation, Dense, initParams, type Layer, mulberry32, Sequential } from '../../nn/layers.js';
import { minimize, type StopReason } from '../../nn/lbfgs.js';
import { compileObjective } from '../../nn/objective.js';
import { adam } from '../../nn/optimizers.js';
import { compileTraining } from '../../nn/Trainer.js';
import { canonicalRowOrder } from '../../tensor/rowOrder.js';
import type { TrainingData } from './trainingData.js';

/** The solver's settings (Spark ML's params, and deepframe's extensions). */
export interface MlpSettings {
  readonly layers: readonly number[];
  readonly blockSize: number;
  readonly solver: 'l-bfgs' | 'gd' | 'adam';
  readonly maxIter: number;
  readonly tol: number;
  readonly stepSize: number;
  readonly seed: number;
  readonly initialWeights: readonly number[] | undefined;
  readonly hiddenActivation: 'sigmoid' | 'relu' | 'tanh';
  /** Dropout after each hidden layer (solver `adam` only); 0: none. */
  readonly dropout: number;
  readonly stage: string;
  /** Data-parallel worker threads (solvers `adam` and `gd`); 1: train in the calling thread. */
  readonly numWorkers?: number;
  /** Where a data-parallel fit writes its per-epoch checkpoints (default: a temporary directory). */
  readonly checkpointDir?: string | undefined;
  readonly onIteration?: (iteration: number, objective: number) => void;
}

/** A fitted perceptron. */
export interface MlpFit {
  readonly weights: Float64Array;
  readonly objectiveHistory: number[];
  readonly stopReason: StopReason | 'converged' | 'stopped';
  /** Restarts of a data-parallel gang from a checkpoint. */
  readonly restarts?: number;
}

/**
 * The network for `layers`: hidden dense layers with the activation (each followed by dropout when `dropout > 0`),
 * and a softmax output layer. Dropout has no weights, so the weights' layout is the same with or without it.
 */
export function mlpNetwork(
  layers: readonly number[],
  hidden: MlpSettings['hiddenActivation'],
  dropout = 0,
): Sequential {
  const out: Layer[] = [];
  layers.slice(1).forEach((units, i) => {
    const last = i === layers.length - 2;
    out.push(
      new Dense(units, {
        activation: (last ? 'softmax' : hidden) as Activation,
        // MLlib draws every layer's weights the same way; Glorot uniform suits sigmoid and tanh, He relu.
        initializer: hidden === 'relu' && !last ? 'heUniform' : 'glorotUniform',
      }),
    );
    if (!last && dropout > 0) out.push(new Dropout(dropout));
  });
  return new Sequential(out);
}

/** Number of weights (kernels and biases) of a perceptron with these layer sizes. */
export function mlpWeightCount(layers: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < layers.length; i++) n += ((layers[i - 1] as number) + 1) * (layers[i] as number);
  return n;
}

/** Checks the layers against the data: the input size and the classes. */
export function checkMlpData(data: TrainingData, s: MlpSettings): void {
  const first = s.layers[0] as number;
  const last = s.layers[s.layers.length - 1] as number;
  if (first !== data.numFeatures) {
    throw new ParamError(
      'LAYERS_MISMATCH',
      `${s.stage}: layers starts with ${first} inputs, but the features have ${data.numFeatures} values per row; make layers[0] ${data.numFeatures}.`,
      { stage: s.stage, param: 'layers', expected: String(data.numFeatures), actual: String(first) },
    );
  }
  if (data.numClasses > last) {
    throw new ParamError(
      'LAYERS_MISMATCH',
      `${s.stage}: the labels go up to ${data.numClasses - 1}, so there are ${data.numClasses} classes, but the output layer has ${last} units; make the last layer ${data.numClasses}.`,
      { stage: s.stage, param: 'layers', expected: String(data.numClasses), actual: String(last) },
    );
  }
  if (s.initialWeights !== undefined && s.initialWeights.length !== mlpWeightCount(s.layers)) {
    throw new ParamError(
      'INVALID_PARAM',
      `${s.stage}: initialWeights has ${s.initialWeights.length} values, but layers [${s.layers.join(', ')}] need ${mlpWeightCount(s.layers)}.`,
      { stage: s.stage, param: 'initialWeights' },
    );
  }
}

/** Trains the perceptron. */
export async function trainMlp(data: TrainingData, s: MlpSettings): Promise<MlpFit> {
  checkMlpData(data, s);
  const F = data.numFeatures;
  const model = mlpNetwork(s.layers, s.hiddenActivation, s.solver === 'adam' ? s.dropout : 0);
  const specs = model.params([F]);
  const initial =
    s.initialWeights !== undefined ? Float64Array.from(s.initialWeights) : flatten(initParams(specs, s.seed));
  if ((s.numWorkers ?? 1) > 1) return trainDataParallelMlp(data, s, model, initial);
  if (s.solver === 'adam') return trainAdam(data, s, model, initial);
  const objective = await compileObjective(model, {
    loss: 'crossEntropy',
    inputSize: F,
    blockSize: Math.min(data.rows, Math.max(s.blockSize, 4096)),
    dtype: 'float64',
  });
  try {
    objective.bind({ x: data.x, y: data.labels, ...(data.weights ? { weights: data.weights } : {}) });
    const total = objective.totalWeight;
    const fg = async (theta: Float64Array) => {
      const { loss, gradient } = await objective.evaluate(theta);
      for (let i = 0; i < gradient.length; i++) gradient[i] = (gradient[i] as number) / total;
      return { loss: loss / total, gradient };
    };
    if (s.solver === 'l-bfgs') {
      const r = await minimize(fg, initial, {
        maxIter: s.maxIter,
        tol: s.tol,
        onIteration: (info) => s.onIteration?.(info.iteration, info.objective),
      });
      return { weights: r.x, objectiveHistory: r.objectiveHistory, stopReason: r.reason };
    }
    // MLlib's GradientDescent with miniBatchFraction 1: the step shrinks as 1/√i.
    const w = Float64Array.from(initial);
    const history: number[] = [];
    let reason: MlpFit['stopReason'] = 'maxIter';
    for (let i = 1; i <= s.maxIter; i++) {
      const { loss, gradient } = await fg(w);
      history.push(loss);
      s.onIteration?.(i, loss);
      const step = s.stepSize / Math.sqrt(i);
      let moved = 0;
      let size = 0;
      for (let j = 0; j < w.length; j++) {
        const delta = step * (gradient[j] as number);
        w[j] = (w[j] as number) - delta;
        moved += delta * delta;
        size += (w[j] as number) ** 2;
      }
      if (Math.sqrt(moved) < s.tol * Math.max(Math.sqrt(size), 1)) {
        reason = 'converged';
        break;
      }
    }
    return { weights: w, objectiveHistory: history, stopReason: reason };
  } finally {
    await objective.close();
  }
}

async function trainAdam(
  data: TrainingData,
  s: MlpSettings,
  model: Sequential,
  initial: Float64Array,
): Promise<MlpFit> {
  const F = data.numFeatures;
  const batch = Math.min(s.blockSize, data.rows);
  const specs = model.params([F]);
  const trainer = await compileTraining(model, {
    loss: 'crossEntropy',
    optimizer: adam({ learningRate: s.stepSize }),
    batchSize: batch,
    inputSize: F,
    seed: s.seed,
    initialWeights: unflatten(initial, specs),
  });
  try {
    const rand = mulberry32(s.seed ^ 0x5eed);
    // Rows in an order of their own content first: the fit must not depend on the order rows arrive in.
    const order = canonicalRowOrder(data.x, F, data.labels);
    const x = new Float32Array(batch * F);
    const y = new Float64Array(batch);
    const history: number[] = [];
    let reason: MlpFit['stopReason'] = 'maxIter';
    for (let epoch = 1; epoch <= s.maxIter; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        const t = order[i] as number;
        order[i] = order[j] as number;
        order[j] = t;
      }
      let sum = 0;
      let steps = 0;
      for (let start = 0; start < data.rows; start += batch) {
        for (let r = 0; r < batch; r++) {
          const row = order[(start + r) % data.rows] as number;
          x.set(data.x.subarray(row * F, (row + 1) * F), r * F);
          y[r] = data.labels[row] as number;
        }
        sum += await trainer.step(x, y);
        steps++;
      }
      const loss = sum / steps;
      history.push(loss);
      s.onIteration?.(epoch, loss);
      const prev = history[history.length - 2];
      if (prev !== undefined && Math.abs(prev - loss) <= s.tol * Math.max(Math.abs(prev), 1e-12)) {
        reason = 'converged';
        break;
      }
    }
    return { weights: flatten(await trainer.getWeights()), objectiveHistory: history, stopReason: reason };
  } finally {
    await trainer.close();
  }
}

/**
 * `adam` and `gd` on `numWorkers` threads: the same batches (`adam`) or the same full-batch sums (`gd`) as on
 * one worker, split across the workers and summed by ring all-reduce (see `distributed/`).
 */
async function trainDataParallelMlp(
  data: TrainingData,
  s: MlpSettings,
  model: Sequential,
  initial: Float64Array,
): Promise<MlpFit> {
  const F = data.numFeatures;
  const job = mlpJob(s, model, F, data.rows);
  const fit = await runThreadGang(
    job,
    { x: data.x, labels: data.labels, ...(data.weights ? { weights: data.weights } : {}) },
    {
      numWorkers: s.numWorkers ?? 1,
      initialWeights: s.solver === 'adam' ? unflatten(initial, model.params([F])) : [initial],
      ...(s.checkpointDir === undefined ? {} : { checkpointDir: s.checkpointDir }),
      onEpoch: (info) => s.onIteration?.(info.epoch, info.loss),
    },
  );
  return {
    weights: flatten(fit.final.arrays.weights ?? []),
    objectiveHistory: [...fit.history],
    stopReason: fit.stopReason,
    restarts: fit.restarts,
  };
}

/** The data-parallel job of `adam` or `gd` (`rows`: the training rows, when known on the driver). */
function mlpJob(
  s: MlpSettings,
  model: Sequential,
  features: number,
  rows = Number.POSITIVE_INFINITY,
): DataParallelJob {
  if (s.solver === 'l-bfgs') {
    throw new ParamError(
      'INVALID_PARAM',
      `${s.stage}: numWorkers ${s.numWorkers} needs solver 'adam' or 'gd'; 'l-bfgs' trains on one worker.`,
      { stage: s.stage, param: 'numWorkers', value: String(s.numWorkers) },
    );
  }
  return s.solver === 'adam'
    ? {
        kind: 'minibatch',
        network: sequentialToJson(model),
        loss: 'crossEntropy',
        optimizer: adam({ learningRate: s.stepSize }),
        inputShape: [features],
        seed: s.seed,
        globalBatch: Math.min(s.blockSize, rows),
        epochs: s.maxIter,
        tol: s.tol,
      }
    : {
        kind: 'gradientDescent',
        network: sequentialToJson(model),
        inputShape: [features],
        seed: s.seed,
        maxIter: s.maxIter,
        stepSize: s.stepSize,
        tol: s.tol,
        blockSize: Math.min(rows, Math.max(s.blockSize, 4096)),
      };
}

/**
 * `adam` and `gd` as a gang on the DataFrame's own engine (Spark: one barrier task per worker, the rows staying
 * on the cluster): the same job as on threads, each worker on its partition.
 */
export async function trainMlpOnGang(
  df: DataFrame,
  s: MlpSettings & { readonly featuresCol: string; readonly labelCol: string; readonly numFeatures: number },
): Promise<MlpFit> {
  const model = mlpNetwork(s.layers, s.hiddenActivation, s.solver === 'adam' ? s.dropout : 0);
  const fit = await fitOnEngineGang(df, {
    job: mlpJob(s, model, s.numFeatures),
    featuresCol: s.featuresCol,
    labelCol: s.labelCol,
    inputShape: [s.numFeatures],
    labelWidth: 1,
    numWorkers: s.numWorkers ?? 1,
    ...(s.initialWeights === undefined ? {} : { initialWeights: splitWeights(s.initialWeights, model, s) }),
    checkpointDir: s.checkpointDir,
  });
  return {
    weights: flatten(fit.final.arrays.weights ?? []),
    objectiveHistory: [...fit.history],
    stopReason: fit.stopReason,
    restarts: fit.restarts,
  };
}

/** MLlib's flat initial weights as the job takes them: per parameter (`adam`), or one flat array (`gd`). */
function splitWeights(flat: readonly number[], model: Sequential, s: MlpSettings): number[][] {
  if (s.solver !== 'adam') return [Array.from(flat)];
  let k = 0;
  return model.params([s.layers[0] as number]).map((p) => {
    const n = p.shape.reduce((a, b) => a * b, 1);
    const part = flat.slice(k, k + n);
    k += n;
    return Array.from(part);
  });
}

function flatten(parts: readonly ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) out[k + i] = p[i] as number;
    k += p.length;
  }
  return out;
}

function unflatten(flat: Float64Array, specs: readonly { shape: readonly number[] }[]): Float32Array[] {
  let k = 0;
  return specs.map((p) => {
    const n = p.shape.reduce((a, b) => a * b, 1);
    const out = Float32Array.from(flat.subarray(k, k + n));
    k += n;
    return out;
  });
}
