/**
 * The epoch loop of {@link ImageClassifier}: seeded validation split and shuffles, mini-batches (the last one of an
 * epoch filled up from the start of the shuffle, so no row is dropped), optional augmentation run through the
 * frozen part of the backbone batch by batch, metrics after each epoch, and early stopping that keeps the best
 * epoch's weights.
 *
 * @module
 */

import * as ort from 'onnxruntime-node';
import type { MinibatchJob } from '../distributed/replica.js';
import { runThreadGang } from '../distributed/threadGang.js';
import { ParamError } from '../errors.js';
import type { ImagePreprocessSpec } from '../image/preprocess.js';
import { mulberry32 } from '../nn/init.js';
import { sequentialToJson } from '../nn/layerJson.js';
import type { Sequential } from '../nn/layers.js';
import { adam, type OptimizerSpec, sgd } from '../nn/optimizers.js';
import { compileTraining, type Trainer } from '../nn/Trainer.js';
import { trainingThreads } from '../nn/threads.js';
import { type AugmentOptions, augmentImages, augments } from './imageAugment.js';

/**
 * What one epoch gave: the mean training loss of its steps, and loss and accuracy after it on the training rows
 * (without augmentation) and on the validation rows (when there are any).
 */
export interface EpochMetrics {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly validationLoss?: number;
  readonly validationAccuracy?: number;
}

/** The frozen part of the backbone, run in the loop when training images are augmented. */
export interface FrozenPart {
  readonly bytes: Uint8Array;
  readonly input: string;
  readonly output: string;
}

/** Settings of {@link trainImageClassifier}. */
export interface ImageTrainingSettings {
  readonly optimizer: 'adam' | 'sgd';
  readonly learningRate: number;
  readonly momentum: number;
  readonly batchSize: number;
  readonly epochs: number;
  readonly validationSplit: number;
  /** Epochs without improvement before stopping; 0: never stop early. */
  readonly earlyStoppingPatience: number;
  readonly seed: number;
  readonly augment: AugmentOptions;
  readonly preprocess: ImagePreprocessSpec;
  /**
   * Standardize the features to zero mean and unit variance over the training rows while training, then fold the
   * scaling into the first layer's weights (which must be the network's first dense layer, reading the features).
   */
  readonly standardize: boolean;
  /** Data-parallel worker threads (without augmentation); 1: train in the calling thread. */
  readonly numWorkers?: number;
  /** The estimator, for messages. */
  readonly stage?: string;
  readonly onEpoch?: (metrics: EpochMetrics) => void;
}

/** The data: either features of the trainable part (`frozen` unset) or image tensors (`frozen` runs on them). */
export interface ImageTrainingData {
  /** Rows × `rowSize` values. */
  readonly x: Float32Array;
  readonly rowSize: number;
  readonly labels: Float64Array;
  /** Present when `x` holds images and the frozen backbone part runs before the trainable layers. */
  readonly frozen?: FrozenPart | undefined;
}

/** What training gave. */
export interface ImageTrainingResult {
  readonly weights: Float32Array[];
  readonly state: Float32Array[];
  readonly history: EpochMetrics[];
  /** The epoch whose weights were kept (the last, or the best when stopping early). */
  readonly bestEpoch: number;
  readonly trainRows: number;
  readonly validationRows: number;
}

/**
 * Trains `network` (input `inputShape`) on the data from `initialWeights`.
 *
 * @example
 * ```ts
 * const fit = await trainImageClassifier(network, [64], weights, data, settings);
 * ```
 */
