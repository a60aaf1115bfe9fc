import { readFile } from 'node:fs/promises';
import { engineRunsGangs, fitOnEngineGang } from '../distributed/fitOnEngine.js';
import { ParamError } from '../errors.js';
import type { DataFrame } from '../frame/DataFrame.js';
import { col, max } from '../frame/functions.js';
import { type ImagePreprocessSpec, validatePreprocessSpec } from '../image/preprocess.js';
import { fitProgress, showProgressSpec } from '../ml/classification/classifierParams.js';
import { Estimator } from '../ml/Estimator.js';
import type { JsonValue } from '../ml/Param.js';
import type { StageOptions } from '../ml/Params.js';
import { ParamValidators } from '../ml/ParamValidators.js';
import { registerStage } from '../ml/persistence.js';
import { appendColumn } from '../ml/schemaUtils.js';
import { SharedParams } from '../ml/sharedParams.js';
import { TypeConverters } from '../ml/TypeConverters.js';
import { cutGraph, penultimateTensor } from '../models/cutGraph.js';
import { decodeModel, tensorTypeOf } from '../models/onnxProto.js';
import { initParams } from '../nn/init.js';
import { sequentialFromJson, sequentialToJson } from '../nn/layerJson.js';
import { Dense, Flatten, type Layer, Sequential } from '../nn/layers.js';
import { adam, sgd } from '../nn/optimizers.js';
import { canonicalRowOrder } from '../tensor/rowOrder.js';
import { DataTypes, type StructType } from '../types/DataType.js';
import { toNonEmptyString } from './converters.js';
import { ImageClassificationModel } from './ImageClassificationModel.js';
import { toPreprocess } from './ImageModelStage.js';
import { augments, type FlipMode } from './imageAugment.js';
import {
  checkImageColumns,
  identityImageModel,
  imageShape,
  readImageRows,
  scoreImageRows,
} from './imageClassifierData.js';
import { composeClassifier, trainedNetworkGraph } from './imageClassifierGraph.js';
import {
  type EpochMetrics,
  type FrozenPart,
  foldScaling,
  trainImageClassifier,
} from './imageClassifierTraining.js';
import { resolveImageModel } from './imageModels.js';
import { importTail } from './onnxLayers.js';

/** Where the network comes from, resolved for a fit. */
interface NetworkPlan {
  readonly preprocess: ImagePreprocessSpec;
  /** The ONNX input name of the fitted model. */
  readonly inputName: string;
  /** The frozen part of a backbone (a model whose one output is `cut`), or none. */
  readonly frozen: Uint8Array | undefined;
  readonly cut: string;
  /** The trainable layers (without the new head, for a backbone), their input shape and starting weights. */
  readonly layers: readonly Layer[];
  readonly inputShape: readonly number[];
  readonly weights: readonly Float32Array[];
  /** Whether the classes' head has to be added (a backbone), or `layers` ends in it (`network`). */
  readonly addHead: boolean;
}

/**
 * Trains an image classifier from an image column and a label column — the analogue of Deep Learning Pipelines'
 * `KerasImageFileEstimator`. Either a network written with deepframe's layers API (`network`, trained from
 * scratch), or a new head on a pretrained ONNX network (`modelName` or `model`): the backbone frozen up to its
 * feature tensor (`trainableLayers` 0, the default) or its last `trainableLayers` convolution / dense layers
 * fine-tuned from their pretrained weights. The head is `hiddenLayers` (ReLU) then a softmax layer over the
 * classes.
 *
 * Training runs in the driver on deepframe's ONNX training engine: the images are decoded and preprocessed (and
 * the frozen part of the backbone run) in the worker pool or on Spark executors once; then mini-batches of
 * `batchSize` rows for `epochs` epochs with `optimizer` at `learningRate`, after a seeded `validationSplit`; with
 * augmentation (`flip`, `cropPadding`) the frozen part runs on each augmented batch. After every epoch the
 * training and validation loss and accuracy are recorded (`model.summary.history`); `earlyStoppingPatience` stops
 * after that many epochs without a better validation loss and keeps the best epoch's weights.
 *
 * Labels are class indices (index string labels with a `StringIndexer`). The fitted
 * {@link ImageClassificationModel} is one ONNX network from image to `rawPrediction`, `probability` and
 * `prediction`.
 *
 * @example
 * ```ts
 * const classifier = new ImageClassifier({
 *   modelName: 'DigitsBackbone0to4', trainableLayers: 1, epochs: 8, validationSplit: 0.2, cropPadding: 2,
 * });
 * const model = await classifier.fit(train);          // train: image, label (0, 1, …)
 * console.table(model.summary.history);
 * const scored = await model.transform(test);
 * ```
 */
