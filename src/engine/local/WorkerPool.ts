/**
 * A pool of worker threads that run serialized stages over record batches: the embedded engine's tensor stages.
 *
 * @module
 */
import { access } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import * as arrow from 'apache-arrow';
import { DeepframeError, describeCause, ExecutionError, IOError, ParamError } from '../../errors.js';
import { batchFromIPC, batchToIPC, transferableBuffer } from '../../worker/ipc.js';
import type { StageReply, StageRequest } from '../../worker/messages.js';
import { describeStage, type StageSpec } from '../../worker/StageSpec.js';
import { errorFromWire, isWireError } from '../../worker/wireError.js';

/** Options of {@link WorkerPool.create}. */
export interface WorkerPoolOptions {
  /** How many worker threads at most. Default: `os.availableParallelism()`. */
  readonly size?: number;
  /**
   * Heap limits of each worker thread (Node's `ResourceLimits`). A worker that exceeds them dies with
   * `ERR_WORKER_OUT_OF_MEMORY` and its task is retried once, as for any worker death. Default: Node's.
   */
  readonly resourceLimits?: ResourceLimits;
}

/** Options of {@link WorkerPool.run}. */
export interface RunOptions {
  /** The partition the batch belongs to, for the stage's context and for messages. Default `-1` (unknown). */
  readonly partitionIndex?: number;
  /** The batch's position within its partition. Default `-1` (unknown). */
  readonly batchIndex?: number;
  /**
   * Cancels the run: a batch still queued is dropped; one already on a worker finishes there, unseen. The
   * promise rejects with the signal's reason.
   */
  readonly signal?: AbortSignal;
}

/** Options of {@link WorkerPool.map}. */
export interface MapOptions {
  /** How many batches at most are queued, running or finished and not yet taken. Default: 2 × pool size. */
  readonly maxInFlight?: number;
  /** The partition all batches belong to; batch indexes count from 0. Default `-1` (unknown). */
  readonly partitionIndex?: number;
  /** Stops the mapping: queued batches are dropped and the iteration throws the signal's reason. */
  readonly signal?: AbortSignal;
}

interface Task {
  readonly id: number;
  readonly spec: StageSpec;
  readonly batch: arrow.RecordBatch;
  readonly partitionIndex: number;
  readonly batchIndex: number;
  /** Dispatches so far. */
  attempts: number;
  /** Why earlier attempts' workers died. */
  readonly deaths: string[];
  settled: boolean;
  readonly resolve: (batch: arrow.RecordBatch) => void;
  readonly reject: (error: unknown) => void;
  readonly cleanup: () => void;
}

interface Slot {
  readonly worker: Worker;
  task: Task | undefined;
  /** The uncaught error that a dying worker reported, if any. */
  error: unknown;
}

/** How many times a task is dispatched at most: once, and once more on a fresh worker after a worker death. */
const MAX_ATTEMPTS = 2;

/** Where the worker entry point is: `dist/src/worker/main.js`, next to this module's compiled folder. */
const WORKER_URL = new URL('../../worker/main.js', import.meta.url);

/**
 * The parent's `execArgv` without the options that describe the parent's own entry (`--input-type`, `--eval`,
 * `--print`): a worker thread inherits the rest (loaders, `--enable-source-maps`, …), but with these it fails to
 * start its file entry point.
 */
function workerExecArgv(execArgv: readonly string[]): string[] {
  const entryOptions = new Set(['--input-type', '-e', '--eval', '-p', '--print']);
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i += 1) {
    const arg = execArgv[i]!;
    const name = arg.split('=', 1)[0]!;
    if (!entryOptions.has(name)) kept.push(arg);
    else if (!arg.includes('=')) i += 1; // its value is the next argument
  }
  return kept;
}

function positiveInteger(value: number, name: string, where: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ParamError(
      'INVALID_PARAM_VALUE',
      `${where}: '${name}' must be a positive integer; got ${value}.`,
      {
        param: name,
        value: String(value),
      },
    );
  }
  return value;
}

