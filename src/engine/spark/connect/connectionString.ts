import { SparkError } from '../../../errors.js';

/** Spark Connect's default port. */
export const DEFAULT_SPARK_CONNECT_PORT = 15002;

/** The parameters of a Spark Connect connection string that the client interprets itself. */
const KNOWN_PARAMS = new Set([
  'token',
  'use_ssl',
  'user_id',
  'user_agent',
  'session_id',
  'grpc_max_message_size',
]);

/** A parsed Spark Connect connection string. */
export interface ConnectionString {
  /** The connection string with the token (if any) hidden, for messages and logs. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** `host:port` as gRPC wants it (IPv6 hosts in brackets). */
  readonly target: string;
  /** TLS: asked for with `use_ssl=true`, and implied by a token. */
  readonly useSsl: boolean;
  /** A bearer token sent with every call (`token=`). */
  readonly token?: string;
  /** The user (`user_id=`). */
  readonly userId?: string;
  /** An existing session to join (`session_id=`, a UUID). */
  readonly sessionId?: string;
  /** What the client calls itself (`user_agent=`), sent as `client_type`. */
  readonly userAgent?: string;
  /** The largest message sent or received, in bytes (`grpc_max_message_size=`). */
  readonly maxMessageSize?: number;
  /** Every other parameter, sent as a gRPC header with each call. */
  readonly headers: Readonly<Record<string, string>>;
}

function invalid(url: string, why: string): SparkError {
  return new SparkError(
    'INVALID_CONNECT_URL',
    `Invalid Spark Connect connection string '${url}': ${why}. Expected sc://host[:port][/;param=value;…], for example sc://localhost:15002/;user_id=me.`,
    { url },
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Parses a Spark Connect connection string, in the format that Spark's own clients accept:
 * `sc://host[:port][/;param=value;…]`, the port defaulting to 15002. Parameters: `token` (a bearer token; implies
 * TLS), `use_ssl` (`true` for TLS), `user_id`, `session_id` (a UUID, to join an existing session), `user_agent`,
 * `grpc_max_message_size`; any other parameter is sent as a gRPC header.
 *
 * @example
 * ```ts
 * parseConnectionString('sc://spark.example.com:443/;token=abc;user_id=ana');
 * // → { host: 'spark.example.com', port: 443, useSsl: true, token: 'abc', userId: 'ana', … }
 * ```
 */
export function parseConnectionString(url: string): ConnectionString {
  const match = /^sc:\/\/(\[[^\]]+\]|[^/:;[\]]+)(?::(\d+))?(\/.*)?$/.exec(url);
  if (match === null) {
    if (!url.startsWith('sc://')) throw invalid(url, "the scheme must be 'sc://'");
    throw invalid(url, 'the host or port is malformed');
  }
  const [, host = '', portText, rest = ''] = match;
  const port = portText === undefined ? DEFAULT_SPARK_CONNECT_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw invalid(url, `port ${portText} is out of range`);
  if (rest !== '' && rest !== '/' && !rest.startsWith('/;')) {
    throw invalid(url, `the path must be empty, not '${rest}' (parameters follow '/;')`);
  }
  const params: Record<string, string> = {};
  for (const part of rest.slice(2).split(';')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw invalid(url, `parameter '${part}' is not of the form name=value`);
    params[part.slice(0, eq)] = decodeURIComponent(part.slice(eq + 1));
  }
  const useSslParam = params.use_ssl?.toLowerCase();
  if (useSslParam !== undefined && useSslParam !== 'true' && useSslParam !== 'false') {
    throw invalid(url, `use_ssl must be true or false, not '${params.use_ssl}'`);
  }
  const sessionId = params.session_id;
  if (sessionId !== undefined && !UUID.test(sessionId)) {
    throw invalid(
      url,
      `session_id must be a UUID such as 00112233-4455-6677-8899-aabbccddeeff, not '${sessionId}'`,
    );
  }
  let maxMessageSize: number | undefined;
  if (params.grpc_max_message_size !== undefined) {
    maxMessageSize = Number(params.grpc_max_message_size);
    if (!Number.isInteger(maxMessageSize) || maxMessageSize <= 0) {
      throw invalid(
        url,
        `grpc_max_message_size must be a positive integer, not '${params.grpc_max_message_size}'`,
      );
    }
  }
  const headers = Object.fromEntries(Object.entries(params).filter(([k]) => !KNOWN_PARAMS.has(k)));
  const token = params.token;
  return {
    url: token === undefined ? url : url.replace(/;token=[^;]*/, ';token=***'),
    host: host.startsWith('[') ? host.slice(1, -1) : host,
    port,
    target: `${host}:${port}`,
    useSsl: token !== undefined || useSslParam === 'true',
    ...(token === undefined ? {} : { token }),
    ...(params.user_id === undefined ? {} : { userId: params.user_id }),
    ...(sessionId === undefined ? {} : { sessionId: sessionId.toLowerCase() }),
    ...(params.user_agent === undefined ? {} : { userAgent: params.user_agent }),
    ...(maxMessageSize === undefined ? {} : { maxMessageSize }),
    headers,
  };
}
