import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  type DuckDBConnection,
  type DuckDBDataChunk,
  DuckDBInstance,
  type DuckDBResult,
} from '@duckdb/node-api';
import * as arrow from 'apache-arrow';
import { DeepframeError, describeCause, ExecutionError, ParamError, SchemaError } from '../../errors.js';
import { imagePathBatch } from '../../image/decodeStage.js';
import { imageColumnSchema } from '../../image/ImageSchema.js';
import { partFileName, writeDirectory } from '../../io/atomicWrite.js';
import { listImageFiles } from '../../io/imageFiles.js';
import { countPlan } from '../../plan/builders.js';
import type { ImageReadOptions, PlanNode } from '../../plan/nodes.js';
import type { SqlFunction } from '../../sql/sqlFunction.js';
import { zipColumns } from '../../tensor/concat.js';
import { toArrowSchema } from '../../types/arrow.js';
import { DataTypes, type StructType } from '../../types/DataType.js';
import { fieldNames, requireField } from '../../types/Schema.js';
import type { Engine, EngineOptions, WriteSpec } from '../Engine.js';
import { appendRecordBatch } from './arrowToDuckDB.js';
import { type CompiledPlan, type CompilerHost, PlanCompiler, type TempView } from './compilePlan.js';
import { chunkToRecordBatch } from './duckdbToArrow.js';
import { duckdbTypeSql, fromDuckDBType } from './duckdbTypes.js';
import { InlineStages, type StagePool } from './inlineStages.js';
import { VECTOR_METADATA_KEY } from './readFilesSql.js';
import { rebatch } from './rebatch.js';
import { SyncStagePool } from './SyncStagePool.js';
import { registerSqlFunction } from './sqlFunctions.js';
import { quoteIdent, quoteString } from './sqlText.js';
import { WorkerPool } from './WorkerPool.js';

const SCHEMA = 'deepframe_tmp';

/** Image files per batch sent to a worker: small enough to keep both cores busy on small folders. */
const IMAGE_FILES_PER_BATCH = 16;

/** The schema `read.images` produces: `image`, then `label` and the error column when asked for. */
export function imageReadSchema(options: ImageReadOptions): StructType {
  return DataTypes.struct([
    DataTypes.field('image', imageColumnSchema),
    ...(options.labelFromFolder ? [DataTypes.field('label', DataTypes.string)] : []),
    ...(options.errorColumn === undefined ? [] : [DataTypes.field(options.errorColumn, DataTypes.string)]),
  ]);
}

/** Parses `local`, `local[N]`, `local[*]` into a thread count. */
export function parseLocalMaster(master: string): number | undefined {
  if (master === 'local') return 1;
  const m = /^local\[(\*|\d+)\]$/.exec(master);
  if (m === null) return undefined;
  return m[1] === '*' ? availableParallelism() : Math.max(1, Number(m[1]));
}

/**
 * The embedded engine: relational operators run in DuckDB (in-process, every core), tensor stages in a pool of
 * worker threads, with Arrow record batches between them. Results stream chunk by chunk, so memory stays bounded
 * by batch sizes, not by the data.
 */
export class LocalEngine implements Engine {
  readonly name = 'local';
  readonly parallelism: number;
  readonly #instance: DuckDBInstance;
  readonly #analysis: DuckDBConnection;
  readonly #analyzer: PlanCompiler;
  readonly #localData = new Map<string, { data: arrow.Table; schema: StructType; table?: Promise<string> }>();
  readonly #caches = new Map<string, { table: string; schema: StructType }>();
  readonly #placeholders = new WeakMap<PlanNode, Promise<CompiledPlan>>();
  /** The threads that SQL functions' callbacks block on (started with the first function). */
  #syncPool: SyncStagePool | undefined;
  /** The SQL functions registered through deepframe, by lower-cased name. */
  readonly #functions = new Map<string, SqlFunction>();
  /** Temporary views by lower-cased name (names are case-insensitive, as in Spark and DuckDB). */
  readonly #views = new Map<string, TempView>();
  #pool: Promise<StagePool> | undefined;
  readonly #inlineStages: boolean;
  #queue: Promise<unknown> = Promise.resolve();
  #tableCounter = 0;
  #closed = false;