export async function trainImageClassifier(
  network: Sequential,
  inputShape: readonly number[],
  initialWeights: readonly Float32Array[],
  data: ImageTrainingData,
  s: ImageTrainingSettings,
): Promise<ImageTrainingResult> {
  const rows = data.labels.length;
  const random = mulberry32(s.seed ^ 0x1a6e);
  const order = shuffle(
    Uint32Array.from({ length: rows }, (_, i) => i),
    random,
  );
  const nVal = Math.min(rows - 1, Math.round(rows * s.validationSplit));
  const valRows = order.slice(rows - nVal);
  const trainRows = order.slice(0, rows - nVal);
  const threads = trainingThreads();
  const frozen =
    data.frozen === undefined
      ? undefined
      : await ort.InferenceSession.create(data.frozen.bytes, {
          graphOptimizationLevel: 'all',
          ...(threads === undefined ? {} : { intraOpNumThreads: threads, interOpNumThreads: 1 }),
        });
  const featureSize = inputShape.reduce((a, b) => a * b, 1);
  // Features of the trainable part, without augmentation: for evaluation, and for training when not augmenting.
  const features = async (subset: Uint32Array): Promise<Float32Array> => {
    const raw = gather(data.x, data.rowSize, subset);
    return frozen === undefined
      ? raw
      : runFrozen(frozen, data.frozen as FrozenPart, raw, subset.length, s.preprocess, featureSize);
  };
  const trainX = await features(trainRows);
  const scaling = s.standardize ? featureScaling(trainX, featureSize) : undefined;
  if (scaling !== undefined) applyScaling(trainX, scaling);
  const trainY = gatherLabels(data.labels, trainRows);
  const valX = nVal > 0 ? await features(valRows) : undefined;
  if (scaling !== undefined && valX !== undefined) applyScaling(valX, scaling);
  const valY = gatherLabels(data.labels, valRows);
  const batch = Math.min(s.batchSize, trainRows.length);
  const optimizer: OptimizerSpec =
    s.optimizer === 'adam'
      ? adam({ learningRate: s.learningRate })
      : sgd({ learningRate: s.learningRate, momentum: s.momentum });
  const trainer = await compileTraining(network, {
    loss: 'crossEntropy',
    optimizer,
    batchSize: batch,
    inputSize: inputShape,
    seed: s.seed,
    initialWeights,
  });
  const augmenting = augments(s.augment);
  if ((s.numWorkers ?? 1) > 1) {
    if (augmenting) {
      await trainer.close();
      await frozen?.release();
      throw new ParamError(
        'INVALID_PARAM',
        `${s.stage ?? 'ImageClassifier'}: numWorkers ${s.numWorkers} trains without augmentation; set flip 'none' and ` +
          'cropPadding 0, or train on one worker.',
        { param: 'numWorkers', value: String(s.numWorkers) },
      );
    }
    try {
      const fit = await trainOnGang(network, inputShape, initialWeights, optimizer, trainer, {
        trainX,
        trainY,
        valX,
        valY,
        batch,
        // The single-worker loop's stream: the validation split's shuffle, then one shuffle per epoch.
        sampling: { kind: 'seededShuffle', seed: s.seed ^ 0x1a6e, skipDraws: Math.max(0, rows - 1) },
        settings: s,
      });
      if (scaling !== undefined) foldScaling(fit.weights, scaling);
      return { ...fit, trainRows: trainRows.length, validationRows: nVal };
    } finally {
      await trainer.close();
      await frozen?.release();
    }
  }
  try {
    const history: EpochMetrics[] = [];
    let best: { epoch: number; score: number; weights: Float32Array[]; state: Float32Array[] } | undefined;
    const local = Uint32Array.from({ length: trainRows.length }, (_, i) => i);
    const xb = new Float32Array(batch * featureSize);
    const yb = new Float64Array(batch);
    const images = augmenting ? new Float32Array(batch * data.rowSize) : undefined;
    const augmented = augmenting ? new Float32Array(batch * data.rowSize) : undefined;
    for (let epoch = 1; epoch <= s.epochs; epoch++) {
      shuffle(local, random);
      let sum = 0;
      let steps = 0;
      for (let start = 0; start < local.length; start += batch) {
        for (let r = 0; r < batch; r++) {
          const i = local[(start + r) % local.length] as number;
          yb[r] = trainY[i] as number;
          if (images === undefined)
            xb.set(trainX.subarray(i * featureSize, (i + 1) * featureSize), r * featureSize);
          else {
            const row = trainRows[i] as number;
            images.set(data.x.subarray(row * data.rowSize, (row + 1) * data.rowSize), r * data.rowSize);
          }
        }
        if (images !== undefined && augmented !== undefined) {
          augmentImages(images, augmented, batch, s.preprocess, s.augment, random);
          xb.set(
            frozen === undefined
              ? augmented
              : await runFrozen(
                  frozen,
                  data.frozen as FrozenPart,
                  augmented,
                  batch,
                  s.preprocess,
                  featureSize,
                ),
          );
        }
        sum += await trainer.step(xb, yb);
        steps++;
      }
      const train = await trainer.evaluate(trainX, trainY);
      const val = valX === undefined ? undefined : await trainer.evaluate(valX, valY);
      const metrics: EpochMetrics = {
        epoch,
        loss: sum / steps,
        accuracy: train.accuracy ?? 0,
        ...(val === undefined ? {} : { validationLoss: val.loss, validationAccuracy: val.accuracy ?? 0 }),
      };
      history.push(metrics);
      s.onEpoch?.(metrics);
      const score = val?.loss ?? train.loss;
      if (s.earlyStoppingPatience > 0) {
        if (best === undefined || score < best.score) {
          best = { epoch, score, weights: await trainer.getWeights(), state: await trainer.getState() };
        } else if (epoch - best.epoch >= s.earlyStoppingPatience) break;
      }
    }
    const kept = best ?? {
      epoch: history.length,
      weights: await trainer.getWeights(),
      state: await trainer.getState(),
    };
    if (scaling !== undefined) foldScaling(kept.weights, scaling);
    return {
      weights: kept.weights,
      state: kept.state,
      history,
      bestEpoch: kept.epoch,
      trainRows: trainRows.length,
      validationRows: nVal,
    };
  } finally {
    await trainer.close();
    await frozen?.release();
  }
}