/**
 * A pool of `worker_threads` workers, each running `dist/src/worker/main.js`, that run stage specs over record
 * batches. Batches travel as Arrow IPC stream bytes in transferred ArrayBuffers: serializing copies a batch once,
 * transferring and deserializing copy nothing.
 *
 * - Workers start on demand, up to `size`, and stay for the next batch: a stage's per-worker cache (a model
 *   session) survives across batches and tasks.
 * - A worker that dies (`process.exit` in a stage, an uncaught error, running out of memory) has its task
 *   retried once on a fresh worker; a second death fails the run with an `ExecutionError` `WORKER_DIED` that
 *   names the stage and the exit code. Dead workers are replaced on demand. A stage that throws is not retried:
 *   its error comes back as it was thrown (a non-deepframe error wrapped as `STAGE_FAILED`).
 * - Threads never keep the process alive on their own: a worker is referenced only while it runs a batch that
 *   someone awaits (or that queued batches wait behind), and unreferenced when idle, so a pool that is never
 *   closed does not hold the process open, and a pending `run` is never cut short by the process exiting.
 *   Still, close it ({@link WorkerPool.close}, or `await using`) to free the threads' memory.
 * - Workers inherit the parent's `execArgv` (loaders, `--enable-source-maps`), less the options that name the
 *   parent's own entry (`--input-type`, `--eval`, `--print`), and its environment.
 *
 * @example
 * ```ts
 * await using pool = await WorkerPool.create({ size: 4 });
 * const spec = { kind: 'module', modulePath: '/abs/stages.js', exportName: 'embed', options: null } as const;
 * for await (const out of pool.map(spec, batches, { maxInFlight: 8 })) {
 *   write(out); // in input order
 * }
 * ```
 */
export class WorkerPool implements AsyncDisposable {
  /** How many worker threads the pool runs at most. */
  readonly size: number;
  readonly #resourceLimits: ResourceLimits | undefined;
  readonly #slots: Slot[] = [];
  readonly #queue: Task[] = [];
  #nextId = 0;
  #closed = false;

  private constructor(size: number, resourceLimits: ResourceLimits | undefined) {
    this.size = size;
    this.#resourceLimits = resourceLimits;
  }

  /**
   * Creates a pool. No thread starts until a batch needs one. Fails with an `IOError` `WORKER_ENTRY_NOT_FOUND`
   * when the compiled worker entry point is missing.
   *
   * @example
   * ```ts
   * const pool = await WorkerPool.create(); // os.availableParallelism() threads at most
   * ```
   */
  static async create(options: WorkerPoolOptions = {}): Promise<WorkerPool> {
    const size = positiveInteger(options.size ?? availableParallelism(), 'size', 'WorkerPool.create');
    const entry = fileURLToPath(WORKER_URL);
    try {
      await access(entry);
    } catch (cause) {
      throw new IOError(
        'WORKER_ENTRY_NOT_FOUND',
        `The worker entry point ${entry} is missing (${describeCause(cause)}). Build deepframe (npm run build).`,
        { path: entry },
        { cause },
      );
    }
    return new WorkerPool(size, options.resourceLimits);
  }

  /** How many worker threads are running now (busy or idle). `0` after {@link WorkerPool.close}. */
  get workerCount(): number {
    return this.#slots.length;
  }

