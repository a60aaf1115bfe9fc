/**
 * Data-parallel training on the embedded engine: a gang of worker threads, one replica each, joined in a
 * shared-memory ring (see `gangThread.ts`). The driver shares the rows once (`SharedArrayBuffer`s), starts the
 * gang, relays rank 0's per-epoch reports, and watches the threads: a thread that dies (terminated, crashed, out
 * of memory) fails the whole gang — the others are woken by the ring's abort flag, never left waiting — and the
 * gang starts again from the last checkpoint, up to `maxRestarts` times. An error that training itself raises
 * (bad labels, a wrong shape) fails the fit at once: running it again would fail again.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type DeepframeError, ExecutionError, ParamError } from '../errors.js';
import { sequentialFromJson } from '../nn/layerJson.js';
import { canonicalRowOrder } from '../tensor/rowOrder.js';
import { errorFromWire } from '../worker/wireError.js';
import type { GangThreadData, GangThreadReply } from './gangMessages.js';
import type { DataParallelJob, ReplicaData, ReplicaResult } from './replica.js';
import { abortSharedRing, createSharedRing, stopSharedRingWorker } from './sharedMemoryRing.js';

/** An epoch's report, to {@link ThreadGangOptions.onEpoch}. */
export interface GangEpoch {
  /** Epochs done. */
  readonly epoch: number;
  /** The epoch's mean training loss. */
  readonly loss: number;
  /** Restarts so far (0 on the first run). */
  readonly restarts: number;
  /** Rank 0's parameters and layer state after this epoch, when the job asked for them (`reportWeights`). */
  readonly weights?: readonly Float32Array[];
  readonly layers?: readonly Float32Array[];
  /**
   * Asks the gang to finish: the workers agree to stop before an epoch that has not started yet (the next, or the
   * one after when they have started it already); the fit then ends with `stopReason` `stopped`.
   */
  finish(): void;
  /**
   * Stops worker `rank` as if it had died (its thread exits at its next exchange of gradients), for
   * fault-tolerance drills: the gang fails and starts again from the last checkpoint.
   */
  terminateWorker(rank: number): Promise<void>;
}

/** Options of {@link runThreadGang}. */
export interface ThreadGangOptions {
  readonly numWorkers: number;
  /** ONNX Runtime intra-op threads per worker (default: the cores shared out, at least 1). */
  readonly threadsPerWorker?: number;
  /**
   * Where checkpoints go: each fit writes into its own `run-<uuid>` folder there and leaves its last checkpoint
   * (default: a temporary directory, removed at the end).
   */
  readonly checkpointDir?: string;
  /** How many times a gang whose worker died starts again from its last checkpoint (default 3). */
  readonly maxRestarts?: number;
  /** Starting weights, in the order of the network's params. */
  readonly initialWeights?: readonly (Float32Array | Float64Array)[];
  readonly onEpoch?: (info: GangEpoch) => void;
}

/** How a gang's training ended. */
export interface GangResult extends ReplicaResult {
  readonly restarts: number;
}

/**
 * Trains `job` on `numWorkers` threads.
 *
 * @example
 * ```ts
 * const result = await runThreadGang(job, { x, labels }, { numWorkers: 2 });
 * result.final.arrays.weights; // the trained parameters
 * ```
 */
