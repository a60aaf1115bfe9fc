import type * as arrow from 'apache-arrow';
import { SparkError } from '../../errors.js';
import type { PlanNode } from '../../plan/nodes.js';
import { DataTypes, type StructType } from '../../types/DataType.js';
import type { Engine, EngineOptions, WriteSpec } from '../Engine.js';
import { tableForSpark } from './arrowForSpark.js';
import { type ConnectRelation, RelationCompiler, sparkSchemaString } from './compileRelation.js';

/** What the engine needs of a Spark Connect client. */
export interface ConnectClientLike {
  /** Runs a plan (a relation, or a command), streaming the result's Arrow batches. */
  executePlan(
    plan: { root: ConnectRelation } | { command: Record<string, unknown> },
    options?: { signal?: AbortSignal },
  ): AsyncIterable<arrow.RecordBatch>;
  /** The schema of a relation, without running it. */
  analyzeSchema(plan: { root: ConnectRelation }): Promise<StructType>;
  /** Sets session configuration. */
  setConfig(entries: Readonly<Record<string, string>>): Promise<void>;
  /** Releases the session and closes the channel. */
  close(): Promise<void>;
}

/**
 * Session settings deepframe applies so that Spark's semantics match the embedded engine's where they can:
 * with ANSI mode off, `x / 0` is null and a failed cast gives null (as in Spark 3), instead of an error.
 */
export const SPARK_SESSION_DEFAULTS: Readonly<Record<string, string>> = {
  'spark.sql.ansi.enabled': 'false',
};

/**
 * The Spark engine: plans compile to Spark Connect relations that a Spark cluster runs; results stream back as
 * Arrow batches. Local data goes up as Arrow IPC in the plan.
 */
export class SparkEngine implements Engine {
  readonly name = 'spark';
  readonly parallelism: number;
  readonly #client: ConnectClientLike;
  readonly #local = new Map<string, { table: arrow.Table; schema: StructType; ipc?: Uint8Array }>();
  readonly #persisted = new Set<string>();
  #closed = false;

  constructor(client: ConnectClientLike, parallelism: number) {
    this.#client = client;
    this.parallelism = parallelism;
  }

  /** Connects to `options.master` (`sc://host:port`) with `connect`, and applies deepframe's session settings. */
  static async create(
    options: EngineOptions,
    connect: (url: string) => Promise<ConnectClientLike>,
  ): Promise<SparkEngine> {
    const client = await connect(options.master);
    const conf = Object.fromEntries(Object.entries(options.config).filter(([k]) => k.startsWith('spark.')));
    await client.setConfig({ ...SPARK_SESSION_DEFAULTS, ...conf });
    const parallelism = Number(options.config['deepframe.spark.parallelism'] ?? '2');
    return new SparkEngine(client, parallelism);
  }

  #compiler(): RelationCompiler {
    return new RelationCompiler({
      localData: (dataId) => {
        const local = this.#local.get(dataId);
        if (local === undefined) {
          throw new SparkError('UNKNOWN_LOCAL_DATA', `No local data '${dataId}' in this session.`, {
            dataId,
          });
        }
        local.ipc ??= tableForSpark(local.table);
        return { data: local.ipc, schema: sparkSchemaString(local.schema) };
      },
    });
  }

  #check(): void {
    if (this.#closed) {
      throw new SparkError(
        'SESSION_CLOSED',
        'This session has been stopped; create a new one with Session.builder().',
      );
    }
  }

  registerLocalData(dataId: string, table: arrow.Table, schema: StructType): void {
    this.#check();
    this.#local.set(dataId, { table, schema });
  }

  async schema(plan: PlanNode): Promise<StructType> {
    this.#check();
    return this.#client.analyzeSchema({ root: this.#compiler().compile(plan) });
  }

  async *execute(plan: PlanNode, options: { signal?: AbortSignal } = {}): AsyncGenerator<arrow.RecordBatch> {
    this.#check();
    yield* this.#client.executePlan({ root: this.#compiler().compile(plan) }, options);
  }

  async count(plan: PlanNode): Promise<number> {
    const counted: PlanNode = {
      kind: 'aggregate',
      input: plan,
      groupBy: [],
      aggregates: [
        {
          kind: 'alias',
          name: 'count',
          expr: {
            kind: 'call',
            name: 'count',
            args: [{ kind: 'literal', value: 1, type: DataTypes.integer }],
          },
        },
      ],
    };
    for await (const batch of this.execute(counted)) {
      if (batch.numRows > 0) return Number(batch.getChildAt(0)?.get(0) ?? 0);
    }
    return 0;
  }

  async write(plan: PlanNode, spec: WriteSpec): Promise<void> {
    this.#check();
    for await (const _ of this.#client.executePlan({ command: this.#compiler().writeCommand(plan, spec) })) {
      // A write returns no rows; draining the stream waits for it to finish.
    }
  }

  async uncache(cacheId: string): Promise<void> {
    this.#persisted.delete(cacheId);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.close();
  }
}
