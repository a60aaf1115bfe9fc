import { SchemaError } from '../../errors.js';
import type { Column } from '../../frame/Column.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { col, isnan, lit, sum, when } from '../../frame/functions.js';
import { isNumeric, requireField, type StructType, simpleString } from '../../types/index.js';
import type { StageOptions } from '../Params.js';
import { ParamValidators } from '../ParamValidators.js';
import {
  type HasLabelCol,
  type HasRawPredictionCol,
  type HasWeightCol,
  SharedParams,
} from '../sharedParams.js';
import { TypeConverters } from '../TypeConverters.js';
import { BinaryClassificationMetrics } from './BinaryClassificationMetrics.js';
import { Evaluator } from './Evaluator.js';
import {
  checkNoNulls,
  checkWeights,
  countRows,
  countWhere,
  emptyDataset,
  isNumericVector,
  numericColumn,
  readColumns,
  total,
  validWeight,
  weightColumn,
} from './evaluationInput.js';

/** The metrics {@link BinaryClassificationEvaluator} computes, by Spark's names. */
export const BINARY_METRICS = ['areaUnderROC', 'areaUnderPR'] as const;

/** A metric of {@link BinaryClassificationEvaluator}: `'areaUnderROC'` or `'areaUnderPR'`. */
export type BinaryMetricName = (typeof BINARY_METRICS)[number];

/**
 * Evaluates binary classification scores, as Spark ML's `BinaryClassificationEvaluator`: the area under the ROC
 * curve (`areaUnderROC`, the default) or under the precision-recall curve (`areaUnderPR`) of the scores in
 * `rawPredictionCol` against the labels in `labelCol` (positive when `> 0.5`, so 1/0 and 1/-1 labels both work;
 * NaN counts as negative), optionally weighted. Same params, defaults and curves as Spark (see
 * {@link BinaryClassificationMetrics}), down-sampled to about `numBins` points when there are more than twice as
 * many distinct scores.
 *
 * The score is the column itself when it is numeric (a probability of class 1, or a 0/1 prediction), or element 1
 * of a vector (a classifier's `rawPrediction` or `probability`: class 1's score), as Spark reads it.
 *
 * Works on both engines: the engine sums the positives' and negatives' weights per distinct score and sorts them;
 * that table of distinct scores comes back and the curve is computed here. A missing or mistyped column, or a vector
 * of fewer than 2 elements, is a `SchemaError` before anything runs; a null score or label, or a null, NaN,
 * negative or infinite weight, is an `ExecutionError`, where Spark fails too.
 *
 * @example
 * ```ts
 * const evaluator = new BinaryClassificationEvaluator();
 * const auc = await evaluator.evaluate(await model.transform(test));
 * const aupr = await evaluator.evaluate(predictions, { metricName: 'areaUnderPR' });
 * ```
 */
