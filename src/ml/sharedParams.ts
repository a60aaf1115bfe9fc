import type { Param, ParamSpec } from './Param.js';
import { ParamValidators } from './ParamValidators.js';
import { TypeConverters } from './TypeConverters.js';

/** Java's `String.hashCode`, which Spark ML's default seeds are made from. */
function javaStringHash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return h;
}

/** The class-name part of a uid (`LogisticRegression` of `LogisticRegression_4f2a9c01be3d`). */
function classOfUid(uid: string): string {
  const cut = uid.lastIndexOf('_');
  return cut < 0 ? uid : uid.slice(0, cut);
}

/**
 * The params that many stages have, defined once with Spark ML's names, docs and defaults (pyspark's
 * `ml/param/shared.py`). A stage declares the ones it has and implements the matching `Has…` interface, whose
 * getter and setter are one line each:
 *
 * @example
 * ```ts
 * class Scaler extends Transformer implements HasInputCol, HasOutputCol {
 *   readonly inputCol = this.declareParam(SharedParams.inputCol);
 *   readonly outputCol = this.declareParam(SharedParams.outputCol);
 *   getInputCol(): string { return this.getOrDefault(this.inputCol); }
 *   setInputCol(value: string): this { return this.set(this.inputCol, value); }
 *   getOutputCol(): string { return this.getOrDefault(this.outputCol); }
 *   setOutputCol(value: string): this { return this.set(this.outputCol, value); }
 *   // …
 * }
 * ```
 *
 * A stage that wants another default spreads the spec: `this.declareParam({ ...SharedParams.maxIter, default: 10 })`.
 */