  private constructor(
    instance: DuckDBInstance,
    analysis: DuckDBConnection,
    parallelism: number,
    inlineStages: boolean,
  ) {
    this.#inlineStages = inlineStages;
    this.#instance = instance;
    this.#analysis = analysis;
    this.parallelism = parallelism;
    this.#analyzer = new PlanCompiler(this.#host('analyze'));
  }

  /** Starts DuckDB in memory with `threads` threads; the worker pool starts on first use. */
  static async create(options: EngineOptions): Promise<LocalEngine> {
    const threads = parseLocalMaster(options.master) ?? availableParallelism();
    const config: Record<string, string> = { threads: String(threads) };
    const memory = options.config['deepframe.local.memoryLimit'];
    if (memory !== undefined) config.memory_limit = memory;
    const tempDir = options.config['deepframe.local.tempDirectory'];
    if (tempDir !== undefined) config.temp_directory = tempDir;
    const instance = await DuckDBInstance.create(':memory:', config);
    const analysis = await instance.connect();
    await analysis.run(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    const stageThreads = options.config['deepframe.local.stageThreads'];
    if (stageThreads !== undefined && stageThreads !== '0') {
      throw new ParamError(
        'INVALID_PARAM',
        `deepframe.local.stageThreads may only be '0' (tensor stages on the session's own thread); got '${stageThreads}'. ` +
          'Leave it unset for a pool of one thread per core of the master (local[N]).',
        { param: 'deepframe.local.stageThreads', value: stageThreads },
      );
    }
    return new LocalEngine(instance, analysis, threads, stageThreads === '0');
  }

  /**
   * Where tensor stages run: a worker pool started on first use with one thread per core of the master, or this
   * thread when the session's `deepframe.local.stageThreads` is `'0'`.
   */
  pool(): Promise<StagePool> {
    this.#pool ??= this.#inlineStages
      ? Promise.resolve(new InlineStages())
      : WorkerPool.create({ size: this.parallelism });
    return this.#pool;
  }

  #check(): void {
    if (this.#closed) {
      throw new DeepframeError(
        'SESSION_CLOSED',
        'This session has been stopped; create a new one with Session.builder().',
      );
    }
  }

