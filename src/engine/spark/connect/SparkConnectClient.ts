import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { platform, versions } from 'node:process';
import { SparkError } from '../../../errors.js';
import type { StructType } from '../../../types/DataType.js';
import type * as proto from '../proto/index.js';
import {
  type ArtifactEntry,
  type ArtifactSummary,
  artifactPayloads,
  cacheArtifactName,
  DEFAULT_ARTIFACT_CHUNK_SIZE,
} from './artifacts.js';
import { parseConnectionString } from './connectionString.js';
import { fromSparkSchema } from './dataTypes.js';
import { LOCAL_RELATION, SERVICE } from './protocol.js';
import { SparkConfig } from './SparkConfig.js';
import { type ExecuteOptions, SparkExecution } from './SparkExecution.js';
import { checkSparkVersion } from './sparkVersion.js';
import { ConnectTransport, DEFAULT_RETRY_POLICY, type RetryPolicy } from './transport.js';

/** Options of {@link SparkConnectClient.connect}; each overrides the connection string's parameter of that name. */
export interface SparkConnectOptions {
  /** The user (`;user_id=`); `$USER` by default. */
  readonly userId?: string;
  /** A session to join (`;session_id=`, a UUID); a new one by default, released by `close()`. */
  readonly sessionId?: string;
  /** What the client calls itself to the server (`;user_agent=`). */
  readonly clientType?: string;
  /** Retries of calls that find the server unreachable; about 10 s of retries by default. */
  readonly retryPolicy?: Partial<RetryPolicy>;
  /** The size of one artifact upload message's data; 1 MiB by default. */
  readonly artifactChunkSize?: number;
}

/** What {@link SparkConnectClient.interrupt} stops. */
export type InterruptTarget = 'all' | { readonly operationId: string } | { readonly tag: string };

/** Spark's explain modes, by pyspark's names. */
export type ExplainMode = 'simple' | 'extended' | 'codegen' | 'cost' | 'formatted';

function defaultUser(): string {
  if (process.env.USER !== undefined && process.env.USER !== '') return process.env.USER;
  try {
    return userInfo().username;
  } catch {
    return 'deepframe';
  }
}

/**
 * A Spark Connect client: one session on a Spark 4.x server, reached over gRPC. It runs plans (relations and
 * commands in Spark Connect's protocol, see `engine/spark/proto`) and streams their results as Arrow record
 * batches, analyses plans, sets session configuration, uploads artifacts, interrupts operations, and turns the
 * server's errors into {@link SparkConnectError}s with Spark's error classes.
 *
 * @example
 * ```ts
 * const client = await SparkConnectClient.connect('sc://localhost:15002');
 * try {
 *   const plan = { root: { range: { end: 5, step: 1 } } };
 *   console.log(await client.analyzeSchema(plan)); // struct<id: long>
 *   for await (const batch of client.executePlan(plan)) console.log(batch.toArray());
 * } finally {
 *   await client.close();
 * }
 * ```
 */
export class SparkConnectClient implements AsyncDisposable {
  /** The server's connection string, the token hidden. */
  readonly url: string;
  /** The session's id (a UUID). */
  readonly sessionId: string;
  /** The user the session belongs to. */
  readonly userId: string;
  /** The session's runtime configuration. */
  readonly config: SparkConfig;
  readonly #transport: ConnectTransport;
  readonly #ownsSession: boolean;
  readonly #chunkSize: number;
  readonly #pending = new Set<Promise<unknown>>();
  #version: string | undefined;
  #closed = false;

  private constructor(transport: ConnectTransport, ownsSession: boolean, chunkSize: number) {
    this.#transport = transport;
    this.url = transport.url;
    this.sessionId = transport.identity.sessionId;
    this.userId = transport.identity.userId;
    this.#ownsSession = ownsSession;
    this.#chunkSize = chunkSize;
    this.config = new SparkConfig(transport);
  }