export const SharedParams = Object.freeze({
  /** `inputCol`: the input column's name; no default. */
  inputCol: {
    name: 'inputCol',
    doc: 'input column name.',
    converter: TypeConverters.toString,
  } satisfies ParamSpec<string>,
  /** `inputCols`: the input columns' names; no default. */
  inputCols: {
    name: 'inputCols',
    doc: 'input column names.',
    converter: TypeConverters.toListString,
  } satisfies ParamSpec<readonly string[]>,
  /** `outputCol`: the output column's name; default `<uid>__output`, as in Spark. */
  outputCol: {
    name: 'outputCol',
    doc: 'output column name.',
    converter: TypeConverters.toString,
    defaultFromUid: (uid: string) => `${uid}__output`,
  } satisfies ParamSpec<string>,
  /** `outputCols`: the output columns' names; no default. */
  outputCols: {
    name: 'outputCols',
    doc: 'output column names.',
    converter: TypeConverters.toListString,
  } satisfies ParamSpec<readonly string[]>,
  /** `labelCol`: the label column's name; default `'label'`. */
  labelCol: {
    name: 'labelCol',
    doc: 'label column name.',
    converter: TypeConverters.toString,
    default: 'label',
  } satisfies ParamSpec<string>,
  /** `featuresCol`: the features column's name; default `'features'`. */
  featuresCol: {
    name: 'featuresCol',
    doc: 'features column name.',
    converter: TypeConverters.toString,
    default: 'features',
  } satisfies ParamSpec<string>,
  /** `predictionCol`: the prediction column's name; default `'prediction'`. */
  predictionCol: {
    name: 'predictionCol',
    doc: 'prediction column name.',
    converter: TypeConverters.toString,
    default: 'prediction',
  } satisfies ParamSpec<string>,
  /** `probabilityCol`: the class-probabilities column's name; default `'probability'`. */
  probabilityCol: {
    name: 'probabilityCol',
    doc:
      'column name for predicted class conditional probabilities. Not all models output well-calibrated ' +
      'probabilities: treat them as confidences.',
    converter: TypeConverters.toString,
    default: 'probability',
  } satisfies ParamSpec<string>,
  /** `rawPredictionCol`: the raw scores' (logits', confidences') column name; default `'rawPrediction'`. */
  rawPredictionCol: {
    name: 'rawPredictionCol',
    doc: 'raw prediction (a.k.a. confidence) column name.',
    converter: TypeConverters.toString,
    default: 'rawPrediction',
  } satisfies ParamSpec<string>,
  /** `weightCol`: the instance-weight column's name; when not set or empty, every weight is 1. No default. */
  weightCol: {
    name: 'weightCol',
    doc: 'weight column name. If this is not set or empty, we treat all instance weights as 1.0.',
    converter: TypeConverters.toString,
  } satisfies ParamSpec<string>,
  /** `maxIter`: the most iterations (epochs) an optimizer runs, `>= 0`; no default. */
  maxIter: {
    name: 'maxIter',
    doc: 'max number of iterations (>= 0).',
    converter: TypeConverters.toInt,
    validator: ParamValidators.gtEq(0),
  } satisfies ParamSpec<number>,
  /** `regParam`: the regularization parameter, `>= 0`; no default. */
  regParam: {
    name: 'regParam',
    doc: 'regularization parameter (>= 0).',
    converter: TypeConverters.toFloat,
    validator: ParamValidators.gtEq(0),
  } satisfies ParamSpec<number>,
  /** `elasticNetParam`: the L1 share of the penalty, in `[0, 1]`; default 0 (pure L2). */
  elasticNetParam: {
    name: 'elasticNetParam',
    doc: 'the ElasticNet mixing parameter, in range [0, 1]. For alpha = 0, the penalty is an L2 penalty. For alpha = 1, it is an L1 penalty.',
    converter: TypeConverters.toFloat,
    validator: ParamValidators.inRange(0, 1),
    default: 0,
  } satisfies ParamSpec<number>,
  /** `tol`: the convergence tolerance of iterative algorithms, `>= 0`; no default. */
  tol: {
    name: 'tol',
    doc: 'the convergence tolerance for iterative algorithms (>= 0).',
    converter: TypeConverters.toFloat,
    validator: ParamValidators.gtEq(0),
  } satisfies ParamSpec<number>,
  /** `stepSize`: the optimizer's step size (learning rate), `> 0`; no default. */
  stepSize: {
    name: 'stepSize',
    doc: 'step size to be used for each iteration of optimization (> 0).',
    converter: TypeConverters.toFloat,
    validator: ParamValidators.gt(0),
  } satisfies ParamSpec<number>,
  /**
   * `seed`: the random seed; default the Java `String.hashCode` of the stage's class name, as Spark ML's (so a
   * class's default seed is the same in every run).
   */
  seed: {
    name: 'seed',
    doc: 'random seed.',
    converter: TypeConverters.toInt,
    defaultFromUid: (uid: string) => javaStringHash(classOfUid(uid)),
  } satisfies ParamSpec<number>,
  /** `fitIntercept`: whether to fit an intercept term; default `true`. */
  fitIntercept: {
    name: 'fitIntercept',
    doc: 'whether to fit an intercept term.',
    converter: TypeConverters.toBoolean,
    default: true,
  } satisfies ParamSpec<boolean>,
  /** `standardization`: whether to standardize the features before fitting; default `true`. */
  standardization: {
    name: 'standardization',
    doc: 'whether to standardize the training features before fitting the model.',
    converter: TypeConverters.toBoolean,
    default: true,
  } satisfies ParamSpec<boolean>,
  /** `batchSize`: rows per batch handed to a model (deepframe's; bounds memory), `> 0`; no default. */
  batchSize: {
    name: 'batchSize',
    doc: 'number of rows per batch given to the model (> 0).',
    converter: TypeConverters.toInt,
    validator: ParamValidators.gt(0),
  } satisfies ParamSpec<number>,
  /** `blockSize`: rows stacked into one matrix when training, `> 0`; no default. */
  blockSize: {
    name: 'blockSize',
    doc: 'block size for stacking input data in matrices (> 0).',
    converter: TypeConverters.toInt,
    validator: ParamValidators.gt(0),
  } satisfies ParamSpec<number>,
  /** `parallelism`: how many models or tasks run at once, `>= 1`; default 1. */
  parallelism: {
    name: 'parallelism',
    doc: 'the number of threads to use when running parallel algorithms (>= 1).',
    converter: TypeConverters.toInt,
    validator: ParamValidators.gtEq(1),
    default: 1,
  } satisfies ParamSpec<number>,
  /** `collectSubModels`: whether tuning keeps every model it fits, not only the best; default `false`. */
  collectSubModels: {
    name: 'collectSubModels',
    doc: 'whether to collect a list of sub-models trained during tuning. If false, only the best model is kept.',
    converter: TypeConverters.toBoolean,
    default: false,
  } satisfies ParamSpec<boolean>,
});

