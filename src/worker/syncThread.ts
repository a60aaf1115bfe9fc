/**
 * The entry of a worker thread that a synchronous caller drives (`SyncStagePool`): it serves stage requests on the
 * port it is given and, after each reply, bumps its slot of a shared counter and wakes the caller, which is blocked
 * in `Atomics.wait` and reads the reply with `receiveMessageOnPort` (its event loop does not run meanwhile).
 *
 * @module
 */
import { isMainThread, type MessagePort, threadId, workerData } from 'node:worker_threads';
import { DeepframeError } from '../errors.js';
import { serveThread } from './threadWorker.js';

/** What a synchronously driven worker thread is started with. */
export interface SyncThreadData {
  readonly port: MessagePort;
  /** One Int32 slot per worker: the count of replies posted. */
  readonly signal: SharedArrayBuffer;
  readonly index: number;
}

if (isMainThread) {
  throw new DeepframeError('INTERNAL', 'syncThread.js runs in a worker thread started by SyncStagePool.', {});
}
const data = workerData as SyncThreadData;
const signal = new Int32Array(data.signal);
serveThread(data.port, threadId, () => {
  Atomics.add(signal, data.index, 1);
  Atomics.notify(signal, data.index);
});