  /**
   * Connects to a Spark Connect server and checks that it runs a supported Spark (4.x), else fails with a
   * {@link SparkError} `UNSUPPORTED_SPARK_VERSION`; a server that cannot be reached fails with `CONNECTION_LOST`.
   *
   * @param url `sc://host[:port][/;param=value;…]`: parameters `token` (bearer token, implies TLS), `use_ssl`,
   *   `user_id`, `session_id`, `user_agent`, `grpc_max_message_size`; others are sent as gRPC headers.
   *
   * @example
   * ```ts
   * const client = await SparkConnectClient.connect('sc://127.0.0.1:15002/;user_id=ana', { clientType: 'my-app' });
   * ```
   */
  static async connect(url: string, options: SparkConnectOptions = {}): Promise<SparkConnectClient> {
    const connection = parseConnectionString(url);
    const sessionId = options.sessionId ?? connection.sessionId;
    const transport = new ConnectTransport(
      connection,
      {
        sessionId: sessionId ?? randomUUID(),
        userId: options.userId ?? connection.userId ?? defaultUser(),
        clientType:
          options.clientType ?? connection.userAgent ?? `deepframe nodejs/${versions.node} os/${platform}`,
      },
      { ...DEFAULT_RETRY_POLICY, ...options.retryPolicy },
    );
    const client = new SparkConnectClient(
      transport,
      sessionId === undefined,
      options.artifactChunkSize ?? DEFAULT_ARTIFACT_CHUNK_SIZE,
    );
    try {
      checkSparkVersion(await client.sparkVersion(), connection.url);
    } catch (e) {
      await client.close();
      throw e;
    }
    return client;
  }

