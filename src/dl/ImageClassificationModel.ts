import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ModelError } from '../errors.js';
import type { DataFrame } from '../frame/DataFrame.js';
import { type ImagePreprocessSpec, validatePreprocessSpec } from '../image/preprocess.js';
import {
  appendClassifierColumns,
  type ClassifierColumns,
  type ClassifierRun,
  scoreClassifier,
} from '../ml/classification/classifierScoring.js';
import { Model } from '../ml/Model.js';
import type { JsonValue } from '../ml/Param.js';
import type { StageOptions } from '../ml/Params.js';
import { registerStage, type StageMetadata } from '../ml/persistence.js';
import { SharedParams } from '../ml/sharedParams.js';
import { modelFileFromBytes } from '../models/modelSources.js';
import { trainingThreads } from '../nn/threads.js';
import type { StructType } from '../types/DataType.js';
import { checkImageColumns } from './imageClassifierData.js';
import type { EpochMetrics } from './imageClassifierTraining.js';
import { OnnxParams } from './onnxParams.js';

/** The file a saved {@link ImageClassificationModel} keeps its network in. */
const MODEL_FILE = 'model.onnx';

/** What the network of an {@link ImageClassificationModel} is, besides its ONNX bytes. */
export interface ImageClassifierNetwork {
  /** The fitted ONNX model: image tensor in; `rawPrediction`, `probability`, `prediction` out. */
  readonly bytes: Uint8Array;
  /** The ONNX model's input (the image tensor). */
  readonly inputName: string;
  readonly preprocess: ImagePreprocessSpec;
  readonly numClasses: number;
}

/** How the fit went: the metrics of every epoch, and which epoch's weights the model holds. */
export interface ImageClassifierSummary {
  readonly history: readonly EpochMetrics[];
  readonly bestEpoch: number;
  readonly trainRows: number;
  readonly validationRows: number;
}

/**
 * A fitted {@link ImageClassifier}: one ONNX network from image to class scores, applied to an image column (image
 * structs, or file paths read in the workers) in the worker pool or on Spark executors; appends `rawPrediction`
 * and `probability` (`vector<numClasses>`) and `prediction` (double), as Spark ML's classifiers do. `onnxBytes()`
 * exports the network, which any ONNX runtime runs on images preprocessed as `preprocessing` says.
 *
 * @example
 * ```ts
 * const model = await classifier.fit(train);
 * const scored = await model.transform(test); // + rawPrediction, probability, prediction
 * await writeFile('digits.onnx', model.onnxBytes());
 * ```
 */
export class ImageClassificationModel extends Model {
  readonly inputCol = this.declareParam({ ...SharedParams.inputCol, default: 'image' });
  readonly predictionCol = this.declareParam(SharedParams.predictionCol);
  readonly probabilityCol = this.declareParam(SharedParams.probabilityCol);
  readonly rawPredictionCol = this.declareParam(SharedParams.rawPredictionCol);
  readonly batchSize = this.declareParam(OnnxParams.batchSize);
  readonly executionProviders = this.declareParam(OnnxParams.executionProviders);
  readonly onError = this.declareParam(OnnxParams.onError);
  private network: ImageClassifierNetwork | undefined;
  private fitSummary: ImageClassifierSummary | undefined;

  constructor(options: StageOptions<ImageClassificationModel> = {}) {
    super(options);
    this.applyOptions(options);
  }

  getInputCol(): string {
    return this.getOrDefault(this.inputCol);
  }
  setInputCol(value: string): this {
    return this.set(this.inputCol, value);
  }
  getPredictionCol(): string {
    return this.getOrDefault(this.predictionCol);
  }
  setPredictionCol(value: string): this {
    return this.set(this.predictionCol, value);
  }
  getProbabilityCol(): string {
    return this.getOrDefault(this.probabilityCol);
  }
  setProbabilityCol(value: string): this {
    return this.set(this.probabilityCol, value);
  }
  getRawPredictionCol(): string {
    return this.getOrDefault(this.rawPredictionCol);
  }
  setRawPredictionCol(value: string): this {
    return this.set(this.rawPredictionCol, value);
  }
  /** Rows per model run when transforming. */
  getBatchSize(): number {
    return this.getOrDefault(this.batchSize);
  }
  setBatchSize(value: number): this {
    return this.set(this.batchSize, value);
  }
  getExecutionProviders(): readonly string[] {
    return this.getOrDefault(this.executionProviders);
  }
  setExecutionProviders(value: readonly string[]): this {
    return this.set(this.executionProviders, value);
  }
  /** What an image that cannot be read becomes when transforming: null outputs, or a failed job. */
  getOnError(): 'null' | 'fail' {
    return this.getOrDefault(this.onError);
  }
  setOnError(value: 'null' | 'fail'): this {
    return this.set(this.onError, value);
  }

