/**
 * What an estimator that validates while it trains (`ImageClassifier`) needs of a gang whose members each hold only
 * their partition: a held-out share of each member's rows, the features' standardization computed over every
 * member's training rows, and each epoch's metrics on the training and held-out rows — sums all-reduced over the
 * ring, so that every member sees the same metrics and takes the same early-stopping decision.
 *
 * @module
 */
import * as ort from 'onnxruntime-node';
import { mulberry32 } from '../nn/init.js';
import { sequentialFromJson } from '../nn/layerJson.js';
import { forwardGraph } from '../nn/Trainer.js';
import { canonicalRowOrder } from '../tensor/rowOrder.js';
import type { MinibatchJob } from './replica.js';
import { type RingLink, ringAllReduce } from './ring.js';

/** Rows: features (`rows × features`) and class indices. */
export interface LabelledRows {
  readonly x: Float32Array;
  readonly labels: Float64Array;
}

/** How a gang validates: the held-out share of each member's rows, and early stopping's patience (0: never). */
export interface HoldoutSpec {
  readonly fraction: number;
  readonly patience: number;
  /** Standardize the features over the training rows (the driver folds the scaling into the first layer). */
  readonly standardize: boolean;
}

/**
 * Splits a member's rows: `round(rows × fraction)` of them, drawn by a shuffle seeded with the job's seed and the
 * member's rank from the rows' content order, are held out.
 *
 * @example
 * ```ts
 * const { train, validation } = splitHoldout(rows, 64, 0.2, seed, rank);
 * ```
 */
export function splitHoldout(
  rows: LabelledRows,
  features: number,
  fraction: number,
  seed: number,
  rank: number,
): { train: LabelledRows; validation: LabelledRows } {
  const n = rows.labels.length;
  const order = canonicalRowOrder(rows.x, features, rows.labels);
  const rand = mulberry32((seed ^ 0x1a6e) + Math.imul(rank, 0x9e3779b1));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  const held = Math.min(Math.max(0, n - 1), Math.round(n * fraction));
  const take = (list: Uint32Array): LabelledRows => {
    const x = new Float32Array(list.length * features);
    const labels = new Float64Array(list.length);
    list.forEach((row, i) => {
      x.set(rows.x.subarray(row * features, (row + 1) * features), i * features);
      labels[i] = rows.labels[row] as number;
    });
    return { x, labels };
  };
  return { train: take(order.subarray(0, n - held)), validation: take(order.subarray(n - held)) };
}

/**
 * The features' mean and standard deviation over every member's training rows (population, 1 for a constant
 * feature), by an all-reduce of sums, sums of squares and counts; applies them to `train` and `validation` in place.
 *
 * @example
 * ```ts
 * const { mean, std } = await standardizeAcrossGang([train.x, validation.x], train.x, 64, link);
 * ```
 */
export async function standardizeAcrossGang(
  targets: readonly Float32Array[],
  train: Float32Array,
  features: number,
  link: RingLink,
): Promise<{ mean: Float64Array; std: Float64Array }> {
  const sums = new Float64Array(2 * features + 1);
  const rows = train.length / features;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < features; j++) {
      const v = train[r * features + j] as number;
      sums[j] = (sums[j] as number) + v;
      sums[features + j] = (sums[features + j] as number) + v * v;
    }
  }
  sums[2 * features] = rows;
  await ringAllReduce(sums, link);
  const count = Math.max(1, sums[2 * features] as number);
  const mean = new Float64Array(features);
  const std = new Float64Array(features);
  for (let j = 0; j < features; j++) {
    const m = (sums[j] as number) / count;
    const variance = (sums[features + j] as number) / count - m * m;
    mean[j] = m;
    std[j] = variance > 1e-12 ? Math.sqrt(variance) : 1;
  }
  for (const x of targets) {
    for (let i = 0; i < x.length; i++) {
      x[i] = ((x[i] as number) - (mean[i % features] as number)) / (std[i % features] as number);
    }
  }
  return { mean, std };
}