export async function runThreadGang(
  job: DataParallelJob,
  data: ReplicaData,
  options: ThreadGangOptions,
): Promise<GangResult> {
  const n = options.numWorkers;
  if (!Number.isInteger(n) || n < 1) {
    throw new ParamError('INVALID_PARAM', `numWorkers must be a positive integer; got ${n}.`, {
      param: 'numWorkers',
      value: String(n),
    });
  }
  const maxRestarts = options.maxRestarts ?? 3;
  const threads = options.threadsPerWorker ?? Math.max(1, Math.floor(availableParallelism() / n));
  const rows = data.labels.length / labelWidth(job, data);
  const features = data.x.length / rows;
  // The rows' content order (targets of several values per row take no part: ties fall to the features).
  const keys = data.labels.length === rows ? data.labels : new Float64Array(rows);
  const shared = {
    x: share(data.x),
    labels: share(data.labels),
    weights: data.weights === undefined ? undefined : share(data.weights),
    order: share(canonicalRowOrder(data.x, features, keys)),
    rows,
  };
  const ownDir = options.checkpointDir === undefined;
  const base = options.checkpointDir ?? (await mkdtemp(join(tmpdir(), 'deepframe-checkpoints-')));
  const run = randomUUID();
  const checkpoint = { dir: join(base, `run-${run}`), run };
  const capacity = 8 * Math.ceil(vectorSize(job) / n);
  try {
    for (let restarts = 0; ; restarts++) {
      const outcome = await runOnce(job, {
        n,
        threads,
        shared,
        checkpoint,
        capacity,
        restarts,
        initialWeights: options.initialWeights,
        onEpoch: options.onEpoch,
      });
      if (outcome.kind === 'done') return { ...outcome.result, restarts };
      if (outcome.kind === 'error') throw outcome.error;
      if (restarts >= maxRestarts) {
        throw new ExecutionError(
          'GANG_FAILED',
          `Data-parallel training failed: worker ${outcome.rank} of ${n} died (${outcome.reason}) and the gang ` +
            `had already restarted ${restarts} time(s) (maxRestarts ${maxRestarts}).`,
          { worker: String(outcome.rank), restarts: String(restarts), reason: outcome.reason },
        );
      }
    }
  } finally {
    if (ownDir) await rm(base, { recursive: true, force: true }).catch(() => undefined);
  }
}

type Outcome =
  | { readonly kind: 'done'; readonly result: ReplicaResult }
  | { readonly kind: 'error'; readonly error: DeepframeError }
  | { readonly kind: 'died'; readonly rank: number; readonly reason: string };

interface RunOnce {
  readonly n: number;
  readonly threads: number;
  readonly shared: GangThreadData['data'];
  readonly checkpoint: GangThreadData['checkpoint'];
  readonly capacity: number;
  readonly restarts: number;
  readonly initialWeights: readonly (Float32Array | Float64Array)[] | undefined;
  readonly onEpoch: ((info: GangEpoch) => void) | undefined;
}

/** How long idle gang threads stay for the next fit before they end. */
const IDLE_MS = 30_000;

/**
 * The process's gang threads: started on demand and kept, idle, for the next gang (starting one — loading deepframe
 * and ONNX Runtime — costs a few hundred milliseconds) until none has run for 30 s. Idle, they do not keep the
 * process alive. A thread that exits (stopped by a drill, or crashed) is dropped.
 */
class GangThreads {
  private readonly idle: Worker[] = [];
  private timer: NodeJS.Timeout | undefined;
  private nextRun = 1;

  /** `n` threads for a run, and the run's number. */
  acquire(n: number): { workers: Worker[]; run: number } {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const workers = this.idle.splice(0, n);
    for (const w of workers) w.removeAllListeners('exit');
    while (workers.length < n) workers.push(new Worker(new URL('./gangThread.js', import.meta.url)));
    for (const w of workers) w.ref();
    return { workers, run: this.nextRun++ };
  }

  /** Takes back the threads of a finished run that are still alive. */
  release(workers: readonly Worker[], alive: ReadonlySet<Worker>): void {
    for (const w of workers) {
      if (!alive.has(w)) continue;
      w.removeAllListeners('message');
      w.removeAllListeners('error');
      w.removeAllListeners('exit');
      w.once('exit', () => {
        const i = this.idle.indexOf(w);
        if (i >= 0) this.idle.splice(i, 1);
      });
      w.unref();
      this.idle.push(w);
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      for (const w of this.idle.splice(0)) void w.terminate();
    }, IDLE_MS);
    this.timer.unref();
  }
}

const threads = new GangThreads();

