/**
 * One worker of a data-parallel gang: its replica of the model, trained step by step in lockstep with the others.
 * The same code runs in a worker thread of the embedded engine and in a Spark task's Node.js worker; only the
 * ring link (shared memory or TCP) and the sampler (global batches or the task's partition) differ.
 *
 * Two kinds of job:
 * - `minibatch`: an `nn` network trained by mini-batches (SGD or Adam): per step, gradients on this worker's
 *   share of the global batch, a ring all-reduce, the same update everywhere (see `nn/GradientStep.ts`);
 * - `gradientDescent`: Spark MLlib's full-batch gradient descent (`stepSize / √iteration`) of a network with
 *   softmax cross-entropy, as `MultilayerPerceptronClassifier` with solver `gd`: per iteration, each worker sums
 *   the loss and gradient over its rows in float64, a ring all-reduce sums them over the workers.
 *
 * After every epoch (an iteration, for `gradientDescent`) the replica writes a checkpoint and reports to `onEpoch`;
 * a replica given a checkpoint resumes after its epoch with its state, drawing the shuffles of the epochs done
 * again so that it continues with the batches the interrupted run would have drawn.
 *
 * @module
 */
import { ParamError } from '../errors.js';
import { compileGradientStep } from '../nn/GradientStep.js';
import { initParams } from '../nn/init.js';
import { type SequentialJson, sequentialFromJson } from '../nn/layerJson.js';
import { compileObjective } from '../nn/objective.js';
import type { OptimizerSpec } from '../nn/optimizers.js';
import type { Loss } from '../nn/Trainer.js';
import {
  type Checkpoint,
  commitShardedCheckpoint,
  saveCheckpoint as saveWholeCheckpoint,
  writeCheckpointShard,
} from './checkpoint.js';
import { chunkRange, type RingLink, ringAllGatherChunks, ringAllReduce, ringReduceScatter } from './ring.js';
import type { BatchSampler } from './sampler.js';
import { ShardedOptimizer } from './shardedOptimizer.js';

/** A mini-batch training job (plain data: it crosses to threads and to Spark tasks). */
export interface MinibatchJob {
  readonly kind: 'minibatch';
  readonly network: SequentialJson;
  readonly loss: Loss;
  readonly optimizer: OptimizerSpec;
  /** The shape of one row's features. */
  readonly inputShape: readonly number[];
  /** Seed of the weight initialization, the dropout masks and the shuffles. */
  readonly seed: number;
  /** Rows per step over all workers. */
  readonly globalBatch: number;
  readonly epochs: number;
  /** Stop when an epoch's loss moves by at most `tol` relative to the epoch before's (0: run every epoch). */
  readonly tol: number;
  /**
   * The batches: by default the rows' content order and the trainers' shuffle (`globalBatchSampler`); `seededShuffle`
   * reproduces a caller's own shuffle stream (see `seededShuffleSampler`).
   */
  readonly sampling?: { readonly kind: 'seededShuffle'; readonly seed: number; readonly skipDraws: number };
  /** Rank 0 reports the weights after every epoch (for a driver that evaluates each epoch's model). */
  readonly reportWeights?: boolean;
}

/** MLlib's full-batch gradient descent of a softmax network (plain data). */
export interface GradientDescentJob {
  readonly kind: 'gradientDescent';
  readonly network: SequentialJson;
  readonly inputShape: readonly number[];
  /** Seed of the weight initialization, when no starting weights are given. */
  readonly seed: number;
  readonly maxIter: number;
  readonly stepSize: number;
  /** Stop when the weights move by less than `tol · max(‖w‖, 1)`. */
  readonly tol: number;
  /** Rows per graph run of the objective. */
  readonly blockSize: number;
}

/** A data-parallel job. */
export type DataParallelJob = MinibatchJob | GradientDescentJob;

/** A worker's rows. */
export interface ReplicaData {
  /** Features, rows × features. */
  readonly x: Float32Array;
  /** Class indices (cross-entropy), or rows × outputs targets. */
  readonly labels: Float64Array;
  /** Row weights (`gradientDescent` only); every row weighs 1 when absent. */
  readonly weights?: Float64Array;
}

