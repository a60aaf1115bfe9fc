/**
 * Classifiers with Spark MLlib's params and semantics, trained on deepframe's ONNX training engine.
 *
 * @module
 */

export {
  CLASSIFIER_IO,
  type ClassifierHead,
  classifierGraph,
  type DenseWeights,
  readClassifierWeights,
} from './classifierGraph.js';
export { type FitProgress, fitProgress, showProgressSpec } from './classifierParams.js';
export { LogisticRegression } from './LogisticRegression.js';
export {
  LogisticRegressionModel,
  type LogisticRegressionSummary,
  type LogisticRegressionWeights,
} from './LogisticRegressionModel.js';
export {
  hiddenActivationSpec,
  layersSpec,
  MultilayerPerceptronClassificationModel,
  type MultilayerPerceptronSummary,
} from './MultilayerPerceptronClassificationModel.js';
export { MultilayerPerceptronClassifier } from './MultilayerPerceptronClassifier.js';
export { ProbabilisticClassificationModel } from './ProbabilisticClassificationModel.js';
export { ProbabilisticClassifier } from './ProbabilisticClassifier.js';
export { readTrainingData, type TrainingColumns, type TrainingData } from './trainingData.js';
