import { type DeepframeError, ExecutionError, ParamError } from '../../errors.js';

/**
 * One cell of a weighted confusion table: the total weight of the rows with this label and this prediction.
 *
 * @example
 * ```ts
 * const cell: ConfusionCell = { label: 1, prediction: 0, weight: 3 }; // three rows of class 1 predicted as 0
 * ```
 */
export interface ConfusionCell {
  /** The true class. */
  readonly label: number;
  /** The predicted class. */
  readonly prediction: number;
  /** The total weight of the rows with this label and prediction (their number, without weights). */
  readonly weight: number;
}

/**
 * The sums that give the log loss: `Σ weight · loss` and `Σ weight` over every row, and the number of rows.
 *
 * @example
 * ```ts
 * const sums: LogLossSums = { lossSum: 1.2, weightSum: 3, rows: 3 };
 * ```
 */
export interface LogLossSums {
  /** `Σ weight · -log(p)` with `p` the probability of the true class, clipped to `[eps, 1 - eps]`. */
  readonly lossSum: number;
  /** `Σ weight`. */
  readonly weightSum: number;
  /** The number of rows. */
  readonly rows: number;
}

/**
 * Metrics of a multiclass classification, from its weighted confusion table: Spark's `MulticlassMetrics`, with
 * the same definitions (and the same answers for the corner cases: a precision of 0 for a class never predicted,
 * an F-measure of 0 when precision and recall are both 0). Labels and predictions are compared as numbers, so a NaN
 * prediction is never right. What `MulticlassClassificationEvaluator.getMetrics` returns.
 *
 * @example
 * ```ts
 * const metrics = new MulticlassMetrics([
 *   { label: 0, prediction: 0, weight: 2 },
 *   { label: 0, prediction: 1, weight: 1 },
 *   { label: 1, prediction: 1, weight: 1 },
 * ]);
 * metrics.accuracy;      // 0.75
 * metrics.precision(1);  // 0.5
 * metrics.labels;        // [0, 1]
 * ```
 */
export class MulticlassMetrics {
  /**
   * The classes that occur as labels, in ascending order.
   *
   * @example
   * ```ts
   * metrics.labels; // [0, 1, 2]
   * ```
   */
  readonly labels: readonly number[];
  private readonly cells: readonly ConfusionCell[];
  private readonly weightByLabel = new Map<number, number>();
  private readonly truePositives = new Map<number, number>();
  private readonly falsePositives = new Map<number, number>();
  private readonly totalWeight: number;
  private readonly logLossSums: LogLossSums | DeepframeError | undefined;

  /**
   * Metrics of the confusion table `cells` (a label and prediction pair may appear more than once; their weights
   * add up). `logLoss` holds the log-loss sums, or the error to throw when {@link MulticlassMetrics.logLoss} is
   * asked for and the data could not give it.
   *
   * @example
   * ```ts
   * const metrics = new MulticlassMetrics([{ label: 0, prediction: 0, weight: 1 }]);
   * ```
   */
  constructor(cells: readonly ConfusionCell[], logLoss?: LogLossSums | DeepframeError) {
    this.cells = cells;
    this.logLossSums = logLoss;
    let total = 0;
    for (const { label, prediction, weight } of cells) {
      this.weightByLabel.set(label, (this.weightByLabel.get(label) ?? 0) + weight);
      if (label === prediction) this.truePositives.set(label, (this.truePositives.get(label) ?? 0) + weight);
      else this.falsePositives.set(prediction, (this.falsePositives.get(prediction) ?? 0) + weight);
      total += weight;
    }
    this.totalWeight = total;
    this.labels = Object.freeze([...this.weightByLabel.keys()].sort((a, b) => a - b));
  }

  /**
   * The confusion matrix: row `i` is the true class `labels[i]`, column `j` the predicted class `labels[j]`, each
   * entry a total weight (predictions that are not labels have no column).
   *
   * @example
   * ```ts
   * metrics.confusionMatrix(); // [[2, 1], [0, 1]]
   * ```
   */
  confusionMatrix(): number[][] {
    const index = new Map(this.labels.map((label, i) => [label, i]));
    const matrix = this.labels.map(() => this.labels.map(() => 0));
    for (const { label, prediction, weight } of this.cells) {
      const i = index.get(label);
      const j = index.get(prediction);
      if (i !== undefined && j !== undefined) matrix[i]![j]! += weight;
    }
    return matrix;
  }

  /**
   * The true positive rate (recall) of class `label`.
   *
   * @example
   * ```ts
   * metrics.truePositiveRate(0); // 0.6666666666666666
   * ```
   */
  truePositiveRate(label: number): number {
    return this.recall(label);
  }

  /**
   * The false positive rate of class `label`: the weight of other classes' rows predicted as `label` over the
   * weight of other classes' rows.
   *
   * @example
   * ```ts
   * metrics.falsePositiveRate(1); // 1
   * ```
   */
  falsePositiveRate(label: number): number {
    const weight = this.labelWeight(label);
    return (this.falsePositives.get(label) ?? 0) / (this.totalWeight - weight);
  }

  /**
   * The precision of class `label`: its true positives over the rows predicted as `label`; 0 when none are.
   *
   * @example
   * ```ts
   * metrics.precision(1); // 0.5
   * ```
   */
  precision(label: number): number {
    this.labelWeight(label);
    const tp = this.truePositives.get(label) ?? 0;
    const fp = this.falsePositives.get(label) ?? 0;
    return tp + fp === 0 ? 0 : tp / (tp + fp);
  }

  /**
   * The recall of class `label`: its true positives over its rows.
   *
   * @example
   * ```ts
   * metrics.recall(0); // 0.6666666666666666
   * ```
   */
  recall(label: number): number {
    const weight = this.labelWeight(label);
    return (this.truePositives.get(label) ?? 0) / weight;
  }