export class ImageClassifier extends Estimator<ImageClassificationModel> {
  readonly inputCol = this.declareParam({ ...SharedParams.inputCol, default: 'image' });
  readonly labelCol = this.declareParam(SharedParams.labelCol);
  readonly predictionCol = this.declareParam(SharedParams.predictionCol);
  readonly probabilityCol = this.declareParam(SharedParams.probabilityCol);
  readonly rawPredictionCol = this.declareParam(SharedParams.rawPredictionCol);
  readonly network = this.declareParam<Sequential>({
    name: 'network',
    doc: 'a network of deepframe layers to train from scratch, ending in a dense layer with one unit per class (instead of modelName / model).',
    converter: (value: unknown) => (value instanceof Sequential ? value : sequentialFromJson(value)),
    toJson: (value) => sequentialToJson(value) as unknown as JsonValue,
    fromJson: (json) => sequentialFromJson(json),
  });
  readonly modelName = this.declareParam({
    name: 'modelName',
    doc: "a pretrained backbone of the zoo or shipped with deepframe, such as 'MobileNetV2' or 'DigitsBackbone0to4'.",
    converter: toNonEmptyString,
  });
  readonly model = this.declareParam({
    name: 'model',
    doc: 'path of a pretrained ONNX backbone (instead of modelName); a model card <file>.json beside it gives its preprocessing.',
    converter: toNonEmptyString,
  });
  readonly featureTensor = this.declareParam({
    name: 'featureTensor',
    doc: "the backbone's tensor the new head reads; by default its feature tensor or the input of its last fully connected layer.",
    converter: toNonEmptyString,
  });
  readonly trainableLayers = this.declareParam({
    name: 'trainableLayers',
    doc: "how many of the backbone's last convolution or dense layers (before featureTensor) to fine-tune; 0 (default) freezes the backbone.",
    converter: TypeConverters.toInt,
    validator: ParamValidators.gtEq(0),
    default: 0,
  });
  readonly hiddenLayers = this.declareParam({
    name: 'hiddenLayers',
    doc: "units of the new head's hidden ReLU layers, before its softmax layer; default none.",
    converter: TypeConverters.toListInt,
    validator: ParamValidators.each(ParamValidators.gt(0)),
    default: [] as readonly number[],
  });
  readonly preprocessing = this.declareParam({
    name: 'preprocessing',
    doc: "how images become the network's input (size, channel order, layout, scaling); required with network, else the backbone's.",
    converter: toPreprocess,
  });
  readonly optimizer = this.declareParam({
    name: 'optimizer',
    doc: "the optimizer: 'adam' (default) or 'sgd' (with momentum).",
    converter: TypeConverters.toOneOf(['adam', 'sgd'] as const),
    default: 'adam' as const,
  });
  readonly learningRate = this.declareParam({
    name: 'learningRate',
    doc: 'the optimizer’s learning rate (> 0); default 0.001.',
    converter: TypeConverters.toFloat,
    validator: ParamValidators.gt(0),
    default: 0.001,
  });
  readonly momentum = this.declareParam({
    name: 'momentum',
    doc: "momentum of optimizer 'sgd', in [0, 1); default 0.",
    converter: TypeConverters.toFloat,
    validator: ParamValidators.inRange(0, 1, true, false),
    default: 0,
  });
  readonly batchSize = this.declareParam({
    name: 'batchSize',
    doc: 'rows per training step (≥ 1); default 32.',
    converter: TypeConverters.toInt,
    validator: ParamValidators.gtEq(1),
    default: 32,
  });
  readonly epochs = this.declareParam({
    name: 'epochs',
    doc: 'passes over the training rows (≥ 1); default 10.',
    converter: TypeConverters.toInt,
    validator: ParamValidators.gtEq(1),
    default: 10,
  });
  readonly validationSplit = this.declareParam({
    name: 'validationSplit',
    doc: 'the fraction of rows (drawn with the seed) held out to validate after each epoch, in [0, 1); default 0.',
    converter: TypeConverters.toFloat,
    validator: ParamValidators.inRange(0, 1, true, false),
    default: 0,
  });
  readonly earlyStoppingPatience = this.declareParam({
    name: 'earlyStoppingPatience',
    doc: 'stop after this many epochs without a lower validation loss (training loss without validation rows) and keep the best epoch; 0 (default) trains every epoch.',
    converter: TypeConverters.toInt,
    validator: ParamValidators.gtEq(0),
    default: 0,
  });
  readonly numWorkers = this.declareParam({
    name: 'numWorkers',
    doc: 'data-parallel workers (threads) that train the trainable layers together, on the same batches as one worker; 1 (default) trains in the calling thread. Not with augmentation (flip, cropPadding).',
    converter: TypeConverters.toInt,
    validator: ParamValidators.gtEq(1),
    default: 1,
  });
  readonly flip = this.declareParam({
    name: 'flip',
    doc: "augmentation: random flips of training images, 'none' (default), 'horizontal', 'vertical' or 'both'.",
    converter: TypeConverters.toOneOf(['none', 'horizontal', 'vertical', 'both'] as const),
    default: 'none' as const,
  });
  readonly cropPadding = this.declareParam({
    name: 'cropPadding',
    doc: 'augmentation: random crops that shift training images by up to this many pixels each way; 0 (default) for none.',
    converter: TypeConverters.toInt,
    validator: ParamValidators.gtEq(0),
    default: 0,
  });
  readonly seed = this.declareParam(SharedParams.seed);
  readonly showProgress = this.declareParam(showProgressSpec);

