import { ParamValidators } from '../ml/ParamValidators.js';
import { TypeConverters } from '../ml/TypeConverters.js';

/** Param specs that every ONNX stage shares: batching, the session's options and the per-row error policy. */
export const OnnxParams = {
  batchSize: {
    name: 'batchSize',
    doc: 'rows per model run (≥ 1).',
    converter: TypeConverters.toInt,
    validator: ParamValidators.gtEq(1),
    default: 64,
  },
  executionProviders: {
    name: 'executionProviders',
    doc: "ONNX Runtime execution providers in order of preference: 'cpu' (default), or 'cuda' with the CUDA build of onnxruntime-node installed.",
    converter: TypeConverters.toListString,
    default: ['cpu'] as readonly string[],
  },
  intraOpNumThreads: {
    name: 'intraOpNumThreads',
    doc: 'threads per model session; 0 (default) lets deepframe share the cores among the worker threads.',
    converter: TypeConverters.toInt,
    validator: ParamValidators.gtEq(0),
    default: 0,
  },
  onError: {
    name: 'onError',
    doc: "what a row whose input cannot be used (null, or an image that does not decode) becomes: 'null' (default) outputs, or 'fail' to stop the job naming the row.",
    converter: TypeConverters.toOneOf(['null', 'fail'] as const),
    default: 'null' as const,
  },
} as const;
