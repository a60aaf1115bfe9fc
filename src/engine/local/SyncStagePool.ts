/**
 * Worker threads that run stages for a caller that must block: the callback of a SQL function, which DuckDB calls
 * synchronously on the JavaScript thread. The caller splits a batch across the threads, posts each slice on the
 * thread's own port, then waits on a shared counter with `Atomics.wait` and takes the replies with
 * `receiveMessageOnPort` — no event loop needed. The threads serve the same stages as the worker pool (models are
 * loaded once per thread and cached).
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type * as arrow from 'apache-arrow';
import { ExecutionError } from '../../errors.js';
import { concatBatches } from '../../tensor/concat.js';
import { batchFromIPC, batchToIPC, transferableBuffer } from '../../worker/ipc.js';
import type { StageReply, StageRequest } from '../../worker/messages.js';
import type { StageSpec } from '../../worker/StageSpec.js';
import { errorFromWire } from '../../worker/wireError.js';

const ENTRY = new URL('../../worker/syncThread.js', import.meta.url);

/** How long a slice may take before the call fails (a thread that died never answers). */
const SLICE_TIMEOUT_MS = 10 * 60_000;

interface SyncThread {
  readonly worker: Worker;
  readonly port: MessagePort;
}

/** A fixed set of worker threads for synchronous callers; threads start on first use. */
export class SyncStagePool {
  readonly size: number;
  readonly #signal: Int32Array;
  #threads: SyncThread[] | undefined;
  #nextId = 0;

  constructor(size = availableParallelism()) {
    this.size = Math.max(1, size);
    this.#signal = new Int32Array(new SharedArrayBuffer(4 * this.size));
  }

  #start(): SyncThread[] {
    this.#threads ??= Array.from({ length: this.size }, (_, index) => {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(ENTRY, {
        workerData: { port: port2, signal: this.#signal.buffer, index },
        transferList: [port2],
      });
      worker.unref();
      return { worker, port: port1 };
    });
    return this.#threads;
  }

  /**
   * Runs `spec` over `batch` on the threads, split into at most one slice per thread (slices of at least
   * `minRows` rows), blocking the calling thread until every slice is back; the outputs in row order.
   *
   * @throws the stage's own error (as the worker pool gives it); `ExecutionError` `WORKER_TIMEOUT` when a thread
   *   does not answer.
   */
  run(spec: StageSpec, batch: arrow.RecordBatch, what: string, minRows = 1): arrow.RecordBatch {
    const threads = this.#start();
    const rows = batch.numRows;
    const slices = Math.max(1, Math.min(threads.length, Math.ceil(rows / Math.max(1, minRows))));
    const per = Math.ceil(rows / slices);
    const posted: { thread: number; id: number; seen: number }[] = [];
    for (let s = 0; s < slices && s * per < rows; s++) {
      const slice = batch.slice(s * per, Math.min(rows, (s + 1) * per));
      const id = this.#nextId++;
      const ipc = transferableBuffer(batchToIPC(slice));
      const seen = Atomics.load(this.#signal, s);
      const request: StageRequest = { id, spec, ipc };
      (threads[s] as SyncThread).port.postMessage(request, [ipc]);
      posted.push({ thread: s, id, seen });
    }
    const outputs: arrow.RecordBatch[] = [];
    let failure: unknown;
    for (const { thread, id, seen } of posted) {
      const reply = this.#await(thread, seen, what);
      if (reply.id !== id) {
        failure ??= new ExecutionError(
          'INTERNAL',
          `${what}: a worker answered request ${reply.id}, not ${id}.`,
          {},
        );
      } else if ('error' in reply) failure ??= errorFromWire(reply.error);
      else outputs.push(batchFromIPC(new Uint8Array(reply.ipc)));
    }
    if (failure !== undefined) throw failure;
    return outputs.length === 1 ? (outputs[0] as arrow.RecordBatch) : concatBatches(outputs);
  }

  #await(thread: number, seen: number, what: string): StageReply {
    const { port } = (this.#threads as SyncThread[])[thread] as SyncThread;
    for (;;) {
      const message = receiveMessageOnPort(port);
      if (message !== undefined) return message.message as StageReply;
      if (Atomics.wait(this.#signal, thread, seen, SLICE_TIMEOUT_MS) === 'timed-out') {
        throw new ExecutionError(
          'WORKER_TIMEOUT',
          `${what}: worker thread ${thread} did not answer in ${SLICE_TIMEOUT_MS / 1000} s (it may have died).`,
          { thread: String(thread) },
        );
      }
    }
  }

  /** Ends the threads. */
  async close(): Promise<void> {
    const threads = this.#threads;
    this.#threads = undefined;
    await Promise.all(
      (threads ?? []).map(({ worker, port }) => {
        port.close();
        return worker.terminate();
      }),
    );
  }
}