  constructor(options: StageOptions<ImageClassifier> = {}) {
    super(options);
    this.applyOptions(options);
  }

  getInputCol(): string {
    return this.getOrDefault(this.inputCol);
  }
  setInputCol(value: string): this {
    return this.set(this.inputCol, value);
  }
  getLabelCol(): string {
    return this.getOrDefault(this.labelCol);
  }
  setLabelCol(value: string): this {
    return this.set(this.labelCol, value);
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
  getNetwork(): Sequential | undefined {
    return this.isDefined(this.network) ? this.getOrDefault(this.network) : undefined;
  }
  setNetwork(value: Sequential): this {
    return this.set(this.network, value);
  }
  getModelName(): string | undefined {
    return this.isDefined(this.modelName) ? this.getOrDefault(this.modelName) : undefined;
  }
  setModelName(value: string): this {
    return this.set(this.modelName, value);
  }
  getModel(): string | undefined {
    return this.isDefined(this.model) ? this.getOrDefault(this.model) : undefined;
  }
  setModel(value: string): this {
    return this.set(this.model, value);
  }
  getFeatureTensor(): string | undefined {
    return this.isDefined(this.featureTensor) ? this.getOrDefault(this.featureTensor) : undefined;
  }
  setFeatureTensor(value: string): this {
    return this.set(this.featureTensor, value);
  }
  getTrainableLayers(): number {
    return this.getOrDefault(this.trainableLayers);
  }
  setTrainableLayers(value: number): this {
    return this.set(this.trainableLayers, value);
  }
  getHiddenLayers(): readonly number[] {
    return this.getOrDefault(this.hiddenLayers);
  }
  setHiddenLayers(value: readonly number[]): this {
    return this.set(this.hiddenLayers, value);
  }
  getPreprocessing(): ImagePreprocessSpec | undefined {
    return this.isDefined(this.preprocessing) ? this.getOrDefault(this.preprocessing) : undefined;
  }
  setPreprocessing(value: ImagePreprocessSpec): this {
    return this.set(this.preprocessing, value);
  }
  getOptimizer(): 'adam' | 'sgd' {
    return this.getOrDefault(this.optimizer);
  }
  setOptimizer(value: 'adam' | 'sgd'): this {
    return this.set(this.optimizer, value);
  }
  getLearningRate(): number {
    return this.getOrDefault(this.learningRate);
  }
  setLearningRate(value: number): this {
    return this.set(this.learningRate, value);
  }
  getMomentum(): number {
    return this.getOrDefault(this.momentum);
  }
  setMomentum(value: number): this {
    return this.set(this.momentum, value);
  }
  getBatchSize(): number {
    return this.getOrDefault(this.batchSize);
  }
  setBatchSize(value: number): this {
    return this.set(this.batchSize, value);
  }
  getEpochs(): number {
    return this.getOrDefault(this.epochs);
  }
  setEpochs(value: number): this {
    return this.set(this.epochs, value);
  }
  getValidationSplit(): number {
    return this.getOrDefault(this.validationSplit);
  }
  setValidationSplit(value: number): this {
    return this.set(this.validationSplit, value);
  }
  /** Data-parallel worker threads; 1 trains in the calling thread. */
  getNumWorkers(): number {
    return this.getOrDefault(this.numWorkers);
  }
  setNumWorkers(value: number): this {
    return this.set(this.numWorkers, value);
  }
  getEarlyStoppingPatience(): number {
    return this.getOrDefault(this.earlyStoppingPatience);
  }
  setEarlyStoppingPatience(value: number): this {
    return this.set(this.earlyStoppingPatience, value);
  }
  getFlip(): FlipMode {
    return this.getOrDefault(this.flip);
  }
  setFlip(value: FlipMode): this {
    return this.set(this.flip, value);
  }
  getCropPadding(): number {
    return this.getOrDefault(this.cropPadding);
  }
  setCropPadding(value: number): this {
    return this.set(this.cropPadding, value);
  }
  getSeed(): number {
    return this.getOrDefault(this.seed);
  }
  setSeed(value: number): this {
    return this.set(this.seed, value);
  }
  getShowProgress(): boolean {
    return this.getOrDefault(this.showProgress);
  }
  setShowProgress(value: boolean): this {
    return this.set(this.showProgress, value);
  }

  /** Checks the columns and the network's source; the class count is known only from the data. */
  transformSchema(schema: StructType): StructType {
    checkImageColumns(
      schema,
      { inputCol: this.getInputCol(), labelCol: this.getLabelCol(), stage: this.uid },
      true,
    );
    this.checkSource();
    const classes = this.getNetwork()?.outputShape(imageShape(this.getPreprocessing()!))[0];
    let out = schema;
    // With a backbone, the class count is known after the fit (from the labels): an unsized vector until then.
    const vector = classes === undefined ? DataTypes.array(DataTypes.float) : DataTypes.vector(classes);
    if (this.getRawPredictionCol()) out = appendColumn(out, this.getRawPredictionCol(), vector, this.uid);
    if (this.getProbabilityCol()) out = appendColumn(out, this.getProbabilityCol(), vector, this.uid);
    if (this.getPredictionCol()) out = appendColumn(out, this.getPredictionCol(), DataTypes.double, this.uid);
    return out;
  }

  private checkSource(): void {
    const sources = [this.getNetwork(), this.getModelName(), this.getModel()].filter((s) => s !== undefined);
    if (sources.length !== 1) {
      throw new ParamError(
        'MODEL_PARAM_REQUIRED',
        `${this.uid} needs exactly one of network (layers to train from scratch), modelName (a zoo backbone) or model (an ONNX backbone file); got ${sources.length === 0 ? 'none' : 'several'}.`,
        { stage: this.uid },
      );
    }
    if (this.getNetwork() !== undefined && this.getPreprocessing() === undefined) {
      throw new ParamError(
        'MISSING_PARAM',
        `${this.uid}: a network trained from scratch needs preprocessing ({height, width, channels, channelOrder, layout, resize, scale, mean, std}) to know its input.`,
        { stage: this.uid, param: 'preprocessing' },
      );
    }
    if (this.getNetwork() !== undefined && this.getTrainableLayers() > 0) {
      throw new ParamError(
        'INVALID_PARAM',
        `${this.uid}: trainableLayers applies to a pretrained backbone (modelName / model); a network is trained whole.`,
        { stage: this.uid, param: 'trainableLayers' },
      );
    }
  }

  /** The network to train, from the params. */
  private async plan(): Promise<NetworkPlan> {
    this.checkSource();
    const network = this.getNetwork();
    if (network !== undefined) {
      const preprocess = this.getPreprocessing()!;
      validatePreprocessSpec(preprocess, `${this.uid}.preprocessing`);
      return {
        preprocess,
        inputName: 'image',
        frozen: undefined,
        cut: 'image',
        layers: network.layers,
        inputShape: imageShape(preprocess),
        weights: [],
        addHead: false,
      };
    }
    const name = this.getModelName();
    const resolved = await resolveImageModel(
      name === undefined ? { model: this.getModel()! } : { modelName: name },
      this.getPreprocessing(),
    );
    const bytes = new Uint8Array(await readFile(resolved.path));
    const proto = decodeModel(bytes, resolved.path);
    const featureTensor = this.getFeatureTensor() ?? resolved.featureTensor ?? penultimateTensor(proto);
    const inputName =
      proto.graph?.input?.find((v) => !(proto.graph?.initializer ?? []).some((t) => t.name === v.name))
        ?.name ?? 'image';
    const tail = importTail(proto, featureTensor, this.getTrainableLayers(), resolved.name);
    if (tail.fromInput) {
      return {
        preprocess: resolved.preprocess,
        inputName,
        frozen: undefined,
        cut: inputName,
        layers: tail.layers,
        inputShape: imageShape(resolved.preprocess),
        weights: tail.weights,
        addHead: true,
      };
    }
    const frozen = await cutGraph(proto, tail.from, { where: resolved.name });
    const shape = tensorTypeOf(decodeModel(frozen).graph?.output?.[0]?.type)?.shape?.slice(1);
    if (shape === undefined || shape.some((d) => typeof d !== 'number' || d < 1)) {
      throw new ParamError(
        'UNKNOWN_SHAPE',
        `${this.uid}: the shape of '${tail.from}' in ${resolved.name} is not fixed ([N, ${shape?.join(', ') ?? '?'}]); the new head needs it. Choose another featureTensor.`,
        { stage: this.uid, tensor: tail.from },
      );
    }
    return {
      preprocess: resolved.preprocess,
      inputName,
      frozen,
      cut: tail.from,
      layers: tail.layers,
      inputShape: shape as number[],
      weights: tail.weights,
      addHead: true,
    };
  }

  /** The network to train for labels up to `maxLabel`: the plan's trainable layers and the new head, and its weights. */
  private buildNetwork(plan: Awaited<ReturnType<ImageClassifier['plan']>>, maxLabel: number) {
    const layers = [...plan.layers];
    const inputShape = plan.inputShape;
    if (plan.addHead) {
      const tailShape = layers.length === 0 ? inputShape : new Sequential(layers).outputShape(inputShape);
      if (tailShape.length !== 1) layers.push(new Flatten());
      for (const units of this.getHiddenLayers()) layers.push(new Dense(units, { activation: 'relu' }));
      layers.push(new Dense(maxLabel + 1, { activation: 'softmax' }));
    }
    const network = new Sequential(layers);
    const classes = network.outputShape(inputShape)[0] as number;
    if (!plan.addHead && (network.outputShape(inputShape).length !== 1 || classes < maxLabel + 1)) {
      throw new ParamError(
        'LAYERS_MISMATCH',
        `${this.uid}: the network outputs [${network.outputShape(inputShape).join(', ')}] per image, but the labels go up to ${maxLabel}; end it with a Dense layer of at least ${maxLabel + 1} units.`,
        { stage: this.uid, param: 'network', expected: String(maxLabel + 1) },
      );
    }
    const seed = this.getSeed();
    const weights = initParams(network.params(inputShape), seed);
    plan.weights.forEach((w, i) => {
      weights[i] = w;
    });
    return { network, inputShape, classes, weights, seed };
  }

  /**
   * `numWorkers` on an engine that runs gangs itself (Spark): the images are decoded and the frozen part run on the
   * executors, and the features never leave them: the gang's members hold out a share of their rows, standardize
   * over all members' training rows, evaluate each epoch together and stop early together (see
   * `distributed/holdout.ts`).
   */
  private async fitOnGang(
    df: DataFrame,
    plan: Awaited<ReturnType<ImageClassifier['plan']>>,
    cols: { inputCol: string; labelCol: string; stage: string },
  ): Promise<ImageClassificationModel> {
    const frozenSize = plan.inputShape.reduce((a, b) => a * b, 1);
    const pixels = imageShape(plan.preprocess).reduce((a, b) => a * b, 1);
    const { scored, out } = await scoreImageRows(
      df,
      cols,
      plan.preprocess,
      plan.frozen !== undefined
        ? { bytes: plan.frozen, input: plan.inputName, output: plan.cut, size: frozenSize }
        : { bytes: identityImageModel(plan.preprocess), input: 'image', output: 'pixels', size: pixels },
    );
    const rows = scored.select(col(out), col(cols.labelCol));
    const top = (await rows.agg(max(col(cols.labelCol)).alias('m')).collect())[0]?.m;
    const maxLabel = Number(top ?? 0);
    const { network, inputShape, classes, weights, seed } = this.buildNetwork(plan, maxLabel);
    const standardize = plan.addHead && plan.layers.length === 0;
    const optimizer =
      this.getOptimizer() === 'adam'
        ? adam({ learningRate: this.getLearningRate() })
        : sgd({ learningRate: this.getLearningRate(), momentum: this.getMomentum() });
    const fit = await fitOnEngineGang(rows, {
      job: {
        kind: 'minibatch',
        network: sequentialToJson(network),
        loss: 'crossEntropy',
        optimizer,
        inputShape,
        seed,
        globalBatch: this.getBatchSize(),
        epochs: this.getEpochs(),
        tol: 0,
      },
      featuresCol: out,
      labelCol: cols.labelCol,
      inputShape,
      labelWidth: 1,
      numWorkers: this.getNumWorkers(),
      initialWeights: weights.map((w) => Array.from(w)),
      holdout: {
        fraction: this.getValidationSplit(),
        patience: this.getEarlyStoppingPatience(),
        standardize,
      },
    });
    const trainedWeights = (fit.final.arrays.weights ?? []).map((a) => Float32Array.from(a));
    const state = (fit.final.arrays.layers ?? []).map((a) => Float32Array.from(a));
    if (fit.scaling !== undefined) {
      foldScaling(trainedWeights, {
        mean: Float64Array.from(fit.scaling.mean),
        std: Float64Array.from(fit.scaling.std),
      });
    }
    const history: EpochMetrics[] = fit.metrics.map(
      ([, accuracy, validationLoss, validationAccuracy], i) => ({
        epoch: i + 1,
        loss: fit.history[i] ?? Number.NaN,
        accuracy,
        ...(Number.isNaN(validationLoss) ? {} : { validationLoss, validationAccuracy }),
      }),
    );
    const trained = trainedNetworkGraph({ network, inputShape, weights: trainedWeights, state });
    const bytes = composeClassifier(plan.frozen, plan.cut, trained, plan.inputName);
    const model = this.copyValues(new ImageClassificationModel({ uid: this.uid }));
    return model.setNetwork(
      { bytes, inputName: plan.inputName, preprocess: plan.preprocess, numClasses: classes },
      { history, bestEpoch: fit.bestEpoch, trainRows: fit.trainRows, validationRows: fit.heldOutRows },
    );
  }

  protected async _fit(df: DataFrame): Promise<ImageClassificationModel> {
    const plan = await this.plan();
    const cols = { inputCol: this.getInputCol(), labelCol: this.getLabelCol(), stage: this.uid };
    const augment = { flip: this.getFlip(), cropPadding: this.getCropPadding() };
    if (this.getNumWorkers() > 1 && engineRunsGangs(df)) {
      if (augments(augment)) {
        throw new ParamError(
          'INVALID_PARAM',
          `${this.uid}: numWorkers ${this.getNumWorkers()} trains without augmentation; set flip 'none' and ` +
            'cropPadding 0, or train on one worker.',
          { param: 'numWorkers', value: String(this.getNumWorkers()) },
        );
      }
      return this.fitOnGang(df, plan, cols);
    }
    // Without augmentation the frozen part runs once, in the workers; with it, on every augmented batch.
    const runFrozenOnce = plan.frozen !== undefined && !augments(augment);
    const frozenSize = plan.inputShape.reduce((a, b) => a * b, 1);
    const pixels = imageShape(plan.preprocess).reduce((a, b) => a * b, 1);
    const rows = await readImageRows(
      df,
      cols,
      plan.preprocess,
      runFrozenOnce
        ? { bytes: plan.frozen!, input: plan.inputName, output: plan.cut, size: frozenSize }
        : { bytes: identityImageModel(plan.preprocess), input: 'image', output: 'pixels', size: pixels },
    );
    // Rows in an order of their own content: a split's rows arrive in no particular order, and the fit (shuffles,
    // mini-batches) must not depend on it.
    const rowSize = runFrozenOnce ? frozenSize : pixels;
    const order = canonicalRowOrder(rows.x, rowSize, rows.labels);
    const x = new Float32Array(rows.x.length);
    order.forEach((row, i) => {
      x.set(rows.x.subarray(row * rowSize, (row + 1) * rowSize), i * rowSize);
    });
    const labels = Float64Array.from(order, (row) => rows.labels[row] as number);
    const maxLabel = labels.reduce((a, b) => Math.max(a, b), 0);
    const { network, inputShape, classes, weights, seed } = this.buildNetwork(plan, maxLabel);
    const frozenPart: FrozenPart | undefined =
      plan.frozen === undefined || runFrozenOnce
        ? undefined
        : { bytes: plan.frozen, input: plan.inputName, output: plan.cut };
    const epochs = this.getEpochs();
    const progress = fitProgress(this.getShowProgress(), this.uid, epochs, 'epochs');
    let fit: Awaited<ReturnType<typeof trainImageClassifier>>;
    try {
      fit = await trainImageClassifier(
        network,
        inputShape,
        weights,
        { x, rowSize, labels, frozen: frozenPart },
        {
          optimizer: this.getOptimizer(),
          learningRate: this.getLearningRate(),
          momentum: this.getMomentum(),
          batchSize: this.getBatchSize(),
          epochs,
          validationSplit: this.getValidationSplit(),
          earlyStoppingPatience: this.getEarlyStoppingPatience(),
          numWorkers: this.getNumWorkers(),
          stage: this.uid,
          seed,
          augment,
          preprocess: plan.preprocess,
          // A new head on frozen features trains much faster on standardized features (as Spark ML's linear
          // models standardize); the scaling is folded into its first layer afterwards.
          standardize: plan.addHead && plan.layers.length === 0,
          onEpoch: (m: EpochMetrics) => progress.update(m.epoch, m.validationLoss ?? m.loss),
        },
      );
    } finally {
      progress.stop();
    }
    const trained = trainedNetworkGraph({ network, inputShape, weights: fit.weights, state: fit.state });
    const bytes = composeClassifier(plan.frozen, plan.cut, trained, plan.inputName);
    const model = this.copyValues(new ImageClassificationModel({ uid: this.uid }));
    return model.setNetwork(
      { bytes, inputName: plan.inputName, preprocess: plan.preprocess, numClasses: classes },
      {
        history: fit.history,
        bestEpoch: fit.bestEpoch,
        trainRows: fit.trainRows,
        validationRows: fit.validationRows,
      },
    );
  }
}
registerStage(ImageClassifier);