  /** Runs DuckDB work on the analysis connection one call at a time (a connection is not re-entrant). */
  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #describe(sql: string): Promise<{ schema: StructType; normalizedSql: string }> {
    const prepared = await this.#serial(async () => {
      try {
        return await this.#analysis.prepare(sql);
      } catch (e) {
        throw queryError(e, sql);
      }
    });
    try {
      const names: string[] = [];
      const fields = [];
      let needsCast = false;
      for (let i = 0; i < prepared.columnCount; i++) {
        const name = prepared.columnName(i);
        const { type, castTo } = fromDuckDBType(prepared.columnType(i));
        if (castTo !== undefined) needsCast = true;
        names.push(
          castTo === undefined
            ? quoteIdent(name)
            : `CAST(${quoteIdent(name)} AS ${castTo}) AS ${quoteIdent(name)}`,
        );
        fields.push(DataTypes.field(name, type));
      }
      const unique = new Set(fields.map((f) => f.name.toLowerCase())).size === fields.length;
      if (!unique) return this.#describe(`SELECT * FROM (${sql}) AS _dedup`);
      return {
        schema: DataTypes.struct(fields),
        normalizedSql: needsCast ? `SELECT ${names.join(', ')} FROM (${sql}) AS _norm` : sql,
      };
    } finally {
      prepared.destroySync();
    }
  }

  #newTable(prefix: string): string {
    return `${SCHEMA}.${quoteIdent(`${prefix}_${++this.#tableCounter}`)}`;
  }

  async #createTable(conn: DuckDBConnection, table: string, schema: StructType): Promise<void> {
    const cols = schema.fields.map((f) => `${quoteIdent(f.name)} ${duckdbTypeSql(f.type)}`);
    await conn.run(`CREATE TABLE ${table} (${cols.join(', ')})`);
  }

  /** Loads Arrow batches into a new table through the appender. */
  async #fillTable(
    conn: DuckDBConnection,
    table: string,
    schema: StructType,
    batches: AsyncIterable<arrow.RecordBatch> | Iterable<arrow.RecordBatch>,
  ): Promise<void> {
    await this.#createTable(conn, table, schema);
    const [schemaName, tableName] = [SCHEMA, table.slice(SCHEMA.length + 2, -1).replaceAll('""', '"')];
    const appender = await conn.createAppender(tableName, schemaName);
    try {
      for await (const batch of batches) appendRecordBatch(appender, batch, schema);
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  #host(mode: 'analyze' | 'execute', conn?: DuckDBConnection, scratch?: string[]): CompilerHost {
    return {
      describe: (sql) => this.#describe(sql),
      query: (sql) =>
        this.#serial(async () => {
          try {
            return (await this.#analysis.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
          } catch (e) {
            throw queryError(e, sql);
          }
        }),
      referencedViews: (query) => this.#referencedViews(query),
      view: (name) => {
        const view = this.#views.get(name.toLowerCase());
        if (view === undefined) throw unknownView(name, [...this.#views.values()]);
        return view;
      },
      boundary: async (node) => {
        switch (node.kind) {
          case 'localData': {
            const local = this.#localData.get(node.dataId);
            if (local === undefined) {
              throw new DeepframeError(
                'UNKNOWN_LOCAL_DATA',
                `No local data '${node.dataId}' in this session.`,
              );
            }
            local.table ??= this.#loadLocal(local.data, local.schema);
            return { sql: `SELECT * FROM ${await local.table}`, schema: local.schema };
          }
          case 'cache': {
            const cached = this.#caches.get(node.cacheId);
            if (cached !== undefined) return { sql: `SELECT * FROM ${cached.table}`, schema: cached.schema };
            if (mode === 'analyze' || conn === undefined) return this.#analyzer.compile(node.input);
            const table = this.#newTable('cache');
            const schema = await this.schema(node.input);
            await this.#fillTable(conn, table, schema, this.execute(node.input));
            this.#caches.set(node.cacheId, { table, schema });
            return { sql: `SELECT * FROM ${table}`, schema };
          }
          case 'mapBatches':
          case 'readImages':
          case 'readFiles': {
            if (mode === 'analyze' || conn === undefined) return this.#placeholder(node);
            const schema = await this.schema(node);
            const table = this.#newTable('stage');
            scratch?.push(table);
            await this.#fillTable(conn, table, schema, this.execute(node));
            return { sql: `SELECT * FROM ${table}`, schema };
          }
          default:
            throw new DeepframeError(
              'INTERNAL',
              `Node '${node.kind}' is not a boundary of the embedded engine.`,
            );
        }
      },
    };
  }

  /** An empty table with a boundary node's schema, so that queries over it can be analysed without running it. */
  #placeholder(node: PlanNode): Promise<CompiledPlan> {
    let p = this.#placeholders.get(node);
    if (p === undefined) {
      p = (async () => {
        const schema = await this.#boundarySchema(node);
        const table = this.#newTable('empty');
        await this.#serial(() => this.#createTable(this.#analysis, table, schema));
        return { sql: `SELECT * FROM ${table}`, schema };
      })();
      this.#placeholders.set(node, p);
    }
    return p;
  }

  async #boundarySchema(node: PlanNode): Promise<StructType> {
    switch (node.kind) {
      case 'mapBatches':
        return node.outputSchema;
      case 'readImages':
        return imageReadSchema(node.options);
      default:
        throw new DeepframeError('NOT_IMPLEMENTED', `The embedded engine cannot yet read '${node.kind}'.`);
    }
  }

  /** The registered views a query reads: the table names DuckDB's parser finds in it (`json_serialize_sql`). */
  async #referencedViews(query: string): Promise<TempView[]> {
    if (this.#views.size === 0) return [];
    const rows = await this.#serial(async () =>
      (
        await this.#analysis.runAndReadAll(`SELECT json_serialize_sql(${quoteString(query)}) AS ast`)
      ).getRowObjectsJS(),
    );
    let ast: unknown;
    try {
      ast = JSON.parse(String(rows[0]?.ast ?? '{}'));
    } catch {
      return [];
    }
    const names = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) for (const n of node) walk(n);
      else if (typeof node === 'object' && node !== null) {
        const n = node as { type?: unknown; schema_name?: unknown; table_name?: unknown };
        if (n.type === 'BASE_TABLE' && !n.schema_name && typeof n.table_name === 'string') {
          names.add(n.table_name.toLowerCase());
        }
        for (const v of Object.values(node)) walk(v);
      }
    };
    walk(ast);
    return [...names].flatMap((n) => {
      const view = this.#views.get(n);
      return view === undefined ? [] : [view];
    });
  }

  async createTempView(name: string, plan: PlanNode, replace: boolean): Promise<void> {
    this.#check();
    const key = name.toLowerCase();
    if (!replace && this.#views.has(key)) {
      throw new SchemaError(
        'TEMP_TABLE_OR_VIEW_ALREADY_EXISTS',
        `Cannot create the temporary view '${name}': it already exists. Use createOrReplaceTempView() to replace it.`,
        { name },
      );
    }
    // Resolve the plan now, so that a view over a bad plan fails where it is made.
    await this.schema(plan);
    this.#views.set(key, { name, plan });
  }

  async dropTempView(name: string): Promise<boolean> {
    this.#check();
    return this.#views.delete(name.toLowerCase());
  }

  async registerFunction(fn: SqlFunction): Promise<void> {
    this.#check();
    const key = fn.name.toLowerCase();
    if (!this.#functions.has(key)) {
      const rows = await this.#serial(async () =>
        (
          await this.#analysis.runAndReadAll(
            `SELECT count(*) AS n FROM duckdb_functions() WHERE lower(function_name) = ${quoteString(key)}`,
          )
        ).getRowObjectsJS(),
      );
      if (Number(rows[0]?.n ?? 0) > 0) {
        throw new ParamError(
          'FUNCTION_NAME_TAKEN',
          `Cannot register the SQL function '${fn.name}': the embedded engine has a built-in function of that name. Choose another name.`,
          { name: fn.name },
        );
      }
    }
    this.#syncPool ??= new SyncStagePool(this.parallelism);
    const pool = this.#syncPool;
    await this.#serial(async () => registerSqlFunction(this.#analysis, fn, pool));
    this.#functions.set(key, fn);
  }

  async tempViewNames(): Promise<string[]> {
    return [...this.#views.values()].map((v) => v.name).sort();
  }

  registerLocalData(dataId: string, table: arrow.Table, schema: StructType): void {
    this.#check();
    this.#localData.set(dataId, { data: table, schema });
  }

  async #loadLocal(data: arrow.Table, schema: StructType): Promise<string> {
    const name = this.#newTable('data');
    await this.#serial(() => this.#fillTable(this.#analysis, name, schema, data.batches));
    return name;
  }

  async schema(plan: PlanNode): Promise<StructType> {
    this.#check();
    if (plan.kind === 'mapBatches') return plan.outputSchema;
    if (plan.kind === 'readImages') return imageReadSchema(plan.options);
    return (await this.#analyzer.compile(plan)).schema;
  }

  async *execute(plan: PlanNode, options: { signal?: AbortSignal } = {}): AsyncGenerator<arrow.RecordBatch> {
    this.#check();
    if (plan.kind === 'mapBatches') {
      yield* this.#mapBatches(plan, options);
      return;
    }
    if (plan.kind === 'readImages') {
      yield* this.#readImages(plan, options);
      return;
    }
    if (plan.kind === 'limit' && (plan.input.kind === 'mapBatches' || plan.input.kind === 'readImages')) {
      // Stream a stage's output and stop after n rows, without a round trip through DuckDB.
      let left = plan.n;
      if (left <= 0) return;
      for await (const batch of this.execute(plan.input, options)) {
        yield batch.numRows <= left ? batch : batch.slice(0, left);
        left -= batch.numRows;
        if (left <= 0) return;
      }
      return;
    }
    const conn = await this.#instance.connect();
    const scratch: string[] = [];
    const onAbort = () => conn.interrupt();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const compiled = await new PlanCompiler(this.#host('execute', conn, scratch)).compile(plan);
      let result: DuckDBResult;
      try {
        result = await conn.stream(compiled.sql);
      } catch (e) {
        throw queryError(e, compiled.sql);
      }
      while (true) {
        let chunk: DuckDBDataChunk | null;
        try {
          chunk = await result.fetchChunk();
        } catch (e) {
          if (options.signal?.aborted === true) throw options.signal.reason;
          throw queryError(e, compiled.sql);
        }
        // An interrupted query ends its stream early; the caller learns why from the signal.
        if (options.signal?.aborted === true) throw options.signal.reason;
        if (chunk === null || chunk.rowCount === 0) break;
        yield chunkToRecordBatch(chunk.chunk, compiled.schema);
      }
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      for (const table of scratch) await conn.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
      conn.closeSync();
    }
  }

  async *#mapBatches(
    plan: Extract<PlanNode, { kind: 'mapBatches' }>,
    options: { signal?: AbortSignal },
  ): AsyncGenerator<arrow.RecordBatch> {
    const pool = await this.pool();
    const sent: arrow.RecordBatch[] = [];
    const input = rebatch(this.execute(plan.input, options), plan.batchSize);
    // The pool keeps order, so the batches sent line up with the results, first in first out.
    const recorded = plan.appendToInput === true ? remember(input, sent) : input;
    const expected = fieldNames(plan.outputSchema);
    for await (const result of pool.map(
      plan.stage,
      recorded,
      options.signal === undefined ? {} : { signal: options.signal },
    )) {
      const out = plan.appendToInput === true ? appendColumns(sent.shift()!, result) : result;
      const names = out.schema.fields.map((f) => f.name);
      if (names.join('\u0000') !== expected.join('\u0000')) {
        throw new SchemaError(
          'STAGE_OUTPUT_MISMATCH',
          `A ${plan.stage.kind} stage returned columns [${names.join(', ')}] but declared [${expected.join(', ')}].`,
          { expected: expected.join(','), actual: names.join(',') },
        );
      }
      yield out;
    }
  }

  /** Lists the image files on this thread, then decodes them in the worker pool, in order. */
  async *#readImages(
    plan: Extract<PlanNode, { kind: 'readImages' }>,
    options: { signal?: AbortSignal },
  ): AsyncGenerator<arrow.RecordBatch> {
    const o = plan.options;
    const files = await listImageFiles(plan.path, {
      recursive: o.recursive,
      labelFromFolder: o.labelFromFolder,
      sampleRatio: o.sampleRatio,
      seed: o.seed,
    });
    const pool = await this.pool();
    const batches = function* () {
      for (let i = 0; i < files.length; i += IMAGE_FILES_PER_BATCH) {
        yield imagePathBatch(files.slice(i, i + IMAGE_FILES_PER_BATCH), o.labelFromFolder);
      }
    };
    const spec = {
      kind: 'decodeImages' as const,
      dropInvalid: o.dropInvalid,
      withLabel: o.labelFromFolder,
      ...(o.errorColumn === undefined ? {} : { errorColumn: o.errorColumn }),
    };
    yield* pool.map(spec, batches(), options.signal === undefined ? {} : { signal: options.signal });
  }

  async count(plan: PlanNode): Promise<number> {
    if (plan.kind === 'mapBatches' || plan.kind === 'readImages') {
      let n = 0;
      for await (const b of this.execute(plan)) n += b.numRows;
      return n;
    }
    const counted = countPlan(plan);
    for await (const batch of this.execute(counted)) return Number(batch.getChildAt(0)?.get(0) ?? 0);
    return 0;
  }

  async write(plan: PlanNode, spec: WriteSpec): Promise<void> {
    this.#check();
    const schema = await this.schema(plan);
    for (const c of spec.partitionBy) requireField(schema, c, `partitionBy() of write.${spec.format}()`);
    if (spec.partitionBy.length > 0 && spec.partitionBy.length === schema.fields.length) {
      throw new ParamError(
        'ALL_PARTITION_COLUMNS',
        'partitionBy() cannot use every column: no data would be left to write.',
      );
    }
    await writeDirectory(spec.path, spec.mode, async (dir) => {
      if (spec.format === 'arrow') {
        if (spec.partitionBy.length > 0) {
          throw new ParamError('UNSUPPORTED_OPTION', 'write.arrow() does not support partitionBy().');
        }
        await this.#writeArrow(plan, join(dir, partFileName(0, 'arrow')));
        return;
      }
      const conn = await this.#instance.connect();
      const scratch: string[] = [];
      try {
        const compiled = await new PlanCompiler(this.#host('execute', conn, scratch)).compile(plan);
        const options = copyOptions(spec, schema);
        const target =
          spec.partitionBy.length > 0
            ? `${quoteString(dir)} (${[...options, `PARTITION_BY (${spec.partitionBy.map((c) => quoteIdent(requireField(schema, c).name)).join(', ')})`, `FILENAME_PATTERN 'part-{i}-${randomUUID()}'`].join(', ')})`
            : `${quoteString(join(dir, partFileName(0, spec.format)))} (${options.join(', ')})`;
        try {
          await conn.run(`COPY (${compiled.sql}) TO ${target}`);
        } catch (e) {
          throw queryError(e, compiled.sql);
        }
      } finally {
        for (const table of scratch) await conn.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
        conn.closeSync();
      }
    });
  }

  async #writeArrow(plan: PlanNode, file: string): Promise<void> {
    const schema = toArrowSchema(await this.schema(plan));
    const writer = new arrow.RecordBatchFileWriter();
    const done = pipeline(writer.toNodeStream(), createWriteStream(file));
    writer.reset(undefined, schema);
    try {
      for await (const batch of this.execute(plan)) writer.write(batch);
    } finally {
      writer.close();
      await done;
    }
  }

  async uncache(cacheId: string): Promise<void> {
    const cached = this.#caches.get(cacheId);
    if (cached === undefined) return;
    this.#caches.delete(cacheId);
    await this.#serial(() => this.#analysis.run(`DROP TABLE IF EXISTS ${cached.table}`));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const pool = this.#pool;
    this.#pool = undefined;
    if (pool !== undefined) await (await pool).close();
    await this.#syncPool?.close();
    await this.#queue;
    this.#analysis.closeSync();
    this.#instance.closeSync();
  }
}

