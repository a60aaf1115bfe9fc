import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CallOptions,
  type ChannelCredentials,
  type ClientReadableStream,
  type ClientWritableStream,
  credentials,
  Client as GrpcClient,
  Metadata,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { SparkError } from '../../../errors.js';
import type * as proto from '../proto/index.js';
import type { ConnectionString } from './connectionString.js';
import { SERVICE, type ServiceMethod } from './protocol.js';
import { errorInfoOf, isServiceError, toSparkError } from './SparkConnectError.js';

/** How calls that fail because the server cannot be reached are retried: exponential backoff. */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 turns retrying off. */
  readonly maxRetries: number;
  /** The wait before the first retry. */
  readonly initialBackoffMs: number;
  /** Each wait is this many times the previous one… */
  readonly multiplier: number;
  /** …up to this. */
  readonly maxBackoffMs: number;
}

/** Retries for about 10 seconds in all (0.1 + 0.3 + 0.9 + 2.7 + 5 s). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxRetries: 5,
  initialBackoffMs: 100,
  multiplier: 3,
  maxBackoffMs: 5000,
});

/** The default limit on one message's size, as Spark's own clients set it. */
const DEFAULT_MAX_MESSAGE_SIZE = 128 * 1024 * 1024;

/** What identifies the client and its session to the server. */
export interface SessionIdentity {
  readonly sessionId: string;
  readonly userId: string;
  readonly clientType: string;
}

/** The message of a cancelled call: the abort's reason when it is an error, else a generic one. */
export function cancellation(
  signal: AbortSignal | undefined,
  what: string,
  details: Record<string, string> = {},
): SparkError {
  const reason: unknown = signal?.reason;
  const why = reason instanceof Error && reason.name !== 'AbortError' ? `: ${reason.message}` : '';
  return new SparkError('OPERATION_CANCELED', `${what} was canceled${why}.`, details, { cause: reason });
}

/**
 * The gRPC side of a Spark Connect session: one channel to the server, the session's identity added to every
 * request, the server-side session id it has seen (so that the server can tell it restarted), retries of calls that
 * found the server unreachable, and failed calls turned into {@link SparkConnectError}s (with FetchErrorDetails'
 * full story when the server kept one).
 */
export class ConnectTransport {
  readonly connection: ConnectionString;
  readonly identity: SessionIdentity;
  readonly retryPolicy: RetryPolicy;
  readonly #client: GrpcClient;
  readonly #metadata: Metadata;
  #serverSideSessionId: string | undefined;

