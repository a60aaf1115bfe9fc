/**
 * Fit worker threads for a model search on the embedded engine: ONNX Runtime's `session.run` occupies the thread
 * that calls it, so candidates fitted "at once" on one thread only take turns; on their own threads, each with
 * `cores / workers` intra-op threads, they run side by side.
 *
 * The search saves its estimator once to a temporary directory, describes its evaluator as data
 * ({@link evaluatorSpec}), and hands each split's rows to the threads once as Arrow IPC bytes in a
 * `SharedArrayBuffer`. Each task fits one param map and returns its metric; when sub-models are collected the
 * thread saves the model and the driver loads it. The threads outlive a search (see `FitThreads`).
 *
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DeepframeError } from '../../errors.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { errorFromWire } from '../../worker/wireError.js';
import type { Estimator } from '../Estimator.js';
import type { Evaluator } from '../evaluation/Evaluator.js';
import { loadStage } from '../loadStage.js';
import type { Model } from '../Model.js';
import { ParamMap } from '../ParamMap.js';
import type { ParamOverrides } from '../Params.js';
import { type EvaluatorSpec, evaluatorSpec } from './evaluatorSpec.js';
import type { FitEnd, FitInit, FitReply, FitTask, SerializedOverrides } from './fitMessages.js';

/** A split's rows, shared with the workers. */
export interface SharedSplit {
  readonly train: SharedArrayBuffer;
  readonly validation: SharedArrayBuffer;
}

/** How long idle fit threads stay for the next search before they end. */
const IDLE_MS = 30_000;

/**
 * The process's fit threads: started on demand, up to the largest count a search asked for, and kept for the next
 * search (a thread's start — loading deepframe, DuckDB and ONNX Runtime — costs about a second) until they have
 * been idle for 30 s. Idle, they do not keep the process alive.
 */
class FitThreads {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly waiting: ((w: Worker) => void)[] = [];
  private readonly pending = new Map<
    number,
    { worker: Worker; resolve: (r: FitReply) => void; reject: (e: unknown) => void }
  >();
  /** The searches running, by number: a thread started while they run is told about them too. */
  private readonly searches = new Map<number, { readonly init: FitInit; readonly count: number }>();
  private timer: NodeJS.Timeout | undefined;

  /** Makes sure there are `count` threads and tells every thread about a search. */
  begin(count: number, init: FitInit): void {
    this.searches.set(init.search, { init, count });
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    for (const worker of this.workers) worker.postMessage(init);
    while (this.workers.length < count) this.spawn();
    for (const worker of this.workers) worker.ref(); // a search waits on them: they keep the process alive
  }

  /** Tells every thread that a search ended; ends the threads once none has run for a while. */
  end(search: number): void {
    this.searches.delete(search);
    for (const worker of this.workers) worker.postMessage({ kind: 'end', search } satisfies FitEnd);
    if (this.searches.size > 0) return;
    for (const worker of this.workers) worker.unref();
    this.timer = setTimeout(() => void this.close(), IDLE_MS);
    this.timer.unref();
  }

  /** Runs `task` on a free thread. */
  async run(task: FitTask): Promise<FitReply> {
    const worker = await this.acquire();
    try {
      return await new Promise<FitReply>((resolve, reject) => {
        this.pending.set(task.id, { worker, resolve, reject });
        worker.postMessage(task);
      });
    } finally {
      this.release(worker);
    }
  }

  private spawn(): void {
    const worker = new Worker(new URL('./fitWorkerMain.js', import.meta.url));
    for (const { init } of this.searches.values()) worker.postMessage(init);
    worker.on('message', (reply: FitReply) => {
      this.pending.get(reply.id)?.resolve(reply);
      this.pending.delete(reply.id);
    });
    // A thread that dies (out of memory, a crash in native code) fails its task and leaves the pool.
    worker.on('error', (error) => this.drop(worker, error));
    worker.on('exit', (code) =>
      this.drop(
        worker,
        new DeepframeError('WORKER_EXITED', `A fit thread exited (code ${code}).`, { code: String(code) }),
      ),
    );
    this.workers.push(worker);
    this.idle.push(worker);
  }

