import type { Column } from '../../frame/Column.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { abs, col, sum, variance, when } from '../../frame/functions.js';
import type { StageOptions } from '../Params.js';
import { type HasLabelCol, type HasPredictionCol, type HasWeightCol, SharedParams } from '../sharedParams.js';
import { TypeConverters } from '../TypeConverters.js';
import { Evaluator } from './Evaluator.js';
import {
  checkNoNulls,
  checkWeights,
  countRows,
  countWhere,
  emptyDataset,
  numericColumn,
  readColumns,
  validWeight,
  weightColumn,
} from './evaluationInput.js';
import { RegressionMetrics } from './RegressionMetrics.js';

/** The metrics {@link RegressionEvaluator} computes, by Spark's names. */
export const REGRESSION_METRICS = ['rmse', 'mse', 'r2', 'mae', 'var'] as const;

/** A metric of {@link RegressionEvaluator}: `'rmse'`, `'mse'`, `'r2'`, `'mae'` or `'var'`. */
export type RegressionMetricName = (typeof REGRESSION_METRICS)[number];

/**
 * Evaluates regression predictions, as Spark ML's `RegressionEvaluator`: the prediction column against the label
 * column, optionally weighted, by one of {@link REGRESSION_METRICS} (definitions in {@link RegressionMetrics}):
 * `rmse` (default), `mse`, `mae` (better when smaller), `r2` and `var` (explained variance; better when larger).
 * `throughOrigin` gives the R² of a model without an intercept.
 *
 * Works on both engines: the engine computes a handful of weighted sums in one pass, and only they come back. A
 * missing or non-numeric column is a `SchemaError` before anything runs; a null label or prediction, or a null,
 * NaN, negative or infinite weight, is an `ExecutionError`, where Spark fails too, and so is a DataFrame with no
 * rows (or none of weight > 0). A NaN label or prediction makes the metric NaN. deepframe takes any numeric type for
 * the prediction (Spark wants a double or a float).
 *
 * @example
 * ```ts
 * const evaluator = new RegressionEvaluator({ metricName: 'rmse' });
 * const rmse = await evaluator.evaluate(await model.transform(test));
 * const r2 = await evaluator.evaluate(predictions, { metricName: 'r2' });
 * ```
 */
export class RegressionEvaluator extends Evaluator implements HasLabelCol, HasPredictionCol, HasWeightCol {
  /**
   * The metric to compute (one of {@link REGRESSION_METRICS}); default `'rmse'`.
   *
   * @example
   * ```ts
   * new RegressionEvaluator({ metricName: 'mae' });
   * ```
   */
  readonly metricName = this.declareParam<RegressionMetricName>({
    name: 'metricName',
    doc: 'metric name in evaluation (mse|rmse|r2|mae|var).',
    converter: TypeConverters.toOneOf(REGRESSION_METRICS),
    default: 'rmse',
  });
  /**
   * The label column (numeric); default `'label'`.
   *
   * @example
   * ```ts
   * new RegressionEvaluator({ labelCol: 'price' });
   * ```
   */
  readonly labelCol = this.declareParam(SharedParams.labelCol);
  /**
   * The prediction column (numeric); default `'prediction'`.
   *
   * @example
   * ```ts
   * new RegressionEvaluator({ predictionCol: 'predictedPrice' });
   * ```
   */
  readonly predictionCol = this.declareParam(SharedParams.predictionCol);
  /**
   * The instance-weight column (numeric, each weight finite and `>= 0`); not set or empty: every row weighs 1.
   *
   * @example
   * ```ts
   * new RegressionEvaluator({ weightCol: 'w' });
   * ```
   */
  readonly weightCol = this.declareParam(SharedParams.weightCol);
  /**
   * Whether `r2` is that of a regression through the origin (a model without an intercept); default `false`.
   *
   * @example
   * ```ts
   * new RegressionEvaluator({ metricName: 'r2', throughOrigin: true });
   * ```
   */
  readonly throughOrigin = this.declareParam({
    name: 'throughOrigin',
    doc: 'whether the regression is through the origin.',
    converter: TypeConverters.toBoolean,
    default: false,
  });

  /**
   * An evaluator with the given param values (Spark's defaults for the rest).
   *
   * @example
   * ```ts
   * const evaluator = new RegressionEvaluator({ metricName: 'r2', labelCol: 'price' });
   * ```
   */
  constructor(options: StageOptions<RegressionEvaluator> = {}) {
    super(options);
    this.applyOptions(options);
  }

