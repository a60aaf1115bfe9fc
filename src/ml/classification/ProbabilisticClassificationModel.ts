import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ModelError, ParamError, SchemaError } from '../../errors.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { modelFileFromBytes } from '../../models/modelSources.js';
import { trainingThreads } from '../../nn/threads.js';
import type { StructType } from '../../types/DataType.js';
import { Model } from '../Model.js';
import type { Param, ParamSpec } from '../Param.js';
import type { StageMetadata } from '../persistence.js';
import { checkColumnType } from '../schemaUtils.js';
import {
  type HasFeaturesCol,
  type HasPredictionCol,
  type HasProbabilityCol,
  type HasRawPredictionCol,
  SharedParams,
} from '../sharedParams.js';
import { TypeConverters } from '../TypeConverters.js';
import { CLASSIFIER_IO } from './classifierGraph.js';
import {
  appendClassifierColumns,
  type ClassifierColumns,
  type ClassifierRun,
  scoreClassifier,
} from './classifierScoring.js';

/** The file a saved classifier keeps its inference model (and its weights) in. */
export const CLASSIFIER_MODEL_FILE = 'model.onnx';

/** `thresholds`: per-class thresholds (Spark ML's `HasThresholds`), each `>= 0`, at most one 0. */
export const thresholdsSpec: ParamSpec<readonly number[]> = {
  name: 'thresholds',
  doc: "Thresholds in multi-class classification to adjust the probability of predicting each class. Array must have length equal to the number of classes, with values > 0 excepting that at most one value may be 0. The class with largest value p/t is predicted, where p is the original probability of that class and t is the class's threshold.",
  converter: TypeConverters.toListFloat,
  validator: Object.assign(
    (v: readonly number[]) => v.length > 0 && v.every((t) => t >= 0) && v.filter((t) => t === 0).length <= 1,
    { expected: 'a non-empty list of values >= 0, at most one of them 0' },
  ),
};

/**
 * What Spark ML's probabilistic classification models share: the `featuresCol`, `predictionCol`,
 * `rawPredictionCol`, `probabilityCol` and `thresholds` params, and a transform that runs the model's inference
 * ONNX graph in the worker pool (or on Spark executors), batched, appending `rawPrediction` and `probability`
 * (`vector<numClasses>`) and `prediction` (double). A column param set to `''` leaves that column out.
 *
 * Subclasses hold the trained weights and build the graph; saving writes `model.onnx` beside the params, and
 * loading reads the weights back from it.
 *
 * @example
 * ```ts
 * const scored = await model.transform(test);   // + rawPrediction, probability, prediction
 * const p = await model.predictProbability(Float32Array.of(0.5, 1.2));
 * ```
 */
