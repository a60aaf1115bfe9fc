/**
 * Models: ONNX Runtime sessions (options, per-worker cache), model signatures and input checks, graph cutting for
 * featurizers, and the model zoo (names → verified local files, labels).
 *
 * This folder sits below `frame/`, `engine/` and `dl/`, and imports none of them.
 *
 * @module
 */
export {
  type CutGraphOptions,
  cutGraph,
  type GraphTensor,
  listTensors,
  penultimateTensor,
} from './cutGraph.js';
export {
  cachedModelPath,
  type DownloadProgress,
  downloadVerified,
  isModelPath,
  modelUrls,
  type ResolvedModel,
  type ResolveModelOptions,
  resolveModel,
  sha256File,
} from './download.js';
export { deepframeHome, isOffline } from './home.js';
export { type ClassLabel, parseLabels, type ResolveLabelsOptions, resolveLabels } from './labels.js';
export {
  checkInputs,
  type Dim,
  formatShape,
  type ModelSignature,
  type ProvidedTensor,
  readModelSignature,
  readModelSignatureFile,
  signatureFromSession,
  type TensorSpec,
} from './ModelSignature.js';
export { labelEntries, type ModelCard, modelCardPath, readModelCard } from './modelCard.js';
export { isModelUrl, localModelFile, modelFileFromBytes } from './modelSources.js';
export {
  type LabelEntry,
  type OnnxStageInput,
  type OnnxStageOutput,
  type OnnxStageSpec,
  onnxStage,
} from './onnxStage.js';
export {
  CUDA_INSTALL_HINT,
  createSession,
  executionProviderSupport,
  type GraphOptimizationLevel,
  getSession,
  type ModelSessionOptions,
  normalizeSessionOptions,
  releaseSessions,
  SESSION_CACHE_PREFIX,
  type SessionOptionsJson,
} from './sessions.js';
export {
  findModelEntry,
  getModelEntry,
  IMAGENET_LABELS,
  type LabelsFile,
  type LabelsSource,
  listModels,
  type ModelZooEntry,
  registerModel,
  unregisterModel,
  validateModelEntry,
} from './zoo.js';
