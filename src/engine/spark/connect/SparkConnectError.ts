import { type Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { SparkError } from '../../../errors.js';
import type * as proto from '../proto/index.js';
import { ERROR_INFO, RPC_STATUS } from './protocol.js';

/** Where an error arose, beyond what Spark says. */
export interface SparkConnectErrorDetails {
  /** The SQLSTATE of Spark's error (`42703` for an unresolved column), when it has one. */
  readonly sqlState?: string;
  /** The server-side exception's class, such as `org.apache.spark.sql.AnalysisException`. */
  readonly exceptionClass?: string;
  /** The gRPC status code of the failed call. */
  readonly grpcCode?: number;
  /** Where in the query Spark located the error. */
  readonly queryContexts?: readonly proto.QueryContext[];
}

/**
 * An error from a Spark Connect server or the connection to it: a {@link SparkError} whose `errorClass` is Spark's
 * own error class (`PARSE_SYNTAX_ERROR`, `UNRESOLVED_COLUMN.WITH_SUGGESTION`, …) and whose message is Spark's, with
 * the SQLSTATE, the server-side exception's class and the query context besides. Connection failures have
 * deepframe's classes: `CONNECTION_LOST`, `OPERATION_CANCELED`, `UNAUTHENTICATED`, ….
 *
 * @example
 * ```ts
 * try {
 *   await client.analyzeSchema({ root: { sql: { query: 'SELEC 1' } } });
 * } catch (e) {
 *   if (e instanceof SparkConnectError && e.errorClass === 'PARSE_SYNTAX_ERROR') console.log(e.sqlState); // 42601
 * }
 * ```
 */
export class SparkConnectError extends SparkError {
  readonly sqlState: string | undefined;
  readonly exceptionClass: string | undefined;
  readonly grpcCode: number | undefined;
  readonly queryContexts: readonly proto.QueryContext[];

  constructor(
    errorClass: string,
    message: string,
    messageParameters: Record<string, string> = {},
    details: SparkConnectErrorDetails = {},
    options: { cause?: unknown } = {},
  ) {
    super(errorClass, message, messageParameters, options);
    this.sqlState = details.sqlState;
    this.exceptionClass = details.exceptionClass;
    this.grpcCode = details.grpcCode;
    this.queryContexts = details.queryContexts ?? [];
  }
}

/** Whether a thrown value is a failed gRPC call. */
export function isServiceError(e: unknown): e is ServiceError {
  return e instanceof Error && typeof (e as Partial<ServiceError>).code === 'number' && 'metadata' in e;
}

/** The `google.rpc.ErrorInfo` that Spark attached to a failed call, if any. */
export function errorInfoOf(metadata: Metadata | undefined): proto.ErrorInfo | undefined {
  const raw = metadata?.get('grpc-status-details-bin')[0];
  if (!(raw instanceof Uint8Array)) return undefined;
  try {
    const detail = RPC_STATUS.decode(raw).details?.find((d) => d.type_url?.endsWith('/google.rpc.ErrorInfo'));
    return detail?.value === undefined ? undefined : ERROR_INFO.decode(detail.value);
  } catch {
    return undefined;
  }
}

/** Spark's messages start with `[ERROR_CLASS] `; SparkError adds its own, so the server's is dropped. */
function stripClass(raw: string, errorClass: string | undefined): string {
  const message = raw.trim();
  const match = /^\[([A-Z0-9_.]+)\]\s*/.exec(message);
  if (match === null) return message;
  return errorClass === undefined || match[1] === errorClass ? message.slice(match[0].length) : message;
}

function shortClass(className: string | undefined): string | undefined {
  return className?.slice(className.lastIndexOf('.') + 1);
}

function parseParameters(json: string | undefined): Record<string, string> {
  if (json === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(
      Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
  } catch {
    return {};
  }
}

/** The error class for a server exception that Spark gave none. */
const UNCLASSIFIED = 'SPARK_SERVER_ERROR';

/** One exception of FetchErrorDetails' chain as an error, its causes chained behind it. */
function fromDetail(
  errors: readonly proto.ErrorDetail[],
  index: number,
  grpcCode: number,
  depth = 0,
): SparkConnectError | undefined {
  const error = errors[index];
  if (error === undefined || depth > errors.length) return undefined;
  const thrown = error.sparkThrowable;
  const errorClass = thrown?.errorClass ?? UNCLASSIFIED;
  const exceptionClass = error.errorTypeHierarchy?.[0];
  let message = stripClass(error.message ?? '', thrown?.errorClass);
  if (thrown?.errorClass === undefined) message = `${shortClass(exceptionClass) ?? 'Exception'}: ${message}`;
  const cause =
    error.causeIdx === undefined ? undefined : fromDetail(errors, error.causeIdx, grpcCode, depth + 1);
  return new SparkConnectError(
    errorClass,
    message,
    { ...thrown?.messageParameters },
    {
      ...(thrown?.sqlState === undefined ? {} : { sqlState: thrown.sqlState }),
      ...(exceptionClass === undefined ? {} : { exceptionClass }),
      grpcCode,
      ...(thrown?.queryContexts === undefined ? {} : { queryContexts: thrown.queryContexts }),
    },
    cause === undefined ? {} : { cause },
  );
}

/** What {@link toSparkError} knows about the failed call. */
export interface ErrorContext {
  /** The server's connection string (token hidden). */
  readonly url: string;
  /** The RPC that failed, such as `ExecutePlan`. */
  readonly rpc: string;
  /** What FetchErrorDetails returned for the error's id, when the client asked. */
  readonly details?: proto.FetchErrorDetailsResponse;
}

/**
 * Turns a failed gRPC call into a {@link SparkConnectError}: Spark's error class, message parameters, SQLSTATE and
 * message from FetchErrorDetails' answer or else from the call's `ErrorInfo`; a connection failure, cancellation,
 * authentication failure or oversized message gets a message of its own naming the server.
 */
export function toSparkError(error: ServiceError, context: ErrorContext): SparkConnectError {
  const root = context.details?.errors;
  if (root !== undefined && root.length > 0) {
    const fromServer = fromDetail(root, context.details?.rootErrorIdx ?? 0, error.code);
    if (fromServer !== undefined) return fromServer;
  }
  const info = errorInfoOf(error.metadata);
  const grpcCode = error.code;
  if (info !== undefined && info.domain === 'org.apache.spark') {
    const meta = info.metadata ?? {};
    const errorClass = meta.errorClass;
    const base = stripClass(error.details, errorClass);
    const message = errorClass === undefined ? `${shortClass(info.reason) ?? 'Exception'}: ${base}` : base;
    return new SparkConnectError(
      errorClass ?? UNCLASSIFIED,
      message,
      parseParameters(meta.messageParameters),
      {
        ...(meta.sqlState === undefined ? {} : { sqlState: meta.sqlState }),
        ...(info.reason === undefined ? {} : { exceptionClass: info.reason }),
        grpcCode,
      },
      { cause: error },
    );
  }
  const { url, rpc } = context;
  const said = error.details === '' ? status[grpcCode] : error.details;
  const connection = (errorClass: string, message: string) =>
    new SparkConnectError(
      errorClass,
      message,
      { url, rpc, grpcStatus: String(status[grpcCode]) },
      { grpcCode },
      { cause: error },
    );
  switch (grpcCode) {
    case status.UNAVAILABLE:
      return connection(
        'CONNECTION_LOST',
        `Lost the connection to the Spark Connect server at ${url} during ${rpc}: ${said}. Check that the server is running and reachable from here.`,
      );
    case status.CANCELLED:
      return connection('OPERATION_CANCELED', `The ${rpc} call to ${url} was cancelled: ${said}.`);
    case status.DEADLINE_EXCEEDED:
      return connection(
        'DEADLINE_EXCEEDED',
        `The ${rpc} call to ${url} took longer than its deadline: ${said}.`,
      );
    case status.UNAUTHENTICATED:
    case status.PERMISSION_DENIED:
      return connection(
        'UNAUTHENTICATED',
        `The Spark Connect server at ${url} refused the credentials of ${rpc}: ${said}. Check the connection string's token.`,
      );
    case status.RESOURCE_EXHAUSTED:
      return connection(
        'MESSAGE_TOO_LARGE',
        `A ${rpc} message to or from ${url} was too large: ${said}. Raise the limit with ;grpc_max_message_size=<bytes> in the connection string, or send less at once.`,
      );
    case status.UNIMPLEMENTED:
      return connection(
        'UNSUPPORTED_OPERATION',
        `The server at ${url} does not implement ${rpc}: ${said}. Is it a Spark 4 Spark Connect server?`,
      );
    default:
      return connection(
        'SPARK_CONNECT_ERROR',
        `${rpc} failed on ${url} with gRPC status ${status[grpcCode]}: ${said}.`,
      );
  }
}
