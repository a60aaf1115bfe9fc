import type { DeepframeError } from '../../errors.js';
import type { Column } from '../../frame/Column.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { col, sum } from '../../frame/functions.js';
import { findField, type StructType } from '../../types/index.js';
import type { StageOptions } from '../Params.js';
import { ParamValidators } from '../ParamValidators.js';
import {
  type HasLabelCol,
  type HasPredictionCol,
  type HasProbabilityCol,
  type HasWeightCol,
  SharedParams,
} from '../sharedParams.js';
import { TypeConverters } from '../TypeConverters.js';
import { Evaluator } from './Evaluator.js';
import {
  checkNoNulls,
  checkWeights,
  countRows,
  countWhere,
  numericColumn,
  readColumns,
  total,
  validWeight,
  weightColumn,
} from './evaluationInput.js';
import { type LogLossInput, logLossColumns, logLossProblem } from './logLoss.js';
import { type ConfusionCell, type LogLossSums, MulticlassMetrics } from './MulticlassMetrics.js';

/** The metrics {@link MulticlassClassificationEvaluator} computes, by Spark's names. */
export const MULTICLASS_METRICS = [
  'f1',
  'accuracy',
  'weightedPrecision',
  'weightedRecall',
  'weightedTruePositiveRate',
  'weightedFalsePositiveRate',
  'weightedFMeasure',
  'truePositiveRateByLabel',
  'falsePositiveRateByLabel',
  'precisionByLabel',
  'recallByLabel',
  'fMeasureByLabel',
  'logLoss',
  'hammingLoss',
] as const;

/** A metric of {@link MulticlassClassificationEvaluator}: `'f1'`, `'accuracy'`, `'logLoss'`, … */
export type MulticlassMetricName = (typeof MULTICLASS_METRICS)[number];

/** The metrics that are better when smaller (the rest are better when larger). */
const SMALLER_IS_BETTER: ReadonlySet<MulticlassMetricName> = new Set([
  'weightedFalsePositiveRate',
  'falsePositiveRateByLabel',
  'logLoss',
  'hammingLoss',
]);

/**
 * Evaluates multiclass classification predictions, as Spark ML's `MulticlassClassificationEvaluator`: the label
 * and prediction columns (class indices as numbers), optionally instance weights, and for `logLoss` the class
 * probabilities. Same params, defaults and definitions; the metric is one of {@link MULTICLASS_METRICS}:
 *
 * - `f1` (default), `weightedPrecision`, `weightedRecall` (= `weightedTruePositiveRate`, = `accuracy`),
 *   `weightedFalsePositiveRate`, `weightedFMeasure` (with `beta`): per-class figures averaged with the classes'
 *   weights as weights;
 * - `accuracy`, `hammingLoss`: the weight of the right (wrong) predictions over the weight of all rows;
 * - `truePositiveRateByLabel`, `falsePositiveRateByLabel`, `precisionByLabel`, `recallByLabel`, `fMeasureByLabel`:
 *   the figure of one class, `metricLabel` (which must occur as a label);
 * - `logLoss`: the weighted mean of `-log(p)`, `p` the probability (in `probabilityCol`) of the true class, clipped
 *   to `[eps, 1 - eps]`; labels must then be class indices `0 … k-1` of the `k`-element probability vectors.
 *
 * Works on both engines: the engine groups the rows by label and prediction and sums their weights (and log
 * losses), and only that small table comes back. A missing or non-numeric column is a `SchemaError` before
 * anything runs; a null label or prediction, or a null, NaN, negative or infinite weight, is an `ExecutionError`,
 * where Spark fails too. NaN predictions are never right; NaN labels make the averaged metrics fail (as in
 * Spark). deepframe takes any numeric type for the prediction (Spark wants a double).
 *
 * @example
 * ```ts
 * const evaluator = new MulticlassClassificationEvaluator({ metricName: 'accuracy' });
 * const accuracy = await evaluator.evaluate(await model.transform(test));
 * const f1 = await evaluator.evaluate(predictions, { metricName: 'f1' });
 * ```
 */
