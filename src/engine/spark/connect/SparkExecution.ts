import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientReadableStream } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import * as arrow from 'apache-arrow';
import { SparkError } from '../../../errors.js';
import type * as proto from '../proto/index.js';
import { SERVICE } from './protocol.js';
import { errorInfoOf, isServiceError } from './SparkConnectError.js';
import { type ConnectTransport, cancellation } from './transport.js';

/** Options of one execution. */
export interface ExecuteOptions {
  /** Cancels the execution: the client stops reading, interrupts the operation on the server and releases it. */
  readonly signal?: AbortSignal;
  /** The operation's id, a UUID; a random one by default. */
  readonly operationId?: string;
  /** Tags for {@link SparkConnectClient.interrupt} `{ tag }`; no commas, not empty. */
  readonly tags?: readonly string[];
  /**
   * Whether the server keeps the responses until the client releases them, so that a broken stream resumes where
   * it stopped (ReattachExecute). On by default.
   */
  readonly reattachable?: boolean;
}

/** One thing an execution's response stream says, in the order the server sends them. */
export type ExecuteEvent =
  /** A record batch of the result (an empty one when a result has no rows, so that its schema is known). */
  | { readonly kind: 'arrow'; readonly batch: arrow.RecordBatch }
  /** Spark's schema of the result. */
  | { readonly kind: 'schema'; readonly schema: proto.DataType }
  /** The relation a SQL command returned (its rows when it was a command, the query when it was one). */
  | { readonly kind: 'sqlCommandResult'; readonly relation: proto.Relation }
  /** What an ML command (`Command.mlCommand`) returned. */
  | { readonly kind: 'mlCommandResult'; readonly result: proto.MlCommandResult }
  /** How far the stages are (when the server reports progress). */
  | { readonly kind: 'progress'; readonly progress: proto.ExecutionProgress }
  /** The SQL metrics of the finished execution, per plan node. */
  | { readonly kind: 'metrics'; readonly metrics: proto.ExecutionMetrics };

/** What the execution needs from its client. */
export interface ExecutionHost {
  readonly transport: ConnectTransport;
  /** Keeps a background call (a release) for the client's `close()` to wait for. */
  track(work: Promise<unknown>): void;
}

/** The Arrow record batches of one `ArrowBatch` response (an IPC stream). */
function decodeArrow(data: Uint8Array | undefined): arrow.RecordBatch[] {
  if (data === undefined || data.byteLength === 0) return [];
  const table = arrow.tableFromIPC(data);
  return table.batches.length > 0 ? table.batches : [new arrow.RecordBatch(table.schema, undefined)];
}

/** Whether a failed stream may be resumed: the connection broke, or the server gave up the stream. */
function isBrokenStream(e: unknown): boolean {
  if (!isServiceError(e)) return false;
  if (e.code === status.UNAVAILABLE) return true;
  return (
    e.code === status.INTERNAL &&
    errorInfoOf(e.metadata) === undefined &&
    /RST_STREAM|stream/i.test(e.details)
  );
}

function errorClassOf(e: unknown): string | undefined {
  return isServiceError(e) ? errorInfoOf(e.metadata)?.metadata?.errorClass : undefined;
}

/**
 * One run of a plan on the server, read as the record batches of its result (`for await`), or as every
 * {@link ExecuteEvent} with {@link SparkExecution.events}. Nothing is sent until it is read, and it can be read once.
 *
 * Executions are reattachable: the client names the operation, remembers the last response it got, and when the
 * stream breaks (the connection drops, or the server ends the stream without saying the result is complete, as it
 * does every few minutes on long queries) it reattaches and goes on from there. When the result is complete, or
 * reading stops early, it releases the operation on the server. An abort through `signal` interrupts the operation
 * and ends reading with a {@link SparkError} `OPERATION_CANCELED`.
 *
 * @example
 * ```ts
 * const execution = client.executePlan({ root: { range: { end: 10, step: 1 } } });
 * for await (const batch of execution) console.log(batch.numRows);
 * console.log(execution.schema); // Spark's schema, once the server sent it
 * ```
 */