function copyOptions(spec: WriteSpec, schema: StructType): string[] {
  const o = spec.options;
  switch (spec.format) {
    case 'parquet': {
      const vectors = Object.fromEntries(
        schema.fields.flatMap((f) => (f.type.kind === 'vector' ? [[f.name, f.type.size]] : [])),
      );
      const kv =
        Object.keys(vectors).length === 0
          ? []
          : [`KV_METADATA {${quoteString(VECTOR_METADATA_KEY)}: ${quoteString(JSON.stringify(vectors))}}`];
      return ['FORMAT parquet', `COMPRESSION ${quoteString(o.compression ?? 'snappy')}`, ...kv];
    }
    case 'csv':
      return [
        'FORMAT csv',
        `HEADER ${o.header?.toLowerCase() === 'true'}`,
        ...((o.sep ?? o.delimiter) ? [`DELIMITER ${quoteString((o.sep ?? o.delimiter)!)}`] : []),
        ...(o.nullValue !== undefined ? [`NULLSTR ${quoteString(o.nullValue)}`] : []),
      ];
    case 'json':
      return ['FORMAT json'];
    default:
      return [];
  }
}

/** Passes batches through, keeping each in `into` until the caller takes it. */
async function* remember(
  batches: AsyncIterable<arrow.RecordBatch>,
  into: arrow.RecordBatch[],
): AsyncGenerator<arrow.RecordBatch> {
  for await (const batch of batches) {
    into.push(batch);
    yield batch;
  }
}