  constructor(connection: ConnectionString, identity: SessionIdentity, retryPolicy: RetryPolicy) {
    this.connection = connection;
    this.identity = identity;
    this.retryPolicy = retryPolicy;
    let channelCredentials: ChannelCredentials = connection.useSsl
      ? credentials.createSsl()
      : credentials.createInsecure();
    const token = connection.token;
    if (token !== undefined) {
      const bearer = credentials.createFromMetadataGenerator((_params, callback) => {
        const metadata = new Metadata();
        metadata.set('authorization', `Bearer ${token}`);
        callback(null, metadata);
      });
      channelCredentials = credentials.combineChannelCredentials(channelCredentials, bearer);
    }
    const maxMessageSize = connection.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.#client = new GrpcClient(connection.target, channelCredentials, {
      'grpc.max_receive_message_length': maxMessageSize,
      'grpc.max_send_message_length': maxMessageSize,
      'grpc.primary_user_agent': identity.clientType,
    });
    this.#metadata = new Metadata();
    for (const [key, value] of Object.entries(connection.headers)) this.#metadata.set(key, value);
  }

  /** The connection string, token hidden, for messages. */
  get url(): string {
    return this.connection.url;
  }

  /** The fields that identify the session in a request. */
  session(): proto.SessionFields {
    return {
      sessionId: this.identity.sessionId,
      userContext: { userId: this.identity.userId, userName: this.identity.userId },
      clientType: this.identity.clientType,
      ...(this.#serverSideSessionId === undefined
        ? {}
        : { clientObservedServerSideSessionId: this.#serverSideSessionId }),
    };
  }

  /** Notes the server-side session id of a response. */
  observe(response: { readonly serverSideSessionId?: string }): void {
    if (response.serverSideSessionId !== undefined && response.serverSideSessionId !== '') {
      this.#serverSideSessionId = response.serverSideSessionId;
    }
  }

  /** One unary call, without retries. Rejects with the gRPC error. */
  #unaryOnce<Req, Res>(method: ServiceMethod<Req, Res>, request: Req, signal?: AbortSignal): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      const call = this.#client.makeUnaryRequest(
        method.path,
        (value: Req) => method.request.encode(value),
        (bytes: Buffer) => method.response.decode(bytes),
        request,
        this.#metadata.clone(),
        {} satisfies CallOptions,
        (error: ServiceError | null, response?: Res) => {
          signal?.removeEventListener('abort', onAbort);
          if (error !== null || response === undefined) reject(error ?? new Error('empty response'));
          else resolve(response);
        },
      );
      const onAbort = () => call.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Runs `attempt` and retries it, after the policy's backoff, while it fails because the server is unreachable
   * (gRPC `UNAVAILABLE`). Other failures, and the last one, are thrown as they are.
   */
  async retrying<T>(attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const policy = this.retryPolicy;
    let backoff = policy.initialBackoffMs;
    for (let retry = 0; ; retry++) {
      try {
        return await attempt();
      } catch (e) {
        if (
          !isServiceError(e) ||
          e.code !== status.UNAVAILABLE ||
          retry >= policy.maxRetries ||
          signal?.aborted
        )
          throw e;
      }
      await sleep(backoff, undefined, signal === undefined ? {} : { signal }).catch(() => {});
      backoff = Math.min(backoff * policy.multiplier, policy.maxBackoffMs);
    }
  }

  /**
   * A unary call, retried while the server is unreachable (unless `retry` is false); a failure is thrown as a
   * {@link SparkConnectError}.
   */
  async unary<Req, Res extends { readonly serverSideSessionId?: string }>(
    method: ServiceMethod<Req, Res>,
    request: Req,
    options: { readonly signal?: AbortSignal; readonly retry?: boolean } = {},
  ): Promise<Res> {
    const { signal, retry = true } = options;
    const name = method.path.slice(method.path.lastIndexOf('/') + 1);
    if (signal?.aborted) throw cancellation(signal, name);
    try {
      const attempt = () => this.#unaryOnce(method, request, signal);
      const response = await (retry ? this.retrying(attempt, signal) : attempt());
      this.observe(response);
      return response;
    } catch (e) {
      if (signal?.aborted) throw cancellation(signal, name);
      throw await this.toError(e, name);
    }
  }

  /** A server-streaming call (ExecutePlan, ReattachExecute); errors come as the stream's `error` events. */
  serverStream<Req, Res>(method: ServiceMethod<Req, Res>, request: Req): ClientReadableStream<Res> {
    return this.#client.makeServerStreamRequest(
      method.path,
      (value: Req) => method.request.encode(value),
      (bytes: Buffer) => method.response.decode(bytes),
      request,
      this.#metadata.clone(),
    );
  }

  /** A client-streaming call (AddArtifacts), without retries: writes the requests with backpressure, then ends. */
  async clientStream<Req, Res>(
    method: ServiceMethod<Req, Res>,
    requests: AsyncIterable<Req>,
    signal?: AbortSignal,
  ): Promise<Res> {
    let call: ClientWritableStream<Req> | undefined;
    const result = new Promise<Res>((resolve, reject) => {
      call = this.#client.makeClientStreamRequest(
        method.path,
        (value: Req) => method.request.encode(value),
        (bytes: Buffer) => method.response.decode(bytes),
        this.#metadata.clone(),
        {} satisfies CallOptions,
        (error: ServiceError | null, response?: Res) => {
          if (error !== null || response === undefined) reject(error ?? new Error('empty response'));
          else resolve(response);
        },
      );
    });
    result.catch(() => {});
    const stream = call!;
    const onAbort = () => stream.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const request of requests) {
        if (signal?.aborted) break;
        if (!stream.write(request)) {
          await Promise.race([new Promise((resolve) => stream.once('drain', resolve)), result]);
        }
      }
      stream.end();
      return await result;
    } catch (e) {
      stream.cancel();
      throw e;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * A thrown value as deepframe's error: a failed call becomes a {@link SparkConnectError}, its story completed by
   * FetchErrorDetails when the server kept the error under an id; anything else is returned as it is.
   */
  async toError(e: unknown, rpc: string): Promise<unknown> {
    if (!isServiceError(e)) return e;
    const errorId = errorInfoOf(e.metadata)?.metadata?.errorId;
    let details: proto.FetchErrorDetailsResponse | undefined;
    if (errorId !== undefined) {
      try {
        details = await this.#unaryOnce(SERVICE.fetchErrorDetails, { ...this.session(), errorId });
      } catch {
        // The status's ErrorInfo still says what happened.
      }
    }
    return toSparkError(e, { url: this.url, rpc, ...(details === undefined ? {} : { details }) });
  }

  /** Closes the channel; calls in flight fail. */
  close(): void {
    this.#client.close();
  }
}
