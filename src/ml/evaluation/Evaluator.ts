import type { DataFrame } from '../../frame/DataFrame.js';
import { type ParamOverrides, Params } from '../Params.js';

/**
 * The base of every evaluator: something that computes one figure of merit (a metric) from a DataFrame of
 * predictions, after pyspark's `ml/evaluation.py`. Model selection (a cross-validator, a train-validation split)
 * takes any evaluator: it calls {@link Evaluator.evaluate} on each candidate model's predictions, with param
 * overrides when it has them, and keeps the model whose metric is best by {@link Evaluator.isLargerBetter}.
 *
 * The public {@link Evaluator.evaluate} applies the overrides to a copy; subclasses implement the protected
 * {@link Evaluator._evaluate}, which checks the input schema before it runs anything and aggregates in the
 * DataFrame's engine (the embedded engine or Spark), bringing back only small aggregates.
 *
 * @example
 * ```ts
 * class MeanError extends Evaluator {
 *   readonly predictionCol = this.declareParam(SharedParams.predictionCol);
 *   constructor(options: StageOptions<MeanError> = {}) {
 *     super(options);
 *     this.applyOptions(options);
 *   }
 *   protected async _evaluate(df: DataFrame): Promise<number> {
 *     const [row] = await df.agg(avg(this.getOrDefault(this.predictionCol)).alias('m')).collect();
 *     return Number(row!.m);
 *   }
 *   override isLargerBetter(): boolean {
 *     return false;
 *   }
 * }
 * const error = await new MeanError().evaluate(predictions);
 * ```
 */
export abstract class Evaluator extends Params {
  /**
   * The metric of `df` (a DataFrame of predictions), with `overrides` (param values for this call only, by name or
   * as a {@link ParamMap} whose entries for other stages are ignored) applied to a copy of this evaluator. Throws a
   * `SchemaError` naming the column when a column it reads is missing or of the wrong type, before any work
   * starts.
   *
   * @example
   * ```ts
   * const evaluator = new MulticlassClassificationEvaluator();
   * const f1 = await evaluator.evaluate(predictions);
   * const accuracy = await evaluator.evaluate(predictions, { metricName: 'accuracy' });
   * ```
   */
  async evaluate(df: DataFrame, overrides?: ParamOverrides<this>): Promise<number> {
    const evaluator = overrides === undefined ? this : this.copy(overrides);
    return evaluator._evaluate(df);
  }

  /**
   * Whether a larger metric is better (`true`, the default, as in Spark) or a smaller one (errors and losses);
   * model selection maximizes or minimizes accordingly. Evaluators with several metrics answer for the metric
   * their `metricName` names.
   *
   * @example
   * ```ts
   * new RegressionEvaluator({ metricName: 'rmse' }).isLargerBetter(); // false
   * new RegressionEvaluator({ metricName: 'r2' }).isLargerBetter();   // true
   * ```
   */
  isLargerBetter(): boolean {
    return true;
  }

  /**
   * Hook for evaluator authors: the metric of `df`, with this evaluator's final params. Check the schema first
   * (`checkColumnType` from the ML base), so that a wrong input fails before any work starts.
   *
   * @example
   * ```ts
   * protected async _evaluate(df: DataFrame): Promise<number> {
   *   checkColumnType(await df.schema(), 'prediction', isNumeric, 'a numeric type', this.uid);
   *   const [row] = await df.agg(avg('prediction').alias('m')).collect();
   *   return Number(row!.m);
   * }
   * ```
   */
  protected abstract _evaluate(df: DataFrame): Promise<number>;
}
