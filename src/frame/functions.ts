/**
 * Column functions, as pyspark.sql.functions offers them (camelCase names; the Spark SQL name is in each doc).
 *
 * @example
 * ```ts
 * import { col, lit, when, sum, avg } from 'deepframe';
 * df.groupBy('label').agg(sum('x').alias('total'), avg(col('x').multiply(2)));
 * df.select(when(col('score').gt(0.5), lit('yes')).otherwise('no').alias('decision'));
 * ```
 */
import { Column, type ColumnLike, type SortColumn } from './Column.js';

/** A column name or a column. */
export type ColumnOrName = Column | string;

const toCol = (c: ColumnOrName): Column => (typeof c === 'string' ? col(c) : c);
const call = (name: string, ...args: ColumnLike[]): Column =>
  new Column({ kind: 'call', name, args: args.map((a) => Column.of(a).expr) });
const callCols = (name: string, ...cols: ColumnOrName[]): Column => call(name, ...cols.map(toCol));

/**
 * The column called `name`. `'*'` stands for every column; `'a.b'` reads field `b` of struct column `a`
 * (quote a name that contains a dot in backticks: `` col('`a.b`') ``).
 */
export function col(name: string): Column {
  if (name === '*') return new Column({ kind: 'star' });
  return new Column({ kind: 'column', name });
}

/** Same as {@link col}. */
export const column = col;

/**
 * A column from a SQL expression (Spark's `expr`), parsed by the engine: DuckDB's SQL on the embedded engine,
 * Spark SQL on Spark. Column names in it refer to the DataFrame's columns; functions registered with
 * `session.udf` may be called by name.
 *
 * @example
 * ```ts
 * df.select(expr('upper(name)'), expr('age + 1').alias('next'));
 * df.filter(expr("name LIKE 'A%'"));
 * ```
 */
export function expr(sql: string): Column {
  return new Column({ kind: 'sqlExpr', sql });
}

/** A literal column (Spark's `lit`): integers within 32 bits are `int`, other numbers `double`, bigints `bigint`. */
export function lit(value: ColumnLike): Column {
  return Column.of(value);
}

/** Starts a `CASE WHEN` chain; continue with `.when(...)` and end with `.otherwise(...)`. */
export function when(condition: Column, value: ColumnLike): Column {
  return new Column({
    kind: 'caseWhen',
    branches: [{ condition: condition.expr, value: Column.of(value).expr }],
  });
}

/** Logical NOT. */
export function not(c: ColumnOrName): Column {
  return toCol(c).not();
}

/** An ascending sort key. */
export function asc(c: ColumnOrName): SortColumn {
  return toCol(c).asc();
}
/** A descending sort key. */
export function desc(c: ColumnOrName): SortColumn {
  return toCol(c).desc();
}

// ---- math ----
/** Absolute value (`abs`). */
export const abs = (c: ColumnOrName): Column => callCols('abs', c);
/** Square root (`sqrt`); NaN for negative input. */
export const sqrt = (c: ColumnOrName): Column => callCols('sqrt', c);
/** e raised to the value (`exp`). */
export const exp = (c: ColumnOrName): Column => callCols('exp', c);
/** Natural logarithm (`ln`, Spark's one-argument `log`); null for values ≤ 0. */
export const log = (c: ColumnOrName): Column => callCols('ln', c);
/** Base-10 logarithm (`log10`); null for values ≤ 0. */
export const log10 = (c: ColumnOrName): Column => callCols('log10', c);
/** `base` raised to `exponent` (`pow`), as a double. */
export const pow = (base: ColumnOrName, exponent: ColumnLike): Column => call('pow', toCol(base), exponent);
/** Rounds half away from zero to `scale` decimal places (`round`, HALF_UP). */
export const round = (c: ColumnOrName, scale = 0): Column => call('round', toCol(c), scale);
/** Largest integer ≤ the value (`floor`), a bigint. */
export const floor = (c: ColumnOrName): Column => callCols('floor', c);
/** Smallest integer ≥ the value (`ceil`), a bigint. */
export const ceil = (c: ColumnOrName): Column => callCols('ceil', c);
/** -1, 0 or 1 as a double (`signum`). */
export const signum = (c: ColumnOrName): Column => callCols('signum', c);
/** The largest value, skipping nulls (`greatest`). */
export const greatest = (...cols: ColumnOrName[]): Column => callCols('greatest', ...cols);
/** The smallest value, skipping nulls (`least`). */
export const least = (...cols: ColumnOrName[]): Column => callCols('least', ...cols);

// ---- nulls ----
/** The first non-null value (`coalesce`). */
export const coalesce = (...cols: ColumnLike[]): Column =>
  call('coalesce', ...cols.map((c) => (typeof c === 'string' ? col(c) : c)));
