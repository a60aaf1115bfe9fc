import { engineRunsGangs } from '../../distributed/fitOnEngine.js';
import { fitPerceptronWithMllib, MllibClient } from '../../engine/spark/ml/index.js';
import { ParamError } from '../../errors.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import type { StructType } from '../../types/DataType.js';
import type { StageOptions } from '../Params.js';
import { ParamValidators } from '../ParamValidators.js';
import { registerStage } from '../persistence.js';
import { SharedParams } from '../sharedParams.js';
import { TypeConverters } from '../TypeConverters.js';
import { fitProgress } from './classifierParams.js';
import {
  hiddenActivationSpec,
  layersSpec,
  MultilayerPerceptronClassificationModel,
} from './MultilayerPerceptronClassificationModel.js';
import { type MlpSettings, mlpWeightCount, trainMlp, trainMlpOnGang } from './mlpTraining.js';
import { ProbabilisticClassifier } from './ProbabilisticClassifier.js';
import { checkTrainingSchema, readTrainingData } from './trainingData.js';

/**
 * A feed-forward neural network classifier with Spark MLlib's params and semantics: `layers` from the input size
 * to the number of classes, sigmoid hidden layers and a softmax output trained on cross-entropy, by `l-bfgs`
 * (the default) or `gd`, from `seed`-drawn or given `initialWeights`. deepframe's extensions, off by default so
 * that the defaults are MLlib's: `hiddenActivation` (`relu`, `tanh`) and `solver: 'adam'` (mini-batches of
 * `blockSize` rows, learning rate `stepSize`). Trains on deepframe's ONNX training engine.
 *
 * Bad params fail before training: `layers[0]` must equal the feature vector's size and the last layer must
 * cover every label; labels must be class indices; NaN features are refused with the row.
 *
 * @example
 * ```ts
 * const mlp = new MultilayerPerceptronClassifier({ layers: [64, 32, 10], maxIter: 200, seed: 7 });
 * const model = await mlp.fit(train);
 * const scored = await model.transform(test);
 * ```
 */
export class MultilayerPerceptronClassifier extends ProbabilisticClassifier<MultilayerPerceptronClassificationModel> {
  readonly layers = this.declareParam(layersSpec);
  readonly blockSize = this.declareParam({ ...SharedParams.blockSize, default: 128 });
  readonly solver = this.declareParam({
    name: 'solver',
    doc: "The solver algorithm for optimization. Supported options: l-bfgs, gd (and deepframe's adam).",
    converter: TypeConverters.toOneOf(['l-bfgs', 'gd', 'adam'] as const),
    default: 'l-bfgs' as const,
  });
  readonly maxIter = this.declareParam({ ...SharedParams.maxIter, default: 100 });
  readonly tol = this.declareParam({ ...SharedParams.tol, default: 1e-6 });
  readonly stepSize = this.declareParam({ ...SharedParams.stepSize, default: 0.03 });
  readonly seed = this.declareParam(SharedParams.seed);
  readonly initialWeights = this.declareParam({
    name: 'initialWeights',
    doc: 'The initial weights of the model, in MLlib’s flat layout.',
    converter: TypeConverters.toListFloat,
  });
  readonly hiddenActivation = this.declareParam(hiddenActivationSpec);
  readonly dropout = this.declareParam({
    name: 'dropout',
    doc: "deepframe's: the dropout rate after each hidden layer while training with solver 'adam', in [0, 1); default 0.",
    converter: TypeConverters.toFloat,
    validator: ParamValidators.inRange(0, 1, true, false),
    default: 0,
  });
  readonly numWorkers = this.declareParam({
    name: 'numWorkers',
    doc: "deepframe's: data-parallel workers for solvers 'adam' and 'gd' (threads on the embedded engine); default 1.",
    converter: TypeConverters.toInt,
    validator: ParamValidators.gtEq(1),
    default: 1,
  });
  readonly checkpointDir = this.declareParam({
    name: 'checkpointDir',
    doc: "deepframe's: where a data-parallel fit writes its per-epoch checkpoints (default: a temporary directory).",
    converter: TypeConverters.toString,
  });

  constructor(options: StageOptions<MultilayerPerceptronClassifier> = {}) {
    super(options);
    this.applyOptions(options);
  }

