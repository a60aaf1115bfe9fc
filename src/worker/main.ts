/**
 * The single worker entry point. It runs one serialized stage over Arrow record batches, through either of two
 * transports.
 *
 * ## As a `worker_threads` Worker (the embedded engine's `WorkerPool`)
 *
 * Messages in: `{id, spec, ipc, task?}` — `ipc` is an ArrayBuffer of Arrow IPC stream bytes holding one record
 * batch, transferred (not copied); `task` is `{partitionIndex, batchIndex}`. Messages out: `{id, ipc}` with the
 * result batch the same way, or `{id, error: {errorClass, message, messageParameters, name, stack}}`. See
 * `messages.ts`. The thread lives until the pool terminates it; a cache per thread keeps state such as model
 * sessions across batches and tasks.
 *
 * ## As a standalone process: `node dist/src/worker/main.js --stdio` (Spark executors)
 *
 * stdin:
 * ```
 * offset  size  content
 * 0       4     magic: the ASCII bytes "DFW1"
 * 4       4     N: the header's length in bytes, unsigned 32-bit little-endian
 * 8       N     header: UTF-8 JSON {"spec": StageSpec, "partitionIndex"?: number}
 * 8 + N   …     one Arrow IPC stream (schema, record batches, end-of-stream marker)
 * ```
 * stdout: one Arrow IPC stream with one output batch per input batch, in input order (for an input stream
 * without batches: the output schema and no batch), ended by the end-of-stream marker.
 *
 * Exit status 0 when the whole stream was processed. On failure: one JSON line on stderr,
 * `{"errorClass", "message", "messageParameters", "name", "stack"}`, the output stream left without its
 * end-of-stream marker, and exit status 1 (2 for a command-line error). `console.log` and friends write to
 * stderr in this mode, so that a stage's logging cannot corrupt stdout; a stage must not write to
 * `process.stdout` itself. The process exits when the stream is done, even if a stage left timers or sockets
 * open.
 *
 * @module
 */
import { Console } from 'node:console';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, threadId } from 'node:worker_threads';
import { ParamError } from '../errors.js';
import { runStdio } from './stdio.js';
import { serveThread } from './threadWorker.js';
import { errorToWire } from './wireError.js';

const USAGE = 'usage: node dist/src/worker/main.js --stdio  (stage header + Arrow IPC stream on stdin)';

function fail(error: unknown, status: number): void {
  process.stderr.write(`${JSON.stringify(errorToWire(error))}\n`, () => process.exit(status));
}

async function stdioMain(): Promise<void> {
  globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });
  try {
    await runStdio(process.stdin, process.stdout);
  } catch (error) {
    fail(error, 1);
    return;
  }
  process.stdout.write('', () => process.exit(0));
}

/** Whether this module is the process's entry point (`node main.js …`), rather than imported by something. */
function isProcessEntry(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (!isMainThread && parentPort !== null) {
  serveThread(parentPort, threadId);
} else if (!isProcessEntry()) {
  // Imported, not run: do nothing.
} else if (process.argv.slice(2).length === 1 && process.argv[2] === '--stdio') {
  void stdioMain();
} else {
  fail(
    new ParamError(
      'WORKER_USAGE',
      `The worker was started with arguments [${process.argv.slice(2).join(' ')}]. ${USAGE}`,
      { arguments: process.argv.slice(2).join(' ') },
    ),
    2,
  );
}
