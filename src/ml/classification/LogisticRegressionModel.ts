import { ModelError, ParamError } from '../../errors.js';
import type { JsonValue } from '../Param.js';
import type { StageOptions } from '../Params.js';
import { ParamValidators } from '../ParamValidators.js';
import { registerStage } from '../persistence.js';
import { type HasLabelCol, SharedParams } from '../sharedParams.js';
import { TypeConverters } from '../TypeConverters.js';
import { classifierGraph, readClassifierWeights } from './classifierGraph.js';
import { ProbabilisticClassificationModel } from './ProbabilisticClassificationModel.js';

/** `threshold`: the binary decision threshold on the probability of class 1, in [0, 1]; default 0.5. */
export const thresholdSpec = {
  name: 'threshold',
  doc: 'threshold in binary classification prediction, in range [0, 1].',
  converter: TypeConverters.toFloat,
  validator: ParamValidators.inRange(0, 1),
  default: 0.5,
};

/**
 * The binary threshold Spark ML's logistic regression uses: from two `thresholds` `[t0, t1]` it is
 * `1 / (1 + t0/t1)` (1 when `t1` is 0), else `threshold`.
 */
export function binaryThreshold(thresholds: readonly number[] | undefined, threshold: number): number {
  if (thresholds !== undefined && thresholds.length === 2) {
    const [t0 = 0, t1 = 0] = thresholds;
    return t1 === 0 ? 1 : 1 / (1 + t0 / t1);
  }
  return threshold;
}

/** What a logistic regression's fit recorded (Spark ML's `LogisticRegressionTrainingSummary`, in part). */
export interface LogisticRegressionSummary {
  /** The objective (mean loss plus penalty) at the start and after each iteration. */
  readonly objectiveHistory: readonly number[];
  /** Iterations run (`objectiveHistory.length − 1`; 0 for a constant label). */
  readonly totalIterations: number;
  /** Why the solver stopped. */
  readonly stopReason: string;
}

/** The fitted weights of a {@link LogisticRegressionModel}. */
export interface LogisticRegressionWeights {
  /** `sets × numFeatures`, row-major (one set for binomial, one per class for multinomial). */
  readonly coefficientMatrix: Float64Array;
  readonly interceptVector: Float64Array;
  readonly numFeatures: number;
  readonly numClasses: number;
  readonly isMultinomial: boolean;
}

/**
 * A fitted logistic regression (Spark ML's `LogisticRegressionModel`): `coefficients` and `intercept` (binomial),
 * `coefficientMatrix` and `interceptVector` (both families), the training `summary`, and a transform that appends
 * `rawPrediction`, `probability` and `prediction`. Saves its weights as an ONNX model (`model.onnx`, float64
 * initializers) beside its params, and predicts identically after a load.
 *
 * Binary prediction follows `threshold` (or `thresholds`, whose two values give `threshold = 1 / (1 + t0/t1)`):
 * class 1 when `P(1) > threshold`. Multinomial prediction is the argmax of `probability / thresholds` when
 * thresholds are set, else of `probability`.
 *
 * @example
 * ```ts
 * const model = await new LogisticRegression({ regParam: 0.01 }).fit(train);
 * model.coefficients; model.intercept; model.summary.objectiveHistory;
 * const scored = await model.setThreshold(0.7).transform(test);
 * ```
 */
export class LogisticRegressionModel extends ProbabilisticClassificationModel implements HasLabelCol {
  readonly labelCol = this.declareParam(SharedParams.labelCol);
  readonly threshold = this.declareParam(thresholdSpec);
  private weights: LogisticRegressionWeights | undefined;
  private trainingSummary: LogisticRegressionSummary | undefined;

  /** Makes a model from weights; `fit` and `load` make them too. */
  constructor(options: StageOptions<LogisticRegressionModel> & { weights?: LogisticRegressionWeights } = {}) {
    const { weights, ...params } = options;
    super(params);
    this.applyOptions(params);
    if (weights !== undefined) this.setWeights(weights);
  }

  /** @internal Sets the weights (and the summary of the fit that made them). */
  setWeights(weights: LogisticRegressionWeights, summary?: LogisticRegressionSummary): this {
    const sets = weights.isMultinomial ? weights.numClasses : 1;
    if (
      weights.coefficientMatrix.length !== sets * weights.numFeatures ||
      weights.interceptVector.length !== sets
    ) {
      throw new ParamError(
        'INVALID_PARAM',
        `${this.uid}: a ${weights.isMultinomial ? 'multinomial' : 'binomial'} model with ${weights.numClasses} classes and ${weights.numFeatures} features needs ${sets * weights.numFeatures} coefficients and ${sets} intercept(s).`,
        { stage: this.uid },
      );
    }
    this.weights = weights;
    this.trainingSummary = summary;
    return this;
  }

  private get w(): LogisticRegressionWeights {
    if (this.weights === undefined) {
      throw new ModelError(
        'MODEL_NOT_FITTED',
        `${this.uid} has no weights: fit a LogisticRegression or load a saved model.`,
        {
          stage: this.uid,
        },
      );
    }
    return this.weights;
  }

