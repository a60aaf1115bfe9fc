/**
 * The log loss of each row, as a column the engine computes, for `MulticlassClassificationEvaluator`: Spark's
 * clipping and its checks on labels and probabilities.
 *
 * @module
 */
import { type DeepframeError, ExecutionError, SchemaError } from '../../errors.js';
import { Column } from '../../frame/Column.js';
import { col, isnan, lit, log, size, when } from '../../frame/functions.js';
import { requireField, type StructType, simpleString } from '../../types/index.js';
import { isNumericVector } from './evaluationInput.js';

/** Where the log loss reads from: the evaluator and its columns. */
export interface LogLossInput {
  /** The evaluator's uid, for messages. */
  readonly stage: string;
  /** The class-probabilities column: a vector, or an array of numbers. */
  readonly probabilityCol: string;
  /** The label column: class indices. */
  readonly labelCol: string;
  /** Probabilities are clipped to `[eps, 1 - eps]`. */
  readonly eps: number;
}

/** What {@link logLossColumns} makes. */
export interface LogLossColumns {
  /** The row's log loss; null where the label is no class index. */
  readonly loss: Column;
  /** 0 for a good row, 1 for a null probability vector, 2 for a label that is no index into it. */
  readonly problem: Column;
  /** The number of classes, in words for messages (`'3'`, or `'its size'` for arrays). */
  readonly classes: string;
}

/**
 * Per row, the log loss of the true class's probability `p`, clipped as Spark clips it (`-log(eps)` where
 * `p < eps`, `-log1p(-eps)` where `p > 1 - eps`, NaN where `p` is NaN, `-log(p)` else), and a problem code for the
 * rows where it is undefined. A `SchemaError` when the probability column is missing or holds no vectors.
 *
 * @example
 * ```ts
 * const { loss, problem } = logLossColumns(schema, { stage, probabilityCol: 'probability', labelCol: 'label', eps: 1e-15 });
 * ```
 */
export function logLossColumns(schema: StructType, input: LogLossInput): LogLossColumns {
  const { stage, probabilityCol, labelCol, eps } = input;
  const { type } = requireField(
    schema,
    probabilityCol,
    `the input of evaluator '${stage}' (its probabilityCol, needed for logLoss)`,
  );
  if (!isNumericVector(type)) {
    throw new SchemaError(
      'COLUMN_TYPE_MISMATCH',
      `Column '${probabilityCol}' (the class probabilities) given to evaluator '${stage}' must be a vector or an ` +
        `array of numbers, but is ${simpleString(type)}. Give it the probability column a classifier writes.`,
      { column: probabilityCol, stage, expected: 'vector or array<numeric>', actual: simpleString(type) },
    );
  }
  const probabilities = col(probabilityCol);
  const label = col(labelCol).cast('double');
  const classes = type.kind === 'vector' ? lit(type.size) : size(probabilities);
  // An integer in [0, classes); never null (a label that does not convert to an int is no index).
  const isIndex = when(
    label
      .geq(0)
      .and(isnan(label).not())
      .and(label.lt(classes))
      .and(label.cast('int').cast('double').equalTo(label)),
    lit(true),
  ).otherwise(lit(false));
  // The element at a column index: `get`, as both engines have it (null out of range).
  const p = new Column({
    kind: 'call',
    name: 'get',
    args: [probabilities.expr, label.cast('int').expr],
  }).cast('double');
  // SQL sorts NaN above every number, so NaN is tested first, as Spark's comparisons leave it through.
  const loss = when(isIndex.not(), lit(null))
    .when(isnan(p), p)
    .when(p.lt(eps), lit(-Math.log(eps)))
    .when(p.gt(1 - eps), lit(-Math.log1p(-eps)))
    .otherwise(log(p).negate());
  const problem = when(probabilities.isNull(), lit(1)).when(isIndex.not(), lit(2)).otherwise(lit(0));
  return { loss, problem, classes: type.kind === 'vector' ? String(type.size) : 'its size' };
}

/**
 * The error that makes the log loss undefined, from the numbers of rows with problem 1 and 2, or `undefined`.
 *
 * @example
 * ```ts
 * const error = logLossProblem(input, columns.classes, nullProbabilities, badLabels);
 * ```
 */
export function logLossProblem(
  input: LogLossInput,
  classes: string,
  nullProbabilities: number,
  badLabels: number,
): DeepframeError | undefined {
  const { stage, probabilityCol, labelCol } = input;
  if (nullProbabilities > 0) {
    return new ExecutionError(
      'NULL_VALUE',
      `Column '${probabilityCol}' (the class probabilities) given to evaluator '${stage}' is null in ` +
        `${nullProbabilities} row(s); the log loss needs probabilities on every row, as in Spark. Drop those rows first.`,
      { stage, column: probabilityCol, role: 'probability', rows: String(nullProbabilities) },
    );
  }
  if (badLabels > 0) {
    return new ExecutionError(
      'INVALID_LABEL',
      `Column '${labelCol}' given to evaluator '${stage}' has ${badLabels} row(s) whose label is not a class ` +
        `index (an integer >= 0 and < ${classes}, the probability vector's size), so the log loss is undefined, ` +
        'as in Spark. Index the classes 0 … k-1 (a StringIndexer does) or drop those rows.',
      { stage, column: labelCol, rows: String(badLabels), classes },
    );
  }
  return undefined;
}