/** Runs the gang once, to its end or its first failure; every thread has finished its part when it resolves. */
function runOnce(job: DataParallelJob, o: RunOnce): Promise<Outcome> {
  const ring = createSharedRing(o.n, o.capacity);
  const finish = new SharedArrayBuffer(4);
  const { workers, run } = threads.acquire(o.n);
  const alive = new Set(workers);
  const ended: Promise<void>[] = [];
  const finished = new Set<number>();
  let result: ReplicaResult | undefined;
  let outcome: Outcome | undefined;
  return new Promise<Outcome>((resolve) => {
    const settle = async (next: Outcome) => {
      if (outcome !== undefined) return;
      outcome = next;
      // The others stop at their next exchange (GANG_ABORTED) and end their part on their own: a thread terminated
      // while ONNX Runtime runs in it can take the process down.
      if (next.kind !== 'done') abortSharedRing(ring);
      await Promise.all(ended);
      threads.release(workers, alive);
      resolve(next);
    };
    const terminateWorker = async (rank: number) => {
      stopSharedRingWorker(ring, rank);
    };
    workers.forEach((worker, rank) => {
      const data: GangThreadData = {
        job,
        rank,
        size: o.n,
        ring,
        threads: o.threads,
        data: o.shared,
        initialWeights: o.initialWeights,
        checkpoint: o.checkpoint,
        finish,
      };
      let endPart: () => void = () => undefined;
      ended.push(
        new Promise((r) => {
          endPart = r;
        }),
      );
      worker.on('message', (message: GangThreadReply) => {
        if (message.run !== run) return;
        if (message.kind === 'epoch') {
          o.onEpoch?.({
            epoch: message.epoch,
            loss: message.loss,
            restarts: o.restarts,
            ...(message.weights === undefined
              ? {}
              : { weights: message.weights, layers: message.layers ?? [] }),
            finish: () => Atomics.store(new Int32Array(finish), 0, 1),
            terminateWorker,
          });
        } else if (message.kind === 'done') {
          finished.add(rank);
          endPart();
          if (rank === 0) {
            result = { history: message.history, stopReason: message.stopReason, final: message.final };
          }
          if (finished.size === o.n && result !== undefined) void settle({ kind: 'done', result });
        } else {
          endPart();
          const error = errorFromWire(message.error);
          // A worker woken by the abort, or cut off from a peer, reports the failure, not its cause.
          if (error.errorClass === 'GANG_ABORTED' || error.errorClass === 'GANG_PEER_LOST') return;
          void settle({ kind: 'error', error });
        }
      });
      worker.on('error', (error) => {
        alive.delete(worker);
        endPart();
        void settle({ kind: 'died', rank, reason: error.message });
      });
      worker.once('exit', (code) => {
        alive.delete(worker);
        endPart();
        if (!finished.has(rank))
          void settle({ kind: 'died', rank, reason: `thread exited with code ${code}` });
      });
      worker.postMessage({ kind: 'run', run, data });
    });
  });
}

function share(a: Float32Array | Float64Array | Uint32Array): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(a.byteLength);
  new Uint8Array(buffer).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return buffer;
}

/** Label values per row: 1 for class indices, the network's outputs for float targets. */
function labelWidth(job: DataParallelJob, data: ReplicaData): number {
  if (job.kind === 'gradientDescent' || job.loss === 'crossEntropy') return 1;
  const outputs = sequentialFromJson(job.network)
    .outputShape(job.inputShape)
    .reduce((a, b) => a * b, 1);
  const rows = data.labels.length / outputs;
  if (!Number.isInteger(rows) || rows * count(job.inputShape) !== data.x.length) {
    throw new ParamError(
      'LABEL_SIZE_MISMATCH',
      `Got ${data.labels.length} targets for ${data.x.length / count(job.inputShape)} rows; expected ${outputs} per row.`,
      { got: String(data.labels.length) },
    );
  }
  return outputs;
}

/** The length of the vector the workers all-reduce each step. */
export function vectorSize(job: DataParallelJob): number {
  const model = sequentialFromJson(job.network);
  const sum = (list: readonly { shape: readonly number[] }[]) => list.reduce((n, s) => n + count(s.shape), 0);
  const params = sum(model.params(job.inputShape));
  return job.kind === 'minibatch' ? params + 1 + sum(model.state(job.inputShape)) : params + 2;
}

function count(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
