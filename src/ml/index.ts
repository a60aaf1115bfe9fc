/**
 * deepframe's ML pipeline base, after pyspark's `ml` package, typed: params, stages, pipelines, save and load.
 *
 * @example
 * ```ts
 * import { Pipeline, PipelineModel } from 'deepframe';
 * const model = await new Pipeline({ stages: [scaler, lr] }).fit(train);
 * await model.save('/models/m', { overwrite: true });
 * const again = await PipelineModel.load('/models/m');
 * ```
 *
 * @module
 */

export {
  LogisticRegression,
  LogisticRegressionModel,
  type LogisticRegressionSummary,
  type LogisticRegressionWeights,
  MultilayerPerceptronClassificationModel,
  MultilayerPerceptronClassifier,
  type MultilayerPerceptronSummary,
  ProbabilisticClassificationModel,
  ProbabilisticClassifier,
} from './classification/index.js';
export { Estimator } from './Estimator.js';
export {
  BINARY_METRICS,
  BinaryClassificationEvaluator,
  BinaryClassificationMetrics,
  type BinaryMetricName,
  type ConfusionCell,
  type CurvePoint,
  Evaluator,
  type LogLossSums,
  MULTICLASS_METRICS,
  MulticlassClassificationEvaluator,
  type MulticlassMetricName,
  MulticlassMetrics,
  REGRESSION_METRICS,
  RegressionEvaluator,
  type RegressionMetricName,
  RegressionMetrics,
  type RegressionSums,
  type ScoreCounts,
} from './evaluation/index.js';
export {
  INVALID_VALUE_ERROR_CLASS,
  IndexToString,
  isUnsizedVector,
  MAX_CATEGORIES,
  OneHotEncoder,
  type OneHotEncoderHandleInvalid,
  OneHotEncoderModel,
  type OneHotEncoderModelOptions,
  OneHotEncoderParams,
  StandardScaler,
  StandardScalerModel,
  type StandardScalerModelOptions,
  StandardScalerParams,
  StringIndexer,
  type StringIndexerHandleInvalid,
  StringIndexerModel,
  type StringIndexerModelOptions,
  StringIndexerParams,
  type StringOrderType,
  UNSIZED_VECTOR,
  VectorAssembler,
  type VectorAssemblerHandleInvalid,
} from './feature/index.js';
export { loadStage, readMetadata, readStages } from './loadStage.js';
export { Model } from './Model.js';
export {
  describeValue,
  invalidValue,
  type JsonValue,
  Param,
  type ParamSpec,
  type ParamValidator,
  type TypeConverter,
} from './Param.js';
export { formatParamValue, ParamMap, type ParamPair } from './ParamMap.js';
export {
  type ParamOverrides,
  Params,
  type ParamsJson,
  type ParamsOptions,
  type ParamValues,
  randomUid,
  type StageOptions,
} from './Params.js';
export { ParamValidators } from './ParamValidators.js';
export { Pipeline } from './Pipeline.js';
export { PipelineModel, type PipelineModelOptions } from './PipelineModel.js';
export { PipelineStage, toStages } from './PipelineStage.js';
export {
  type LoadContext,
  METADATA_FILE,
  paramsLoader,
  registeredStages,
  registerStage,
  type SaveOptions,
  type StageConstructor,
  type StageLoader,
  type StageMetadata,
  stageDirName,
  stageLoader,
} from './persistence.js';
export { deepframeVersion, saveStage, stagesMetadata, writeStage, writeStages } from './saveStage.js';
export { appendColumn, checkColumnType } from './schemaUtils.js';
export {
  type HasBatchSize,
  type HasBlockSize,
  type HasCollectSubModels,
  type HasElasticNetParam,
  type HasFeaturesCol,
  type HasFitIntercept,
  type HasInputCol,
  type HasInputCols,
  type HasLabelCol,
  type HasMaxIter,
  type HasOutputCol,
  type HasOutputCols,
  type HasParallelism,
  type HasPredictionCol,
  type HasProbabilityCol,
  type HasRawPredictionCol,
  type HasRegParam,
  type HasSeed,
  type HasStandardization,
  type HasStepSize,
  type HasTol,
  type HasWeightCol,
  SharedParams,
} from './sharedParams.js';
export { Transformer } from './Transformer.js';
export { TypeConverters } from './TypeConverters.js';
export {
  CrossValidator,
  CrossValidatorModel,
  type CrossValidatorModelOptions,
  type CrossValidatorOptions,
  type ModelOf,
  ParamGridBuilder,
  TrainValidationSplit,
  TrainValidationSplitModel,
  type TrainValidationSplitModelOptions,
  type TrainValidationSplitOptions,
  Validator,
  ValidatorModel,
  type ValidatorModelOptions,
} from './tuning/index.js';
