import type * as arrow from 'apache-arrow';
import type { DataParallelStageSpec } from '../distributed/dataParallelStage.js';
import { DeepframeError, describeCause } from '../errors.js';
import type { FileFormat, PlanNode } from '../plan/nodes.js';
import type { SqlFunction } from '../sql/sqlFunction.js';
import type { StructType } from '../types/DataType.js';

/** Spark's save modes: what a write does when its target exists. */
export type SaveMode = 'error' | 'errorifexists' | 'overwrite' | 'append' | 'ignore';

/** Where and how a DataFrame is written. */
export interface WriteSpec {
  readonly format: FileFormat;
  readonly path: string;
  readonly mode: SaveMode;
  readonly partitionBy: readonly string[];
  readonly options: Readonly<Record<string, string>>;
}

/** Options an engine gets when a session creates it. */
export interface EngineOptions {
  /** The master URL: `local`, `local[N]`, `local[*]`, or `sc://host:port` for Spark Connect. */
  readonly master: string;
  /** Session configuration (`spark.*`, `deepframe.*` keys). */
  readonly config: Readonly<Record<string, string>>;
}

/**
 * What every engine does: analyse and run logical plans. The embedded engine (`engine/local/`) and the Spark
 * engine (`engine/spark/`) implement it and register themselves with {@link registerEngine}; a session resolves
 * its engine from the master URL with {@link resolveEngine}.
 */
export interface Engine {
  /** The engine's registered name (`local`, `spark`). */
  readonly name: string;
  /** How many tasks run at once (cores for the embedded engine). */
  readonly parallelism: number;
  /**
   * Registers in-memory data under an id that `localData` plan nodes refer to. The engine takes it over (loads
   * it where it needs it when a plan first uses it).
   */
  registerLocalData(dataId: string, table: arrow.Table, schema: StructType): void;
  /** The schema a plan produces, without running it. */
  schema(plan: PlanNode): Promise<StructType>;
  /** Runs a plan, streaming its rows as Arrow record batches in the plan's order. */
  execute(plan: PlanNode, options?: { signal?: AbortSignal }): AsyncIterable<arrow.RecordBatch>;
  /** Counts a plan's rows. */
  count(plan: PlanNode): Promise<number>;
  /** Writes a plan's rows to files. */
  write(plan: PlanNode, spec: WriteSpec): Promise<void>;
  /** Drops what `cache()` kept for `cacheId`. */
  uncache(cacheId: string): Promise<void>;
  /**
   * Registers `plan` as a temporary view named `name` for this session's SQL (`session.sql`, `session.table`);
   * fails with `TEMP_TABLE_OR_VIEW_ALREADY_EXISTS` when the name is taken and `replace` is false.
   */
  createTempView(name: string, plan: PlanNode, replace: boolean): Promise<void>;
  /** Drops a temporary view; whether there was one. */
  dropTempView(name: string): Promise<boolean>;
  /** The names of the session's temporary views. */
  tempViewNames(): Promise<string[]>;
  /** Registers (or replaces) a SQL function backed by a stage, for this session's SQL and `expr`. */
  registerFunction(fn: SqlFunction): Promise<void>;
  /**
   * Runs a data-parallel training gang over `input`'s rows, one member per partition, all started together
   * (Spark's barrier mode), and returns the members' rows (see `distributed/gangTask.ts`). Engines that train
   * gangs on threads of their own process (the embedded engine) leave it out.
   */
  runGang?(input: PlanNode, spec: DataParallelStageSpec, options: GangRunOptions): Promise<arrow.Table>;
  /** Releases everything the engine holds: connections, worker threads, temporary tables. */
  close(): Promise<void>;
}

/** How an engine runs a gang. */
export interface GangRunOptions {
  readonly numWorkers: number;
  /** How long to wait for the gang's tasks to start before failing with `GANG_NOT_STARTED` (default: the engine's). */
  readonly startTimeoutMs?: number;
}

/** How an engine is found for a master URL. */
export interface EngineProvider {
  /** Whether this engine serves the master URL. */
  matches(master: string): boolean;
  /** Creates the engine (connects, starts workers). */
  create(options: EngineOptions): Promise<Engine>;
}

const providers: { name: string; priority: number; provider: EngineProvider }[] = [];

/**
 * Registers an engine under a name. Among providers that match a master URL, the highest priority is tried first.
 * Registering a name again replaces it.
 */
export function registerEngine(name: string, provider: EngineProvider, priority = 0): void {
  const existing = providers.findIndex((p) => p.name === name);
  if (existing >= 0) providers.splice(existing, 1);
  providers.push({ name, priority, provider });
  providers.sort((a, b) => b.priority - a.priority);
}

/** The names of the registered engines. */
export function registeredEngines(): string[] {
  return providers.map((p) => p.name);
}

/**
 * Creates the engine for a master URL: each matching provider in priority order until one starts. When none
 * does, one error lists every candidate and why it failed.
 */
export async function resolveEngine(options: EngineOptions): Promise<Engine> {
  const candidates = providers.filter((p) => p.provider.matches(options.master));
  if (candidates.length === 0) {
    throw new DeepframeError(
      'UNKNOWN_MASTER',
      `No engine serves master '${options.master}'. Use 'local', 'local[N]' or 'local[*]' for the embedded ` +
        `engine, or 'sc://host:port' for Spark Connect. Registered engines: ${registeredEngines().join(', ') || 'none'}.`,
      { master: options.master },
    );
  }
  const failures: string[] = [];
  for (const { name, provider } of candidates) {
    try {
      return await provider.create(options);
    } catch (e) {
      if (candidates.length === 1) throw e;
      failures.push(`${name}: ${describeCause(e)}`);
    }
  }
  throw new DeepframeError(
    'ENGINE_START_FAILED',
    `No engine could start for master '${options.master}':\n  ${failures.join('\n  ')}`,
    { master: options.master },
  );
}