/** The columns of `input` then those of `added`, which must have as many rows. */
function appendColumns(input: arrow.RecordBatch, added: arrow.RecordBatch): arrow.RecordBatch {
  if (input.numRows !== added.numRows) {
    throw new ExecutionError(
      'STAGE_ROWS_MISMATCH',
      `A stage returned ${added.numRows} rows for a batch of ${input.numRows}; a stage that appends columns must return one row per input row.`,
      { expected: String(input.numRows), actual: String(added.numRows) },
    );
  }
  return zipColumns(input, added);
}

/** Wraps a DuckDB failure in an {@link ExecutionError} with DuckDB's own reason. */
function unknownView(name: string, views: readonly TempView[]): SchemaError {
  const known = views.map((v) => `'${v.name}'`).join(', ');
  return new SchemaError(
    'TABLE_OR_VIEW_NOT_FOUND',
    `The table or view '${name}' cannot be found. ${known === '' ? 'This session has no temporary views; make one with df.createOrReplaceTempView(name).' : `The session's temporary views: ${known}.`}`,
    { name },
  );
}

function queryError(e: unknown, sql: string): DeepframeError {
  if (e instanceof DeepframeError) return e;
  const message = describeCause(e);
  const kind = /^(\w+) Error/.exec(message)?.[1] ?? 'Query';
  return new ExecutionError(
    kind === 'Binder' || kind === 'Conversion' ? 'DATATYPE_MISMATCH' : 'QUERY_FAILED',
    `The embedded engine could not run the query: ${message}`,
    { reason: message, sql },
    { cause: e },
  );
}