/** A stage with an `inputCol` param. */
export interface HasInputCol {
  readonly inputCol: Param<string>;
  getInputCol(): string;
  setInputCol(value: string): this;
}

/** A stage with an `inputCols` param. */
export interface HasInputCols {
  readonly inputCols: Param<readonly string[]>;
  getInputCols(): readonly string[];
  setInputCols(value: readonly string[]): this;
}

/** A stage with an `outputCol` param. */
export interface HasOutputCol {
  readonly outputCol: Param<string>;
  getOutputCol(): string;
  setOutputCol(value: string): this;
}

/** A stage with an `outputCols` param. */
export interface HasOutputCols {
  readonly outputCols: Param<readonly string[]>;
  getOutputCols(): readonly string[];
  setOutputCols(value: readonly string[]): this;
}

/** A stage with a `labelCol` param. */
export interface HasLabelCol {
  readonly labelCol: Param<string>;
  getLabelCol(): string;
  setLabelCol(value: string): this;
}

/** A stage with a `featuresCol` param. */
export interface HasFeaturesCol {
  readonly featuresCol: Param<string>;
  getFeaturesCol(): string;
  setFeaturesCol(value: string): this;
}

/** A stage with a `predictionCol` param. */
export interface HasPredictionCol {
  readonly predictionCol: Param<string>;
  getPredictionCol(): string;
  setPredictionCol(value: string): this;
}

/** A stage with a `probabilityCol` param. */
export interface HasProbabilityCol {
  readonly probabilityCol: Param<string>;
  getProbabilityCol(): string;
  setProbabilityCol(value: string): this;
}

/** A stage with a `rawPredictionCol` param. */
export interface HasRawPredictionCol {
  readonly rawPredictionCol: Param<string>;
  getRawPredictionCol(): string;
  setRawPredictionCol(value: string): this;
}

/** A stage with a `weightCol` param. */
export interface HasWeightCol {
  readonly weightCol: Param<string>;
  getWeightCol(): string;
  setWeightCol(value: string): this;
}

/** A stage with a `maxIter` param. */
export interface HasMaxIter {
  readonly maxIter: Param<number>;
  getMaxIter(): number;
  setMaxIter(value: number): this;
}

/** A stage with a `regParam` param. */
export interface HasRegParam {
  readonly regParam: Param<number>;
  getRegParam(): number;
  setRegParam(value: number): this;
}

/** A stage with an `elasticNetParam` param. */
export interface HasElasticNetParam {
  readonly elasticNetParam: Param<number>;
  getElasticNetParam(): number;
  setElasticNetParam(value: number): this;
}

/** A stage with a `tol` param. */
export interface HasTol {
  readonly tol: Param<number>;
  getTol(): number;
  setTol(value: number): this;
}

/** A stage with a `stepSize` param. */
export interface HasStepSize {
  readonly stepSize: Param<number>;
  getStepSize(): number;
  setStepSize(value: number): this;
}

/** A stage with a `seed` param. */
export interface HasSeed {
  readonly seed: Param<number>;
  getSeed(): number;
  setSeed(value: number): this;
}

/** A stage with a `fitIntercept` param. */
export interface HasFitIntercept {
  readonly fitIntercept: Param<boolean>;
  getFitIntercept(): boolean;
  setFitIntercept(value: boolean): this;
}

/** A stage with a `standardization` param. */
export interface HasStandardization {
  readonly standardization: Param<boolean>;
  getStandardization(): boolean;
  setStandardization(value: boolean): this;
}

/** A stage with a `batchSize` param. */
export interface HasBatchSize {
  readonly batchSize: Param<number>;
  getBatchSize(): number;
  setBatchSize(value: number): this;
}

/** A stage with a `blockSize` param. */
export interface HasBlockSize {
  readonly blockSize: Param<number>;
  getBlockSize(): number;
  setBlockSize(value: number): this;
}

/** A stage with a `parallelism` param. */
export interface HasParallelism {
  readonly parallelism: Param<number>;
  getParallelism(): number;
  setParallelism(value: number): this;
}

/** A stage with a `collectSubModels` param. */
export interface HasCollectSubModels {
  readonly collectSubModels: Param<boolean>;
  getCollectSubModels(): boolean;
  setCollectSubModels(value: boolean): this;
}
