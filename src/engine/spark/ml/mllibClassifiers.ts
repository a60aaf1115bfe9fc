/**
 * deepframe's `LogisticRegression` and `MultilayerPerceptronClassifier` fitted by Spark MLlib on a Spark session:
 * the estimator's params (those MLlib has) go with an `MlCommand.Fit` over the DataFrame's rows, and the fitted
 * model's weights and training summary come back as plain data for deepframe's own model classes, which run them
 * on either engine and export them as ONNX. The server-side model is dropped once read.
 *
 * @module
 */

import { SparkError } from '../../../errors.js';
import type { PlanNode } from '../../../plan/nodes.js';
import type { MllibClient, MllibModelRef } from './MllibClient.js';
import type { MlMatrix, MlParamValue, MlValue } from './mlLiterals.js';

/** Spark MLlib's logistic regression. */
export const MLLIB_LOGISTIC_REGRESSION = 'org.apache.spark.ml.classification.LogisticRegression';
/** Spark MLlib's multilayer perceptron classifier. */
export const MLLIB_MULTILAYER_PERCEPTRON =
  'org.apache.spark.ml.classification.MultilayerPerceptronClassifier';

/** What is read of a deepframe estimator: its params by name (a deepframe `Params` has these methods). */
export interface MllibStage {
  readonly uid: string;
  hasParam(name: string): boolean;
  isDefined(name: string): boolean;
  getOrDefault(name: string): unknown;
}

/** The params of MLlib's logistic regression that deepframe's has, besides the columns. */
const LOGISTIC_PARAMS = [
  'maxIter',
  'regParam',
  'elasticNetParam',
  'tol',
  'fitIntercept',
  'standardization',
  'family',
] as const;

/** The params of MLlib's perceptron that deepframe's has, besides the columns (`initialWeights` is a vector). */
const PERCEPTRON_PARAMS = ['layers', 'blockSize', 'solver', 'maxIter', 'tol', 'stepSize', 'seed'] as const;

/** What an MLlib fit recorded, in deepframe's summary form. */
export interface MllibSummary {
  readonly objectiveHistory: readonly number[];
  readonly totalIterations: number;
  /** MLlib does not say why its solver stopped: `'mllib'`. */
  readonly stopReason: string;
}

/** A logistic regression that MLlib fitted (the fields of deepframe's `LogisticRegressionWeights`). */
export interface MllibLogisticRegressionFit {
  readonly weights: {
    readonly coefficientMatrix: Float64Array;
    readonly interceptVector: Float64Array;
    readonly numFeatures: number;
    readonly numClasses: number;
    readonly isMultinomial: boolean;
  };
  /** Undefined when the server kept no training summary. */
  readonly summary: MllibSummary | undefined;
}

/** A perceptron that MLlib fitted: its weights in MLlib's flat layout. */
export interface MllibPerceptronFit {
  readonly weights: Float64Array;
  readonly summary: MllibSummary | undefined;
}

function value(stage: MllibStage, name: string): MlParamValue | undefined {
  return stage.hasParam(name) && stage.isDefined(name)
    ? (stage.getOrDefault(name) as MlParamValue)
    : undefined;
}

/** The columns a fit reads: features (a vector), label and weight (doubles). */
function fitColumns(stage: MllibStage): {
  features: string;
  doubles: string[];
  params: Record<string, string>;
} {
  const features = String(stage.getOrDefault('featuresCol'));
  const label = String(stage.getOrDefault('labelCol'));
  const weight = String(value(stage, 'weightCol') ?? '');
  return {
    features,
    doubles: weight === '' ? [label] : [label, weight],
    params: { featuresCol: features, labelCol: label, ...(weight === '' ? {} : { weightCol: weight }) },
  };
}

/** `thresholds` when set, else `threshold` (MLlib refuses both when they disagree; deepframe keeps one). */
function thresholdParams(stage: MllibStage): Record<string, MlParamValue | undefined> {
  const thresholds = value(stage, 'thresholds');
  return thresholds !== undefined ? { thresholds } : { threshold: value(stage, 'threshold') };
}

/**
 * The params MLlib gets for a deepframe `LogisticRegression` or `MultilayerPerceptronClassifier`: the values in
 * effect (deepframe's defaults included, so that a fit does not depend on MLlib's defaults) of the params that
 * MLlib has, and the feature, label and weight columns.
 *
 * @example
 * ```ts
 * mllibParams(new LogisticRegression({ regParam: 0.1 }), MLLIB_LOGISTIC_REGRESSION);
 * // { featuresCol: 'features', labelCol: 'label', maxIter: 100, regParam: 0.1, …, threshold: 0.5 }
 * ```
 */
export function mllibParams(stage: MllibStage, estimator: string): Record<string, MlParamValue | undefined> {
  const names = estimator === MLLIB_MULTILAYER_PERCEPTRON ? PERCEPTRON_PARAMS : LOGISTIC_PARAMS;
  const params: Record<string, MlParamValue | undefined> = { ...fitColumns(stage).params };
  for (const name of names) params[name] = value(stage, name);
  if (estimator === MLLIB_MULTILAYER_PERCEPTRON) {
    const initial = value(stage, 'initialWeights') as readonly number[] | undefined;
    if (initial !== undefined) params.initialWeights = { kind: 'vector', values: initial };
  }
  return { ...params, ...thresholdParams(stage) };
}