  /**
   * The F-measure of class `label`: `(1 + β²)·p·r / (β²·p + r)`; 0 when precision and recall are both 0.
   *
   * @param beta weighs recall `beta` times as much as precision; default 1 (the F1 score).
   *
   * @example
   * ```ts
   * metrics.fMeasure(1);      // F1 of class 1
   * metrics.fMeasure(1, 0.5); // F0.5 of class 1
   * ```
   */
  fMeasure(label: number, beta = 1): number {
    const p = this.precision(label);
    const r = this.recall(label);
    const beta2 = beta * beta;
    return p + r === 0 ? 0 : ((1 + beta2) * p * r) / (beta2 * p + r);
  }

  /**
   * The weight of the rows predicted right over the weight of all rows (NaN without rows).
   *
   * @example
   * ```ts
   * metrics.accuracy; // 0.75
   * ```
   */
  get accuracy(): number {
    let tp = 0;
    for (const w of this.truePositives.values()) tp += w;
    return tp / this.totalWeight;
  }

  /**
   * The true positive rates of the classes, averaged with the classes' weights as weights (equal to
   * {@link MulticlassMetrics.weightedRecall}).
   *
   * @example
   * ```ts
   * metrics.weightedTruePositiveRate; // 0.75
   * ```
   */
  get weightedTruePositiveRate(): number {
    return this.weightedRecall;
  }

  /**
   * The false positive rates of the classes, averaged with the classes' weights as weights.
   *
   * @example
   * ```ts
   * metrics.weightedFalsePositiveRate;
   * ```
   */
  get weightedFalsePositiveRate(): number {
    return this.weightedAverage('weightedFalsePositiveRate', (label) => this.falsePositiveRate(label));
  }

  /**
   * The recalls of the classes, averaged with the classes' weights as weights.
   *
   * @example
   * ```ts
   * metrics.weightedRecall; // 0.75
   * ```
   */
  get weightedRecall(): number {
    return this.weightedAverage('weightedRecall', (label) => this.recall(label));
  }

  /**
   * The precisions of the classes, averaged with the classes' weights as weights.
   *
   * @example
   * ```ts
   * metrics.weightedPrecision; // 0.875
   * ```
   */
  get weightedPrecision(): number {
    return this.weightedAverage('weightedPrecision', (label) => this.precision(label));
  }

  /**
   * The F-measures of the classes, averaged with the classes' weights as weights.
   *
   * @param beta as in {@link MulticlassMetrics.fMeasure}; default 1.
   *
   * @example
   * ```ts
   * metrics.weightedFMeasure();    // the weighted F1 score (the evaluator's 'f1')
   * metrics.weightedFMeasure(2);
   * ```
   */
  weightedFMeasure(beta = 1): number {
    return this.weightedAverage('weightedFMeasure', (label) => this.fMeasure(label, beta));
  }

  /**
   * The weight of the rows predicted wrong over the weight of all rows (NaN without rows).
   *
   * @example
   * ```ts
   * metrics.hammingLoss; // 0.25
   * ```
   */
  get hammingLoss(): number {
    let wrong = 0;
    for (const { label, prediction, weight } of this.cells) if (label !== prediction) wrong += weight;
    return wrong / this.totalWeight;
  }

  /**
   * The weighted mean log loss (cross-entropy) of the true classes' probabilities, clipped to `[eps, 1 - eps]`.
   * Throws when the metrics were made without probabilities, or from rows whose labels are not class indices.
   *
   * @example
   * ```ts
   * const metrics = await new MulticlassClassificationEvaluator().getMetrics(predictions);
   * metrics.logLoss();
   * ```
   */
  logLoss(): number {
    const sums = this.logLossSums;
    if (sums === undefined) {
      throw new ParamError(
        'LOG_LOSS_UNAVAILABLE',
        'These metrics were computed without class probabilities, so they have no log loss. Give the evaluator ' +
          'a DataFrame with its probabilityCol (a vector of class probabilities).',
      );
    }
    if (sums instanceof Error) throw sums;
    if (sums.rows === 0) {
      throw new ExecutionError(
        'EMPTY_DATASET',
        'The log loss of a DataFrame with no rows is undefined. Check the filter or split that produced it.',
        { metric: 'logLoss' },
      );
    }
    return sums.lossSum / sums.weightSum;
  }

  /** The weight of class `label`'s rows; a `ParamError` when it is not a label of the data (as Spark fails). */
  private labelWeight(label: number): number {
    const weight = this.weightByLabel.get(label);
    if (weight === undefined) {
      throw new ParamError(
        'UNKNOWN_LABEL',
        `Class ${label} does not occur as a label in the data, so its per-class metrics are undefined. The labels ` +
          `are: ${this.labels.length === 0 ? '(none: no rows)' : this.labels.join(', ')}. Choose one of them ` +
          '(metricLabel).',
        { label: String(label), labels: this.labels.join(',') },
      );
    }
    return weight;
  }

  /** `Σ metric(class) · weight(class) / total weight` over the classes; NaN labels have no such average. */
  private weightedAverage(metric: string, of: (label: number) => number): number {
    if (this.weightByLabel.has(Number.NaN)) {
      throw new ExecutionError(
        'NAN_LABEL',
        `The labels include NaN, which is no class, so ${metric} (an average over the classes) is undefined, as ` +
          'in Spark. Drop or fix the rows whose label is NaN (df.filter(isnan(col(labelCol)).not())).',
        { metric },
      );
    }
    let sum = 0;
    for (const [label, weight] of this.weightByLabel) sum += (of(label) * weight) / this.totalWeight;
    return sum;
  }
}
