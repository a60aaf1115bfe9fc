import { randomUUID } from 'node:crypto';
import * as arrow from 'apache-arrow';
import type { Engine } from '../engine/Engine.js';
import { resolveEngine } from '../engine/Engine.js';
import { Catalog } from '../sql/Catalog.js';
import { UDFRegistration } from '../sql/UDFRegistration.js';
import '../engine/local/index.js';
import '../engine/spark/index.js';
import { ParamError } from '../errors.js';
import type { PlanNode } from '../plan/nodes.js';
import { fromArrowSchema } from '../types/arrow.js';
import type { StructType } from '../types/DataType.js';
import type { Row } from '../types/Value.js';
import { DataFrame } from './DataFrame.js';
import { DataFrameReader } from './DataFrameReader.js';
import { inferSchema, rowsToArrow } from './rows.js';

/**
 * Builds or finds a {@link Session}, as Spark's `SparkSession.builder`.
 *
 * @example
 * ```ts
 * const session = await Session.builder().master('local[*]').appName('demo').getOrCreate();
 * ```
 */
export class SessionBuilder {
  #master = 'local[*]';
  #appName = 'deepframe';
  readonly #config: Record<string, string> = {};

  /**
   * Where to run: `local[*]` (default: the embedded engine on every core), `local[N]` (N threads), `local`
   * (one), or `sc://host:port` for a Spark cluster through Spark Connect.
   */
  master(master: string): this {
    this.#master = master;
    return this;
  }

  /** Same as {@link SessionBuilder.master} with an `sc://` URL. */
  remote(url: string): this {
    return this.master(url);
  }

  /** The application's name. */
  appName(name: string): this {
    this.#appName = name;
    return this;
  }

  /**
   * A configuration entry. The embedded engine reads `deepframe.local.memoryLimit` (DuckDB's `memory_limit`, such
   * as `'4GB'`) and `deepframe.local.tempDirectory` (where DuckDB spills).
   */
  config(key: string, value: string | number | boolean): this {
    this.#config[key] = String(value);
    return this;
  }