  /** Whether {@link WorkerPool.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs a stage over one batch on a worker thread. Batches wait in a queue (first come, first served) while
   * every worker is busy. The caller's batch is not modified or detached.
   *
   * @example
   * ```ts
   * const out = await pool.run({ kind: 'module', modulePath, exportName: 'double', options: null }, batch);
   * ```
   */
  run(spec: StageSpec, batch: arrow.RecordBatch, options: RunOptions = {}): Promise<arrow.RecordBatch> {
    if (this.#closed) return Promise.reject(this.#closedError());
    if (!(batch instanceof arrow.RecordBatch)) {
      return Promise.reject(
        new ParamError(
          'INVALID_PARAM_VALUE',
          `WorkerPool.run needs an apache-arrow RecordBatch; got ${typeof batch}.`,
          {
            param: 'batch',
          },
        ),
      );
    }
    const { signal } = options;
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    return new Promise<arrow.RecordBatch>((resolve, reject) => {
      const onAbort = (): void => this.#abort(task, signal?.reason);
      const task: Task = {
        id: this.#nextId++,
        spec,
        batch,
        partitionIndex: options.partitionIndex ?? -1,
        batchIndex: options.batchIndex ?? -1,
        attempts: 0,
        deaths: [],
        settled: false,
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(task);
      this.#dispatch();
    });
  }

  /**
   * Runs a stage over a stream of batches and yields the results in input order, keeping every worker busy.
   * At most `maxInFlight` batches are queued, running, or finished and waiting for earlier ones, so memory
   * stays bounded whatever the input's length. The first failure ends the iteration with its error; stopping
   * early (`break`) drops the batches still queued.
   *
   * @example
   * ```ts
   * for await (const out of pool.map(spec, reader, { maxInFlight: 8, partitionIndex: 0 })) console.log(out.numRows);
   * ```
   */
  async *map(
    spec: StageSpec,
    batches: AsyncIterable<arrow.RecordBatch> | Iterable<arrow.RecordBatch>,
    options: MapOptions = {},
  ): AsyncGenerator<arrow.RecordBatch, void, undefined> {
    const maxInFlight = positiveInteger(
      options.maxInFlight ?? 2 * this.size,
      'maxInFlight',
      'WorkerPool.map',
    );
    const partitionIndex = options.partitionIndex ?? -1;
    const controller = new AbortController();
    const outer = options.signal;
    const forward = (): void => controller.abort(outer?.reason);
    if (outer?.aborted === true) forward();
    outer?.addEventListener('abort', forward, { once: true });
    const input: AsyncIterator<arrow.RecordBatch> =
      Symbol.asyncIterator in batches
        ? batches[Symbol.asyncIterator]()
        : (async function* () {
            yield* batches;
          })();
    const pending: Promise<arrow.RecordBatch>[] = [];
    let nextInput: Promise<IteratorResult<arrow.RecordBatch>> | undefined;
    let inputDone = false;
    let batchIndex = 0;
    const take = (result: IteratorResult<arrow.RecordBatch>): void => {
      nextInput = undefined;
      if (result.done === true) {
        inputDone = true;
        return;
      }
      const running = this.run(spec, result.value, {
        partitionIndex,
        batchIndex: batchIndex++,
        signal: controller.signal,
      });
      running.catch(() => {}); // Observed when its turn comes; until then, not an unhandled rejection.
      pending.push(running);
    };
    try {
      for (;;) {
        if (controller.signal.aborted) throw controller.signal.reason;
        if (!inputDone && nextInput === undefined && pending.length < maxInFlight) nextInput = input.next();
        const head = pending[0];
        if (head === undefined) {
          if (nextInput === undefined) return;
          take(await nextInput);
          continue;
        }
        if (nextInput !== undefined) {
          // Take more input while the oldest batch runs; yield it as soon as it is done.
          const first = await Promise.race([
            nextInput.then((r) => ({ input: r })),
            head.then(
              () => undefined,
              () => undefined,
            ),
          ]);
          if (first !== undefined) {
            take(first.input);
            continue;
          }
        }
        pending.shift();
        yield await head;
      }
    } finally {
      outer?.removeEventListener('abort', forward);
      controller.abort(
        new DeepframeError('MAP_STOPPED', 'WorkerPool.map was stopped before its input ended.'),
      );
      // An input still being read is closed without waiting: a stalled source must not hang the caller.
      if (nextInput !== undefined) void Promise.resolve(input.return?.()).catch(() => {});
      else if (!inputDone) await input.return?.();
    }
  }

  /**
   * Terminates every worker thread. Batches queued or running fail with `POOL_CLOSED`; later calls to
   * {@link WorkerPool.run} too. Calling it again does nothing.
   *
   * @example
   * ```ts
   * const pool = await WorkerPool.create();
   * try { await pool.run(spec, batch); } finally { await pool.close(); }
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const error = this.#closedError();
    for (const task of this.#queue.splice(0)) this.#reject(task, error);
    const slots = this.#slots.splice(0);
    for (const slot of slots) if (slot.task !== undefined) this.#reject(slot.task, error);
    // An unreferenced worker would let the event loop end before its exit is reported.
    await Promise.all(
      slots.map((slot) => {
        slot.worker.ref();
        return slot.worker.terminate();
      }),
    );
  }

  /** Same as {@link WorkerPool.close}: `await using pool = await WorkerPool.create()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #closedError(): DeepframeError {
    return new ExecutionError(
      'POOL_CLOSED',
      'The worker pool is closed; create a new one to run more stages.',
    );
  }

  #resolve(task: Task, batch: arrow.RecordBatch): void {
    if (task.settled) return;
    task.settled = true;
    task.cleanup();
    task.resolve(batch);
  }

  #reject(task: Task, error: unknown): void {
    if (task.settled) return;
    task.settled = true;
    task.cleanup();
    task.reject(error);
  }

  #abort(task: Task, reason: unknown): void {
    const queued = this.#queue.indexOf(task);
    if (queued >= 0) this.#queue.splice(queued, 1);
    // A running task finishes on its worker, unawaited: its result is dropped.
    this.#reject(task, reason);
    this.#updateRefs();
  }

  /** Gives queued tasks to idle workers, starting workers up to `size`. */
  #dispatch(): void {
    while (this.#queue.length > 0) {
      let slot = this.#slots.find((s) => s.task === undefined);
      if (slot === undefined) {
        if (this.#slots.length >= this.size) break;
        try {
          slot = this.#spawn();
        } catch (cause) {
          const task = this.#queue.shift()!;
          this.#reject(
            task,
            new ExecutionError(
              'WORKER_START_FAILED',
              `A worker thread for the ${describeStage(task.spec)} could not start: ${describeCause(cause)}`,
              { stage: describeStage(task.spec), reason: describeCause(cause) },
              { cause },
            ),
          );
          continue;
        }
      }
      this.#send(slot, this.#queue.shift()!);
    }
    this.#updateRefs();
  }

  /**
   * References exactly the workers whose work someone awaits: a busy worker whose task is still awaited, or any
   * busy worker while tasks wait in the queue (they need it to finish). Idle workers never hold the process.
   */
  #updateRefs(): void {
    const waiting = this.#queue.length > 0;
    for (const slot of this.#slots) {
      if (slot.task !== undefined && (waiting || !slot.task.settled)) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  #send(slot: Slot, task: Task): void {
    let ipc: ArrayBuffer;
    try {
      ipc = transferableBuffer(batchToIPC(task.batch));
    } catch (cause) {
      this.#reject(
        task,
        new ExecutionError(
          'BATCH_NOT_SERIALIZABLE',
          `The batch for the ${describeStage(task.spec)} cannot be written as Arrow IPC: ${describeCause(cause)}`,
          { stage: describeStage(task.spec), reason: describeCause(cause) },
          { cause },
        ),
      );
      return;
    }
    const request: StageRequest = {
      id: task.id,
      spec: task.spec,
      ipc,
      task: { partitionIndex: task.partitionIndex, batchIndex: task.batchIndex },
    };
    try {
      slot.worker.postMessage(request, [ipc]);
    } catch (cause) {
      this.#reject(
        task,
        new ParamError(
          'INVALID_STAGE_SPEC',
          `The ${describeStage(task.spec)} cannot be sent to a worker: ${describeCause(cause)}. ` +
            'A stage spec must be plain data (no functions, class instances or symbols).',
          { stage: describeStage(task.spec), reason: describeCause(cause) },
          { cause },
        ),
      );
      return;
    }
    task.attempts += 1;
    slot.task = task;
  }

  #spawn(): Slot {
    const worker = new Worker(WORKER_URL, {
      execArgv: workerExecArgv(process.execArgv),
      ...(this.#resourceLimits === undefined ? {} : { resourceLimits: this.#resourceLimits }),
    });
    worker.unref();
    const slot: Slot = { worker, task: undefined, error: undefined };
    this.#slots.push(slot);
    worker.on('message', (message: StageReply) => this.#onReply(slot, message));
    worker.on('messageerror', (error) =>
      this.#onReply(slot, { id: slot.task?.id ?? -1, error: toWire(error) }),
    );
    worker.on('error', (error) => {
      slot.error = error;
    });
    worker.on('exit', (code) => this.#onExit(slot, code));
    return slot;
  }

  #onReply(slot: Slot, reply: StageReply): void {
    const task = slot.task;
    if (task === undefined || typeof reply !== 'object' || reply === null || task.id !== reply.id) return;
    slot.task = undefined;
    if ('error' in reply) {
      this.#reject(task, isWireError(reply.error) ? errorFromWire(reply.error) : reply.error);
    } else {
      try {
        this.#resolve(task, batchFromIPC(new Uint8Array(reply.ipc)));
      } catch (cause) {
        this.#reject(
          task,
          new ExecutionError(
            'BATCH_NOT_DESERIALIZABLE',
            `The result of the ${describeStage(task.spec)} could not be read: ${describeCause(cause)}`,
            { stage: describeStage(task.spec), reason: describeCause(cause) },
            { cause },
          ),
        );
      }
    }
    this.#dispatch();
  }

  #onExit(slot: Slot, code: number): void {
    const index = this.#slots.indexOf(slot);
    if (index < 0) return; // terminated by close()
    this.#slots.splice(index, 1);
    const task = slot.task;
    slot.task = undefined;
    if (task !== undefined && !task.settled) {
      const reason =
        slot.error === undefined
          ? `exit code ${code}`
          : `exit code ${code} after an uncaught error: ${describeCause(slot.error)}`;
      task.deaths.push(reason);
      if (task.attempts < MAX_ATTEMPTS) {
        this.#queue.unshift(task); // first in line, on a fresh worker
      } else {
        const where =
          task.partitionIndex >= 0 ? ` (partition ${task.partitionIndex}, batch ${task.batchIndex})` : '';
        this.#reject(
          task,
          new ExecutionError(
            'WORKER_DIED',
            `The worker running the ${describeStage(task.spec)}${where} died ${task.attempts} times: ` +
              `${task.deaths.join('; then ')}. The task was retried once on a fresh worker. A stage that calls ` +
              'process.exit, throws from a callback, or runs out of memory kills its worker.',
            {
              stage: describeStage(task.spec),
              exitCode: String(code),
              attempts: String(task.attempts),
              reasons: task.deaths.join('; '),
            },
            slot.error === undefined ? {} : { cause: slot.error },
          ),
        );
      }
    }
    this.#dispatch();
  }
}

function toWire(error: unknown): {
  errorClass: string;
  message: string;
  messageParameters: Record<string, string>;
} {
  return {
    errorClass: 'WORKER_MESSAGE_UNREADABLE',
    message: `A worker's reply could not be read: ${describeCause(error)}`,
    messageParameters: { reason: describeCause(error) },
  };
}