/** What {@link trainOnGang} trains on. */
interface GangInput {
  readonly trainX: Float32Array;
  readonly trainY: Float64Array;
  readonly valX: Float32Array | undefined;
  readonly valY: Float64Array;
  readonly batch: number;
  readonly sampling: MinibatchJob['sampling'];
  readonly settings: ImageTrainingSettings;
}

/**
 * The epochs on `numWorkers` data-parallel threads: the same batches as the single-worker loop, the model of each
 * epoch reported back and evaluated here (with `evaluator`, a compiled trainer used only to evaluate), the best
 * epoch kept and the gang asked to finish when early stopping says so.
 */
async function trainOnGang(
  network: Sequential,
  inputShape: readonly number[],
  initialWeights: readonly Float32Array[],
  optimizer: OptimizerSpec,
  evaluator: Trainer,
  g: GangInput,
): Promise<Omit<ImageTrainingResult, 'trainRows' | 'validationRows'>> {
  const s = g.settings;
  const history: EpochMetrics[] = [];
  let best: { epoch: number; score: number; weights: Float32Array[]; state: Float32Array[] } | undefined;
  let stopAt: number | undefined;
  // Epochs are evaluated one after another, in order, while the gang goes on.
  let evaluated: Promise<void> = Promise.resolve();
  const result = await runThreadGang(
    {
      kind: 'minibatch',
      network: sequentialToJson(network),
      loss: 'crossEntropy',
      optimizer,
      inputShape,
      seed: s.seed,
      globalBatch: g.batch,
      epochs: s.epochs,
      tol: 0,
      ...(g.sampling === undefined ? {} : { sampling: g.sampling }),
      reportWeights: true,
    },
    { x: g.trainX, labels: g.trainY },
    {
      numWorkers: s.numWorkers ?? 2,
      initialWeights,
      onEpoch: (info) => {
        const weights = [...(info.weights ?? [])];
        const state = [...(info.layers ?? [])];
        evaluated = evaluated.then(async () => {
          if (stopAt !== undefined && info.epoch > stopAt) return;
          evaluator.setParameters(weights, state);
          const train = await evaluator.evaluate(g.trainX, g.trainY);
          const val = g.valX === undefined ? undefined : await evaluator.evaluate(g.valX, g.valY);
          const metrics: EpochMetrics = {
            epoch: info.epoch,
            loss: info.loss,
            accuracy: train.accuracy ?? 0,
            ...(val === undefined ? {} : { validationLoss: val.loss, validationAccuracy: val.accuracy ?? 0 }),
          };
          history.push(metrics);
          s.onEpoch?.(metrics);
          const score = val?.loss ?? train.loss;
          if (s.earlyStoppingPatience > 0) {
            if (best === undefined || score < best.score) {
              best = { epoch: info.epoch, score, weights, state };
            } else if (info.epoch - best.epoch >= s.earlyStoppingPatience) {
              stopAt = info.epoch;
              info.finish();
            }
          }
        });
      },
    },
  );
  await evaluated;
  const kept = best ?? {
    epoch: history.length,
    weights: (result.final.arrays.weights ?? []).map((a) => Float32Array.from(a)),
    state: (result.final.arrays.layers ?? []).map((a) => Float32Array.from(a)),
  };
  return { weights: kept.weights, state: kept.state, history, bestEpoch: kept.epoch };
}