/** What a replica reports after an epoch. */
export interface EpochProgress {
  readonly epoch: number;
  readonly history: readonly number[];
  /** The parameters (`minibatch` jobs; views, valid until the next step). */
  readonly weights?: readonly Float32Array[];
  /** The layers' state (`minibatch` jobs). */
  readonly layers?: readonly Float32Array[];
}

/** How a replica ended. */
export interface ReplicaResult {
  readonly history: readonly number[];
  /** `stopped`: the driver asked the gang to finish (early stopping). */
  readonly stopReason: 'maxIter' | 'converged' | 'stopped';
  /** The final training state, as a checkpoint holds it. */
  readonly final: Checkpoint;
}

/** What else a replica needs. */
export interface ReplicaOptions {
  readonly link: RingLink;
  /** The batches (`minibatch` jobs). */
  readonly sampler?: BatchSampler;
  /** ONNX Runtime intra-op threads. */
  readonly threads?: number;
  /** Starting weights in the order of the network's params (default: seeded initialization). */
  readonly initialWeights?: readonly (Float32Array | Float64Array)[];
  /** Where to resume. */
  readonly resume?: Checkpoint;
  /** Where the per-epoch checkpoints go, the run they belong to, and how often it resumed so far. */
  readonly checkpointTo?: { readonly dir: string; readonly run: string; readonly restarts: number };
  /** Called after every epoch (and its checkpoint) with the epochs done, their losses, and the model's state. */
  readonly onEpoch?: (progress: EpochProgress) => Promise<void> | void;
  /** Asked before every epoch after the first: whether to finish now (the workers agree on the answer). */
  readonly shouldStop?: () => boolean;
  /**
   * Called on every worker after every epoch; resolving to true stops training (`stopped`). Every worker must give
   * the same answer (decide from all-reduced values).
   */
  readonly afterEpoch?: (progress: EpochProgress) => Promise<boolean>;
}

/**
 * Trains this worker's replica to the end of the job.
 *
 * @example
 * ```ts
 * const result = await runReplica(job, { x, labels }, { link, sampler, threads: 1, onEpoch: save });
 * ```
 */
export async function runReplica(
  job: DataParallelJob,
  data: ReplicaData,
  options: ReplicaOptions,
): Promise<ReplicaResult> {
  return job.kind === 'minibatch' ? runMinibatch(job, data, options) : runGradientDescent(job, data, options);
}

