/**
 * Which rows a worker trains on at each step of data-parallel training.
 *
 * - {@link globalBatchSampler}: every worker sees every row (threads sharing memory). The epoch's shuffle of the
 *   whole dataset is drawn as single-worker training draws it, and worker `r` takes its slice of each global
 *   batch, so the union of the workers' batches at every step *is* single-worker training's batch.
 * - {@link partitionSampler}: a worker sees only its partition (a Spark task). Each worker shuffles its own rows
 *   every epoch and takes its share of each global batch from them — shares proportional to the partitions'
 *   sizes, so that every row weighs the same — for the same number of steps on every worker.
 *
 * Both start from an order of the rows' own content ({@link canonicalRowOrder}), so a seed gives the same batches
 * whatever order the rows arrive in.
 *
 * @module
 */
import { ParamError } from '../errors.js';
import { mulberry32 } from '../nn/init.js';

/** A worker's batches, epoch after epoch. */
export interface BatchSampler {
  /** This worker's rows per step. */
  readonly batchSize: number;
  /** This worker's rows over the global batch's: the weight of its gradients in the sum. */
  readonly scale: number;
  /** Steps per epoch, the same on every worker. */
  readonly stepsPerEpoch: number;
  /** Draws the next epoch's order; call once per epoch, from the first (a resumed run replays the ones done). */
  beginEpoch(): void;
  /** The local row indices of this worker's batch at step `step` of the current epoch. */
  rows(step: number): Uint32Array;
}

/** The shuffle's seed for a training seed (as the single-worker trainers draw it). */
export const shuffleSeed = (seed: number): number => seed ^ 0x5eed;

/**
 * Splits `total` rows into `n` shares in proportion to `weights` (largest remainders), every share at least 1.
 *
 * @example
 * ```ts
 * shares(128, [1, 1]); // [64, 64]
 * shares(10, [300, 100]); // [8, 2]
 * ```
 */
export function shares(total: number, weights: readonly number[]): number[] {
  const n = weights.length;
  if (total < n) {
    throw new ParamError(
      'INVALID_PARAM',
      `A global batch of ${total} rows cannot be shared by ${n} workers; make the batch at least ${n} rows.`,
      { param: 'batchSize', value: String(total), workers: String(n) },
    );
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  const spare = total - n;
  const exact = weights.map((w) => (sum > 0 ? (spare * w) / sum : spare / n));
  const out = exact.map((e) => 1 + Math.floor(e));
  let left = total - out.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((e, i) => [e - Math.floor(e), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left-- <= 0) break;
    out[i] = (out[i] as number) + 1;
  }
  return out;
}

/** Fisher–Yates from the end, as the single-worker trainers shuffle. */
function shuffle(order: Uint32Array, rand: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
}

/**
 * Worker `rank` of `size` over all `order.length` rows: global batches of `globalBatch` rows (the last one of an
 * epoch filled up from the start of the shuffle), this worker's slice of each.
 *
 * @example
 * ```ts
 * const sampler = globalBatchSampler(canonicalRowOrder(x, features, labels), 128, 7, rank, 2);
 * sampler.beginEpoch();
 * sampler.rows(0); // 64 row indices: rows 0–63 of the first global batch for rank 0, 64–127 for rank 1
 * ```
 */
export function globalBatchSampler(
  canonical: Uint32Array,
  globalBatch: number,
  seed: number,
  rank: number,
  size: number,
): BatchSampler {
  return slicesOfGlobalBatches(
    Uint32Array.from(canonical),
    mulberry32(shuffleSeed(seed)),
    globalBatch,
    rank,
    size,
  );
}

/** Worker `rank`'s slice of global batches over `order`, shuffled by `rand` once per epoch. */
function slicesOfGlobalBatches(
  order: Uint32Array,
  rand: () => number,
  globalBatch: number,
  rank: number,
  size: number,
): BatchSampler {
  const rows = order.length;
  const split = shares(globalBatch, new Array<number>(size).fill(1));
  const offset = split.slice(0, rank).reduce((a, b) => a + b, 0);
  const batchSize = split[rank] as number;
  const out = new Uint32Array(batchSize);
  return {
    batchSize,
    scale: batchSize / globalBatch,
    stepsPerEpoch: Math.ceil(rows / globalBatch),
    beginEpoch: () => shuffle(order, rand),
    rows(step) {
      const start = step * globalBatch + offset;
      for (let r = 0; r < batchSize; r++) out[r] = order[(start + r) % rows] as number;
      return out;
    },
  };
}

/**
 * Worker `rank` over its own partition (`canonical`, its rows in content order), whose share of each global batch
 * is `batchSize` rows; `totalRows` is every partition's rows together (for the steps per epoch).
 *
 * @example
 * ```ts
 * const [mine] = shares(128, rowCounts).slice(rank);
 * const sampler = partitionSampler(canonicalRowOrder(x, f, labels), mine, 128, totalRows, seed, rank);
 * ```
 */
export function partitionSampler(
  canonical: Uint32Array,
  batchSize: number,
  globalBatch: number,
  totalRows: number,
  seed: number,
  rank: number,
): BatchSampler {
  const order = Uint32Array.from(canonical);
  const rows = order.length;
  const rand = mulberry32((shuffleSeed(seed) + Math.imul(rank, 0x9e3779b1)) | 0);
  const out = new Uint32Array(batchSize);
  return {
    batchSize,
    scale: batchSize / globalBatch,
    stepsPerEpoch: Math.ceil(totalRows / globalBatch),
    beginEpoch: () => shuffle(order, rand),
    rows(step) {
      const start = step * batchSize;
      for (let r = 0; r < batchSize; r++) out[r] = order[(start + r) % rows] as number;
      return out;
    },
  };
}

/**
 * Worker `rank` of `size` over `rows` rows in the order a caller's own seeded shuffle gives them: a
 * `mulberry32(seed)` stream, advanced by `skipDraws` draws (what the caller drew before, such as a validation
 * split), then one Fisher–Yates shuffle of the rows per epoch, global batches of `globalBatch` rows (the last filled
 * up from the start), this worker's slice of each. `ImageClassifier` trains on these batches, so that its
 * data-parallel fit sees the batches its single-worker fit sees.
 *
 * @example
 * ```ts
 * const sampler = seededShuffleSampler(trainRows, 32, seed ^ 0x1a6e, rows - 1, rank, 2);
 * ```
 */
export function seededShuffleSampler(
  rows: number,
  globalBatch: number,
  seed: number,
  skipDraws: number,
  rank: number,
  size: number,
): BatchSampler {
  const rand = mulberry32(seed);
  for (let i = 0; i < skipDraws; i++) rand();
  const order = Uint32Array.from({ length: rows }, (_, i) => i);
  return slicesOfGlobalBatches(order, rand, globalBatch, rank, size);
}
