/**
 * Evaluators, after Spark ML's `ml.evaluation`: a figure of merit from a DataFrame of predictions, computed by the
 * DataFrame's engine (the embedded engine or Spark), for reporting and for model selection.
 *
 * @example
 * ```ts
 * import { MulticlassClassificationEvaluator } from 'deepframe';
 * const accuracy = await new MulticlassClassificationEvaluator({ metricName: 'accuracy' }).evaluate(predictions);
 * ```
 *
 * @module
 */

export {
  BINARY_METRICS,
  BinaryClassificationEvaluator,
  type BinaryMetricName,
} from './BinaryClassificationEvaluator.js';
export {
  BinaryClassificationMetrics,
  type CurvePoint,
  type ScoreCounts,
} from './BinaryClassificationMetrics.js';
export { Evaluator } from './Evaluator.js';
export {
  MULTICLASS_METRICS,
  MulticlassClassificationEvaluator,
  type MulticlassMetricName,
} from './MulticlassClassificationEvaluator.js';
export { type ConfusionCell, type LogLossSums, MulticlassMetrics } from './MulticlassMetrics.js';
export {
  REGRESSION_METRICS,
  RegressionEvaluator,
  type RegressionMetricName,
} from './RegressionEvaluator.js';
export { RegressionMetrics, type RegressionSums } from './RegressionMetrics.js';
