import { fitLogisticRegressionWithMllib, MllibClient } from '../../engine/spark/ml/index.js';
import { ParamError } from '../../errors.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import type { StructType } from '../../types/DataType.js';
import type { StageOptions } from '../Params.js';
import { registerStage } from '../persistence.js';
import { SharedParams } from '../sharedParams.js';
import { TypeConverters } from '../TypeConverters.js';
import { fitProgress } from './classifierParams.js';
import { binaryThreshold, LogisticRegressionModel, thresholdSpec } from './LogisticRegressionModel.js';
import { trainLogistic } from './logisticTraining.js';
import { ProbabilisticClassifier } from './ProbabilisticClassifier.js';
import { checkTrainingSchema, readTrainingData } from './trainingData.js';

/**
 * Logistic regression with Spark MLlib's params and semantics: binomial (one coefficient vector, sigmoid) or
 * multinomial (one per class, softmax); elastic-net regularization (`regParam`, `elasticNetParam`: L2 by L-BFGS,
 * any L1 part by OWL-QN, which gives exact zeros); standardization inside the optimization; row weights
 * (`weightCol`); and a training summary with the objective history. Trains on deepframe's ONNX training engine
 * (the loss and its gradient are one ONNX graph, in float64).
 *
 * Labels must be class indices `0 … k−1` (a `StringIndexer` makes them); `family: 'auto'` picks binomial for
 * at most two classes. Bad params and bad rows (NaN features, non-integer labels, negative weights) fail before
 * training starts. Fitting reads the features to the client (the training engine is in-process), then trains.
 *
 * @example
 * ```ts
 * const lr = new LogisticRegression({ maxIter: 50, regParam: 0.01, elasticNetParam: 0.5 });
 * const model = await lr.fit(train);
 * console.log(model.summary.objectiveHistory);
 * const scored = await model.transform(test); // + rawPrediction, probability, prediction
 * ```
 */
export class LogisticRegression extends ProbabilisticClassifier<LogisticRegressionModel> {
  readonly weightCol = this.declareParam(SharedParams.weightCol);
  readonly maxIter = this.declareParam({ ...SharedParams.maxIter, default: 100 });
  readonly regParam = this.declareParam({ ...SharedParams.regParam, default: 0 });
  readonly elasticNetParam = this.declareParam(SharedParams.elasticNetParam);
  readonly tol = this.declareParam({ ...SharedParams.tol, default: 1e-6 });
  readonly fitIntercept = this.declareParam(SharedParams.fitIntercept);
  readonly standardization = this.declareParam(SharedParams.standardization);
  readonly threshold = this.declareParam(thresholdSpec);
  readonly family = this.declareParam({
    name: 'family',
    doc: 'the name of family which is a description of the label distribution to be used in the model. Supported options: auto, binomial, multinomial.',
    converter: TypeConverters.toOneOf(['auto', 'binomial', 'multinomial'] as const),
    default: 'auto' as const,
  });

  constructor(options: StageOptions<LogisticRegression> = {}) {
    super(options);
    this.applyOptions(options);
  }

  /** The row-weight column; unset or `''`: every row weighs 1. */
  getWeightCol(): string {
    return this.isDefined(this.weightCol) ? this.getOrDefault(this.weightCol) : '';
  }
  setWeightCol(value: string): this {
    return this.set(this.weightCol, value);
  }
  getMaxIter(): number {
    return this.getOrDefault(this.maxIter);
  }
  setMaxIter(value: number): this {
    return this.set(this.maxIter, value);
  }
  getRegParam(): number {
    return this.getOrDefault(this.regParam);
  }
  setRegParam(value: number): this {
    return this.set(this.regParam, value);
  }
  getElasticNetParam(): number {
    return this.getOrDefault(this.elasticNetParam);
  }
  setElasticNetParam(value: number): this {
    return this.set(this.elasticNetParam, value);
  }
  getTol(): number {
    return this.getOrDefault(this.tol);
  }
  setTol(value: number): this {
    return this.set(this.tol, value);
  }
  getFitIntercept(): boolean {
    return this.getOrDefault(this.fitIntercept);
  }
  setFitIntercept(value: boolean): this {
    return this.set(this.fitIntercept, value);
  }
  getStandardization(): boolean {
    return this.getOrDefault(this.standardization);
  }
  setStandardization(value: boolean): this {
    return this.set(this.standardization, value);
  }
  getFamily(): 'auto' | 'binomial' | 'multinomial' {
    return this.getOrDefault(this.family);
  }
  setFamily(value: 'auto' | 'binomial' | 'multinomial'): this {
    return this.set(this.family, value);
  }
  /** The binary threshold in effect (from `thresholds` when they are set, as Spark ML). */
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

