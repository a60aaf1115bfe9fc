/**
 * The ring between worker threads of one process: each worker has an inbox in shared memory (a
 * `SharedArrayBuffer`) that the previous worker fills and the worker empties, with a flag per inbox that
 * `Atomics.wait` / `Atomics.notify` turn into a blocking hand-over. A flag the gang's driver raises (`abort`)
 * wakes every waiting worker with {@link GangAbortedError}, so a gang whose member died never hangs.
 *
 * @module
 */
import { ExecutionError } from '../errors.js';
import type { RingLink } from './ring.js';

/** The shared memory of one thread ring: plain data, posted to each worker thread. */
export interface SharedRing {
  readonly size: number;
  /**
   * `Int32Array` view: `[abort, stop_0 … stop_{size−1}, inboxFull_0, inboxBytes_0, inboxFull_1, inboxBytes_1, …]`.
   */
  readonly control: SharedArrayBuffer;
  /** One inbox per worker, `capacity` bytes each. */
  readonly inboxes: readonly SharedArrayBuffer[];
}

/** How long a worker waits on a flag before it checks the abort flag again. */
const POLL_MS = 50;

/** Thrown in a worker of a gang that was aborted (another worker failed). */
export class GangAbortedError extends ExecutionError {}

/**
 * Allocates a ring for `size` threads whose messages are at most `capacity` bytes.
 *
 * @example
 * ```ts
 * const ring = createSharedRing(2, 4 * Math.ceil(vectorLength / 2));
 * ```
 */
export function createSharedRing(size: number, capacity: number): SharedRing {
  return {
    size,
    control: new SharedArrayBuffer(4 * (1 + 3 * size)),
    inboxes: Array.from({ length: size }, () => new SharedArrayBuffer(Math.max(8, capacity))),
  };
}

/** Raises the ring's abort flag and wakes every waiting worker. */
export function abortSharedRing(ring: SharedRing): void {
  const control = new Int32Array(ring.control);
  Atomics.store(control, 0, 1);
  for (let i = 0; i < control.length; i++) Atomics.notify(control, i);
}

/** The exit code of a worker thread told to stop by {@link stopSharedRingWorker}. */
export const STOPPED_EXIT_CODE = 70;

/**
 * Tells worker `rank` to exit at its next exchange, as a worker process dies between two steps (a drill of the
 * gang's fault tolerance: the thread is not cut off inside ONNX Runtime, which would take the process down).
 */
export function stopSharedRingWorker(ring: SharedRing, rank: number): void {
  const control = new Int32Array(ring.control);
  Atomics.store(control, 1 + rank, 1);
  Atomics.notify(control, 1 + ring.size + 2 * rank);
}

/**
 * Worker `rank`'s link in a shared-memory ring. `send` and `receive` block the thread (`Atomics.wait`) until the
 * hand-over is done; they return settled promises so that the ring algorithm is the same over TCP.
 *
 * @example
 * ```ts
 * const link = sharedMemoryLink(ring, workerData.rank);
 * await ringAllReduce(gradients, link);
 * ```
 */
export function sharedMemoryLink(ring: SharedRing, rank: number): RingLink {
  const control = new Int32Array(ring.control);
  const next = (rank + 1) % ring.size;
  const inboxes = ring.inboxes.map((b) => new Uint8Array(b));
  const inbox = (r: number) => 1 + ring.size + 2 * r;
  const checkStop = () => {
    if (Atomics.load(control, 1 + rank) !== 0) process.exit(STOPPED_EXIT_CODE);
  };
  const waitWhile = (index: number, value: number) => {
    checkStop();
    while (Atomics.load(control, index) === value) {
      checkStop();
      if (Atomics.load(control, 0) !== 0) {
        throw new GangAbortedError(
          'GANG_ABORTED',
          `Worker ${rank} stopped: another worker of its gang failed.`,
          {
            rank: String(rank),
          },
        );
      }
      Atomics.wait(control, index, value, POLL_MS);
    }
  };
  return {
    rank,
    size: ring.size,
    async send(data) {
      const full = inbox(next);
      waitWhile(full, 1);
      (inboxes[next] as Uint8Array).set(data);
      Atomics.store(control, full + 1, data.byteLength);
      Atomics.store(control, full, 1);
      Atomics.notify(control, full);
    },
    async receive(into) {
      const full = inbox(rank);
      waitWhile(full, 0);
      const bytes = Atomics.load(control, full + 1);
      if (bytes !== into.byteLength) {
        throw new ExecutionError(
          'RING_MESSAGE_SIZE',
          `Worker ${rank} expected ${into.byteLength} bytes from worker ${(rank + ring.size - 1) % ring.size}, got ${bytes}.`,
          { rank: String(rank) },
        );
      }
      into.set((inboxes[rank] as Uint8Array).subarray(0, bytes));
      Atomics.store(control, full, 0);
      Atomics.notify(control, full);
    },
  };
}