export class SparkExecution implements AsyncIterable<arrow.RecordBatch> {
  /** The operation's id, for {@link SparkConnectClient.interrupt}. */
  readonly operationId: string;
  readonly #host: ExecutionHost;
  readonly #plan: proto.Plan;
  readonly #options: ExecuteOptions;
  #consumed = false;
  #schema: proto.DataType | undefined;
  #sqlCommandResult: proto.Relation | undefined;
  #metrics: proto.ExecutionMetrics | undefined;
  #reattachments = 0;

  constructor(host: ExecutionHost, plan: proto.Plan, options: ExecuteOptions = {}) {
    this.#host = host;
    this.#plan = plan;
    this.#options = options;
    this.operationId = options.operationId ?? randomUUID();
  }

  /** Spark's schema of the result, once the server sent it. */
  get schema(): proto.DataType | undefined {
    return this.#schema;
  }

  /** The relation that a SQL command returned, once it came. */
  get sqlCommandResult(): proto.Relation | undefined {
    return this.#sqlCommandResult;
  }

  /** The execution's SQL metrics, once they came (with the last responses). */
  get metrics(): proto.ExecutionMetrics | undefined {
    return this.#metrics;
  }

  /** How many times the client reattached to the operation after the stream broke. */
  get reattachments(): number {
    return this.#reattachments;
  }

  /** Reads the result's record batches. */
  async *[Symbol.asyncIterator](): AsyncGenerator<arrow.RecordBatch> {
    for await (const event of this.events()) if (event.kind === 'arrow') yield event.batch;
  }

  /**
   * Reads the whole result into one table.
   *
   * @example
   * ```ts
   * const table = await client.executePlan({ root: { range: { end: 3, step: 1 } } }).toTable();
   * ```
   */
  async toTable(): Promise<arrow.Table> {
    const batches: arrow.RecordBatch[] = [];
    for await (const batch of this) batches.push(batch);
    return new arrow.Table(batches);
  }

  /**
   * Reads every event of the response stream: schema, record batches, SQL command results, progress, metrics.
   *
   * @example
   * ```ts
   * for await (const event of client.executePlan(plan).events()) {
   *   if (event.kind === 'progress') console.log(event.progress.numInflightTasks, 'tasks running');
   * }
   * ```
   */
  async *events(): AsyncGenerator<ExecuteEvent> {
    if (this.#consumed) {
      throw new SparkError(
        'EXECUTION_ALREADY_READ',
        `Execution ${this.operationId} has been read already; run the plan again to read it again.`,
        { operationId: this.operationId },
      );
    }
    this.#consumed = true;
    for await (const response of this.#responses()) {
      if (response.schema !== undefined) {
        this.#schema = response.schema;
        yield { kind: 'schema', schema: response.schema };
      }
      if (response.arrowBatch !== undefined) {
        for (const batch of decodeArrow(response.arrowBatch.data)) yield { kind: 'arrow', batch };
      }
      if (response.sqlCommandResult?.relation !== undefined) {
        this.#sqlCommandResult = response.sqlCommandResult.relation;
        yield { kind: 'sqlCommandResult', relation: response.sqlCommandResult.relation };
      }
      if (response.mlCommandResult !== undefined)
        yield { kind: 'mlCommandResult', result: response.mlCommandResult };
      if (response.executionProgress !== undefined)
        yield { kind: 'progress', progress: response.executionProgress };
      if (response.metrics !== undefined) {
        this.#metrics = response.metrics;
        yield { kind: 'metrics', metrics: response.metrics };
      }
    }
  }

  #request(): proto.ExecutePlanRequest {
    const reattachable = this.#options.reattachable ?? true;
    return {
      ...this.#host.transport.session(),
      plan: this.#plan,
      operationId: this.operationId,
      requestOptions: [{ reattachOptions: { reattachable } }],
      ...(this.#options.tags === undefined ? {} : { tags: this.#options.tags }),
    };
  }

