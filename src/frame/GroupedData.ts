import { ParamError } from '../errors.js';
import type { Expr } from '../plan/expressions.js';
import { Column } from './Column.js';
import type { DataFrame } from './DataFrame.js';
import {
  avg as avgFn,
  col,
  count as countFn,
  max as maxFn,
  min as minFn,
  sum as sumFn,
} from './functions.js';

/**
 * Rows grouped by key columns, from {@link DataFrame.groupBy}: aggregate them with `agg` or a shortcut.
 * The result has the key columns first, then one column per aggregate.
 *
 * @example
 * ```ts
 * await df.groupBy('label').agg(count('*').alias('n'), avg('x').alias('mean_x')).orderBy('label').collect();
 * ```
 */
export class GroupedData {
  readonly #df: DataFrame;
  readonly #keys: readonly Expr[];

  /** @internal */
  constructor(df: DataFrame, keys: readonly Expr[]) {
    this.#df = df;
    this.#keys = keys;
  }

  /** Aggregates with columns made by aggregate functions (`sum`, `avg`, `count`, …), or `{column: function}`. */
  agg(...exprs: (Column | Readonly<Record<string, string>>)[]): DataFrame {
    const aggregates: Expr[] = [];
    for (const e of exprs) {
      if (e instanceof Column) aggregates.push(e.expr);
      else for (const [column, fn] of Object.entries(e)) aggregates.push(byName(fn, column).expr);
    }
    if (aggregates.length === 0) {
      throw new ParamError('EMPTY_AGGREGATION', 'agg() needs at least one aggregate column.');
    }
    return this.#df.withPlan({ kind: 'aggregate', input: this.#df.plan, groupBy: this.#keys, aggregates });
  }

  /** The number of rows per group, in a column named `count`. */
  count(): DataFrame {
    return this.agg(countFn('*').alias('count'));
  }
  /** The sum of each of `cols` per group. */
  sum(...cols: string[]): DataFrame {
    return this.agg(...cols.map(sumFn));
  }
  /** The mean of each of `cols` per group. */
  avg(...cols: string[]): DataFrame {
    return this.agg(...cols.map(avgFn));
  }
  /** Same as {@link GroupedData.avg}. */
  mean(...cols: string[]): DataFrame {
    return this.avg(...cols);
  }
  /** The minimum of each of `cols` per group. */
  min(...cols: string[]): DataFrame {
    return this.agg(...cols.map(minFn));
  }
  /** The maximum of each of `cols` per group. */
  max(...cols: string[]): DataFrame {
    return this.agg(...cols.map(maxFn));
  }
}

function byName(fn: string, column: string): Column {
  const c = column === '*' ? '*' : col(column);
  switch (fn.toLowerCase()) {
    case 'count':
      return countFn(c);
    case 'sum':
      return sumFn(c);
    case 'avg':
    case 'mean':
      return avgFn(c);
    case 'min':
      return minFn(c);
    case 'max':
      return maxFn(c);
    default:
      throw new ParamError(
        'UNKNOWN_AGGREGATE',
        `Unknown aggregate function '${fn}' for column '${column}'. Expected one of: count, sum, avg, mean, min, max.`,
        { function: fn, column },
      );
  }
}