  /**
   * The metric's name.
   *
   * @example
   * ```ts
   * new RegressionEvaluator().getMetricName(); // 'rmse'
   * ```
   */
  getMetricName(): RegressionMetricName {
    return this.getOrDefault(this.metricName);
  }
  /**
   * Sets the metric.
   *
   * @example
   * ```ts
   * evaluator.setMetricName('r2');
   * ```
   */
  setMetricName(value: RegressionMetricName): this {
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
   * evaluator.setLabelCol('price');
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
   * evaluator.setPredictionCol('predictedPrice');
   * ```
   */
  setPredictionCol(value: string): this {
    return this.set(this.predictionCol, value);
  }
  /**
   * The weight column's name (throws `PARAM_NOT_DEFINED` when not set: it has no default).
   *
   * @example
   * ```ts
   * new RegressionEvaluator({ weightCol: 'w' }).getWeightCol(); // 'w'
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
   * Whether `r2` is through the origin.
   *
   * @example
   * ```ts
   * evaluator.getThroughOrigin(); // false
   * ```
   */
  getThroughOrigin(): boolean {
    return this.getOrDefault(this.throughOrigin);
  }
  /**
   * Sets whether `r2` is through the origin.
   *
   * @example
   * ```ts
   * evaluator.setThroughOrigin(true);
   * ```
   */
  setThroughOrigin(value: boolean): this {
    return this.set(this.throughOrigin, value);
  }

  /**
   * `true` for `r2` and `var`, `false` for the errors (`rmse`, `mse`, `mae`), as in Spark.
   *
   * @example
   * ```ts
   * new RegressionEvaluator({ metricName: 'mae' }).isLargerBetter(); // false
   * ```
   */
  override isLargerBetter(): boolean {
    const metric = this.getMetricName();
    return metric === 'r2' || metric === 'var';
  }

  /**
   * Every metric of `df` at once (one pass over the data): {@link RegressionMetrics} with this evaluator's
   * `throughOrigin`. As Spark's `getMetrics`.
   *
   * @example
   * ```ts
   * const metrics = await new RegressionEvaluator().getMetrics(predictions);
   * console.log(metrics.rootMeanSquaredError, metrics.r2);
   * ```
   */
  async getMetrics(df: DataFrame): Promise<RegressionMetrics> {
    const schema = await df.schema();
    const labelCol = this.getLabelCol();
    const predictionCol = this.getPredictionCol();
    const weightCol = this.isDefined(this.weightCol) ? this.getWeightCol() : undefined;
    const weighted = weightCol !== undefined && weightCol !== '';
    const label = numericColumn(schema, labelCol, this.uid);
    const prediction = numericColumn(schema, predictionCol, this.uid);
    const weight = weightColumn(schema, weightCol, this.uid);

    const y = col('label');
    const p = col('prediction');
    const w = col('weight');
    const error = y.minus(p);
    // Rows of weight 0 are left out of every sum, as Spark's summarizer skips them (a NaN there stays out too).
    const weighedSum = (value: Column) => sum(when(w.gt(0), w.multiply(value)));
    const sums = await readColumns(
      df.select(label.alias('label'), prediction.alias('prediction'), weight.alias('weight')).agg(
        countWhere(w.gt(0)).alias('rows'),
        sum(when(w.gt(0), w)).alias('weightSum'),
        sum(when(w.gt(0), w.multiply(w))).alias('weightSquareSum'),
        weighedSum(y).alias('labelSum'),
        weighedSum(y.multiply(y)).alias('labelSquareSum'),
        weighedSum(p).alias('predictionSum'),
        weighedSum(p.multiply(p)).alias('predictionSquareSum'),
        weighedSum(error.multiply(error)).alias('squaredErrorSum'),
        weighedSum(abs(error)).alias('absoluteErrorSum'),
        // Without weights, the engine's variance (numerically stable) gives Σ (y - ȳ)².
        variance(y).alias('labelVariance'),
        countRows().alias('allRows'),
        countWhere(y.isNull()).alias('nullLabels'),
        countWhere(p.isNull()).alias('nullPredictions'),
        countWhere(validWeight(w)).alias('goodWeights'),
      ),
      14,
    );
    const value = (i: number) => sums[i]?.[0] ?? Number.NaN;
    checkNoNulls(this.uid, labelCol, 'label', value(11));
    checkNoNulls(this.uid, predictionCol, 'prediction', value(12));
    if (weighted) checkWeights(this.uid, weightCol, value(10) - value(13));
    const rows = value(0);
    if (!(rows > 0)) throw emptyDataset(this.uid, this.getMetricName());
    const weightSum = value(1);
    const labelSum = value(3);
    const labelSquareSum = value(4);
    const labelVariance = value(9);
    const labelSquaredDeviationSum = weighted
      ? Math.max(labelSquareSum - (labelSum * labelSum) / weightSum, 0)
      : rows === 1
        ? 0
        : labelVariance * (rows - 1);
    return new RegressionMetrics(
      {
        rows,
        weightSum,
        weightSquareSum: value(2),
        labelSum,
        labelSquareSum,
        labelSquaredDeviationSum,
        predictionSum: value(5),
        predictionSquareSum: value(6),
        squaredErrorSum: value(7),
        absoluteErrorSum: value(8),
      },
      this.getThroughOrigin(),
    );
  }

  protected async _evaluate(df: DataFrame): Promise<number> {
    const metrics = await this.getMetrics(df);
    const metric = this.getMetricName();
    switch (metric) {
      case 'rmse':
        return metrics.rootMeanSquaredError;
      case 'mse':
        return metrics.meanSquaredError;
      case 'r2':
        return metrics.r2;
      case 'mae':
        return metrics.meanAbsoluteError;
      case 'var':
        return metrics.explainedVariance;
      default: {
        const never: never = metric;
        return never;
      }
    }
  }
}