/** Whether the value is null (`isnull`). */
export const isnull = (c: ColumnOrName): Column => toCol(c).isNull();
/** Whether the value is NaN (`isnan`). */
export const isnan = (c: ColumnOrName): Column => toCol(c).isNaN();
/** `a` unless it is NaN, else `b` (`nanvl`). */
export const nanvl = (a: ColumnOrName, b: ColumnOrName): Column => callCols('nanvl', a, b);

// ---- strings ----
/** Upper case (`upper`). */
export const upper = (c: ColumnOrName): Column => callCols('upper', c);
/** Lower case (`lower`). */
export const lower = (c: ColumnOrName): Column => callCols('lower', c);
/** Length in characters of a string, or in bytes of binary (`length`). */
export const length = (c: ColumnOrName): Column => callCols('length', c);
/** Strips spaces at both ends (`trim`). */
export const trim = (c: ColumnOrName): Column => callCols('trim', c);
/** Strips spaces at the start (`ltrim`). */
export const ltrim = (c: ColumnOrName): Column => callCols('ltrim', c);
/** Strips spaces at the end (`rtrim`). */
export const rtrim = (c: ColumnOrName): Column => callCols('rtrim', c);
/** Concatenates strings (`concat`); null when any input is null. */
export const concat = (...cols: ColumnOrName[]): Column => callCols('concat', ...cols);
/** Concatenates with a separator, skipping nulls (`concat_ws`). */
export const concatWs = (sep: string, ...cols: ColumnOrName[]): Column =>
  call('concat_ws', sep, ...cols.map(toCol));
/** The substring at 1-based `pos`, `len` characters long (`substring`). */
export const substring = (c: ColumnOrName, pos: number, len: number): Column => toCol(c).substr(pos, len);
/** Replaces every match of a regular expression (`regexp_replace`). */
export const regexpReplace = (c: ColumnOrName, pattern: string, replacement: string): Column =>
  call('regexp_replace', toCol(c), pattern, replacement);

// ---- arrays, vectors and structs ----
/** The number of elements of an array or vector (`size`); -1 for null, as Spark's legacy default. */
export const size = (c: ColumnOrName): Column => callCols('size', c);
/** The element at 1-based `index` of an array (`element_at`); null when out of range. */
export const elementAt = (c: ColumnOrName, index: number): Column => call('element_at', toCol(c), index);
/** An array column from columns (`array`). */
export const array = (...cols: ColumnOrName[]): Column => callCols('array', ...cols);
/** A struct column from columns (`struct`), fields named after them. */
export const struct = (...cols: ColumnOrName[]): Column => callCols('struct', ...cols);

// ---- aggregates ----
/** Number of rows (`count('*')` or `count(lit(1))`) or of non-null values of a column (`count`), a bigint. */
export const count = (c: ColumnOrName): Column => (c === '*' ? call('count', lit(1)) : callCols('count', c));
/** Number of distinct non-null values (`count(DISTINCT …)`). */
export function countDistinct(...cols: ColumnOrName[]): Column {
  return new Column({ kind: 'call', name: 'count', args: cols.map((c) => toCol(c).expr), distinct: true });
}
/** Sum (`sum`): bigint for integer input, double for floating. */
export const sum = (c: ColumnOrName): Column => callCols('sum', c);
/** Mean (`avg`), a double. */
export const avg = (c: ColumnOrName): Column => callCols('avg', c);
/** Same as {@link avg} (`mean`). */
export const mean = avg;
/** Minimum (`min`). */
export const min = (c: ColumnOrName): Column => callCols('min', c);
/** Maximum (`max`). */
export const max = (c: ColumnOrName): Column => callCols('max', c);
/** The first value in a group (`first`); non-deterministic unless the input is sorted. */
export const first = (c: ColumnOrName, ignoreNulls = false): Column => call('first', toCol(c), ignoreNulls);
/** The last value in a group (`last`). */
export const last = (c: ColumnOrName, ignoreNulls = false): Column => call('last', toCol(c), ignoreNulls);
/** Sample standard deviation (`stddev`, `stddev_samp`). */
export const stddev = (c: ColumnOrName): Column => callCols('stddev', c);
/** Sample variance (`variance`, `var_samp`). */
export const variance = (c: ColumnOrName): Column => callCols('variance', c);
/** The non-null values of a group as an array (`collect_list`). */
export const collectList = (c: ColumnOrName): Column => callCols('collect_list', c);
/** The distinct non-null values of a group as an array (`collect_set`). */
export const collectSet = (c: ColumnOrName): Column => callCols('collect_set', c);