/**
 * The dataset a fit sends: the features as Spark ML vectors, the label (and weight) as doubles, nothing else.
 *
 * @example
 * ```ts
 * const dataset = await mllibFitDataset(mllib, lr, df.plan);
 * ```
 */
export function mllibFitDataset(
  mllib: MllibClient,
  stage: MllibStage,
  plan: PlanNode,
): ReturnType<MllibClient['dataset']> {
  const columns = fitColumns(stage);
  return mllib.dataset(plan, { vectors: [columns.features], doubles: columns.doubles, only: true });
}

function expect<T>(v: MlValue, check: (v: MlValue) => v is MlValue & T, what: string): T {
  if (!check(v)) {
    throw new SparkError(
      'UNEXPECTED_ML_RESULT',
      `Spark MLlib's ${what} was not what deepframe expected (got ${typeof v}).`,
      { what },
    );
  }
  return v as T;
}
const isNumber = (v: MlValue): v is number => typeof v === 'number';
const isNumbers = (v: MlValue): v is Float64Array => v instanceof Float64Array;
const isMatrix = (v: MlValue): v is MlMatrix =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && 'kind' in v && v.kind === 'matrix';

/** The model's training summary, or undefined when the server kept none. */
async function summaryOf(mllib: MllibClient, model: MllibModelRef): Promise<MllibSummary | undefined> {
  if ((await mllib.fetch(model, 'hasSummary')) !== true) return undefined;
  const history = expect(
    await mllib.fetch(model, 'summary', 'objectiveHistory'),
    isNumbers,
    'objectiveHistory',
  );
  const total = expect(await mllib.fetch(model, 'summary', 'totalIterations'), isNumber, 'totalIterations');
  return { objectiveHistory: Array.from(history), totalIterations: total, stopReason: 'mllib' };
}

/** Fits with MLlib, reads the model with `read`, and drops the server's model whatever happens. */
async function fitAndRead<T>(
  mllib: MllibClient,
  stage: MllibStage,
  plan: PlanNode,
  estimator: string,
  read: (model: MllibModelRef) => Promise<T>,
): Promise<T> {
  const dataset = await mllibFitDataset(mllib, stage, plan);
  const model = await mllib.fit(estimator, mllibParams(stage, estimator), dataset, stage.uid);
  try {
    return await read(model);
  } finally {
    await mllib.delete(model).catch(() => {});
  }
}

/**
 * Fits a deepframe `LogisticRegression` (its params, read by name) with MLlib on a plan's rows; resolves to the
 * coefficients and intercepts (binomial: one set; multinomial: one per class) and the training summary.
 *
 * @example
 * ```ts
 * const fit = await fitLogisticRegressionWithMllib(mllib, lr, df.plan);
 * model.setWeights(fit.weights, fit.summary);
 * ```
 */
export function fitLogisticRegressionWithMllib(
  mllib: MllibClient,
  stage: MllibStage,
  plan: PlanNode,
): Promise<MllibLogisticRegressionFit> {
  return fitAndRead(mllib, stage, plan, MLLIB_LOGISTIC_REGRESSION, async (model) => {
    const matrix = expect(await mllib.fetch(model, 'coefficientMatrix'), isMatrix, 'coefficientMatrix');
    const intercepts = expect(await mllib.fetch(model, 'interceptVector'), isNumbers, 'interceptVector');
    const numClasses = expect(await mllib.fetch(model, 'numClasses'), isNumber, 'numClasses');
    // MLlib's own rule (its isMultinomial is private): multinomial when asked for, or 'auto' with > 2 classes.
    const family = String(stage.getOrDefault('family'));
    const isMultinomial = family === 'multinomial' || (family === 'auto' && numClasses > 2);
    return {
      weights: {
        coefficientMatrix: matrix.values,
        interceptVector: intercepts,
        numFeatures: matrix.numCols,
        numClasses: isMultinomial ? numClasses : Math.max(2, numClasses),
        isMultinomial,
      },
      summary: await summaryOf(mllib, model),
    };
  });
}

/**
 * Fits a deepframe `MultilayerPerceptronClassifier` (its params, read by name) with MLlib on a plan's rows;
 * resolves to the weights in MLlib's flat layout and the training summary.
 *
 * @example
 * ```ts
 * const fit = await fitPerceptronWithMllib(mllib, mlp, df.plan);
 * model.setWeights(fit.weights, fit.summary);
 * ```
 */
export function fitPerceptronWithMllib(
  mllib: MllibClient,
  stage: MllibStage,
  plan: PlanNode,
): Promise<MllibPerceptronFit> {
  return fitAndRead(mllib, stage, plan, MLLIB_MULTILAYER_PERCEPTRON, async (model) => ({
    weights: expect(await mllib.fetch(model, 'weights'), isNumbers, 'weights'),
    summary: await summaryOf(mllib, model),
  }));
}
