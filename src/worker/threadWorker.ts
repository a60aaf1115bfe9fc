/**
 * The worker-thread transport: answers {@link StageRequest}s posted to a message port.
 *
 * @module
 */
import type { MessagePort } from 'node:worker_threads';
import { ParamError } from '../errors.js';
import { batchFromIPC, batchToIPC, transferableBuffer } from './ipc.js';
import { isStageRequest, type StageReply, type StageRequest } from './messages.js';
import { runStage } from './runStage.js';
import { createStageContext } from './StageSpec.js';
import { errorToWire } from './wireError.js';

async function answer(
  request: StageRequest,
  cache: Map<string, unknown>,
  workerId: number,
): Promise<StageReply> {
  try {
    const context = createStageContext({
      partitionIndex: request.task?.partitionIndex ?? -1,
      batchIndex: request.task?.batchIndex ?? -1,
      cache,
      transport: 'thread',
      workerId,
    });
    const output = await runStage(request.spec, batchFromIPC(new Uint8Array(request.ipc)), context);
    return { id: request.id, ipc: transferableBuffer(batchToIPC(output)) };
  } catch (error) {
    return { id: request.id, error: errorToWire(error) };
  }
}

/**
 * Serves stage requests on a port until the thread ends: each request is answered with the result's IPC bytes
 * (transferred) or the error as plain data. One cache, shared by every stage the thread runs, lives as long as
 * the thread. `onReplied` runs after each reply is posted (a synchronous caller's signal, see `SyncStagePool`).
 *
 * @example
 * ```ts
 * if (!isMainThread && parentPort !== null) serveThread(parentPort, threadId);
 * ```
 */
export function serveThread(port: MessagePort, workerId: number, onReplied?: () => void): void {
  const cache = new Map<string, unknown>();
  port.on('message', (message: unknown) => {
    if (!isStageRequest(message)) {
      const id =
        typeof message === 'object' && message !== null ? (message as { id?: unknown }).id : undefined;
      const error = new ParamError(
        'INVALID_WORKER_MESSAGE',
        'A worker thread received a message that is not a stage request {id, spec, ipc: ArrayBuffer}.',
        { id: String(id) },
      );
      port.postMessage({
        id: typeof id === 'number' ? id : -1,
        error: errorToWire(error),
      } satisfies StageReply);
      onReplied?.();
      return;
    }
    void answer(message, cache, workerId).then((reply) => {
      port.postMessage(reply, 'ipc' in reply ? [reply.ipc] : []);
      onReplied?.();
    });
  });
}