  private drop(worker: Worker, error: unknown): void {
    for (const [id, task] of this.pending) {
      if (task.worker !== worker) continue;
      task.reject(error);
      this.pending.delete(id);
    }
    const i = this.workers.indexOf(worker);
    if (i < 0) return;
    this.workers.splice(i, 1);
    const j = this.idle.indexOf(worker);
    if (j >= 0) this.idle.splice(j, 1);
    // A running search keeps its lanes: a fresh thread takes the dead one's place (and any task waiting for one).
    const wanted = Math.max(0, ...[...this.searches.values()].map((s) => s.count));
    if (this.workers.length < wanted) {
      this.spawn();
      const fresh = this.idle.pop();
      if (fresh !== undefined) this.release(fresh);
    }
  }

  private async close(): Promise<void> {
    this.waiting.splice(0);
    const workers = this.workers.splice(0);
    this.idle.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private acquire(): Promise<Worker> {
    const worker = this.idle.pop();
    return worker !== undefined
      ? Promise.resolve(worker)
      : new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(worker: Worker): void {
    if (!this.workers.includes(worker)) return;
    const next = this.waiting.shift();
    if (next !== undefined) next(worker);
    else this.idle.push(worker);
  }
}

const threads = new FitThreads();
let searches = 0;
let tasks = 0;

/** One search's use of the fit threads; {@link FitWorkers.close} ends it. */
export class FitWorkers {
  private models = 0;

  private constructor(
    private readonly search: number,
    private readonly dir: string,
  ) {}

  /**
   * Fit threads for a search of `estimator` scored by `evaluator`, `count` of them at once, or `undefined` when the
   * search cannot run on fit threads (a Spark session, one lane, an evaluator that is not one of deepframe's, or an
   * estimator that cannot be saved); the search then fits on its own thread.
   */
  static async start(
    df: DataFrame,
    estimator: Estimator,
    evaluator: Evaluator,
    count: number,
  ): Promise<FitWorkers | undefined> {
    const spec: EvaluatorSpec | undefined = evaluatorSpec(evaluator);
    if (count < 2 || !df.session.master.startsWith('local') || spec === undefined) return undefined;
    const dir = await mkdtemp(join(tmpdir(), 'deepframe-search-'));
    try {
      await estimator.save(join(dir, 'estimator'));
    } catch {
      await rm(dir, { recursive: true, force: true });
      return undefined;
    }
    const search = searches++;
    threads.begin(count, {
      kind: 'init',
      search,
      estimatorDir: join(dir, 'estimator'),
      evaluator: spec,
      threads: Math.max(1, Math.floor(availableParallelism() / count)),
    });
    return new FitWorkers(search, dir);
  }

  /** Copies a split's rows into shared memory, once for all the tasks on it. */
  async share(train: DataFrame, validation: DataFrame): Promise<SharedSplit> {
    const shared = async (df: DataFrame) => {
      const bytes = await df.toArrowIPC();
      const buffer = new SharedArrayBuffer(bytes.byteLength);
      new Uint8Array(buffer).set(bytes);
      return buffer;
    };
    return { train: await shared(train), validation: await shared(validation) };
  }

  /**
   * Fits `overrides` on the split in a free thread and evaluates it there; returns the metric and, when
   * `keepModel`, the model.
   */
  async fit<M extends Model>(
    split: SharedSplit,
    overrides: ParamOverrides<Estimator>,
    keepModel: boolean,
  ): Promise<{ metric: number; model?: M }> {
    const modelDir = keepModel ? join(this.dir, `model-${this.models++}`) : undefined;
    const reply = await threads.run({
      kind: 'task',
      id: tasks++,
      search: this.search,
      overrides: serializeOverrides(overrides),
      ...split,
      ...(modelDir === undefined ? {} : { modelDir }),
    });
    if ('error' in reply) throw errorFromWire(reply.error);
    return modelDir === undefined
      ? { metric: reply.metric }
      : { metric: reply.metric, model: (await loadStage(modelDir)) as M };
  }

  /** Ends the search on the threads and removes its temporary files. */
  async close(): Promise<void> {
    threads.end(this.search);
    await rm(this.dir, { recursive: true, force: true });
  }
}

function serializeOverrides(overrides: ParamOverrides<Estimator>): SerializedOverrides {
  if (overrides instanceof ParamMap) {
    return {
      kind: 'paramMap',
      pairs: [...overrides].map(([param, value]) => ({ stage: param.parent, name: param.name, value })),
    };
  }
  return { kind: 'object', values: { ...(overrides as Record<string, unknown>) } };
}
