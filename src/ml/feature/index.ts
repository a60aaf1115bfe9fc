/**
 * Spark ML's feature stages, on both engines: {@link StringIndexer}, {@link IndexToString},
 * {@link VectorAssembler}, {@link StandardScaler} and {@link OneHotEncoder}, with Spark's params, defaults and
 * outputs. Fitting aggregates in the engine and brings back only the small result; transforms are column
 * expressions, so they run wherever the DataFrame runs.
 *
 * @example
 * ```ts
 * import { Pipeline, StringIndexer, OneHotEncoder, VectorAssembler, StandardScaler } from 'deepframe';
 * const pipeline = new Pipeline({
 *   stages: [
 *     new StringIndexer({ inputCol: 'color', outputCol: 'colorIndex' }),
 *     new OneHotEncoder({ inputCol: 'colorIndex', outputCol: 'colorVec' }),
 *     new VectorAssembler({ inputCols: ['colorVec', 'size'], outputCol: 'raw' }),
 *     new StandardScaler({ inputCol: 'raw', outputCol: 'features' }),
 *   ],
 * });
 * const model = await pipeline.fit(df);
 * ```
 *
 * @module
 */
export { IndexToString } from './IndexToString.js';
export { INVALID_VALUE_ERROR_CLASS } from './invalidValues.js';
export { OneHotEncoder } from './OneHotEncoder.js';
export {
  MAX_CATEGORIES,
  type OneHotEncoderHandleInvalid,
  OneHotEncoderModel,
  type OneHotEncoderModelOptions,
  OneHotEncoderParams,
} from './OneHotEncoderModel.js';
export { StandardScaler } from './StandardScaler.js';
export {
  StandardScalerModel,
  type StandardScalerModelOptions,
  StandardScalerParams,
} from './StandardScalerModel.js';
export { StringIndexer } from './StringIndexer.js';
export {
  type StringIndexerHandleInvalid,
  StringIndexerModel,
  type StringIndexerModelOptions,
  StringIndexerParams,
  type StringOrderType,
} from './StringIndexerModel.js';
export { VectorAssembler, type VectorAssemblerHandleInvalid } from './VectorAssembler.js';
export { isUnsizedVector, UNSIZED_VECTOR } from './vectorColumns.js';