export abstract class ProbabilisticClassificationModel
  extends Model
  implements HasFeaturesCol, HasPredictionCol, HasRawPredictionCol, HasProbabilityCol
{
  readonly featuresCol = this.declareParam(SharedParams.featuresCol);
  readonly predictionCol = this.declareParam(SharedParams.predictionCol);
  readonly rawPredictionCol = this.declareParam(SharedParams.rawPredictionCol);
  readonly probabilityCol = this.declareParam(SharedParams.probabilityCol);
  readonly thresholds: Param<readonly number[]> = this.declareParam(thresholdsSpec);
  /** @internal The cached session of {@link ProbabilisticClassificationModel.predictProbability}. */
  protected localSession: { bytes: Uint8Array; session: Promise<ort.InferenceSession> } | undefined;

  /** Features per row. */
  abstract get numFeatures(): number;
  /** Classes. */
  abstract get numClasses(): number;
  /** The inference model for the current params (thresholds included). */
  protected abstract inferenceModel(): Uint8Array;
  /** Restores the weights from a saved inference model. */
  protected abstract restoreWeights(bytes: Uint8Array, where: string): void;

  /** `summary` when the model has one, else `ModelError` `NO_SUMMARY` (a loaded model, or one made from weights). */
  protected requireSummary<S>(summary: S | undefined): S {
    if (summary === undefined) {
      throw new ModelError(
        'NO_SUMMARY',
        `${this.uid} has no training summary (it was loaded or made from weights).`,
        { stage: this.uid },
      );
    }
    return summary;
  }

  getFeaturesCol(): string {
    return this.getOrDefault(this.featuresCol);
  }
  setFeaturesCol(value: string): this {
    return this.set(this.featuresCol, value);
  }
  getPredictionCol(): string {
    return this.getOrDefault(this.predictionCol);
  }
  setPredictionCol(value: string): this {
    return this.set(this.predictionCol, value);
  }
  getRawPredictionCol(): string {
    return this.getOrDefault(this.rawPredictionCol);
  }
  setRawPredictionCol(value: string): this {
    return this.set(this.rawPredictionCol, value);
  }
  getProbabilityCol(): string {
    return this.getOrDefault(this.probabilityCol);
  }
  setProbabilityCol(value: string): this {
    return this.set(this.probabilityCol, value);
  }
  /** Per-class thresholds (unset by default). */
  getThresholds(): readonly number[] | undefined {
    return this.isDefined(this.thresholds) ? this.getOrDefault(this.thresholds) : undefined;
  }
  setThresholds(value: readonly number[]): this {
    return this.set(this.thresholds, value);
  }

  /** Checks the thresholds against the number of classes. */
  protected checkThresholds(): void {
    const t = this.getThresholds();
    if (t !== undefined && t.length !== this.numClasses) {
      throw new ParamError(
        'INVALID_PARAM',
        `${this.uid}: thresholds has ${t.length} values, but the model has ${this.numClasses} classes; give one per class.`,
        { stage: this.uid, param: 'thresholds', value: String(t.length) },
      );
    }
  }

  transformSchema(schema: StructType): StructType {
    checkColumnType(
      schema,
      this.getFeaturesCol(),
      (t) => t.kind === 'vector' && t.size === this.numFeatures,
      `vector<${this.numFeatures}>`,
      this.uid,
    );
    this.checkThresholds();
    return appendClassifierColumns(schema, this.outputColumns(), this.numClasses, this.uid);
  }

  private outputColumns(): ClassifierColumns {
    return {
      rawPrediction: this.getRawPredictionCol(),
      probability: this.getProbabilityCol(),
      prediction: this.getPredictionCol(),
    };
  }

  protected async _transform(df: DataFrame): Promise<DataFrame> {
    const schema = await df.schema();
    const outputSchema = this.transformSchema(schema);
    const run = await this.classifierRun(schema, Math.max(1, df.session.parallelism));
    return scoreClassifier(df, outputSchema, this.outputColumns(), this.numClasses, run);
  }

  /** @internal How the inference model runs over a DataFrame of `schema` (also a SQL function's step). */
  async classifierRun(_schema: StructType, parallelism: number): Promise<ClassifierRun> {
    return {
      modelPath: await modelFileFromBytes(this.inferenceModel()),
      session: {
        intraOpNumThreads: trainingThreads() ?? Math.max(1, Math.floor(availableParallelism() / parallelism)),
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      },
      input: {
        name: CLASSIFIER_IO.input,
        column: this.getFeaturesCol(),
        source: 'tensor',
        shape: [this.numFeatures],
      },
      batchSize: 4096,
      onError: 'null',
    };
  }

  /** @internal The output column names. */
  classifierColumns(): ClassifierColumns {
    return this.outputColumns();
  }

  /** Probabilities of each class for one or more rows (`rows × numFeatures` values), `rows × numClasses`. */
  async predictProbability(features: ArrayLike<number>): Promise<Float32Array> {
    return (await this.runLocal(features))[CLASSIFIER_IO.probability] as Float32Array;
  }

  /** Raw scores (Spark ML's `predictRaw`) for one or more rows, `rows × numClasses`. */
  async predictRaw(features: ArrayLike<number>): Promise<Float32Array> {
    return (await this.runLocal(features))[CLASSIFIER_IO.rawPrediction] as Float32Array;
  }

  /** The predicted class of each row (Spark ML's `predict`, for one or more rows). */
  async predict(features: ArrayLike<number>): Promise<Float64Array> {
    return Float64Array.from((await this.runLocal(features))[CLASSIFIER_IO.prediction] as Float32Array);
  }

  private async runLocal(features: ArrayLike<number>): Promise<Record<string, Float32Array>> {
    this.checkThresholds();
    const f = this.numFeatures;
    if (features.length === 0 || features.length % f !== 0) {
      throw new SchemaError(
        'FEATURE_SIZE_MISMATCH',
        `${this.uid} takes ${f} features per row; got ${features.length} values.`,
        { stage: this.uid, expected: String(f), got: String(features.length) },
      );
    }
    const bytes = this.inferenceModel();
    if (this.localSession === undefined || !sameBytes(this.localSession.bytes, bytes)) {
      this.localSession = { bytes, session: ort.InferenceSession.create(bytes) };
    }
    const session = await this.localSession.session;
    const rows = features.length / f;
    const out = await session.run({
      [CLASSIFIER_IO.input]: new ort.Tensor('float32', Float32Array.from(features), [rows, f]),
    });
    const result: Record<string, Float32Array> = {};
    for (const [name, tensor] of Object.entries(out)) result[name] = tensor.data as Float32Array;
    return result;
  }

  override async saveImpl(dir: string): Promise<void> {
    await writeFile(join(dir, CLASSIFIER_MODEL_FILE), this.inferenceModel());
  }

  override async loadImpl(dir: string, _metadata: StageMetadata): Promise<void> {
    const path = join(dir, CLASSIFIER_MODEL_FILE);
    this.restoreWeights(new Uint8Array(await readFile(path)), path);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
