/**
 * Deep-learning stages, with the names and params of Spark's Deep Learning Pipelines: image featurizers and
 * predictors, ONNX transformers over tensor and image columns, and block-wise functions.
 *
 * @module
 */
export { type BlockFunction, type MapBlocksOptions, mapBlocks, reduceBlocks } from './blocks.js';
export { DeepImageFeaturizer } from './DeepImageFeaturizer.js';
export { DeepImagePredictor, decodedPredictionsType } from './DeepImagePredictor.js';
export {
  ImageClassificationModel,
  type ImageClassifierNetwork,
  type ImageClassifierSummary,
} from './ImageClassificationModel.js';
export { ImageClassifier } from './ImageClassifier.js';
export { ImageModelStage } from './ImageModelStage.js';
export type { FlipMode } from './imageAugment.js';
export type { EpochMetrics } from './imageClassifierTraining.js';
export { type ImageModel, resolveImageModel, shippedModelNames } from './imageModels.js';
export { OnnxImageTransformer } from './OnnxImageTransformer.js';
export { OnnxStageBase } from './OnnxStageBase.js';
export { OnnxTransformer } from './OnnxTransformer.js';