  /** The active session for the same master, or a new one. */
  async getOrCreate(): Promise<Session> {
    const active = Session.active();
    if (active !== undefined && active.master === this.#master) return active;
    const engine = await resolveEngine({ master: this.#master, config: { ...this.#config } });
    const session = new Session(engine, this.#master, this.#appName, { ...this.#config });
    Session.setActive(session);
    return session;
  }

  /** Always a new session, even when one is active. */
  async create(): Promise<Session> {
    const engine = await resolveEngine({ master: this.#master, config: { ...this.#config } });
    return new Session(engine, this.#master, this.#appName, { ...this.#config });
  }
}

let activeSession: Session | undefined;

/**
 * The entry point: creates DataFrames and runs them on an engine. Close it with {@link Session.stop} (or
 * `await using`), which stops the engine's threads and connections.
 *
 * @example
 * ```ts
 * await using session = await Session.builder().master('local[2]').getOrCreate();
 * const df = session.range(0, 1000).withColumn('even', col('id').mod(2).equalTo(0));
 * await df.groupBy('even').count().show();
 * ```
 */
export class Session implements AsyncDisposable {
  /** @internal */
  readonly engine: Engine;
  /** The master URL this session runs on. */
  readonly master: string;
  /** The application's name. */
  readonly appName: string;
  /** The configuration it was built with. */
  readonly conf: Readonly<Record<string, string>>;
  #stopped = false;

  /** @internal Use {@link Session.builder}. */
  constructor(engine: Engine, master: string, appName: string, conf: Record<string, string>) {
    this.engine = engine;
    this.master = master;
    this.appName = appName;
    this.conf = conf;
  }

  /** A builder for sessions. */
  static builder(): SessionBuilder {
    return new SessionBuilder();
  }

  /** The session `getOrCreate` would return, if one is active. */
  static active(): Session | undefined {
    const session = activeSession;
    return session !== undefined && !session.stopped ? session : undefined;
  }

  /** @internal */
  static setActive(session: Session): void {
    activeSession = session;
  }

  /** Whether {@link Session.stop} has been called. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Readers for files: `session.read.parquet(path)`, `session.read.images(dir)`. */
  get read(): DataFrameReader {
    return new DataFrameReader(this);
  }

  /** Registers models as SQL functions: `session.udf.registerImageModel(name, model)`, `registerModel(name, stage)`. */
  get udf(): UDFRegistration {
    return new UDFRegistration(this);
  }

  /** The session's catalog: its temporary views (`listTables`, `tableExists`, `dropTempView`). */
  get catalog(): Catalog {
    return new Catalog(this);
  }

  /**
   * A DataFrame of a SQL query's rows. The query reads the session's temporary views
   * (`df.createOrReplaceTempView(name)`) by name, and may call the functions registered with `session.udf`. On the
   * embedded engine the SQL is DuckDB's (see the README's "SQL" section for how it differs from Spark SQL); on a
   * Spark session it is Spark SQL. Lazy, like every DataFrame: a bad query fails at its first action or `schema()`.
   *
   * @example
   * ```ts
   * await people.createOrReplaceTempView('people');
   * const adults = session.sql('SELECT name, age FROM people WHERE age >= 18 ORDER BY age');
   * await adults.show();
   * ```
   */
  sql(query: string): DataFrame {
    return new DataFrame(this, { kind: 'sql', query });
  }

  /**
   * A temporary view (on Spark, also a catalog table) as a DataFrame; an unknown name fails at the first action,
   * naming the session's views.
   *
   * @example
   * ```ts
   * const people = session.table('people');
   * ```
   */
  table(name: string): DataFrame {
    return new DataFrame(this, { kind: 'table', name });
  }

  /** How many tasks run at once. */
  get parallelism(): number {
    return this.engine.parallelism;
  }

  /** @internal A DataFrame over a plan. */
  fromPlan(plan: PlanNode): DataFrame {
    return new DataFrame(this, plan);
  }

  /**
   * A DataFrame from rows (plain objects) or an Arrow table. Without a schema, one is inferred from the rows:
   * integers within 32 bits are `integer`, other numbers `double`, bigints `long`, `Float32Array`s vectors.
   *
   * @example
   * ```ts
   * session.createDataFrame([{ id: 1, name: 'a' }, { id: 2, name: null }]);
   * session.createDataFrame(rows, DataTypes.struct([DataTypes.field('id', DataTypes.long)]));
   * ```
   */
  createDataFrame(data: readonly Row[] | arrow.Table, schema?: StructType): DataFrame {
    let table: arrow.Table;
    let resolved: StructType;
    if (data instanceof arrow.Table) {
      resolved = schema ?? fromArrowSchema(data.schema);
      table = data;
    } else {
      if (!Array.isArray(data)) {
        throw new ParamError(
          'INVALID_DATA',
          'createDataFrame() takes an array of row objects or an Arrow table.',
        );
      }
      if (data.length === 0 && schema === undefined) {
        throw new ParamError(
          'CANNOT_INFER_EMPTY_SCHEMA',
          'createDataFrame() cannot infer a schema from no rows; pass one.',
        );
      }
      resolved = schema ?? inferSchema(data);
      table = rowsToArrow(data, resolved);
    }
    const dataId = randomUUID();
    this.engine.registerLocalData(dataId, table, resolved);
    return new DataFrame(this, { kind: 'localData', dataId, schema: resolved });
  }

  /**
   * A DataFrame with one `long` column `id` from `start` (inclusive) to `end` (exclusive) by `step`; with one
   * argument, from 0 to it.
   */
  range(start: number, end?: number, step = 1): DataFrame {
    const [s, e] = end === undefined ? [0, start] : [start, end];
    return new DataFrame(this, { kind: 'range', start: s, end: e, step });
  }

  /** Stops the engine (threads, connections, temporary data). The session cannot be used afterwards. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (activeSession === this) activeSession = undefined;
    await this.engine.close();
  }

  /** Same as {@link Session.stop}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
