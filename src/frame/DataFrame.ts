import { randomUUID } from 'node:crypto';
import type * as arrow from 'apache-arrow';
import { Table as ArrowTable, tableToIPC } from 'apache-arrow';
import { ParamError } from '../errors.js';
import type { JoinType, PlanNode } from '../plan/nodes.js';
import { checkSqlName } from '../sql/names.js';
import { toArrowSchema } from '../types/arrow.js';
import { type StructType, simpleString } from '../types/DataType.js';
import { fieldNames, treeString } from '../types/Schema.js';
import type { Row } from '../types/Value.js';
import type { JsonValue } from '../worker/StageSpec.js';
import { Column, SortColumn } from './Column.js';
import { DataFrameWriter } from './DataFrameWriter.js';
import type { ColumnOrName } from './functions.js';
import { col, expr } from './functions.js';
import { GroupedData } from './GroupedData.js';
import { batchToRows } from './rows.js';
import type { Session } from './Session.js';
import { showString } from './showString.js';

const toCol = (c: ColumnOrName): Column => (typeof c === 'string' ? col(c) : c);

const JOIN_TYPES: Record<string, JoinType> = {
  inner: 'inner',
  cross: 'cross',
  outer: 'full',
  full: 'full',
  fullouter: 'full',
  full_outer: 'full',
  left: 'left',
  leftouter: 'left',
  left_outer: 'left',
  right: 'right',
  rightouter: 'right',
  right_outer: 'right',
  semi: 'semi',
  leftsemi: 'semi',
  left_semi: 'semi',
  anti: 'anti',
  leftanti: 'anti',
  left_anti: 'anti',
};

/**
 * A distributed collection of rows with named, typed columns, as in Spark: immutable and lazy. Transformations
 * (`select`, `filter`, `join`, …) return a new DataFrame over a bigger logical plan and run nothing; actions
 * (`collect`, `count`, `show`, `toArrow`, iteration) run the plan on the session's engine.
 *
 * @example
 * ```ts
 * const df = session.createDataFrame([{ name: 'a', x: 1 }, { name: 'b', x: 2 }]);
 * const out = await df.withColumn('y', col('x').multiply(10)).filter(col('y').gt(10)).collect();
 * // [{ name: 'b', x: 2, y: 20 }]
 * ```
 */
export class DataFrame implements AsyncIterable<arrow.RecordBatch> {
  /** The session this DataFrame belongs to. */
  readonly session: Session;
  /** The logical plan (plain data). */
  readonly plan: PlanNode;

  /** @internal Use the session's readers and `createDataFrame`. */
  constructor(session: Session, plan: PlanNode) {
    this.session = session;
    this.plan = plan;
  }