/** Per-feature mean and standard deviation (1 where a feature is constant). */
export interface Scaling {
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

function featureScaling(x: Float32Array, size: number): Scaling {
  const rows = x.length / size;
  const mean = new Float64Array(size);
  const std = new Float64Array(size);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < size; j++) mean[j]! += (x[r * size + j] as number) / rows;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < size; j++) std[j]! += ((x[r * size + j] as number) - (mean[j] as number)) ** 2 / rows;
  }
  for (let j = 0; j < size; j++) std[j] = (std[j] as number) > 1e-12 ? Math.sqrt(std[j] as number) : 1;
  return { mean, std };
}

function applyScaling(x: Float32Array, { mean, std }: Scaling): void {
  const size = mean.length;
  for (let i = 0; i < x.length; i++)
    x[i] = ((x[i] as number) - (mean[i % size] as number)) / (std[i % size] as number);
}

/** Makes the first dense layer (kernel `[in, units]`, bias `[units]`) read unscaled features. */
export function foldScaling(weights: Float32Array[], { mean, std }: Scaling): void {
  const kernel = weights[0] as Float32Array;
  const bias = weights[1] as Float32Array;
  const inputs = mean.length;
  const units = kernel.length / inputs;
  for (let j = 0; j < units; j++) {
    let shift = 0;
    for (let i = 0; i < inputs; i++) {
      const w = (kernel[i * units + j] as number) / (std[i] as number);
      kernel[i * units + j] = w;
      shift += (mean[i] as number) * w;
    }
    bias[j] = (bias[j] as number) - shift;
  }
}

/** Runs the frozen part over `count` images in chunks, giving its outputs row after row. */
async function runFrozen(
  session: ort.InferenceSession,
  part: FrozenPart,
  images: Float32Array,
  count: number,
  spec: ImagePreprocessSpec,
  featureSize: number,
): Promise<Float32Array> {
  const out = new Float32Array(count * featureSize);
  const shape =
    spec.layout === 'NCHW'
      ? [spec.channels, spec.height, spec.width]
      : [spec.height, spec.width, spec.channels];
  const size = spec.channels * spec.height * spec.width;
  const chunk = 256;
  for (let start = 0; start < count; start += chunk) {
    const n = Math.min(chunk, count - start);
    const input = new ort.Tensor('float32', images.subarray(start * size, (start + n) * size), [n, ...shape]);
    const result = await session.run({ [part.input]: input });
    out.set(result[part.output]?.data as Float32Array, start * featureSize);
  }
  return out;
}

function shuffle(order: Uint32Array, random: () => number): Uint32Array {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return order;
}

function gather(x: Float32Array, size: number, rows: Uint32Array): Float32Array {
  const out = new Float32Array(rows.length * size);
  rows.forEach((row, i) => {
    out.set(x.subarray(row * size, (row + 1) * size), i * size);
  });
  return out;
}

function gatherLabels(labels: Float64Array, rows: Uint32Array): Float64Array {
  return Float64Array.from(rows, (row) => labels[row] as number);
}
