/**
 * Per-component statistics of a `vector<N>` column (count, mean, sample variance), aggregated in the engine.
 *
 * Two plans compute the same numbers; each engine gets the one it runs well. Spark gets one row per (vector,
 * component) pair — the vectors cross-joined with the component numbers — aggregated per component: a handful of
 * aggregates, where one aggregate per component makes thousands of expressions that Spark's optimizer plans in time
 * that grows much faster than their number (34 s for 512 components). The embedded engine gets the components as
 * columns, aggregated per column, in blocks of {@link COMPONENTS_PER_QUERY}: DuckDB copies a whole vector into each
 * row of a cross join (22 s for 2,000 vectors of 2,048), and plans a block of a few hundred aggregates quickly.
 *
 * Both engines' `var_samp` are numerically stable; DuckDB's fails on NaN and infinities, so the variance sees the
 * finite values only and the others are counted.
 *
 * @module
 */
import { Column } from '../../frame/Column.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { abs, avg, col, count, lit, variance, when } from '../../frame/functions.js';
import { DataTypes } from '../../types/DataType.js';
import { vectorElement } from './vectorColumns.js';

/** How many components one query aggregates on the embedded engine. */
export const COMPONENTS_PER_QUERY = 128;

/** The statistics of each component of a vector column. */
export interface ComponentStats {
  /** The number of rows. */
  readonly rows: number;
  /** Per component: the rows whose vector is not null. */
  readonly values: Float64Array;
  /** Per component: the finite values (not NaN, not infinite). */
  readonly finite: Float64Array;
  /** Per component: the mean of the values (NaN or infinite when a value is). */
  readonly mean: Float64Array;
  /** Per component: the sample (n − 1) variance of the finite values; NaN when there are fewer than two. */
  readonly variance: Float64Array;
}

/**
 * The statistics of each of the `size` components of vector column `input` of `df`.
 *
 * @example
 * ```ts
 * const { rows, mean, variance } = await componentStats(df, 'features', 512);
 * ```
 */
export async function componentStats(df: DataFrame, input: string, size: number): Promise<ComponentStats> {
  const stats: ComponentStats = {
    rows: 0,
    values: new Float64Array(size),
    finite: new Float64Array(size),
    mean: new Float64Array(size),
    variance: new Float64Array(size),
  };
  return df.session.engine.name === 'local'
    ? byColumns(df, input, size, stats)
    : byRows(df, input, size, stats);
}

/** The statistics from one row per (vector, component) pair, aggregated per component (Spark's plan). */
async function byRows(
  df: DataFrame,
  input: string,
  size: number,
  stats: ComponentStats,
): Promise<ComponentStats> {
  const component = col('component');
  const value = new Column({
    kind: 'call',
    name: 'get',
    args: [col('vector').expr, component.cast(DataTypes.integer).expr],
  }).cast(DataTypes.double);
  const rows = await df
    .select(col(input).alias('vector'))
    .crossJoin(df.session.range(0, size).withColumnRenamed('id', 'component'))
    .select(component, value.alias('x'))
    .withColumn('finite', when(abs('x').lt(Number.POSITIVE_INFINITY), col('x')))
    .groupBy('component')
    .agg(
      count(lit(1)).alias('rows'),
      count('x').alias('values'),
      count('finite').alias('finite'),
      avg('x').alias('mean'),
      variance('finite').alias('variance'),
    )
    .collect();
  for (const row of rows) {
    const i = Number(row.component);
    stats.values[i] = Number(row.values);
    stats.finite[i] = Number(row.finite);
    stats.mean[i] = Number(row.mean ?? Number.NaN);
    stats.variance[i] = Number(row.variance ?? Number.NaN);
  }
  return { ...stats, rows: Number(rows[0]?.rows ?? 0) };
}

/** The statistics from the components as columns, a block of them per query (the embedded engine's plan). */
async function byColumns(
  df: DataFrame,
  input: string,
  size: number,
  stats: ComponentStats,
): Promise<ComponentStats> {
  let rows = 0;
  for (let from = 0; from < size; from += COMPONENTS_PER_QUERY) {
    const block = Array.from({ length: Math.min(COMPONENTS_PER_QUERY, size - from) }, (_, k) => from + k);
    // Components become columns, then their finite values, so that the aggregates read plain columns.
    const aggregates = [count(lit(1)).alias('rows')];
    for (const i of block) {
      aggregates.push(
        count(`x_${i}`).alias(`values_${i}`),
        count(`f_${i}`).alias(`finite_${i}`),
        avg(`x_${i}`).alias(`mean_${i}`),
        variance(`f_${i}`).alias(`variance_${i}`),
      );
    }
    const [row] = await df
      .select(...block.map((i) => vectorElement(col(input), i).alias(`x_${i}`)))
      .select(
        ...block.map((i) => col(`x_${i}`)),
        ...block.map((i) => when(abs(`x_${i}`).lt(Number.POSITIVE_INFINITY), col(`x_${i}`)).alias(`f_${i}`)),
      )
      .agg(...aggregates)
      .collect();
    rows = Number(row?.rows ?? 0);
    for (const i of block) {
      stats.values[i] = Number(row?.[`values_${i}`] ?? 0);
      stats.finite[i] = Number(row?.[`finite_${i}`] ?? 0);
      stats.mean[i] = Number(row?.[`mean_${i}`] ?? Number.NaN);
      stats.variance[i] = Number(row?.[`variance_${i}`] ?? Number.NaN);
    }
  }
  return { ...stats, rows };
}
