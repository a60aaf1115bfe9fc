/**
 * Errors as plain data, to cross from a worker to the driver (a message port, or one JSON line on stderr).
 *
 * @module
 */
import {
  DeepframeError,
  describeCause,
  ExecutionError,
  IOError,
  ModelError,
  ParamError,
  SchemaError,
  SparkError,
} from '../errors.js';

/** An error as plain data. */
export interface WireError {
  /** The stable code, such as `STAGE_FAILED`. */
  readonly errorClass: string;
  /** The message, without the `[ERROR_CLASS] ` prefix that {@link DeepframeError} adds. */
  readonly message: string;
  readonly messageParameters: Readonly<Record<string, string>>;
  /** The class name on the worker (`ExecutionError`, `ParamError`, …), to rebuild the same class. */
  readonly name?: string;
  /** The stack on the worker, which points at the stage's code. */
  readonly stack?: string;
}

const classes: Readonly<Record<string, typeof DeepframeError>> = {
  DeepframeError,
  SchemaError,
  ParamError,
  IOError,
  ExecutionError,
  ModelError,
  SparkError,
};

/** An error as plain data. A non-deepframe error becomes `WORKER_ERROR`. */
export function errorToWire(error: unknown): WireError {
  if (error instanceof DeepframeError) {
    const prefix = `[${error.errorClass}] `;
    const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    return {
      errorClass: error.errorClass,
      message,
      messageParameters: { ...error.messageParameters },
      name: error.name,
      ...(error.stack === undefined ? {} : { stack: error.stack }),
    };
  }
  const message = describeCause(error);
  return {
    errorClass: 'WORKER_ERROR',
    message: `The worker failed: ${message}`,
    messageParameters: { reason: message },
    name: 'ExecutionError',
    ...(error instanceof Error && error.stack !== undefined ? { stack: error.stack } : {}),
  };
}

/**
 * The error that plain data describes, as the same deepframe class when it is one (else an
 * {@link ExecutionError}), with the worker's stack.
 */
export function errorFromWire(wire: WireError): DeepframeError {
  const Class =
    (wire.name !== undefined && Object.hasOwn(classes, wire.name) ? classes[wire.name] : undefined) ??
    ExecutionError;
  const error = new Class(wire.errorClass, wire.message, { ...wire.messageParameters });
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
}

/** Whether a value has the shape of a {@link WireError}. */
export function isWireError(value: unknown): value is WireError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.errorClass === 'string' &&
    typeof v.message === 'string' &&
    typeof v.messageParameters === 'object' &&
    v.messageParameters !== null
  );
}
