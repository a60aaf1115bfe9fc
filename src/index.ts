/**
 * deepframe: deep learning pipelines on DataFrames. This barrel lists what users may touch; everything else is
 * internal.
 *
 * @example
 * ```ts
 * import { Session, col, count } from 'deepframe';
 * await using session = await Session.builder().master('local[*]').getOrCreate();
 * await session.read.images('photos/', { recursive: true, labelFromFolder: true }).groupBy('label').agg(count('*')).show();
 * ```
 *
 * @module
 */

// Distributed training
export {
  type Checkpoint,
  connectTcpRing,
  type DataFrameParallelOptions,
  type DataParallelOptions,
  type DataParallelResult,
  type GangEpoch,
  type PeerAddress,
  type RingLink,
  ringAllReduce,
  type TcpRingLink,
  type TcpRingOptions,
  trainDataParallel,
  trainDataParallelOn,
} from './distributed/index.js';
// Deep learning stages and models
export {
  type BlockFunction,
  DeepImageFeaturizer,
  DeepImagePredictor,
  decodedPredictionsType,
  type EpochMetrics,
  type FlipMode,
  ImageClassificationModel,
  ImageClassifier,
  type ImageClassifierNetwork,
  type ImageClassifierSummary,
  type MapBlocksOptions,
  mapBlocks,
  OnnxImageTransformer,
  OnnxTransformer,
  reduceBlocks,
  shippedModelNames,
} from './dl/index.js';
// Engines
export type {
  Engine,
  EngineOptions,
  EngineProvider,
  GangRunOptions,
  SaveMode,
  WriteSpec,
} from './engine/Engine.js';
export { registerEngine, registeredEngines } from './engine/Engine.js';
export {
  type MapOptions,
  type RunOptions,
  WorkerPool,
  type WorkerPoolOptions,
} from './engine/local/index.js';
export { LocalSparkCluster } from './engine/spark/cluster/LocalSparkCluster.js';
export { SparkConnectClient } from './engine/spark/connect/SparkConnectClient.js';
export { SparkEngine } from './engine/spark/index.js';
export {
  MLLIB_LOGISTIC_REGRESSION,
  MLLIB_MULTILAYER_PERCEPTRON,
  MllibClient,
  type MllibModelRef,
  type MlParamValue,
  type MlValue,
} from './engine/spark/ml/index.js';
// Errors
export {
  DeepframeError,
  ExecutionError,
  IOError,
  ModelError,
  ParamError,
  SchemaError,
  SparkError,
} from './errors.js';
// Sessions, DataFrames and columns
export { Column, type ColumnLike, SortColumn } from './frame/Column.js';
export { DataFrame } from './frame/DataFrame.js';
export { DataFrameReader, type ImageReaderOptions } from './frame/DataFrameReader.js';
export { DataFrameWriter } from './frame/DataFrameWriter.js';
export {
  abs,
  array,
  asc,
  avg,
  type ColumnOrName,
  ceil,
  coalesce,
  col,
  collectList,
  collectSet,
  column,
  concat,
  concatWs,
  count,
  countDistinct,
  desc,
  elementAt,
  exp,
  expr,
  first,
  floor,
  greatest,
  isnan,
  isnull,
  last,
  least,
  length,
  lit,
  log,
  log10,
  lower,
  ltrim,
  max,
  mean,
  min,
  nanvl,
  not,
  pow,
  regexpReplace,
  round,
  rtrim,
  signum,
  size,
  sqrt,
  stddev,
  struct,
  substring,
  sum,
  trim,
  upper,
  variance,
  when,
} from './frame/functions.js';
export { GroupedData } from './frame/GroupedData.js';
export { Session, SessionBuilder } from './frame/Session.js';
// Images and files
export {
  type ImageStruct,
  imageColumnSchema,
  imageFromRGB,
  imageSchema,
  imageToRGB,
  ocvTypes,
} from './image/index.js';
export { type ImagePreprocessSpec, imageFileToTensor, imageToTensor } from './image/preprocess.js';
export { defaultImageExtensions, fileOrigin, listImageFiles } from './io/imageFiles.js';
export type {
  OneHotEncoderHandleInvalid,
  OneHotEncoderModelOptions,
  ParamSpec,
  StageOptions,
  StandardScalerModelOptions,
  StringIndexerHandleInvalid,
  StringIndexerModelOptions,
  StringOrderType,
  VectorAssemblerHandleInvalid,
} from './ml/index.js';
// ML pipelines
// Feature stages
// Evaluation
export {
  BINARY_METRICS,
  BinaryClassificationEvaluator,
  BinaryClassificationMetrics,
  type BinaryMetricName,
  type ConfusionCell,
  CrossValidator,
  CrossValidatorModel,
  type CrossValidatorModelOptions,
  type CrossValidatorOptions,
  type CurvePoint,
  Estimator,
  Evaluator,
  IndexToString,
  LogisticRegression,
  LogisticRegressionModel,
  type LogisticRegressionSummary,
  type LogisticRegressionWeights,
  type LogLossSums,
  Model,
  type ModelOf,
  MULTICLASS_METRICS,
  MulticlassClassificationEvaluator,
  type MulticlassMetricName,
  MulticlassMetrics,
  MultilayerPerceptronClassificationModel,
  MultilayerPerceptronClassifier,
  type MultilayerPerceptronSummary,
  OneHotEncoder,
  OneHotEncoderModel,
  Param,
  ParamGridBuilder,
  ParamMap,
  Params,
  ParamValidators,
  Pipeline,
  PipelineModel,
  PipelineStage,
  ProbabilisticClassificationModel,
  ProbabilisticClassifier,
  REGRESSION_METRICS,
  RegressionEvaluator,
  type RegressionMetricName,
  RegressionMetrics,
  type RegressionSums,
  registerStage,
  type ScoreCounts,
  SharedParams,
  StandardScaler,
  StandardScalerModel,
  StringIndexer,
  StringIndexerModel,
  TrainValidationSplit,
  TrainValidationSplitModel,
  type TrainValidationSplitModelOptions,
  type TrainValidationSplitOptions,
  Transformer,
  TypeConverters,
  Validator,
  ValidatorModel,
  type ValidatorModelOptions,
  VectorAssembler,
} from './ml/index.js';
export {
  type ClassLabel,
  cutGraph,
  deepframeHome,
  findModelEntry,
  listModels,
  listTensors,
  localModelFile,
  type ModelCard,
  type ModelSignature,
  type ModelZooEntry,
  modelFileFromBytes,
  penultimateTensor,
  readModelSignatureFile,
  registerModel,
  resolveModel,
  type SessionOptionsJson,
} from './models/index.js';
export type {
  Activation,
  BatchNormOptions,
  Conv2DOptions,
  DenseOptions,
  DropoutOptions,
  Layer,
  LayerJson,
  Loss,
  MinimizeOptions,
  MinimizeResult,
  ObjectiveLoss,
  ObjectiveOptions,
  OptimizerSpec,
  Padding,
  Pool2DOptions,
  SequentialJson,
  TrainingOptions,
} from './nn/index.js';
// The training engine
export {
  ActivationLayer,
  AvgPool2D,
  adam,
  BatchNorm,
  Conv2D,
  compileGradientStep,
  compileObjective,
  compileTraining,
  Dense,
  Dropout,
  Flatten,
  GlobalAvgPool2D,
  GlobalMaxPool2D,
  GradientStep,
  MaxPool2D,
  minimize,
  Objective,
  Sequential,
  sequentialFromJson,
  sequentialToJson,
  sgd,
  Trainer,
  withTrainingThreads,
} from './nn/index.js';
// Reports
export {
  type BarChartOptions,
  barChart,
  CHART_FONT,
  type ChartBlock,
  type ChartSpec,
  type ConfusionMatrixChartOptions,
  confusionMatrixChart,
  type KeyValuesBlock,
  type LearningCurveChartOptions,
  type LearningCurveSeries,
  learningCurveChart,
  type ParagraphBlock,
  type RenderChartOptions,
  type RenderedChart,
  type Report,
  type ReportBlock,
  ReportBuilder,
  type ReportBuilderOptions,
  type ReportCell,
  type ReportFiles,
  type ReportSection,
  ReportSectionBuilder,
  renderChart,
  type TableBlock,
  type TuningResultsChartOptions,
  tuningResultsChart,
  type WriteReportOptions,
  writeReport,
} from './report/index.js';
// SQL
export { Catalog, type CatalogTable } from './sql/Catalog.js';
export {
  type FunctionOptions,
  type ImageModelFunctionOptions,
  type ModelFunctionOptions,
  UDFRegistration,
} from './sql/UDFRegistration.js';
export { vectorData, vectorValues } from './tensor/vectors.js';
export { fromArrowSchema, fromArrowType, toArrowSchema, toArrowType } from './types/arrow.js';
// Types and values
export {
  type ArrayType,
  type AtomicKind,
  type DataType,
  DataTypes,
  parseTypeName,
  type StructField,
  type StructType,
  simpleString,
  type VectorType,
} from './types/DataType.js';
export { fieldNames, findField, treeString } from './types/Schema.js';
export type { Row, Value } from './types/Value.js';
// Workers
export {
  createStageContext,
  type JsonValue,
  type ModuleStageSpec,
  registerStageHandler,
  type StageContext,
  type StageFunction,
  type StageHandler,
  type StageSpec,
} from './worker/index.js';