  #reattach(lastResponseId: string | undefined): ClientReadableStream<proto.ExecutePlanResponse> {
    this.#reattachments++;
    return this.#host.transport.serverStream(SERVICE.reattachExecute, {
      ...this.#host.transport.session(),
      operationId: this.operationId,
      ...(lastResponseId === undefined ? {} : { lastResponseId }),
    });
  }

  /** The raw responses, across reattachments, up to (not including) ResultComplete. */
  async *#responses(): AsyncGenerator<proto.ExecutePlanResponse> {
    const transport = this.#host.transport;
    const signal = this.#options.signal;
    const reattachable = this.#options.reattachable ?? true;
    const what = `Execution ${this.operationId}`;
    if (signal?.aborted) throw cancellation(signal, what, { operationId: this.operationId });
    let stream = transport.serverStream(SERVICE.executePlan, this.#request());
    const onAbort = () => stream.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    let lastResponseId: string | undefined;
    let received = false;
    let complete = false;
    let failed = false;
    let retries = 0;
    let backoff = transport.retryPolicy.initialBackoffMs;
    try {
      for (;;) {
        try {
          for await (const response of stream as AsyncIterable<proto.ExecutePlanResponse>) {
            received = true;
            retries = 0;
            transport.observe(response);
            if (response.responseId !== undefined && response.responseId !== '')
              lastResponseId = response.responseId;
            if (response.resultComplete !== undefined) {
              complete = true;
              continue;
            }
            yield response;
          }
          if (!reattachable) complete = true;
          if (complete) return;
          // The server ended the stream without ResultComplete: there is more, reattach for it.
          stream = this.#reattach(lastResponseId);
        } catch (e) {
          if (signal?.aborted) throw cancellation(signal, what, { operationId: this.operationId });
          // A reattach that finds no operation, before any response came: the ExecutePlan never arrived; send it again.
          const lost =
            errorClassOf(e) === 'INVALID_HANDLE.OPERATION_NOT_FOUND' && !received && this.#reattachments > 0;
          if (!reattachable || !(isBrokenStream(e) || lost) || retries >= transport.retryPolicy.maxRetries) {
            failed = true;
            throw await transport.toError(e, this.#reattachments > 0 ? 'ReattachExecute' : 'ExecutePlan');
          }
          retries++;
          await sleep(backoff, undefined, signal === undefined ? {} : { signal }).catch(() => {});
          backoff = Math.min(backoff * transport.retryPolicy.multiplier, transport.retryPolicy.maxBackoffMs);
          if (signal?.aborted) throw cancellation(signal, what, { operationId: this.operationId });
          stream = lost
            ? transport.serverStream(SERVICE.executePlan, this.#request())
            : this.#reattach(lastResponseId);
        }
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      stream.cancel();
      await this.#finish({ reattachable, complete, failed, aborted: signal?.aborted ?? false });
    }
  }

  /**
   * Frees the operation on the server: released in the background once complete; interrupted and released, before
   * the error surfaces, when reading was aborted, failed or stopped early.
   */
  async #finish(state: {
    reattachable: boolean;
    complete: boolean;
    failed: boolean;
    aborted: boolean;
  }): Promise<void> {
    const transport = this.#host.transport;
    const operationId = this.operationId;
    // Clean-up calls are tried once: when the server is gone, the operation is gone with it.
    const once = { retry: false };
    const release = () =>
      transport
        .unary(SERVICE.releaseExecute, { ...transport.session(), operationId, releaseAll: {} }, once)
        .catch(() => {});
    if (state.aborted || (!state.complete && !state.failed)) {
      const interrupt = transport
        .unary(
          SERVICE.interrupt,
          { ...transport.session(), interruptType: 'INTERRUPT_TYPE_OPERATION_ID', operationId },
          once,
        )
        .catch(() => {});
      await Promise.all([interrupt, state.reattachable ? release() : undefined]);
    } else if (state.reattachable) {
      this.#host.track(release());
    }
  }
}
