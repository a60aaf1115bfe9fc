/**
 * A point of a curve: `[x, y]` (`[false positive rate, true positive rate]` on the ROC curve, `[recall, precision]`
 * on the precision-recall curve).
 */
export type CurvePoint = readonly [x: number, y: number];

/**
 * The weighted positives and negatives at each distinct score, in descending order of score (NaN first, as Spark
 * orders it), from which {@link BinaryClassificationMetrics} are made.
 *
 * @example
 * ```ts
 * const counts: ScoreCounts = {
 *   scores: new Float64Array([0.9, 0.4]),
 *   positives: new Float64Array([1, 0]),
 *   negatives: new Float64Array([0, 2]),
 * };
 * ```
 */
export interface ScoreCounts {
  /** The distinct scores, descending. */
  readonly scores: Float64Array;
  /** The weight of the positive rows (label > 0.5) at each score. */
  readonly positives: Float64Array;
  /** The weight of the negative rows at each score. */
  readonly negatives: Float64Array;
}

/**
 * Metrics of a binary classifier's scores: Spark's `BinaryClassificationMetrics`, computed the same way. Each
 * distinct score is a threshold; the curves have one point per threshold (after down-sampling), from the cumulative
 * positives and negatives at or above it:
 *
 * - the ROC curve: `(0, 0)`, then (false positive rate, recall) at each threshold, then `(1, 1)`;
 * - the precision-recall curve: `(0, p)` where `p` is the first threshold's precision, then (recall, precision) at
 *   each threshold;
 * - areas by the trapezoidal rule. Recall is 0 without positives, the false positive rate 0 without negatives,
 *   precision 1 at a threshold with nothing above it.
 *
 * Down-sampling (`numBins > 0`): with `n` distinct scores and `g = floor(n / numBins) >= 2`, consecutive runs of
 * `g` scores are merged into one point (the last run may be shorter), so the curves have about `numBins` points.
 * Spark does this within each partition of its sorted scores; deepframe does it over the whole sorted sequence, as
 * Spark does when the scores are in one partition.
 *
 * @example
 * ```ts
 * const metrics = new BinaryClassificationMetrics(counts, 0);
 * metrics.areaUnderROC(); // 1
 * metrics.roc();          // [[0, 0], [0, 1], [1, 1], [1, 1]]
 * ```
 */
export class BinaryClassificationMetrics {
  /**
   * The number of bins the curves were down-sampled to (0: none).
   *
   * @example
   * ```ts
   * new BinaryClassificationMetrics(counts, 1000).numBins; // 1000
   * ```
   */
  readonly numBins: number;
  private readonly thresholdScores: Float64Array;
  private readonly truePositives: Float64Array;
  private readonly falsePositives: Float64Array;
  private readonly positives: number;
  private readonly negatives: number;

  /**
   * Metrics of `counts` (descending scores with their positives and negatives), down-sampled to about `numBins`
   * points when there are at least twice as many distinct scores (0: never).
   *
   * @example
   * ```ts
   * const metrics = new BinaryClassificationMetrics(counts, 1000);
   * ```
   */
  constructor(counts: ScoreCounts, numBins = 0) {
    this.numBins = numBins;
    const n = counts.scores.length;
    const grouping = numBins > 0 ? Math.floor(n / numBins) : 0;
    const size = grouping >= 2 ? Math.ceil(n / grouping) : n;
    const step = grouping >= 2 ? grouping : 1;
    this.thresholdScores = new Float64Array(size);
    this.truePositives = new Float64Array(size);
    this.falsePositives = new Float64Array(size);
    let tp = 0;
    let fp = 0;
    for (let bin = 0; bin < size; bin++) {
      const end = Math.min((bin + 1) * step, n);
      // Summed per bin, then added to the running totals: Spark's order of additions.
      let binTp = 0;
      let binFp = 0;
      for (let i = bin * step; i < end; i++) {
        binTp += counts.positives[i]!;
        binFp += counts.negatives[i]!;
      }
      tp += binTp;
      fp += binFp;
      // A bin's threshold is its last (smallest) score: the counts at or above it are the same as without bins.
      this.thresholdScores[bin] = counts.scores[end - 1]!;
      this.truePositives[bin] = tp;
      this.falsePositives[bin] = fp;
    }
    this.positives = tp;
    this.negatives = fp;
  }

  /**
   * The thresholds of the curves' points, descending.
   *
   * @example
   * ```ts
   * metrics.thresholds(); // [0.9, 0.4]
   * ```
   */
  thresholds(): number[] {
    return Array.from(this.thresholdScores);
  }

  /**
   * The ROC curve: `(0, 0)`, (false positive rate, true positive rate) at each threshold, `(1, 1)`.
   *
   * @example
   * ```ts
   * metrics.roc(); // [[0, 0], [0, 1], [1, 1], [1, 1]]
   * ```
   */
  roc(): CurvePoint[] {
    const points: CurvePoint[] = [[0, 0]];
    for (let i = 0; i < this.truePositives.length; i++)
      points.push([this.falsePositiveRate(i), this.recall(i)]);
    points.push([1, 1]);
    return points;
  }

  /**
   * The area under the ROC curve (0.5 for no rows, as in Spark).
   *
   * @example
   * ```ts
   * metrics.areaUnderROC(); // 1
   * ```
   */
  areaUnderROC(): number {
    return areaUnder(this.roc());
  }

  /**
   * The precision-recall curve: `(0, p)` with `p` the first threshold's precision, then (recall, precision) at
   * each threshold. Empty when there are no rows.
   *
   * @example
   * ```ts
   * metrics.pr(); // [[0, 1], [1, 1], [1, 0.3333333333333333]]
   * ```
   */
  pr(): CurvePoint[] {
    if (this.truePositives.length === 0) return [];
    const points: CurvePoint[] = [[0, this.precision(0)]];
    for (let i = 0; i < this.truePositives.length; i++) points.push([this.recall(i), this.precision(i)]);
    return points;
  }

  /**
   * The area under the precision-recall curve (NaN for no rows; the evaluator fails there, as Spark does).
   *
   * @example
   * ```ts
   * metrics.areaUnderPR(); // 1
   * ```
   */
  areaUnderPR(): number {
    const curve = this.pr();
    return curve.length === 0 ? Number.NaN : areaUnder(curve);
  }

  private recall(i: number): number {
    return this.positives === 0 ? 0 : this.truePositives[i]! / this.positives;
  }

  private falsePositiveRate(i: number): number {
    return this.negatives === 0 ? 0 : this.falsePositives[i]! / this.negatives;
  }

  private precision(i: number): number {
    const predicted = this.truePositives[i]! + this.falsePositives[i]!;
    return predicted === 0 ? 1 : this.truePositives[i]! / predicted;
  }
}

/** The area under a curve by the trapezoidal rule, summed in order. */
function areaUnder(curve: readonly CurvePoint[]): number {
  let area = 0;
  for (let i = 1; i < curve.length; i++) {
    const [x1, y1] = curve[i - 1]!;
    const [x2, y2] = curve[i]!;
    area += ((x2 - x1) * (y2 + y1)) / 2;
  }
  return area;
}
