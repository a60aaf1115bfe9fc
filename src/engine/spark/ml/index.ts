/**
 * Spark MLlib over Spark Connect's ML support (Spark 4.0+): fit MLlib's estimators on a Spark session's rows, read
 * the fitted models' attributes, run their transforms, and turn deepframe's classifiers' fits into MLlib fits.
 *
 * @module
 */

export {
  type MlConnection,
  MllibClient,
  type MllibColumns,
  type MllibMethod,
  type MllibModelRef,
} from './MllibClient.js';
export {
  MATRIX_UDT,
  type MlMatrix,
  type MlParamValue,
  type MlValue,
  type MlVector,
  mlParams,
  mlValue,
  paramLiteral,
  VECTOR_UDT,
} from './mlLiterals.js';
export {
  fitLogisticRegressionWithMllib,
  fitPerceptronWithMllib,
  MLLIB_LOGISTIC_REGRESSION,
  MLLIB_MULTILAYER_PERCEPTRON,
  type MllibLogisticRegressionFit,
  type MllibPerceptronFit,
  type MllibStage,
  type MllibSummary,
  mllibFitDataset,
  mllibParams,
} from './mllibClassifiers.js';