  /** @internal Sets the fitted network (and the fit's summary). */
  setNetwork(network: ImageClassifierNetwork, summary?: ImageClassifierSummary): this {
    this.network = network;
    this.fitSummary = summary;
    return this;
  }

  private requireNetwork(): ImageClassifierNetwork {
    if (this.network === undefined) {
      throw new ModelError(
        'MODEL_NOT_FITTED',
        `${this.uid} holds no network: fit an ImageClassifier, or load one.`,
        {
          stage: this.uid,
        },
      );
    }
    return this.network;
  }

  /** Classes the network scores. */
  get numClasses(): number {
    return this.requireNetwork().numClasses;
  }

  /** How images become the network's input. */
  get preprocessing(): ImagePreprocessSpec {
    return this.requireNetwork().preprocess;
  }

  /** The fit's per-epoch metrics; a loaded model has none (`ModelError` `NO_SUMMARY`). */
  get summary(): ImageClassifierSummary {
    if (this.fitSummary === undefined) {
      throw new ModelError('NO_SUMMARY', `${this.uid} has no training summary (it was loaded).`, {
        stage: this.uid,
      });
    }
    return this.fitSummary;
  }

  /** Whether {@link ImageClassificationModel.summary} is available. */
  get hasSummary(): boolean {
    return this.fitSummary !== undefined;
  }

  /**
   * The network as an ONNX model: input the image tensor (`[N, C, H, W]` or `[N, H, W, C]`, preprocessed as
   * {@link ImageClassificationModel.preprocessing} says), outputs `rawPrediction`, `probability` and `prediction`.
   *
   * @example
   * ```ts
   * await writeFile('classifier.onnx', model.onnxBytes());
   * ```
   */
  onnxBytes(): Uint8Array {
    return this.requireNetwork().bytes;
  }

  transformSchema(schema: StructType): StructType {
    checkImageColumns(schema, { inputCol: this.getInputCol(), labelCol: '', stage: this.uid }, false);
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

  /** @internal How the network runs over a DataFrame of `schema` (also a SQL function's step). */
  async classifierRun(schema: StructType, parallelism: number): Promise<ClassifierRun> {
    const net = this.requireNetwork();
    const source = checkImageColumns(
      schema,
      { inputCol: this.getInputCol(), labelCol: '', stage: this.uid },
      false,
    );
    return {
      modelPath: await modelFileFromBytes(net.bytes),
      session: {
        executionProviders: [...this.getExecutionProviders()],
        intraOpNumThreads: trainingThreads() ?? Math.max(1, Math.floor(availableParallelism() / parallelism)),
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      },
      input: { name: net.inputName, column: this.getInputCol(), source, preprocess: net.preprocess },
      batchSize: this.getBatchSize(),
      onError: this.getOnError(),
    };
  }

  /** @internal The output column names. */
  classifierColumns(): ClassifierColumns {
    return this.outputColumns();
  }

  override extraMetadata(): { readonly [key: string]: JsonValue } {
    const net = this.requireNetwork();
    return {
      inputName: net.inputName,
      numClasses: net.numClasses,
      preprocess: net.preprocess as unknown as JsonValue,
    };
  }

  override async saveImpl(dir: string): Promise<void> {
    await writeFile(join(dir, MODEL_FILE), this.requireNetwork().bytes);
  }

  override async loadImpl(dir: string, metadata: StageMetadata): Promise<void> {
    const extra = metadata.extra ?? {};
    const preprocess = extra.preprocess as unknown as ImagePreprocessSpec;
    validatePreprocessSpec(preprocess, `${join(dir, 'metadata.json')} extra.preprocess`);
    const numClasses = Number(extra.numClasses);
    if (!(Number.isInteger(numClasses) && numClasses >= 1) || typeof extra.inputName !== 'string') {
      throw new ModelError(
        'INVALID_SAVED_MODEL',
        `${join(dir, 'metadata.json')} must give extra.numClasses (an integer ≥ 1) and extra.inputName (a string).`,
        { path: dir },
      );
    }
    const bytes = new Uint8Array(await readFile(join(dir, MODEL_FILE)));
    this.network = { bytes, inputName: extra.inputName, preprocess, numClasses };
  }
}
registerStage(ImageClassificationModel);
