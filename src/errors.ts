/**
 * deepframe's error hierarchy.
 *
 * Every error the library throws is a {@link DeepframeError} with a stable {@link DeepframeError.errorClass}
 * (a code that programs can switch on), the {@link DeepframeError.messageParameters} that went into the message,
 * and the underlying `cause` when one exists. Messages say what was wrong, the value seen, what was expected,
 * where, and how to fix it.
 *
 * @example
 * ```ts
 * try {
 *   await df.select('nope').collect();
 * } catch (e) {
 *   if (e instanceof SchemaError && e.errorClass === 'UNRESOLVED_COLUMN') console.log(e.messageParameters.column);
 * }
 * ```
 */
export class DeepframeError extends Error {
  /** A stable code naming the kind of failure, such as `UNRESOLVED_COLUMN` or `PATH_NOT_FOUND`. */
  readonly errorClass: string;
  /** The values that the message was built from, by name. */
  readonly messageParameters: Readonly<Record<string, string>>;

  constructor(
    errorClass: string,
    message: string,
    messageParameters: Record<string, string> = {},
    options: { cause?: unknown } = {},
  ) {
    super(`[${errorClass}] ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.errorClass = errorClass;
    this.messageParameters = Object.freeze({ ...messageParameters });
  }
}

/** A column, type or schema that does not fit what an operation needs. */
export class SchemaError extends DeepframeError {}

/** A parameter value that is out of range, of the wrong type, or unknown to the stage. */
export class ParamError extends DeepframeError {}

/** A file or directory that is missing, unreadable, corrupt, or in the way of a write. */
export class IOError extends DeepframeError {}

/** A query the engine could not run, with the engine's own reason. */
export class ExecutionError extends DeepframeError {}

/** A model that cannot be loaded or does not fit its inputs. */
export class ModelError extends DeepframeError {}

/** A failure reported by, or while talking to, an Apache Spark cluster. */
export class SparkError extends DeepframeError {}

/** The text of any thrown value, for messages that wrap a cause. */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return String(cause);
}
