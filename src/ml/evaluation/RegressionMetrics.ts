/**
 * The weighted sums that regression metrics are made of, over the rows of weight > 0 (`w` the weight, `y` the
 * label, `ŷ` the prediction), as the engine computes them in one pass.
 *
 * @example
 * ```ts
 * const sums: RegressionSums = {
 *   rows: 2, weightSum: 2, weightSquareSum: 2, labelSum: 3, labelSquareSum: 5, labelSquaredDeviationSum: 0.5,
 *   predictionSum: 3, predictionSquareSum: 4.5, squaredErrorSum: 0.5, absoluteErrorSum: 1,
 * };
 * ```
 */
export interface RegressionSums {
  /** The number of rows of weight > 0. */
  readonly rows: number;
  /** `Σ w`. */
  readonly weightSum: number;
  /** `Σ w²`. */
  readonly weightSquareSum: number;
  /** `Σ w·y`. */
  readonly labelSum: number;
  /** `Σ w·y²`. */
  readonly labelSquareSum: number;
  /** `Σ w·(y - ȳ)²`, `ȳ` the weighted mean label. */
  readonly labelSquaredDeviationSum: number;
  /** `Σ w·ŷ`. */
  readonly predictionSum: number;
  /** `Σ w·ŷ²`. */
  readonly predictionSquareSum: number;
  /** `Σ w·(y - ŷ)²`. */
  readonly squaredErrorSum: number;
  /** `Σ w·|y - ŷ|`. */
  readonly absoluteErrorSum: number;
}

/**
 * Metrics of a regression: Spark's `RegressionMetrics`, with its definitions (`W = Σ w`):
 *
 * - `meanSquaredError` = `Σ w·(y - ŷ)² / W`, `rootMeanSquaredError` its square root, `meanAbsoluteError` =
 *   `Σ w·|y - ŷ| / W`;
 * - `r2` = `1 - SSerr / SStot`, with `SStot` = the label's unbiased weighted variance times `W - 1` (`Σ (y - ȳ)²`
 *   without weights); through the origin, `1 - SSerr / Σ w·y²`;
 * - `explainedVariance` = `Σ w·(ŷ - ȳ)² / W`.
 *
 * What `RegressionEvaluator.getMetrics` returns.
 *
 * @example
 * ```ts
 * const metrics = new RegressionMetrics(sums);
 * metrics.rootMeanSquaredError; // 0.5
 * metrics.r2;                   // 0
 * ```
 */
export class RegressionMetrics {
  /**
   * Whether `r2` is that of a regression through the origin.
   *
   * @example
   * ```ts
   * new RegressionMetrics(sums, true).throughOrigin; // true
   * ```
   */
  readonly throughOrigin: boolean;
  private readonly sums: RegressionSums;

  /**
   * Metrics of `sums`; `throughOrigin` for a model without an intercept.
   *
   * @example
   * ```ts
   * const metrics = new RegressionMetrics(sums, true);
   * ```
   */
  constructor(sums: RegressionSums, throughOrigin = false) {
    this.sums = sums;
    this.throughOrigin = throughOrigin;
  }

  /**
   * The number of rows of weight > 0.
   *
   * @example
   * ```ts
   * metrics.count; // 2
   * ```
   */
  get count(): number {
    return this.sums.rows;
  }

  /**
   * The weighted mean of the squared errors.
   *
   * @example
   * ```ts
   * metrics.meanSquaredError; // 0.25
   * ```
   */
  get meanSquaredError(): number {
    return this.sums.squaredErrorSum / this.sums.weightSum;
  }

  /**
   * The square root of {@link RegressionMetrics.meanSquaredError}.
   *
   * @example
   * ```ts
   * metrics.rootMeanSquaredError; // 0.5
   * ```
   */
  get rootMeanSquaredError(): number {
    return Math.sqrt(this.meanSquaredError);
  }

  /**
   * The weighted mean of the absolute errors.
   *
   * @example
   * ```ts
   * metrics.meanAbsoluteError; // 0.5
   * ```
   */
  get meanAbsoluteError(): number {
    return this.sums.absoluteErrorSum / this.sums.weightSum;
  }

  /**
   * The coefficient of determination R² (unadjusted); can be negative, and is -Infinity or NaN when the labels do
   * not vary.
   *
   * @example
   * ```ts
   * metrics.r2; // 0.9
   * ```
   */
  get r2(): number {
    const { squaredErrorSum, labelSquareSum } = this.sums;
    return 1 - squaredErrorSum / (this.throughOrigin ? labelSquareSum : this.totalSumOfSquares());
  }

  /**
   * The variance the predictions explain: `Σ w·(ŷ - ȳ)² / W`.
   *
   * @example
   * ```ts
   * metrics.explainedVariance; // 1.25
   * ```
   */
  get explainedVariance(): number {
    const { weightSum, labelSum, predictionSum, predictionSquareSum } = this.sums;
    const labelMean = labelSum / weightSum;
    const predictionMean = predictionSum / weightSum;
    // Spark's expansion of Σ w·(ŷ - ȳ)², term by term, so that the figures agree to the last digits.
    const explained =
      predictionSquareSum + labelMean * labelMean * weightSum - 2 * labelMean * predictionMean * weightSum;
    return explained / weightSum;
  }

  /** Spark's SStot: the unbiased weighted variance of the label (0 when undefined) times `W - 1`. */
  private totalSumOfSquares(): number {
    const { weightSum, weightSquareSum, labelSquaredDeviationSum } = this.sums;
    const denominator = weightSum - weightSquareSum / weightSum;
    const variance = denominator > 0 ? Math.max(labelSquaredDeviationSum / denominator, 0) : 0;
    return variance * (weightSum - 1);
  }
}