async function runMinibatch(
  job: MinibatchJob,
  data: ReplicaData,
  options: ReplicaOptions,
): Promise<ReplicaResult> {
  const sampler = options.sampler;
  if (sampler === undefined) {
    throw new ParamError('INVALID_PARAM', 'A mini-batch replica needs a batch sampler.', {
      param: 'sampler',
    });
  }
  const model = sequentialFromJson(job.network);
  const step = await compileGradientStep(model, {
    loss: job.loss,
    optimizer: job.optimizer,
    batchSize: sampler.batchSize,
    inputSize: job.inputShape,
    seed: job.seed,
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    ...(options.initialWeights === undefined
      ? {}
      : { initialWeights: options.initialWeights.map((w) => Float32Array.from(w)) }),
  });
  try {
    const link = options.link;
    const P = step.parameterCount;
    // This worker's shard: the parameters in the chunk it owns after the reduce-scatter.
    const [chunkStart, chunkEnd] = chunkRange(step.vectorSize, link.size, (link.rank + 1) % link.size);
    const shardStart = Math.min(chunkStart, P);
    const shardEnd = Math.min(chunkEnd, P);
    const optimizer = new ShardedOptimizer(job.optimizer, shardEnd - shardStart);
    let weights: Float32Array = new Float32Array(P);
    let layers: Float32Array[] = step.state.layers.map((a) => Float32Array.from(a));
    let steps = 0;
    const history: number[] = [...(options.resume?.history ?? [])];
    const done = options.resume?.epoch ?? 0;
    if (options.resume !== undefined) {
      const c = options.resume;
      concatInto(weights, c.arrays.weights ?? []);
      (c.arrays.optimizer ?? []).forEach((full, k) => {
        optimizer.state[k]?.set(full.subarray(shardStart, shardEnd));
      });
      layers = (c.arrays.layers ?? []).map((a) => Float32Array.from(a));
      steps = c.steps;
    } else {
      concatInto(weights, step.state.weights);
    }
    step.setParameters(weights, layers, steps);
    for (let e = 0; e < done; e++) sampler.beginEpoch();
    const features = step.featureCount;
    const width = job.loss === 'crossEntropy' ? 1 : data.labels.length / (data.x.length / features);
    const x = new Float32Array(sampler.batchSize * features);
    const y = new Float64Array(sampler.batchSize * width);
    let stopReason: ReplicaResult['stopReason'] = converged(history, job.tol) ? 'converged' : 'maxIter';
    // Each worker writes its shard of the weights and of the optimizer's state; after a barrier rank 0 writes the
    // index that makes them the checkpoint.
    const shards = Array.from({ length: link.size }, (_, rank) => {
      const [start, end] = chunkRange(step.vectorSize, link.size, (rank + 1) % link.size);
      return { rank, start: Math.min(start, P), end: Math.min(end, P) };
    });
    const saveCheckpoint = async (epoch: number, to: NonNullable<ReplicaOptions['checkpointTo']>) => {
      const own = [
        weights.subarray(shardStart, shardEnd),
        ...optimizer.state,
        ...(link.rank === 0 ? layers : []),
      ];
      await writeCheckpointShard(to.dir, epoch, link.rank, own);
      await ringAllReduce(new Float32Array(1), link);
      if (link.rank !== 0) return;
      await commitShardedCheckpoint(to.dir, to.run, {
        epoch,
        history: [...history],
        steps,
        restarts: to.restarts,
        params: P,
        slots: optimizer.state.length,
        layerSizes: step.layerStateSizes,
        shards,
      });
    };
    for (let epoch = done + 1; epoch <= job.epochs && stopReason === 'maxIter'; epoch++) {
      if (epoch > 1 && options.shouldStop !== undefined) {
        // Every worker must stop at the same epoch: they agree through the ring.
        const flag = Float32Array.of(options.shouldStop() ? 1 : 0);
        await ringAllReduce(flag, link);
        if ((flag[0] as number) > 0) {
          stopReason = 'stopped';
          break;
        }
      }
      sampler.beginEpoch();
      let sum = 0;
      for (let s = 0; s < sampler.stepsPerEpoch; s++) {
        const rows = sampler.rows(s);
        for (let r = 0; r < rows.length; r++) {
          const row = rows[r] as number;
          x.set(data.x.subarray(row * features, (row + 1) * features), r * features);
          y.set(data.labels.subarray(row * width, (row + 1) * width), r * width);
        }
        // A new vector each step: after the all-gather its front is the new weights, kept as they are.
        const flat = await step.gradientVector(x, y, sampler.scale);
        await ringReduceScatter(flat, link);
        steps++;
        optimizer.apply(weights.subarray(shardStart, shardEnd), flat.subarray(shardStart, shardEnd), steps);
        await ringAllGatherChunks(flat, link);
        weights = flat.subarray(0, P);
        sum += flat[P] as number;
        layers = splitFlat(flat.subarray(P + 1), step.layerStateSizes, false);
        step.setParameters(weights, layers, steps);
      }
      history.push(sum / sampler.stepsPerEpoch);
      if (converged(history, job.tol)) stopReason = 'converged';
      if (options.checkpointTo !== undefined) await saveCheckpoint(epoch, options.checkpointTo);
      const progress = { epoch, history, weights: splitFlat(weights, step.parameterSizes, false), layers };
      await options.onEpoch?.(progress);
      if (options.afterEpoch !== undefined && (await options.afterEpoch(progress))) stopReason = 'stopped';
    }
    const final: Checkpoint = {
      epoch: history.length,
      history,
      steps,
      arrays: { weights: splitFlat(weights, step.parameterSizes), layers },
    };
    return { history, stopReason, final };
  } finally {
    await step.close();
  }
}