  #check(): ConnectTransport {
    if (this.#closed) {
      throw new SparkError(
        'CLIENT_CLOSED',
        `This Spark Connect client (${this.url}) has been closed; connect again.`,
        {
          url: this.url,
        },
      );
    }
    return this.#transport;
  }

  #track(work: Promise<unknown>): void {
    const settled = work.then(
      () => {},
      () => {},
    );
    this.#pending.add(settled);
    void settled.then(() => this.#pending.delete(settled));
  }

  /**
   * Runs a plan: a relation, whose rows stream back as Arrow record batches, or a command (a write, a SQL
   * statement, a view, a function registration), which is done when the stream ends. Nothing is sent until the
   * result is read. See {@link SparkExecution} for reattachment, release and cancellation.
   *
   * @example
   * ```ts
   * const controller = new AbortController();
   * const plan = { root: { sql: { query: 'SELECT id, id * 2 AS twice FROM range(3)' } } };
   * for await (const batch of client.executePlan(plan, { signal: controller.signal })) console.log(batch.numRows);
   * ```
   */
  executePlan(plan: proto.Plan, options: ExecuteOptions = {}): SparkExecution {
    const transport = this.#check();
    return new SparkExecution({ transport, track: (w) => this.#track(w) }, plan, options);
  }

  /**
   * Runs a Spark ML command (Spark ML over Connect: fit an estimator, call a cached model's methods, drop cached
   * objects) and resolves to the server's answer. A command the server refuses fails with its error, as
   * {@link executePlan} does.
   *
   * @example
   * ```ts
   * const result = await client.executeMlCommand({
   *   fetch: { objRef: { id: modelId }, methods: [{ method: 'numFeatures' }] },
   * });
   * result.param?.integer; // 5
   * ```
   */
  async executeMlCommand(
    command: proto.MlCommand,
    options: ExecuteOptions = {},
  ): Promise<proto.MlCommandResult> {
    let result: proto.MlCommandResult | undefined;
    for await (const event of this.executePlan({ command: { mlCommand: command } }, options).events()) {
      if (event.kind === 'mlCommandResult') result = event.result;
    }
    if (result === undefined) {
      throw new SparkError(
        'NO_ML_COMMAND_RESULT',
        `The server answered the ML command ${Object.keys(command).join(', ')} without a result; it needs Spark 4.0 or later with Spark ML over Connect.`,
        { command: Object.keys(command).join(',') },
      );
    }
    return result;
  }

  /**
   * Spark's schema of a relation, without running it, as the protocol's data type (every Spark type included).
   *
   * @example
   * ```ts
   * await client.analyzeSparkSchema({ root: { range: { end: 1, step: 1 } } });
   * // { struct: { fields: [{ name: 'id', dataType: { long: {} } }] } }
   * ```
   */
  async analyzeSparkSchema(
    plan: proto.Plan,
    options: { signal?: AbortSignal } = {},
  ): Promise<proto.DataType> {
    const transport = this.#check();
    const response = await transport.unary(
      SERVICE.analyzePlan,
      { ...transport.session(), schema: { plan } },
      options,
    );
    return response.schema?.schema ?? {};
  }

  /**
   * The schema of a relation as deepframe's struct type, without running it. A column of a type deepframe has no
   * counterpart for (decimal, map, …) fails with `UNSUPPORTED_DATA_TYPE`, naming the column.
   *
   * @example
   * ```ts
   * await client.analyzeSchema({ root: { sql: { query: 'SELECT 1 AS one' } } }); // struct<one: integer>
   * ```
   */
  async analyzeSchema(plan: proto.Plan, options: { signal?: AbortSignal } = {}): Promise<StructType> {
    return fromSparkSchema(await this.analyzeSparkSchema(plan, options));
  }

  /**
   * Spark's explanation of a plan: the physical plan (`simple`), or more (`extended`, `formatted`, …).
   *
   * @example
   * ```ts
   * console.log(await client.explain({ root: { sql: { query: 'SELECT 1' } } }, 'extended'));
   * ```
   */
  async explain(plan: proto.Plan, mode: ExplainMode = 'simple'): Promise<string> {
    const transport = this.#check();
    const explainMode = `EXPLAIN_MODE_${mode.toUpperCase()}` as proto.ExplainMode;
    const response = await transport.unary(SERVICE.analyzePlan, {
      ...transport.session(),
      explain: { plan, explainMode },
    });
    return response.explain?.explainString ?? '';
  }

  /**
   * The schema of a plan as `printSchema` prints it, down to `level` levels of nesting.
   *
   * @example
   * ```ts
   * await client.treeString({ root: { range: { end: 1, step: 1 } } }); // 'root\n |-- id: long (nullable = false)\n'
   * ```
   */
  async treeString(plan: proto.Plan, level?: number): Promise<string> {
    const transport = this.#check();
    const response = await transport.unary(SERVICE.analyzePlan, {
      ...transport.session(),
      treeString: { plan, ...(level === undefined ? {} : { level }) },
    });
    return response.treeString?.treeString ?? '';
  }

  /**
   * The Spark version of the server, such as `4.1.1`.
   *
   * @example
   * ```ts
   * await client.sparkVersion(); // '4.1.1'
   * ```
   */
  async sparkVersion(): Promise<string> {
    const transport = this.#check();
    if (this.#version !== undefined) return this.#version;
    const response = await transport.unary(SERVICE.analyzePlan, { ...transport.session(), sparkVersion: {} });
    this.#version = response.sparkVersion?.version ?? '';
    return this.#version;
  }

  /**
   * Keeps a relation's rows on the cluster once computed (`persist()`), at `storageLevel` (memory and disk by
   * default). Plans that contain the same relation read the kept rows.
   *
   * @example
   * ```ts
   * await client.persist(relation, { useMemory: true, useDisk: true, replication: 1 });
   * ```
   */
  async persist(relation: proto.Relation, storageLevel?: proto.StorageLevel): Promise<void> {
    const transport = this.#check();
    await transport.unary(SERVICE.analyzePlan, {
      ...transport.session(),
      persist: { relation, ...(storageLevel === undefined ? {} : { storageLevel }) },
    });
  }

  /**
   * Drops what {@link SparkConnectClient.persist} kept; `blocking` waits until it is gone.
   *
   * @example
   * ```ts
   * await client.unpersist(relation, true);
   * ```
   */
  async unpersist(relation: proto.Relation, blocking = false): Promise<void> {
    const transport = this.#check();
    await transport.unary(SERVICE.analyzePlan, { ...transport.session(), unpersist: { relation, blocking } });
  }

  /**
   * Sets session configuration; the same as `config.set(entries)`.
   *
   * @example
   * ```ts
   * await client.setConfig({ 'spark.sql.ansi.enabled': 'false' });
   * ```
   */
  async setConfig(entries: Readonly<Record<string, string>>): Promise<void> {
    this.#check();
    await this.config.set(entries);
  }

  /**
   * Uploads artifacts to the session: small ones batched, large ones in chunks, each chunk with its CRC-32; files
   * are streamed from disk. Resolves to the server's account of each artifact; one whose CRC failed is an error
   * `ARTIFACT_CRC_MISMATCH`.
   *
   * @example
   * ```ts
   * await client.addArtifacts([
   *   { name: 'pyfiles/deepframe_worker.zip', data: '/tmp/deepframe_worker.zip' },
   *   { name: 'archives/model.tar.gz#model', data: modelBytes },
   * ]);
   * ```
   */
  async addArtifacts(
    entries: readonly ArtifactEntry[],
    options: { signal?: AbortSignal } = {},
  ): Promise<readonly ArtifactSummary[]> {
    const transport = this.#check();
    const chunkSize = this.#chunkSize;
    async function* requests(): AsyncGenerator<proto.AddArtifactsRequest> {
      for await (const payload of artifactPayloads(entries, chunkSize))
        yield { ...transport.session(), ...payload };
    }
    let response: proto.AddArtifactsResponse;
    try {
      response = await transport.clientStream(SERVICE.addArtifacts, requests(), options.signal);
    } catch (e) {
      throw await transport.toError(e, 'AddArtifacts');
    }
    transport.observe(response);
    const summaries = (response.artifacts ?? []).map((a) => ({
      name: a.name ?? '',
      crcSuccessful: a.isCrcSuccessful ?? false,
    }));
    const failed = summaries.filter((s) => !s.crcSuccessful).map((s) => s.name);
    if (failed.length > 0) {
      throw new SparkError(
        'ARTIFACT_CRC_MISMATCH',
        `The server received ${failed.join(', ')} damaged (CRC-32 mismatch) and dropped ${failed.length === 1 ? 'it' : 'them'}; upload again.`,
        { names: failed.join(',') },
      );
    }
    return summaries;
  }

  /**
   * Which artifacts the server has. Spark answers only for `cache/` artifacts; for others it says false.
   *
   * @example
   * ```ts
   * const name = cacheArtifactName(bytes);
   * if (!(await client.artifactStatus([name])).get(name)) await client.addArtifacts([{ name, data: bytes }]);
   * ```
   */
  async artifactStatus(names: readonly string[]): Promise<ReadonlyMap<string, boolean>> {
    const transport = this.#check();
    const response = await transport.unary(SERVICE.artifactStatus, { ...transport.session(), names });
    return new Map(names.map((name) => [name, response.statuses?.[name]?.exists ?? false]));
  }

  /**
   * Uploads local rows once, as a `cache/<sha256>` artifact (unless the server has it already), and returns the
   * relation that reads them: for data too large to send inside every plan.
   *
   * @param localRelation Arrow IPC stream bytes and/or a DDL schema, as in a `LocalRelation`.
   */
  async cacheLocalRelation(localRelation: proto.LocalRelation): Promise<proto.Relation> {
    const bytes = LOCAL_RELATION.encode(localRelation);
    const name = cacheArtifactName(bytes);
    if (!(await this.artifactStatus([name])).get(name)) await this.addArtifacts([{ name, data: bytes }]);
    return { cachedLocalRelation: { hash: name.slice('cache/'.length) } };
  }

  /**
   * Interrupts running operations: all of the session's, those with a tag, or one by id. Resolves to the ids of
   * the operations interrupted.
   *
   * @example
   * ```ts
   * await client.interrupt({ operationId: execution.operationId });
   * ```
   */
  async interrupt(target: InterruptTarget = 'all'): Promise<readonly string[]> {
    const transport = this.#check();
    const request: proto.InterruptRequest =
      target === 'all'
        ? { interruptType: 'INTERRUPT_TYPE_ALL' }
        : 'tag' in target
          ? { interruptType: 'INTERRUPT_TYPE_TAG', operationTag: target.tag }
          : { interruptType: 'INTERRUPT_TYPE_OPERATION_ID', operationId: target.operationId };
    const response = await transport.unary(SERVICE.interrupt, { ...transport.session(), ...request });
    return response.interruptedIds ?? [];
  }

  /**
   * Ends the session on the server: its operations stop, its temporary views, functions, configuration and
   * artifacts go. The server refuses the session's id afterwards (`INVALID_HANDLE.SESSION_CLOSED`).
   *
   * @example
   * ```ts
   * await client.releaseSession();
   * ```
   */
  async releaseSession(): Promise<void> {
    const transport = this.#check();
    const { sessionId, userContext, clientType } = transport.session();
    await transport.unary(
      SERVICE.releaseSession,
      {
        ...(sessionId === undefined ? {} : { sessionId }),
        ...(userContext === undefined ? {} : { userContext }),
        ...(clientType === undefined ? {} : { clientType }),
      },
      { retry: false },
    );
  }

  /**
   * Closes the client: waits for background releases, releases the session if the client created it (a session
   * joined with `sessionId` stays), and closes the connection. Closing twice is fine.
   *
   * @example
   * ```ts
   * await using client = await SparkConnectClient.connect('sc://localhost:15002'); // closed at the block's end
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    await Promise.all(this.#pending);
    // A session exists on the server once a call reached it (the version check is the first).
    if (this.#ownsSession && this.#version !== undefined) await this.releaseSession().catch(() => {});
    this.#closed = true;
    this.#transport.close();
  }

  /** Same as {@link SparkConnectClient.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