  get numFeatures(): number {
    return this.w.numFeatures;
  }
  get numClasses(): number {
    return this.w.numClasses;
  }
  /** Whether the model is multinomial (softmax over one coefficient set per class). */
  get isMultinomial(): boolean {
    return this.w.isMultinomial;
  }
  /** The coefficient matrix, `sets × numFeatures`, row-major (a copy). */
  get coefficientMatrix(): Float64Array {
    return Float64Array.from(this.w.coefficientMatrix);
  }
  /** The intercepts, one per coefficient set (a copy). */
  get interceptVector(): Float64Array {
    return Float64Array.from(this.w.interceptVector);
  }
  /** The coefficients of a binomial model; a multinomial one has a matrix ({@link coefficientMatrix}). */
  get coefficients(): Float64Array {
    if (this.w.isMultinomial) {
      throw new ModelError(
        'MULTINOMIAL_COEFFICIENTS',
        `${this.uid} is multinomial: it has a matrix of coefficients; use coefficientMatrix and interceptVector.`,
        { stage: this.uid },
      );
    }
    return Float64Array.from(this.w.coefficientMatrix);
  }
  /** The intercept of a binomial model. */
  get intercept(): number {
    if (this.w.isMultinomial) {
      throw new ModelError(
        'MULTINOMIAL_COEFFICIENTS',
        `${this.uid} is multinomial: it has one intercept per class; use interceptVector.`,
        { stage: this.uid },
      );
    }
    return this.w.interceptVector[0] as number;
  }
  /** Whether the model carries the summary of the fit that made it (a loaded model does not). */
  get hasSummary(): boolean {
    return this.trainingSummary !== undefined;
  }
  /** The training summary: objective history and iterations. */
  get summary(): LogisticRegressionSummary {
    return this.requireSummary(this.trainingSummary);
  }

  /** The binary threshold in effect (from `thresholds` when they are set). */
  getThreshold(): number {
    return binaryThreshold(this.getThresholds(), this.getOrDefault(this.threshold));
  }
  /** Sets the binary threshold, and clears `thresholds`. */
  setThreshold(value: number): this {
    this.clear(this.thresholds);
    return this.set(this.threshold, value);
  }
  /** Sets per-class thresholds, and clears `threshold`. */
  override setThresholds(value: readonly number[]): this {
    this.clear(this.threshold);
    return super.setThresholds(value);
  }
  getLabelCol(): string {
    return this.getOrDefault(this.labelCol);
  }
  setLabelCol(value: string): this {
    return this.set(this.labelCol, value);
  }

  protected inferenceModel(): Uint8Array {
    const w = this.w;
    const sets = w.isMultinomial ? w.numClasses : 1;
    const F = w.numFeatures;
    // The graph's kernel is features × sets; infinite intercepts (a constant label) stay finite for softmax.
    const kernel = new Float64Array(F * sets);
    for (let k = 0; k < sets; k++)
      for (let j = 0; j < F; j++) kernel[j * sets + k] = w.coefficientMatrix[k * F + j] as number;
    const bias = w.isMultinomial
      ? w.interceptVector.map((b) => Math.max(-3e38, Math.min(3e38, b)))
      : Float64Array.from(w.interceptVector);
    return classifierGraph(
      F,
      [{ kernel, bias, units: sets, activation: 'linear' }],
      w.isMultinomial
        ? { kind: 'softmax', thresholds: this.getThresholds() }
        : { kind: 'binomial', threshold: this.getThreshold() },
    );
  }

  protected restoreWeights(bytes: Uint8Array, where: string): void {
    const [layer] = readClassifierWeights(bytes, where);
    const sets = layer?.bias.length ?? 0;
    const kernel = layer?.kernel ?? new Float64Array();
    const F = sets > 0 ? kernel.length / sets : 0;
    const coefficientMatrix = new Float64Array(F * sets);
    for (let k = 0; k < sets; k++)
      for (let j = 0; j < F; j++) coefficientMatrix[k * F + j] = kernel[j * sets + k] as number;
    const isMultinomial = this.loadedFacts?.isMultinomial ?? sets > 1;
    this.setWeights({
      coefficientMatrix,
      interceptVector: Float64Array.from(layer?.bias ?? []),
      numFeatures: F,
      numClasses: isMultinomial ? sets : 2,
      isMultinomial,
    });
  }

  /** @internal Facts from `metadata.json`, read before the weights. */
  private loadedFacts: { isMultinomial: boolean } | undefined;

  override async loadImpl(
    dir: string,
    metadata: Parameters<ProbabilisticClassificationModel['loadImpl']>[1],
  ): Promise<void> {
    const multinomial = metadata.extra?.isMultinomial;
    this.loadedFacts = typeof multinomial === 'boolean' ? { isMultinomial: multinomial } : undefined;
    await super.loadImpl(dir, metadata);
  }

  override extraMetadata(): { readonly [key: string]: JsonValue } {
    return {
      isMultinomial: this.w.isMultinomial,
      numClasses: this.w.numClasses,
      numFeatures: this.w.numFeatures,
    };
  }
}
registerStage(LogisticRegressionModel);
