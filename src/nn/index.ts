/**
 * The training engine: layers, automatic differentiation into one ONNX training-step graph, optimizers, and the
 * {@link Trainer} that runs it on ONNX Runtime.
 *
 * @module
 */

export { Tape, type Value } from './autodiff.js';
export { type Dim, type ElemType, GraphBuilder, OPSET } from './graph.js';
export {
  type Activation,
  Dense,
  type DenseOptions,
  Flatten,
  type Initializer,
  initParams,
  type Layer,
  mulberry32,
  type ParamSpec,
  Sequential,
} from './layers.js';
export { type AdamSpec, adam, type OptimizerSpec, type SgdSpec, sgd } from './optimizers.js';
export { compileTraining, type Labels, type Loss, Trainer, type TrainingOptions } from './Trainer.js';
