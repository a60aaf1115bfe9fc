/**
 * The training engine: layers, automatic differentiation into one ONNX training-step graph, optimizers, and the
 * {@link Trainer} that runs it on ONNX Runtime.
 *
 * @module
 */

export { Tape, type Value } from './autodiff.js';
export { Conv2D, type Conv2DOptions, conv2d, type Padding, type Window2D, window2d } from './conv.js';
export { Dropout, type DropoutOptions } from './dropout.js';
export {
  compileGradientStep,
  GradientStep,
  type GradientStepOptions,
  type TrainingState,
} from './GradientStep.js';
export { type Dim, type ElemType, GraphBuilder, OPSET } from './graph.js';
export { initParams, layerSeed, mulberry32 } from './init.js';
export {
  type LayerJson,
  layerFromJson,
  layerToJson,
  type SequentialJson,
  sequentialFromJson,
  sequentialToJson,
} from './layerJson.js';
export {
  type Activation,
  ActivationLayer,
  type ApplyOptions,
  Dense,
  type DenseOptions,
  Flatten,
  type Initializer,
  type Layer,
  type LayerContext,
  type LayerKind,
  type ParamSpec,
  Sequential,
  type StateSpec,
} from './layers.js';
export {
  type IterationInfo,
  type MinimizeOptions,
  type MinimizeResult,
  minimize,
  type StopReason,
  type ValueAndGradient,
} from './lbfgs.js';
export {
  BatchNorm,
  type BatchNormOptions,
  batchNormInference,
  batchNormTraining,
} from './normalization.js';
export {
  compileObjective,
  Objective,
  type ObjectiveData,
  type ObjectiveLoss,
  type ObjectiveOptions,
  type ObjectiveValue,
} from './objective.js';
export { type AdamSpec, adam, type OptimizerSpec, type SgdSpec, sgd } from './optimizers.js';
export { AvgPool2D, GlobalAvgPool2D, GlobalMaxPool2D, MaxPool2D, type Pool2DOptions } from './pooling.js';
export { avgPool2d, globalAvgPool, globalMaxPool, maxPool2d } from './poolingOps.js';
export { compileTraining, type Labels, type Loss, Trainer, type TrainingOptions } from './Trainer.js';
export { trainingThreads, withTrainingThreads } from './threads.js';