export class MulticlassClassificationEvaluator
  extends Evaluator
  implements HasLabelCol, HasPredictionCol, HasProbabilityCol, HasWeightCol
{
  /**
   * The metric to compute (one of {@link MULTICLASS_METRICS}); default `'f1'`.
   *
   * @example
   * ```ts
   * new MulticlassClassificationEvaluator({ metricName: 'accuracy' });
   * ```
   */
  readonly metricName = this.declareParam<MulticlassMetricName>({
    name: 'metricName',
    doc: `metric name in evaluation (${MULTICLASS_METRICS.join('|')}).`,
    converter: TypeConverters.toOneOf(MULTICLASS_METRICS),
    default: 'f1',
  });
  /**
   * The label column (numeric class indices); default `'label'`.
   *
   * @example
   * ```ts
   * new MulticlassClassificationEvaluator({ labelCol: 'digit' });
   * ```
   */
  readonly labelCol = this.declareParam(SharedParams.labelCol);
  /**
   * The prediction column (numeric class indices); default `'prediction'`.
   *
   * @example
   * ```ts
   * new MulticlassClassificationEvaluator({ predictionCol: 'predicted' });
   * ```
   */
  readonly predictionCol = this.declareParam(SharedParams.predictionCol);
  /**
   * The class-probabilities column (a vector, or an array of numbers), read for `logLoss` only; default
   * `'probability'`.
   *
   * @example
   * ```ts
   * new MulticlassClassificationEvaluator({ metricName: 'logLoss', probabilityCol: 'probs' });
   * ```
   */
  readonly probabilityCol = this.declareParam(SharedParams.probabilityCol);
  /**
   * The instance-weight column (numeric, each weight finite and `>= 0`); not set or empty: every row weighs 1.
   *
   * @example
   * ```ts
   * new MulticlassClassificationEvaluator({ weightCol: 'w' });
   * ```
   */
  readonly weightCol = this.declareParam(SharedParams.weightCol);
  /**
   * The class whose figure the `…ByLabel` metrics give, `>= 0`; default 0.
   *
   * @example
   * ```ts
   * new MulticlassClassificationEvaluator({ metricName: 'recallByLabel', metricLabel: 3 });
   * ```
   */
  readonly metricLabel = this.declareParam({
    name: 'metricLabel',
    doc:
      'The class whose metric will be computed in truePositiveRateByLabel|falsePositiveRateByLabel|' +
      'precisionByLabel|recallByLabel|fMeasureByLabel. Must be >= 0. The default value is 0.',
    converter: TypeConverters.toFloat,
    validator: ParamValidators.gtEq(0),
    default: 0,
  });
  /**
   * The β of `weightedFMeasure` and `fMeasureByLabel` (recall counts β times as much as precision), `> 0`;
   * default 1.
   *
   * @example
   * ```ts
   * new MulticlassClassificationEvaluator({ metricName: 'weightedFMeasure', beta: 0.5 });
   * ```
   */
  readonly beta = this.declareParam({
    name: 'beta',
    doc: 'The beta value used in weightedFMeasure|fMeasureByLabel. Must be > 0. The default value is 1.',
    converter: TypeConverters.toFloat,
    validator: ParamValidators.gt(0),
    default: 1,
  });
  /**
   * The clipping of `logLoss`: probabilities are taken as `max(eps, min(1 - eps, p))`, in `(0, 0.5)`; default
   * `1e-15`.
   *
   * @example
   * ```ts
   * new MulticlassClassificationEvaluator({ metricName: 'logLoss', eps: 1e-7 });
   * ```
   */
  readonly eps = this.declareParam({
    name: 'eps',
    doc:
      'log-loss is undefined for p=0 or p=1, so probabilities are clipped to max(eps, min(1 - eps, p)). ' +
      'Must be in range (0, 0.5). The default value is 1e-15.',
    converter: TypeConverters.toFloat,
    validator: ParamValidators.inRange(0, 0.5, false, false),
    default: 1e-15,
  });

  /**
   * An evaluator with the given param values (Spark's defaults for the rest).
   *
   * @example
   * ```ts
   * const evaluator = new MulticlassClassificationEvaluator({ metricName: 'accuracy', labelCol: 'y' });
   * ```
   */
  constructor(options: StageOptions<MulticlassClassificationEvaluator> = {}) {
    super(options);
    this.applyOptions(options);
  }

  /**
   * The metric's name.
   *
   * @example
   * ```ts
   * new MulticlassClassificationEvaluator().getMetricName(); // 'f1'
   * ```
   */
  getMetricName(): MulticlassMetricName {
    return this.getOrDefault(this.metricName);
  }
  /**
   * Sets the metric.
   *
   * @example
   * ```ts
   * evaluator.setMetricName('hammingLoss');
   * ```
   */
  setMetricName(value: MulticlassMetricName): this {
    return this.set(this.metricName, value);
  }
  /**
   * The label column's name.
   *
   * @example
   * ```ts
   * evaluator.getLabelCol(); // 'label'
   * ```
   */
  getLabelCol(): string {
    return this.getOrDefault(this.labelCol);
  }
  /**
   * Sets the label column.
   *
   * @example
   * ```ts
   * evaluator.setLabelCol('digit');
   * ```
   */
  setLabelCol(value: string): this {
    return this.set(this.labelCol, value);
  }
  /**
   * The prediction column's name.
   *
   * @example
   * ```ts
   * evaluator.getPredictionCol(); // 'prediction'
   * ```
   */
  getPredictionCol(): string {
    return this.getOrDefault(this.predictionCol);
  }
  /**
   * Sets the prediction column.
   *
   * @example
   * ```ts
   * evaluator.setPredictionCol('predicted');
   * ```
   */
  setPredictionCol(value: string): this {
    return this.set(this.predictionCol, value);
  }
  /**
   * The probability column's name.
   *
   * @example
   * ```ts
   * evaluator.getProbabilityCol(); // 'probability'
   * ```
   */
  getProbabilityCol(): string {
    return this.getOrDefault(this.probabilityCol);
  }
  /**
   * Sets the probability column.
   *
   * @example
   * ```ts
   * evaluator.setProbabilityCol('probs');
   * ```
   */
  setProbabilityCol(value: string): this {
    return this.set(this.probabilityCol, value);
  }
  /**
   * The weight column's name (throws `PARAM_NOT_DEFINED` when not set: it has no default).
   *
   * @example
   * ```ts
   * new MulticlassClassificationEvaluator({ weightCol: 'w' }).getWeightCol(); // 'w'
   * ```
   */
  getWeightCol(): string {
    return this.getOrDefault(this.weightCol);
  }
  /**
   * Sets the weight column (`''` weighs every row 1).
   *
   * @example
   * ```ts
   * evaluator.setWeightCol('w');
   * ```
   */
  setWeightCol(value: string): this {
    return this.set(this.weightCol, value);
  }
  /**
   * The class of the `…ByLabel` metrics.
   *
   * @example
   * ```ts
   * evaluator.getMetricLabel(); // 0
   * ```
   */
  getMetricLabel(): number {
    return this.getOrDefault(this.metricLabel);
  }
  /**
   * Sets the class of the `…ByLabel` metrics.
   *
   * @example
   * ```ts
   * evaluator.setMetricLabel(2);
   * ```
   */
  setMetricLabel(value: number): this {
    return this.set(this.metricLabel, value);
  }
  /**
   * The β of the F-measures.
   *
   * @example
   * ```ts
   * evaluator.getBeta(); // 1
   * ```
   */
  getBeta(): number {
    return this.getOrDefault(this.beta);
  }
  /**
   * Sets the β of the F-measures.
   *
   * @example
   * ```ts
   * evaluator.setBeta(2);
   * ```
   */
  setBeta(value: number): this {
    return this.set(this.beta, value);
  }
  /**
   * The log loss's clipping.
   *
   * @example
   * ```ts
   * evaluator.getEps(); // 1e-15
   * ```
   */
  getEps(): number {
    return this.getOrDefault(this.eps);
  }
  /**
   * Sets the log loss's clipping.
   *
   * @example
   * ```ts
   * evaluator.setEps(1e-7);
   * ```
   */
  setEps(value: number): this {
    return this.set(this.eps, value);
  }

  /**
   * `false` for the metrics that are better when smaller (`weightedFalsePositiveRate`,
   * `falsePositiveRateByLabel`, `logLoss`, `hammingLoss`), `true` for the others, as in Spark.
   *
   * @example
   * ```ts
   * new MulticlassClassificationEvaluator({ metricName: 'logLoss' }).isLargerBetter(); // false
   * ```
   */
  override isLargerBetter(): boolean {
    return !SMALLER_IS_BETTER.has(this.getMetricName());
  }

  /**
   * Every metric of `df` at once (one pass over the data): the confusion table's {@link MulticlassMetrics}, with
   * the log loss too when `df` has the probability column. As Spark's `getMetrics`.
   *
   * @example
   * ```ts
   * const metrics = await new MulticlassClassificationEvaluator().getMetrics(predictions);
   * console.log(metrics.accuracy, metrics.weightedFMeasure(), metrics.confusionMatrix());
   * ```
   */
  async getMetrics(df: DataFrame): Promise<MulticlassMetrics> {
    const schema = await df.schema();
    return this.computeMetrics(df, schema, findField(schema, this.getProbabilityCol()) !== undefined);
  }

  protected async _evaluate(df: DataFrame): Promise<number> {
    const schema = await df.schema();
    const metric = this.getMetricName();
    const metrics = await this.computeMetrics(df, schema, metric === 'logLoss');
    const label = this.getMetricLabel();
    const beta = this.getBeta();
    switch (metric) {
      case 'f1':
        return metrics.weightedFMeasure();
      case 'accuracy':
        return metrics.accuracy;
      case 'weightedPrecision':
        return metrics.weightedPrecision;
      case 'weightedRecall':
        return metrics.weightedRecall;
      case 'weightedTruePositiveRate':
        return metrics.weightedTruePositiveRate;
      case 'weightedFalsePositiveRate':
        return metrics.weightedFalsePositiveRate;
      case 'weightedFMeasure':
        return metrics.weightedFMeasure(beta);
      case 'truePositiveRateByLabel':
        return metrics.truePositiveRate(label);
      case 'falsePositiveRateByLabel':
        return metrics.falsePositiveRate(label);
      case 'precisionByLabel':
        return metrics.precision(label);
      case 'recallByLabel':
        return metrics.recall(label);
      case 'fMeasureByLabel':
        return metrics.fMeasure(label, beta);
      case 'logLoss':
        return metrics.logLoss();
      case 'hammingLoss':
        return metrics.hammingLoss;
      default: {
        const never: never = metric;
        return never;
      }
    }
  }

  /**
   * One aggregation in the engine: rows grouped by (label, prediction), with their weight sums, the counts that
   * tell bad rows, and the log-loss sums when `withLogLoss`.
   */
  private async computeMetrics(
    df: DataFrame,
    schema: StructType,
    withLogLoss: boolean,
  ): Promise<MulticlassMetrics> {
    const labelCol = this.getLabelCol();
    const predictionCol = this.getPredictionCol();
    const weightCol = this.isDefined(this.weightCol) ? this.getWeightCol() : undefined;
    const label = numericColumn(schema, labelCol, this.uid);
    const prediction = numericColumn(schema, predictionCol, this.uid);
    const weight = weightColumn(schema, weightCol, this.uid);
    const logLossInput: LogLossInput = {
      stage: this.uid,
      probabilityCol: this.getProbabilityCol(),
      labelCol,
      eps: this.getEps(),
    };
    const logLoss = withLogLoss ? logLossColumns(schema, logLossInput) : undefined;

    const input = df.select(
      label.alias('label'),
      prediction.alias('prediction'),
      weight.alias('weight'),
      ...(logLoss === undefined ? [] : [logLoss.loss.alias('loss'), logLoss.problem.alias('problem')]),
    );
    const w = col('weight');
    const aggregates: Column[] = [
      sum(w).alias('weight'),
      countRows().alias('rows'),
      countWhere(col('label').isNull()).alias('nullLabels'),
      countWhere(col('prediction').isNull()).alias('nullPredictions'),
      countWhere(validWeight(w)).alias('goodWeights'),
    ];
    if (logLoss !== undefined) {
      aggregates.push(
        sum(col('loss').multiply(w)).alias('loss'),
        countWhere(col('problem').equalTo(1)).alias('nullProbabilities'),
        countWhere(col('problem').equalTo(2)).alias('badLabels'),
      );
    }
    const table = input.groupBy('label', 'prediction').agg(...aggregates);
    const columns = await readColumns(table, 2 + aggregates.length);
    const [labels, predictions, weights, rows, nullLabels, nullPredictions, goodWeights] = columns;
    const rowCount = total(rows);
    checkNoNulls(this.uid, labelCol, 'label', total(nullLabels));
    checkNoNulls(this.uid, predictionCol, 'prediction', total(nullPredictions));
    if (weightCol !== undefined && weightCol !== '')
      checkWeights(this.uid, weightCol, rowCount - total(goodWeights));

    const cells: ConfusionCell[] = [];
    for (let i = 0; i < (labels?.length ?? 0); i++) {
      cells.push({ label: labels![i]!, prediction: predictions![i]!, weight: weights![i]! });
    }
    let sums: LogLossSums | DeepframeError | undefined;
    if (logLoss !== undefined) {
      const [loss, nullProbabilities, badLabels] = columns.slice(7);
      sums =
        logLossProblem(logLossInput, logLoss.classes, total(nullProbabilities), total(badLabels)) ??
        ({ lossSum: total(loss), weightSum: total(weights), rows: rowCount } satisfies LogLossSums);
    }
    return new MulticlassMetrics(cells, sums);
  }
}