  /** The layer sizes, input first; required. */
  getLayers(): readonly number[] {
    if (!this.isDefined(this.layers)) {
      throw new ParamError(
        'MISSING_PARAM',
        `${this.uid}: set layers (sizes from the input to the output, e.g. [numFeatures, 16, numClasses]) before fit().`,
        { stage: this.uid, param: 'layers' },
      );
    }
    return this.getOrDefault(this.layers);
  }
  setLayers(value: readonly number[]): this {
    return this.set(this.layers, value);
  }
  getBlockSize(): number {
    return this.getOrDefault(this.blockSize);
  }
  setBlockSize(value: number): this {
    return this.set(this.blockSize, value);
  }
  getSolver(): 'l-bfgs' | 'gd' | 'adam' {
    return this.getOrDefault(this.solver);
  }
  setSolver(value: 'l-bfgs' | 'gd' | 'adam'): this {
    return this.set(this.solver, value);
  }
  getMaxIter(): number {
    return this.getOrDefault(this.maxIter);
  }
  setMaxIter(value: number): this {
    return this.set(this.maxIter, value);
  }
  getTol(): number {
    return this.getOrDefault(this.tol);
  }
  setTol(value: number): this {
    return this.set(this.tol, value);
  }
  getStepSize(): number {
    return this.getOrDefault(this.stepSize);
  }
  setStepSize(value: number): this {
    return this.set(this.stepSize, value);
  }
  getSeed(): number {
    return this.getOrDefault(this.seed);
  }
  setSeed(value: number): this {
    return this.set(this.seed, value);
  }
  getInitialWeights(): readonly number[] | undefined {
    return this.isDefined(this.initialWeights) ? this.getOrDefault(this.initialWeights) : undefined;
  }
  setInitialWeights(value: readonly number[]): this {
    return this.set(this.initialWeights, value);
  }
  getHiddenActivation(): 'sigmoid' | 'relu' | 'tanh' {
    return this.getOrDefault(this.hiddenActivation);
  }
  setHiddenActivation(value: 'sigmoid' | 'relu' | 'tanh'): this {
    return this.set(this.hiddenActivation, value);
  }
  getDropout(): number {
    return this.getOrDefault(this.dropout);
  }
  setDropout(value: number): this {
    return this.set(this.dropout, value);
  }

  /** Data-parallel workers (solvers `adam` and `gd`); 1 trains in the calling thread. */
  getNumWorkers(): number {
    return this.getOrDefault(this.numWorkers);
  }
  setNumWorkers(value: number): this {
    return this.set(this.numWorkers, value);
  }
  /** Where a data-parallel fit writes its per-epoch checkpoints; unset: a temporary directory. */
  getCheckpointDir(): string | undefined {
    return this.isDefined(this.checkpointDir) ? this.getOrDefault(this.checkpointDir) : undefined;
  }
  setCheckpointDir(value: string): this {
    return this.set(this.checkpointDir, value);
  }

  transformSchema(schema: StructType): StructType {
    const layers = this.getLayers();
    const features = checkTrainingSchema(schema, {
      featuresCol: this.getFeaturesCol(),
      labelCol: this.getLabelCol(),
      stage: this.uid,
    });
    if (features !== undefined && layers[0] !== features) {
      throw new ParamError(
        'LAYERS_MISMATCH',
        `${this.uid}: layers starts with ${layers[0]} inputs, but column '${this.getFeaturesCol()}' is vector<${features}>; make layers[0] ${features}.`,
        { stage: this.uid, param: 'layers', expected: String(features), actual: String(layers[0]) },
      );
    }
    const initial = this.getInitialWeights();
    if (initial !== undefined && initial.length !== mlpWeightCount(layers)) {
      throw new ParamError(
        'INVALID_PARAM',
        `${this.uid}: initialWeights has ${initial.length} values, but layers [${layers.join(', ')}] need ${mlpWeightCount(layers)}.`,
        { stage: this.uid, param: 'initialWeights' },
      );
    }
    if (this.getDropout() > 0 && this.getSolver() !== 'adam') {
      throw new ParamError(
        'INVALID_PARAM',
        `${this.uid}: dropout ${this.getDropout()} needs solver 'adam' (a full-batch solver such as '${this.getSolver()}' needs a deterministic objective).`,
        { stage: this.uid, param: 'dropout' },
      );
    }
    if (this.getNumWorkers() > 1 && this.getSolver() === 'l-bfgs') {
      throw new ParamError(
        'INVALID_PARAM',
        `${this.uid}: numWorkers ${this.getNumWorkers()} needs solver 'adam' or 'gd'; 'l-bfgs' trains on one worker.`,
        { stage: this.uid, param: 'numWorkers', value: String(this.getNumWorkers()) },
      );
    }
    const classes = layers[layers.length - 1] as number;
    const t = this.getThresholds();
    if (t !== undefined && t.length !== classes) {
      throw new ParamError(
        'INVALID_PARAM',
        `${this.uid}: thresholds has ${t.length} values for ${classes} classes; give one per class.`,
        { stage: this.uid, param: 'thresholds' },
      );
    }
    return this.appendOutputColumns(schema, classes);
  }

