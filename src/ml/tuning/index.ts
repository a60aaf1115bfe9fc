/**
 * Model selection, after Spark ML's `ml.tuning`: a grid of param maps ({@link ParamGridBuilder}) tried by k-fold
 * cross-validation ({@link CrossValidator}) or on one train-validation split ({@link TrainValidationSplit}),
 * scored by any evaluator, with up to `parallelism` candidates fitted at once. Works on the embedded engine and on
 * Spark.
 *
 * @example
 * ```ts
 * import { CrossValidator, ParamGridBuilder } from 'deepframe';
 * const grid = new ParamGridBuilder<LogisticRegression>().addGrid('regParam', [0.1, 0.01]).build();
 * const cvModel = await new CrossValidator({ estimator: lr, estimatorParamMaps: grid, evaluator }).fit(train);
 * ```
 *
 * @module
 */

export { CrossValidator, type CrossValidatorOptions } from './CrossValidator.js';
export { CrossValidatorModel, type CrossValidatorModelOptions } from './CrossValidatorModel.js';
export { ParamGridBuilder } from './ParamGridBuilder.js';
export type { ModelOf } from './search.js';
export { TrainValidationSplit, type TrainValidationSplitOptions } from './TrainValidationSplit.js';
export {
  TrainValidationSplitModel,
  type TrainValidationSplitModelOptions,
} from './TrainValidationSplitModel.js';
export { Validator } from './Validator.js';
export { ValidatorModel, type ValidatorModelOptions } from './ValidatorModel.js';