  transformSchema(schema: StructType): StructType {
    checkTrainingSchema(schema, {
      featuresCol: this.getFeaturesCol(),
      labelCol: this.getLabelCol(),
      weightCol: this.getWeightCol(),
      stage: this.uid,
    });
    if (this.isSet(this.threshold) && this.isSet(this.thresholds)) {
      const ts = this.getOrDefault(this.thresholds);
      const t = this.getOrDefault(this.threshold);
      if (ts.length === 2 && Math.abs(this.getThreshold() - t) > 1e-12) {
        throw new ParamError(
          'INVALID_PARAM',
          `${this.uid}: threshold ${t} and thresholds [${ts.join(', ')}] disagree (thresholds give ${this.getThreshold()}); set one of them.`,
          { stage: this.uid, param: 'threshold' },
        );
      }
    }
    // The number of classes is known after the fit: the schema says binary (or the thresholds' count).
    return this.appendOutputColumns(schema, this.getThresholds()?.length ?? 2);
  }

  /**
   * Whether a fit on a Spark session runs on Spark MLlib itself (through Spark Connect's ML support) rather than
   * on deepframe's training engine: true, since every param of deepframe's logistic regression is MLlib's. The
   * model comes back with MLlib's coefficients and summary. On the embedded engine, fits always use deepframe's.
   *
   * @example
   * ```ts
   * new LogisticRegression({ regParam: 0.1 }).fitsWithMllib(); // true
   * ```
   */
  fitsWithMllib(): boolean {
    return true;
  }

  protected async _fit(df: DataFrame): Promise<LogisticRegressionModel> {
    const mllib = this.fitsWithMllib() ? MllibClient.for(df.session.engine) : undefined;
    if (mllib !== undefined) {
      const fit = await fitLogisticRegressionWithMllib(mllib, this, df.plan);
      const model = this.copyValues(new LogisticRegressionModel({ uid: this.uid }));
      return model.setWeights(fit.weights, fit.summary);
    }
    const data = await readTrainingData(df, {
      featuresCol: this.getFeaturesCol(),
      labelCol: this.getLabelCol(),
      weightCol: this.getWeightCol(),
      stage: this.uid,
    });
    const progress = fitProgress(this.getShowProgress(), this.uid, this.getMaxIter());
    let fit: Awaited<ReturnType<typeof trainLogistic>>;
    try {
      fit = await trainLogistic(data, {
        maxIter: this.getMaxIter(),
        regParam: this.getRegParam(),
        elasticNetParam: this.getElasticNetParam(),
        tol: this.getTol(),
        fitIntercept: this.getFitIntercept(),
        standardization: this.getStandardization(),
        family: this.getFamily(),
        stage: this.uid,
        onIteration: (info) => progress.update(info.iteration, info.objective),
      });
    } finally {
      progress.stop();
    }
    const model = this.copyValues(new LogisticRegressionModel({ uid: this.uid }));
    model.setWeights(
      {
        coefficientMatrix: fit.coefficients,
        interceptVector: fit.intercepts,
        numFeatures: fit.numFeatures,
        numClasses: fit.numClasses,
        isMultinomial: fit.multinomial,
      },
      {
        objectiveHistory: fit.objectiveHistory,
        totalIterations: Math.max(0, fit.objectiveHistory.length - 1),
        stopReason: fit.stopReason,
      },
    );
    return model;
  }
}
registerStage(LogisticRegression);