export class BinaryClassificationEvaluator
  extends Evaluator
  implements HasLabelCol, HasRawPredictionCol, HasWeightCol
{
  /**
   * The metric to compute, `'areaUnderROC'` (default) or `'areaUnderPR'`.
   *
   * @example
   * ```ts
   * new BinaryClassificationEvaluator({ metricName: 'areaUnderPR' });
   * ```
   */
  readonly metricName = this.declareParam<BinaryMetricName>({
    name: 'metricName',
    doc: 'metric name in evaluation (areaUnderROC|areaUnderPR).',
    converter: TypeConverters.toOneOf(BINARY_METRICS),
    default: 'areaUnderROC',
  });
  /**
   * The label column (numeric; `> 0.5` is positive); default `'label'`.
   *
   * @example
   * ```ts
   * new BinaryClassificationEvaluator({ labelCol: 'isSpam' });
   * ```
   */
  readonly labelCol = this.declareParam(SharedParams.labelCol);
  /**
   * The score column: numeric, or a vector (or array of numbers) whose element 1 is the score; default
   * `'rawPrediction'`.
   *
   * @example
   * ```ts
   * new BinaryClassificationEvaluator({ rawPredictionCol: 'probability' });
   * ```
   */
  readonly rawPredictionCol = this.declareParam(SharedParams.rawPredictionCol);
  /**
   * The instance-weight column (numeric, each weight finite and `>= 0`); not set or empty: every row weighs 1.
   *
   * @example
   * ```ts
   * new BinaryClassificationEvaluator({ weightCol: 'w' });
   * ```
   */
  readonly weightCol = this.declareParam(SharedParams.weightCol);
  /**
   * About how many points the curves are down-sampled to when there are at least twice as many distinct scores,
   * `>= 0` (0: never); default 1000.
   *
   * @example
   * ```ts
   * new BinaryClassificationEvaluator({ numBins: 0 }); // exact curves
   * ```
   */
  readonly numBins = this.declareParam({
    name: 'numBins',
    doc:
      'Number of bins to down-sample the curves (ROC curve, PR curve) in area computation. If 0, no ' +
      'down-sampling will occur. Must be >= 0.',
    converter: TypeConverters.toInt,
    validator: ParamValidators.gtEq(0),
    default: 1000,
  });

  /**
   * An evaluator with the given param values (Spark's defaults for the rest).
   *
   * @example
   * ```ts
   * const evaluator = new BinaryClassificationEvaluator({ metricName: 'areaUnderPR', numBins: 0 });
   * ```
   */
  constructor(options: StageOptions<BinaryClassificationEvaluator> = {}) {
    super(options);
    this.applyOptions(options);
  }

  /**
   * The metric's name.
   *
   * @example
   * ```ts
   * new BinaryClassificationEvaluator().getMetricName(); // 'areaUnderROC'
   * ```
   */
  getMetricName(): BinaryMetricName {
    return this.getOrDefault(this.metricName);
  }
  /**
   * Sets the metric.
   *
   * @example
   * ```ts
   * evaluator.setMetricName('areaUnderPR');
   * ```
   */
  setMetricName(value: BinaryMetricName): this {
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
   * evaluator.setLabelCol('isSpam');
   * ```
   */
  setLabelCol(value: string): this {
    return this.set(this.labelCol, value);
  }
  /**
   * The score column's name.
   *
   * @example
   * ```ts
   * evaluator.getRawPredictionCol(); // 'rawPrediction'
   * ```
   */
  getRawPredictionCol(): string {
    return this.getOrDefault(this.rawPredictionCol);
  }
  /**
   * Sets the score column.
   *
   * @example
   * ```ts
   * evaluator.setRawPredictionCol('probability');
   * ```
   */
  setRawPredictionCol(value: string): this {
    return this.set(this.rawPredictionCol, value);
  }
  /**
   * The weight column's name (throws `PARAM_NOT_DEFINED` when not set: it has no default).
   *
   * @example
   * ```ts
   * new BinaryClassificationEvaluator({ weightCol: 'w' }).getWeightCol(); // 'w'
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
   * The number of bins the curves are down-sampled to.
   *
   * @example
   * ```ts
   * evaluator.getNumBins(); // 1000
   * ```
   */
  getNumBins(): number {
    return this.getOrDefault(this.numBins);
  }
  /**
   * Sets the number of bins (0: no down-sampling).
   *
   * @example
   * ```ts
   * evaluator.setNumBins(0);
   * ```
   */
  setNumBins(value: number): this {
    return this.set(this.numBins, value);
  }

  /**
   * `true`: both areas are better when larger.
   *
   * @example
   * ```ts
   * new BinaryClassificationEvaluator().isLargerBetter(); // true
   * ```
   */
  override isLargerBetter(): boolean {
    return true;
  }

  /**
   * The curves of `df` (one pass over the data): {@link BinaryClassificationMetrics} with this evaluator's
   * `numBins`. As Spark's `getMetrics`.
   *
   * @example
   * ```ts
   * const metrics = await new BinaryClassificationEvaluator({ numBins: 0 }).getMetrics(predictions);
   * console.log(metrics.roc(), metrics.areaUnderPR());
   * ```
   */
  async getMetrics(df: DataFrame): Promise<BinaryClassificationMetrics> {
    const schema = await df.schema();
    const labelCol = this.getLabelCol();
    const scoreCol = this.getRawPredictionCol();
    const weightCol = this.isDefined(this.weightCol) ? this.getWeightCol() : undefined;
    const score = this.scoreColumn(schema);
    const label = numericColumn(schema, labelCol, this.uid);
    const weight = weightColumn(schema, weightCol, this.uid);

    const w = col('weight');
    const l = col('label');
    // As Spark's BinaryLabelCounter: positive when label > 0.5, and NaN (which SQL sorts above every number) is not.
    const positive = l.gt(0.5).and(isnan(l).not());
    const table = df
      .select(score.alias('score'), label.alias('label'), weight.alias('weight'))
      .groupBy('score')
      .agg(
        sum(when(positive, w).otherwise(lit(0).cast('double'))).alias('positives'),
        sum(when(positive, lit(0).cast('double')).otherwise(w)).alias('negatives'),
        countRows().alias('rows'),
        countWhere(col('score').isNull()).alias('nullScores'),
        countWhere(l.isNull()).alias('nullLabels'),
        countWhere(validWeight(w)).alias('goodWeights'),
      )
      .orderBy(col('score').desc());
    const [scores, positives, negatives, rows, nullScores, nullLabels, goodWeights] = await readColumns(
      table,
      7,
    );
    const note = isNumeric(requireField(schema, scoreCol).type)
      ? ''
      : ': element 1 of each vector, which a null vector or one shorter than 2 does not have';
    checkNoNulls(this.uid, scoreCol, 'score', total(nullScores), note);
    checkNoNulls(this.uid, labelCol, 'label', total(nullLabels));
    if (weightCol !== undefined && weightCol !== '') {
      checkWeights(this.uid, weightCol, total(rows) - total(goodWeights));
    }
    return new BinaryClassificationMetrics(
      { scores: scores!, positives: positives!, negatives: negatives! },
      this.getNumBins(),
    );
  }

  protected async _evaluate(df: DataFrame): Promise<number> {
    const metrics = await this.getMetrics(df);
    const metric = this.getMetricName();
    switch (metric) {
      case 'areaUnderROC':
        return metrics.areaUnderROC();
      case 'areaUnderPR': {
        const area = metrics.areaUnderPR();
        if (metrics.thresholds().length === 0) throw emptyDataset(this.uid, metric);
        return area;
      }
      default: {
        const never: never = metric;
        return never;
      }
    }
  }

  /** The score as a double: the numeric column, or element 1 of a vector or numeric array. */
  private scoreColumn(schema: StructType): Column {
    const name = this.getRawPredictionCol();
    const { type } = requireField(schema, name, `the input of evaluator '${this.uid}'`);
    if (isNumeric(type)) return col(name).cast('double');
    if (isNumericVector(type)) {
      if (type.kind === 'vector' && type.size < 2) {
        throw new SchemaError(
          'VECTOR_TOO_SHORT',
          `Column '${name}' given to evaluator '${this.uid}' is a vector<${type.size}>, but the score of a binary ` +
            "classifier is element 1 of its vector (class 1's score), so it needs at least 2 elements. Give it " +
            "the classifier's rawPrediction or probability column, or a numeric score column.",
          { column: name, stage: this.uid, expected: 'vector<2> or more', actual: simpleString(type) },
        );
      }
      return col(name).getItem(1).cast('double');
    }
    throw new SchemaError(
      'COLUMN_TYPE_MISMATCH',
      `Column '${name}' given to evaluator '${this.uid}' must be a numeric score or a vector of scores (element 1 is ` +
        `class 1's), but is ${simpleString(type)}. Give it the classifier's rawPrediction or probability column.`,
      { column: name, stage: this.uid, expected: 'numeric or vector', actual: simpleString(type) },
    );
  }
}
