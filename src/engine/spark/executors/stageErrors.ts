/**
 * deepframe's errors from Spark executors: a stage that failed on an executor fails its task with the executor
 * module's `DeepframeStageError`, whose message carries deepframe's error as one line of JSON after
 * `deepframe-error: `. Spark reports the failed job with that text inside; the driver finds it and raises the
 * same deepframe error the embedded engine would, with Spark's error as its cause.
 *
 * @module
 */
import { pathToFileURL } from 'node:url';
import { type DeepframeError, SparkError } from '../../../errors.js';
import { errorFromWire, isWireError, type WireError } from '../../../worker/wireError.js';

const MARKER = /deepframe-error: (\{[^\n]*\})/;
const VERSION_MISMATCH = /PYTHON_VERSION_MISMATCH|Python in worker has different version:?\s*(\d+\.\d+)?/;

function messages(error: unknown): string[] {
  const out: string[] = [];
  for (let e = error, depth = 0; e instanceof Error && depth < 16; e = e.cause, depth++) out.push(e.message);
  return out;
}

/** What {@link stageErrorFrom} knows about the session. */
export interface StageErrorContext {
  /** The Python version the stages were sent for (`deepframe.spark.pythonVersion`). */
  readonly pythonVersion?: string;
  /** Shipped file names (`<hash>-<name>`) with the local paths they came from. */
  readonly shippedFiles?: ReadonlyMap<string, string>;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `text` with the executors' paths of shipped files replaced by the local paths they came from. */
function localPaths(text: string, shipped: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [name, local] of shipped) {
    if (!out.includes(name)) continue;
    const n = escapeRegExp(name);
    out = out
      .replace(new RegExp(`file://[^\\s'"()]*/${n}`, 'g'), pathToFileURL(local).href)
      .replace(new RegExp(`(?:[^\\s'"()]*/)?${n}`, 'g'), local);
  }
  return out;
}

/**
 * The deepframe error that a failed Spark operation carries from a stage on an executor, or undefined when it
 * carries none. A Python version mismatch between the driver's setting and the executors becomes a
 * {@link SparkError} `PYTHON_VERSION_MISMATCH` that says which setting to change. Paths of shipped files in the
 * message are the driver's again (the stage's module as the user named it, not its copy on the executor).
 *
 * @example
 * ```ts
 * try {
 *   for await (const b of client.executePlan(plan)) use(b);
 * } catch (e) {
 *   throw stageErrorFrom(e) ?? e;
 * }
 * ```
 */
export function stageErrorFrom(error: unknown, context: StageErrorContext = {}): DeepframeError | undefined {
  const { pythonVersion, shippedFiles = new Map<string, string>() } = context;
  for (const message of messages(error)) {
    const match = MARKER.exec(message);
    if (match === null) continue;
    let wire: unknown;
    try {
      wire = JSON.parse(match[1]!);
    } catch {
      continue;
    }
    if (!isWireError(wire)) continue;
    const local: WireError = {
      ...wire,
      message: localPaths(wire.message, shippedFiles),
      messageParameters: Object.fromEntries(
        Object.entries(wire.messageParameters).map(([k, v]) => [k, localPaths(String(v), shippedFiles)]),
      ),
    };
    const found = errorFromWire(local);
    Object.defineProperty(found, 'cause', {
      value: error,
      writable: true,
      configurable: true,
      enumerable: false,
    });
    return found;
  }
  for (const message of messages(error)) {
    const match = VERSION_MISMATCH.exec(message);
    if (match === null) continue;
    const executors = /worker has different version:?\s*\(?(\d+\.\d+)/.exec(message)?.[1] ?? match[1];
    return new SparkError(
      'PYTHON_VERSION_MISMATCH',
      `The executors run Python ${executors ?? '(another version)'}, but deepframe's stages were sent for Python ${
        pythonVersion ?? '(the default)'
      }. Set the session's 'deepframe.spark.pythonVersion' to ${executors ?? "the executors' major.minor"}.`,
      { executors: executors ?? '', sent: pythonVersion ?? '' },
      { cause: error },
    );
  }
  return undefined;
}