  #with(plan: PlanNode): DataFrame {
    return new DataFrame(this.session, plan);
  }

  // ---------------------------------------------------------------- schema

  /** The schema, computed by the engine without running the plan. */
  schema(): Promise<StructType> {
    return this.session.engine.schema(this.plan);
  }

  /** The column names, in order. */
  async columns(): Promise<string[]> {
    return fieldNames(await this.schema());
  }

  /** `[name, simpleString(type)]` per column, as pyspark's `dtypes`. */
  async dtypes(): Promise<[string, string][]> {
    return (await this.schema()).fields.map((f) => [f.name, simpleString(f.type)]);
  }

  /** The schema as a tree, as Spark's `printSchema()` prints it. */
  async schemaString(): Promise<string> {
    return treeString(await this.schema());
  }

  /** Prints the schema as a tree. */
  async printSchema(): Promise<void> {
    process.stdout.write(await this.schemaString());
  }

  // ---------------------------------------------------------------- transformations

  /**
   * Projects columns: names, `'*'`, or column expressions.
   *
   * @example
   * ```ts
   * df.select('id', col('x').plus(1).alias('x1'), '*');
   * ```
   */
  select(...cols: (ColumnOrName | readonly ColumnOrName[])[]): DataFrame {
    const exprs = cols.flat().map((c) => toCol(c).expr);
    return this.#with({ kind: 'project', input: this.plan, exprs });
  }

  /** Adds a column, or replaces the one with the same name. */
  withColumn(name: string, column: Column): DataFrame {
    return this.withColumns({ [name]: column });
  }

  /** Adds or replaces several columns at once. */
  withColumns(columns: Readonly<Record<string, Column>>): DataFrame {
    const list = Object.entries(columns).map(([name, c]) => ({ name, expr: c.expr }));
    return this.#with({ kind: 'withColumns', input: this.plan, columns: list });
  }

  /** Renames a column; a no-op when there is no column `existing`, as in Spark. */
  withColumnRenamed(existing: string, renamed: string): DataFrame {
    return this.#with({
      kind: 'renameColumns',
      input: this.plan,
      renames: [{ from: existing, to: renamed }],
    });
  }

  /** Renames several columns: `{old: new}`. */
  withColumnsRenamed(renames: Readonly<Record<string, string>>): DataFrame {
    const list = Object.entries(renames).map(([from, to]) => ({ from, to }));
    return this.#with({ kind: 'renameColumns', input: this.plan, renames: list });
  }

  /** Drops columns by name; names that are not columns are ignored, as in Spark. */
  drop(...cols: string[]): DataFrame {
    return this.#with({ kind: 'drop', input: this.plan, columns: cols });
  }

  /** Keeps the rows for which `condition` is true (null counts as false). */
  filter(condition: Column | string): DataFrame {
    const c = typeof condition === 'string' ? expr(condition) : condition;
    return this.#with({ kind: 'filter', input: this.plan, condition: c.expr });
  }

  /** Same as {@link DataFrame.filter}. */
  where(condition: Column | string): DataFrame {
    return this.filter(condition);
  }

  /**
   * Projects SQL expressions (Spark's `selectExpr`): each string is parsed by the engine, as {@link expr} does, and
   * may carry its own alias.
   *
   * @example
   * ```ts
   * df.selectExpr('id', 'age + 1 AS next', 'upper(name)');
   * ```
   */
  selectExpr(...exprs: string[]): DataFrame {
    return this.select(...exprs.map((e) => expr(e)));
  }

  /**
   * Registers this DataFrame as a temporary view for the session's SQL: `session.sql('SELECT … FROM name')` and
   * `session.table(name)` read it. Fails when a view of that name exists (see
   * {@link DataFrame.createOrReplaceTempView}). The view is the DataFrame's plan, not its rows: a query over it
   * runs the plan (a view over a cached DataFrame reads the kept rows).
   *
   * @example
   * ```ts
   * await images.createTempView('images');
   * ```
   */
  async createTempView(name: string): Promise<void> {
    await this.session.engine.createTempView(
      checkSqlName(name, 'temporary view', 'INVALID_VIEW_NAME'),
      this.plan,
      false,
    );
  }

  /**
   * Registers this DataFrame as a temporary view, replacing one of the same name.
   *
   * @example
   * ```ts
   * await people.createOrReplaceTempView('people');
   * await session.sql('SELECT name FROM people WHERE age > 30').show();
   * ```
   */
  async createOrReplaceTempView(name: string): Promise<void> {
    await this.session.engine.createTempView(
      checkSqlName(name, 'temporary view', 'INVALID_VIEW_NAME'),
      this.plan,
      true,
    );
  }

  /** The first `n` rows. */
  limit(n: number): DataFrame {
    return this.#with({ kind: 'limit', input: this.plan, n });
  }

  /** Skips the first `n` rows. */
  offset(n: number): DataFrame {
    return this.#with({ kind: 'offset', input: this.plan, n });
  }

  /**
   * Sorts by columns (ascending by default) or sort keys made with `asc()`/`desc()`.
   *
   * @example
   * ```ts
   * df.orderBy(col('score').desc(), 'name');
   * ```
   */
  orderBy(...cols: (ColumnOrName | SortColumn)[]): DataFrame {
    const orders = cols.map((c) => (c instanceof SortColumn ? c.order : toCol(c).asc().order));
    return this.#with({ kind: 'sort', input: this.plan, orders });
  }

  /** Same as {@link DataFrame.orderBy}. */
  sort(...cols: (ColumnOrName | SortColumn)[]): DataFrame {
    return this.orderBy(...cols);
  }

  /** The distinct rows. */
  distinct(): DataFrame {
    return this.#with({ kind: 'distinct', input: this.plan });
  }

  /** One row per distinct value of `cols` (all columns when none are given). */
  dropDuplicates(cols?: readonly string[]): DataFrame {
    return this.#with(
      cols === undefined
        ? { kind: 'distinct', input: this.plan }
        : { kind: 'distinct', input: this.plan, columns: cols },
    );
  }

  /** Rows of both DataFrames, matched by column position (Spark's `union`, which keeps duplicates). */
  union(other: DataFrame): DataFrame {
    this.#sameSession(other, 'union');
    return this.#with({ kind: 'union', inputs: [this.plan, other.plan], byName: false });
  }

  /** Same as {@link DataFrame.union}. */
  unionAll(other: DataFrame): DataFrame {
    return this.union(other);
  }

  /** Rows of both DataFrames, matched by column name. */
  unionByName(other: DataFrame): DataFrame {
    this.#sameSession(other, 'unionByName');
    return this.#with({ kind: 'union', inputs: [this.plan, other.plan], byName: true });
  }

  /**
   * Joins with another DataFrame on column names (one copy of each key in the output, first) or on a condition.
   * `how` is one of `inner` (default), `left`, `right`, `full` (`outer`), `semi` (`left_semi`), `anti`
   * (`left_anti`), `cross`.
   *
   * @example
   * ```ts
   * people.join(orders, 'personId', 'left');
   * a.alias('a').join(b.alias('b'), col('a.id').equalTo(col('b.ref')));
   * ```
   */
  join(other: DataFrame, on?: string | readonly string[] | Column, how = 'inner'): DataFrame {
    this.#sameSession(other, 'join');
    const joinType = JOIN_TYPES[how.toLowerCase()];
    if (joinType === undefined) {
      throw new ParamError(
        'UNSUPPORTED_JOIN_TYPE',
        `Unknown join type '${how}'. Expected one of: ${Object.keys(JOIN_TYPES).join(', ')}.`,
        { how },
      );
    }
    if (on === undefined) {
      return this.#with({
        kind: 'join',
        left: this.plan,
        right: other.plan,
        how: joinType === 'inner' ? 'cross' : joinType,
      });
    }
    if (on instanceof Column) {
      return this.#with({
        kind: 'join',
        left: this.plan,
        right: other.plan,
        how: joinType,
        condition: on.expr,
      });
    }
    const usingColumns = typeof on === 'string' ? [on] : [...on];
    return this.#with({ kind: 'join', left: this.plan, right: other.plan, how: joinType, usingColumns });
  }

  /** The Cartesian product with another DataFrame. */
  crossJoin(other: DataFrame): DataFrame {
    return this.join(other, undefined, 'cross');
  }

  /** Names this DataFrame, so that its columns can be referred to as `col('name.column')` in joins. */
  alias(name: string): DataFrame {
    return this.#with({ kind: 'subqueryAlias', input: this.plan, alias: name });
  }

  /**
   * Groups rows by columns for aggregation.
   *
   * @example
   * ```ts
   * df.groupBy('label').agg(count('*').alias('n'), avg('score'));
   * ```
   */
  groupBy(...cols: ColumnOrName[]): GroupedData {
    return new GroupedData(
      this,
      cols.map((c) => toCol(c).expr),
    );
  }

  /** Aggregates over all rows: `df.agg(max('x'))` is `df.groupBy().agg(max('x'))`. */
  agg(...exprs: Column[]): DataFrame {
    return this.groupBy().agg(...exprs);
  }

  /**
   * A random sample of about `fraction` of the rows. Deterministic for a `seed`; without replacement by default.
   * Each row is kept or not independently of the others, so the count is not exact.
   */
  sample(fraction: number, seed?: number, withReplacement = false): DataFrame {
    if (!(fraction >= 0) || (!withReplacement && fraction > 1)) {
      throw new ParamError(
        'INVALID_PARAMETER_VALUE',
        `sample() fraction must be in [0, 1] without replacement (≥ 0 with), got ${fraction}.`,
        { fraction: String(fraction) },
      );
    }
    return this.#with({
      kind: 'sample',
      input: this.plan,
      lowerBound: 0,
      upperBound: fraction,
      withReplacement,
      seed: seed ?? randomSeed(),
    });
  }

  /**
   * Splits the rows randomly by `weights` (normalized to sum to 1). For a seed the split is deterministic, the
   * parts are disjoint, and together they hold every row exactly once.
   *
   * @example
   * ```ts
   * const [train, test] = df.randomSplit([0.8, 0.2], 42);
   * ```
   */
  randomSplit(weights: readonly number[], seed?: number): DataFrame[] {
    if (weights.length === 0 || weights.some((w) => !(w >= 0)) || weights.every((w) => w === 0)) {
      throw new ParamError(
        'INVALID_PARAMETER_VALUE',
        `randomSplit() weights must be non-negative with a positive sum, got [${weights.join(', ')}].`,
        { weights: weights.join(',') },
      );
    }
    const total = weights.reduce((a, b) => a + b, 0);
    const s = seed ?? randomSeed();
    let lower = 0;
    return weights.map((w, i) => {
      const upper = i === weights.length - 1 ? 1 : lower + w / total;
      const part = this.#with({
        kind: 'sample',
        input: this.plan,
        lowerBound: lower,
        upperBound: upper,
        withReplacement: false,
        seed: s,
      });
      lower = upper;
      return part;
    });
  }

  /**
   * Sets the number of partitions that tensor stages split this DataFrame into. The embedded engine keeps row
   * order; Spark shuffles round-robin.
   */
  repartition(numPartitions: number): DataFrame {
    if (!Number.isInteger(numPartitions) || numPartitions < 1) {
      throw new ParamError(
        'INVALID_PARAMETER_VALUE',
        `repartition() takes a whole number ≥ 1, got ${numPartitions}.`,
        { numPartitions: String(numPartitions) },
      );
    }
    return this.#with({ kind: 'repartition', input: this.plan, numPartitions });
  }

  /**
   * Keeps the rows once they are first computed, so that later actions read them instead of recomputing them
   * (the embedded engine keeps them in DuckDB, which spills to disk when memory is short).
   */
  cache(): DataFrame {
    return this.#with({ kind: 'cache', input: this.plan, cacheId: randomUUID() });
  }

  /** Same as {@link DataFrame.cache}. */
  persist(): DataFrame {
    return this.cache();
  }

  /** Drops what {@link DataFrame.cache} kept. */
  async unpersist(): Promise<DataFrame> {
    if (this.plan.kind === 'cache') await this.session.engine.uncache(this.plan.cacheId);
    return this;
  }

  /**
   * Runs a function over the rows as Arrow record batches in the worker pool (Spark's `mapInArrow`). The function
   * is named, not passed: an export of an ES module, `(batch, options, context) => RecordBatch`, so that the same
   * call runs on worker threads and on Spark executors. Batches hold at most `batchSize` rows; the output must
   * have `schema`'s columns.
   *
   * @example
   * ```ts
   * // stages.js: export function addOne(batch) { … return new RecordBatch({ x, y }); }
   * const out = df.mapInArrow({ modulePath: '/abs/stages.js', exportName: 'addOne' }, outSchema, { batchSize: 4096 });
   * ```
   */
  mapInArrow(
    fn: { readonly modulePath: string; readonly exportName: string; readonly options?: JsonValue },
    schema: StructType,
    options: { readonly batchSize?: number } = {},
  ): DataFrame {
    const batchSize = options.batchSize ?? 4096;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ParamError(
        'INVALID_PARAMETER_VALUE',
        `mapInArrow() batchSize must be a whole number ≥ 1, got ${batchSize}.`,
        {
          batchSize: String(batchSize),
        },
      );
    }
    const stage = {
      kind: 'module' as const,
      modulePath: fn.modulePath,
      exportName: fn.exportName,
      options: fn.options ?? null,
    };
    return this.#with({ kind: 'mapBatches', input: this.plan, stage, outputSchema: schema, batchSize });
  }

  /** Rebuilds the DataFrame from a plan node (for stages that add their own nodes). @internal */
  withPlan(plan: PlanNode): DataFrame {
    return this.#with(plan);
  }

  #sameSession(other: DataFrame, op: string): void {
    if (other.session !== this.session) {
      throw new ParamError(
        'DIFFERENT_SESSIONS',
        `${op}() needs both DataFrames to come from the same session.`,
      );
    }
  }

  // ---------------------------------------------------------------- actions

  /** Streams the rows as Arrow record batches, in order. */
  [Symbol.asyncIterator](): AsyncIterator<arrow.RecordBatch> {
    return this.session.engine.execute(this.plan)[Symbol.asyncIterator]();
  }

  /** Streams the rows as Arrow record batches; `signal` cancels the run. */
  toBatches(options: { signal?: AbortSignal } = {}): AsyncIterable<arrow.RecordBatch> {
    return this.session.engine.execute(this.plan, options);
  }

  /** Streams the rows as plain objects. */
  async *toLocalIterator(): AsyncGenerator<Row> {
    const schema = await this.schema();
    for await (const batch of this) yield* batchToRows(batch, schema);
  }

  /** All rows as one Arrow table. */
  async toArrow(): Promise<arrow.Table> {
    const batches: arrow.RecordBatch[] = [];
    for await (const batch of this) batches.push(batch);
    // Batches carry their own Arrow schema (a stage's may differ from the declared one in nullability only).
    return batches.length > 0 ? new ArrowTable(batches) : new ArrowTable(toArrowSchema(await this.schema()));
  }

  /** All rows as Arrow IPC stream bytes. */
  async toArrowIPC(): Promise<Uint8Array> {
    return tableToIPC(await this.toArrow(), 'stream');
  }

  /** All rows as plain objects. Mind the size: prefer `take`, `show` or iteration for large data. */
  async collect(): Promise<Row[]> {
    const schema = await this.schema();
    const rows: Row[] = [];
    for await (const batch of this) rows.push(...batchToRows(batch, schema));
    return rows;
  }

  /** The first `n` rows. */
  take(n: number): Promise<Row[]> {
    return this.limit(n).collect();
  }

  /** Same as {@link DataFrame.take}. */
  head(n = 1): Promise<Row[]> {
    return this.take(n);
  }

  /** The first row, or `undefined` when there is none. */
  async first(): Promise<Row | undefined> {
    return (await this.take(1))[0];
  }

  /** Whether there are no rows. */
  async isEmpty(): Promise<boolean> {
    return (await this.take(1)).length === 0;
  }

  /** The number of rows. */
  count(): Promise<number> {
    return this.session.engine.count(this.plan);
  }

  /**
   * The first `n` rows as Spark's `show()` formats them.
   *
   * @param truncate cut cells longer than this many characters (`true` = 20, `false` or 0 = never)
   */
  async showString(n = 20, truncate: boolean | number = true): Promise<string> {
    const schema = await this.schema();
    const rows = await this.take(n + 1);
    const width = truncate === true ? 20 : truncate === false ? 0 : truncate;
    return showString(rows.slice(0, n), schema, width, rows.length > n, n);
  }

  /** Prints the first `n` rows as a table, as Spark's `show()`. */
  async show(n = 20, truncate: boolean | number = true): Promise<void> {
    process.stdout.write(await this.showString(n, truncate));
  }

  /** Writes the DataFrame out: `df.write.mode('overwrite').partitionBy('y').parquet(path)`. */
  get write(): DataFrameWriter {
    return new DataFrameWriter(this);
  }

  /** The logical plan as indented JSON. */
  explain(): string {
    return JSON.stringify(this.plan, null, 2);
  }
}

function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
