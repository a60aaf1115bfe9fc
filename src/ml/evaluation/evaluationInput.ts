/**
 * What the evaluators share: reading their input columns (with the schema checks that come before any work),
 * instance weights as Spark reads them, the checks on values that Spark's evaluators fail on (null labels or
 * predictions, bad weights), and reading a small aggregated result back as numbers.
 *
 * @module
 */
import { ExecutionError } from '../../errors.js';
import type { Column } from '../../frame/Column.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { col, count, lit, when } from '../../frame/functions.js';
import { type DataType, isNumeric, type StructType } from '../../types/index.js';
import { checkColumnType } from '../schemaUtils.js';

/** The largest finite double, the bound that tells finite weights from infinite ones in SQL. */
const MAX_DOUBLE = Number.MAX_VALUE;

/**
 * A numeric column read as a double; a `SchemaError` (`UNRESOLVED_COLUMN`, `COLUMN_TYPE_MISMATCH`) names the column
 * when it is missing or not numeric.
 *
 * @example
 * ```ts
 * const label = numericColumn(schema, 'label', this.uid);
 * ```
 */
export function numericColumn(schema: StructType, name: string, stage: string): Column {
  checkColumnType(schema, name, isNumeric, 'a numeric type', stage);
  return col(name).cast('double');
}

/**
 * Whether a column holds vectors of numbers: a vector, or an array of a numeric type (Spark's vectors arrive as
 * arrays when their size is not recorded).
 *
 * @example
 * ```ts
 * isNumericVector(DataTypes.vector(3)); // true
 * ```
 */
export function isNumericVector(type: DataType): boolean {
  return type.kind === 'vector' || (type.kind === 'array' && isNumeric(type.elementType));
}

/**
 * The instance weight of each row as a double: the weight column cast to double, or 1.0 for every row when
 * `weightCol` is not set or empty (Spark's rule). The column must be numeric.
 *
 * @example
 * ```ts
 * const w = weightColumn(schema, this.isSet(this.weightCol) ? this.getWeightCol() : undefined, this.uid);
 * ```
 */
export function weightColumn(schema: StructType, weightCol: string | undefined, stage: string): Column {
  if (weightCol === undefined || weightCol === '') return lit(1).cast('double');
  return numericColumn(schema, weightCol, stage);
}

/**
 * Whether a weight is one Spark accepts: not null, not NaN, `>= 0` and finite. (In SQL, NaN compares greater than
 * every number and null compares as null, so `0 <= w <= MAX_DOUBLE` is false or null for all the others.)
 *
 * @example
 * ```ts
 * df.agg(countWhere(validWeight(w)).alias('goodWeights'));
 * ```
 */
export function validWeight(weight: Column): Column {
  return weight.geq(0).and(weight.leq(MAX_DOUBLE));
}

/**
 * The number of rows where `condition` is true (not false, not null), as a double.
 *
 * @example
 * ```ts
 * df.agg(countWhere(col('label').isNull()).alias('nullLabels'));
 * ```
 */
export function countWhere(condition: Column): Column {
  return count(when(condition, lit(1))).cast('double');
}

/** The number of rows, as a double. */
export function countRows(): Column {
  return count('*').cast('double');
}

/**
 * Throws an `ExecutionError` `NULL_VALUE` when `nulls > 0`: Spark's evaluators fail on a row whose label,
 * prediction or score is null, and so do deepframe's, saying which column and how to fix it. `note` adds to the
 * role's description.
 *
 * @example
 * ```ts
 * checkNoNulls(this.uid, 'label', 'label', nullLabels);
 * ```
 */
export function checkNoNulls(stage: string, column: string, role: string, nulls: number, note = ''): void {
  if (nulls > 0) {
    throw new ExecutionError(
      'NULL_VALUE',
      `Column '${column}' (the ${role}${note}) given to evaluator '${stage}' is null in ${nulls} row(s); an evaluator ` +
        `needs a ${role} on every row, as Spark's do. Drop those rows first (df.filter(col('${column}').isNotNull())) ` +
        'or fill them in.',
      { stage, column, role, rows: String(nulls) },
    );
  }
}

/**
 * Throws an `ExecutionError` `INVALID_WEIGHT` when `bad > 0`: a weight that is null, NaN, negative or infinite
 * fails the evaluation, as in Spark.
 *
 * @example
 * ```ts
 * checkWeights(this.uid, 'w', rows - goodWeights);
 * ```
 */
export function checkWeights(stage: string, weightCol: string, bad: number): void {
  if (bad > 0) {
    throw new ExecutionError(
      'INVALID_WEIGHT',
      `Column '${weightCol}' (the instance weight) given to evaluator '${stage}' is null, NaN, negative or infinite ` +
        `in ${bad} row(s); weights must be finite numbers >= 0. Fix or drop those rows, or leave weightCol unset ` +
        'to weigh every row 1.',
      { stage, column: weightCol, rows: String(bad) },
    );
  }
}

/**
 * Throws an `ExecutionError` `EMPTY_DATASET` for a metric that an empty input (or one whose weights are all 0)
 * has no value for, where Spark fails too.
 *
 * @example
 * ```ts
 * if (rows === 0) throw emptyDataset(this.uid, 'areaUnderPR');
 * ```
 */
export function emptyDataset(stage: string, metric: string): ExecutionError {
  return new ExecutionError(
    'EMPTY_DATASET',
    `Evaluator '${stage}' cannot compute ${metric} of a DataFrame with no rows (or none of weight > 0). ` +
      'Check the filter or split that produced it.',
    { stage, metric },
  );
}

/**
 * Runs `df` and returns its first `width` columns, in order, as arrays of doubles (null as NaN): for the small
 * aggregated tables the evaluators bring back, read straight from the Arrow batches without making a row object
 * per row.
 *
 * @example
 * ```ts
 * const [labels, sums] = await readColumns(df.groupBy('label').agg(sum('w')), 2);
 * ```
 */
export async function readColumns(df: DataFrame, width: number): Promise<Float64Array[]> {
  const chunks: Float64Array[][] = Array.from({ length: width }, () => []);
  let rows = 0;
  for await (const batch of df.toBatches()) {
    for (let c = 0; c < width; c++) {
      const vector = batch.getChildAt(c);
      const values = new Float64Array(batch.numRows);
      for (let i = 0; i < batch.numRows; i++) {
        const v = vector?.get(i) as number | bigint | null | undefined;
        values[i] = v === null || v === undefined ? Number.NaN : Number(v);
      }
      chunks[c]!.push(values);
    }
    rows += batch.numRows;
  }
  return chunks.map((parts) => {
    const out = new Float64Array(rows);
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  });
}

/**
 * The sum of `values` (0 for none), in order.
 *
 * @example
 * ```ts
 * total(new Float64Array([1, 2])); // 3
 * ```
 */
export function total(values: Float64Array | undefined): number {
  let sum = 0;
  for (const v of values ?? []) sum += v;
  return sum;
}