  /**
   * Whether a fit on a Spark session runs on Spark MLlib itself (through Spark Connect's ML support) rather than
   * on deepframe's training engine: true when every param in effect is MLlib's (solver `l-bfgs` or `gd`, sigmoid
   * hidden layers, no dropout, one worker). The model comes back with MLlib's weights and summary. On the embedded engine,
   * fits always use deepframe's.
   *
   * @example
   * ```ts
   * new MultilayerPerceptronClassifier({ layers: [4, 5, 3] }).fitsWithMllib(); // true
   * new MultilayerPerceptronClassifier({ layers: [4, 5, 3], solver: 'adam' }).fitsWithMllib(); // false
   * ```
   */
  fitsWithMllib(): boolean {
    return (
      this.getSolver() !== 'adam' &&
      this.getHiddenActivation() === 'sigmoid' &&
      this.getDropout() === 0 &&
      this.getNumWorkers() === 1
    );
  }

  protected async _fit(df: DataFrame): Promise<MultilayerPerceptronClassificationModel> {
    if (this.getNumWorkers() > 1 && engineRunsGangs(df)) return this.fitOnGang(df);
    const mllib = this.fitsWithMllib() ? MllibClient.for(df.session.engine) : undefined;
    if (mllib !== undefined) {
      const fit = await fitPerceptronWithMllib(mllib, this, df.plan);
      const model = this.copyValues(new MultilayerPerceptronClassificationModel({ uid: this.uid }));
      return model.setWeights(fit.weights, fit.summary);
    }
    const data = await readTrainingData(df, {
      featuresCol: this.getFeaturesCol(),
      labelCol: this.getLabelCol(),
      stage: this.uid,
    });
    const progress = fitProgress(
      this.getShowProgress(),
      this.uid,
      this.getMaxIter(),
      this.getSolver() === 'adam' ? 'epochs' : 'iter',
    );
    let fit: Awaited<ReturnType<typeof trainMlp>>;
    try {
      fit = await trainMlp(data, {
        ...this.settings(),
        onIteration: (i, objective) => progress.update(i, objective),
      });
    } finally {
      progress.stop();
    }
    return this.fitted(fit);
  }

  /** Data-parallel on the DataFrame's engine (Spark: a barrier-mode gang on the executors). */
  private async fitOnGang(df: DataFrame): Promise<MultilayerPerceptronClassificationModel> {
    const numFeatures = checkTrainingSchema(await df.schema(), {
      featuresCol: this.getFeaturesCol(),
      labelCol: this.getLabelCol(),
      stage: this.uid,
    });
    const fit = await trainMlpOnGang(df, {
      ...this.settings(),
      featuresCol: this.getFeaturesCol(),
      labelCol: this.getLabelCol(),
      numFeatures: numFeatures ?? (this.getLayers()[0] as number),
    });
    return this.fitted(fit);
  }

  /** The solver's settings from the params in effect. */
  private settings(): MlpSettings {
    return {
      layers: this.getLayers(),
      blockSize: this.getBlockSize(),
      solver: this.getSolver(),
      maxIter: this.getMaxIter(),
      tol: this.getTol(),
      stepSize: this.getStepSize(),
      seed: this.getSeed(),
      initialWeights: this.getInitialWeights(),
      hiddenActivation: this.getHiddenActivation(),
      dropout: this.getDropout(),
      numWorkers: this.getNumWorkers(),
      checkpointDir: this.getCheckpointDir(),
      stage: this.uid,
    };
  }

  private fitted(fit: Awaited<ReturnType<typeof trainMlp>>): MultilayerPerceptronClassificationModel {
    const model = this.copyValues(new MultilayerPerceptronClassificationModel({ uid: this.uid }));
    return model.setWeights(fit.weights, {
      objectiveHistory: fit.objectiveHistory,
      totalIterations:
        this.getSolver() === 'l-bfgs' ? fit.objectiveHistory.length - 1 : fit.objectiveHistory.length,
      stopReason: fit.stopReason,
      ...(fit.restarts === undefined ? {} : { restarts: fit.restarts }),
    });
  }
}
registerStage(MultilayerPerceptronClassifier);