function concatInto(out: Float32Array, parts: readonly (Float32Array | Float64Array)[]): void {
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
}

/** `flat` cut into arrays of `sizes` (copies, or views when `copy` is false). */
function splitFlat(flat: Float32Array, sizes: readonly number[], copy = true): Float32Array[] {
  let k = 0;
  return sizes.map((n) => {
    const part = copy ? flat.slice(k, k + n) : flat.subarray(k, k + n);
    k += n;
    return part;
  });
}

/** The single-worker trainers' rule: the epoch's loss moved by at most `tol` relative to the one before. */
function converged(history: readonly number[], tol: number): boolean {
  const loss = history[history.length - 1];
  const prev = history[history.length - 2];
  return (
    tol > 0 &&
    loss !== undefined &&
    prev !== undefined &&
    Math.abs(prev - loss) <= tol * Math.max(Math.abs(prev), 1e-12)
  );
}

async function runGradientDescent(
  job: GradientDescentJob,
  data: ReplicaData,
  options: ReplicaOptions,
): Promise<ReplicaResult> {
  const model = sequentialFromJson(job.network);
  const rows = data.labels.length;
  const objective = await compileObjective(model, {
    loss: 'crossEntropy',
    inputSize: job.inputShape,
    blockSize: Math.max(1, Math.min(rows, job.blockSize)),
    dtype: 'float64',
    ...(options.threads === undefined ? {} : { threads: options.threads }),
  });
  try {
    if (rows > 0)
      objective.bind({ x: data.x, y: data.labels, ...(data.weights ? { weights: data.weights } : {}) });
    const initial = options.initialWeights;
    const resumed = options.resume?.arrays.weights?.[0];
    const w =
      resumed !== undefined
        ? Float64Array.from(resumed)
        : Float64Array.from(
            (initial ?? initParams(model.params(job.inputShape), job.seed)).flatMap((a) => Array.from(a)),
          );
    const history: number[] = [...(options.resume?.history ?? [])];
    const n = w.length;
    // Per worker: the gradient's sums, the loss's, and the weight of its rows.
    const sums = new Float64Array(n + 2);
    let stopReason: ReplicaResult['stopReason'] = 'maxIter';
    for (let i = history.length + 1; i <= job.maxIter; i++) {
      sums.fill(0);
      if (rows > 0) {
        const { loss, gradient } = await objective.evaluate(w);
        sums.set(gradient);
        sums[n] = loss;
        sums[n + 1] = objective.totalWeight;
      }
      await ringAllReduce(sums, options.link);
      const total = sums[n + 1] as number;
      history.push((sums[n] as number) / total);
      const stepSize = job.stepSize / Math.sqrt(i);
      let moved = 0;
      let size = 0;
      for (let j = 0; j < n; j++) {
        const delta = (stepSize * (sums[j] as number)) / total;
        w[j] = (w[j] as number) - delta;
        moved += delta * delta;
        size += (w[j] as number) ** 2;
      }
      const done = Math.sqrt(moved) < job.tol * Math.max(Math.sqrt(size), 1);
      const to = options.checkpointTo;
      if (to !== undefined && options.link.rank === 0) {
        await saveWholeCheckpoint(to.dir, to.run, {
          epoch: i,
          history: [...history],
          steps: i,
          restarts: to.restarts,
          arrays: { weights: [w] },
        });
      }
      await options.onEpoch?.({ epoch: i, history });
      if (done) {
        stopReason = 'converged';
        break;
      }
    }
    return {
      history,
      stopReason,
      final: { epoch: history.length, history, steps: history.length, arrays: { weights: [w] } },
    };
  } finally {
    await objective.close();
  }
}