/** An epoch's metrics over every member's rows. */
export interface GangMetrics {
  readonly loss: number;
  readonly accuracy: number;
  readonly validationLoss: number;
  readonly validationAccuracy: number;
}

/**
 * Evaluates a member's replica on its training and held-out rows after an epoch; the loss sums and correct counts
 * are all-reduced, so every member gets the same metrics.
 *
 * @example
 * ```ts
 * const evaluator = await GangEvaluator.create(job, 1);
 * const metrics = await evaluator.epochMetrics(weights, layers, train, validation, link);
 * ```
 */
export class GangEvaluator {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly job: MinibatchJob,
    private readonly names: { params: string[]; state: string[] },
    private readonly shapes: { params: number[][]; state: number[][] },
    private readonly classes: number,
  ) {}

  /** Compiles the network's forward pass with its weights as inputs. */
  static async create(job: MinibatchJob, threads: number): Promise<GangEvaluator> {
    const model = sequentialFromJson(job.network);
    const specs = model.params(job.inputShape);
    const stateSpecs = model.state(job.inputShape);
    const bytes = forwardGraph(model, job.inputShape, specs, stateSpecs, undefined, job.loss).toBytes();
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
    });
    const classes = model.outputShape(job.inputShape).reduce((a, b) => a * b, 1);
    return new GangEvaluator(
      session,
      job,
      { params: specs.map((s) => s.name), state: stateSpecs.map((s) => s.name) },
      { params: specs.map((s) => [...s.shape]), state: stateSpecs.map((s) => [...s.shape]) },
      classes,
    );
  }

  /** Loss and accuracy over every member's training and held-out rows. */
  async epochMetrics(
    weights: readonly Float32Array[],
    layers: readonly Float32Array[],
    train: LabelledRows,
    validation: LabelledRows,
    link: RingLink,
  ): Promise<GangMetrics> {
    const sums = Float64Array.from([
      ...(await this.sums(weights, layers, train)),
      ...(await this.sums(weights, layers, validation)),
    ]);
    await ringAllReduce(sums, link);
    const [loss, correct, rows, vLoss, vCorrect, vRows] = Array.from(sums) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    return {
      loss: loss / Math.max(1, rows),
      accuracy: correct / Math.max(1, rows),
      validationLoss: vRows > 0 ? vLoss / vRows : Number.NaN,
      validationAccuracy: vRows > 0 ? vCorrect / vRows : Number.NaN,
    };
  }

  /** `[loss sum, correct, rows]` over `rows` (cross-entropy on the softmax outputs). */
  private async sums(
    weights: readonly Float32Array[],
    layers: readonly Float32Array[],
    rows: LabelledRows,
  ): Promise<[number, number, number]> {
    const n = rows.labels.length;
    if (n === 0) return [0, 0, 0];
    const feeds: Record<string, ort.Tensor> = {
      input: new ort.Tensor('float32', rows.x, [n, ...this.job.inputShape]),
    };
    this.names.params.forEach((name, i) => {
      feeds[name] = new ort.Tensor('float32', weights[i] as Float32Array, this.shapes.params[i] ?? []);
    });
    this.names.state.forEach((name, i) => {
      feeds[name] = new ort.Tensor('float32', layers[i] as Float32Array, this.shapes.state[i] ?? []);
    });
    const out = (await this.session.run(feeds)).output?.data as Float32Array;
    const k = this.classes;
    let loss = 0;
    let correct = 0;
    for (let r = 0; r < n; r++) {
      const label = rows.labels[r] as number;
      loss -= Math.log(Math.max(out[r * k + label] ?? 0, 1e-30));
      let best = 0;
      for (let c = 1; c < k; c++) if ((out[r * k + c] as number) > (out[r * k + best] as number)) best = c;
      if (best === label) correct++;
    }
    return [loss, correct, n];
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
