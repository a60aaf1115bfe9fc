/**
 * Small datasets for the evaluators' tests, with their metrics computed by hand (as fractions), and the assertions
 * the tests share.
 */
import assert from 'node:assert/strict';
import type { DeepframeError } from '../../../src/errors.js';
import type { DataFrame } from '../../../src/frame/DataFrame.js';
import type { Session } from '../../../src/frame/Session.js';
import { DataTypes } from '../../../src/types/index.js';
import type { Row } from '../../../src/types/Value.js';

/**
 * `actual` equals `expected` within `relative` of its size (and `relative` absolutely near 0): the metrics are sums
 * of doubles, which the engines may add in another order than a hand computation, so the last bits can differ.
 * NaN equals NaN; infinities must be equal.
 */
export function assertClose(actual: number, expected: number, relative = 1e-12, what = ''): void {
  if (Number.isNaN(expected) || !Number.isFinite(expected)) {
    assert.ok(Object.is(actual, expected), `${what}: expected ${expected}, got ${actual}`);
    return;
  }
  const tolerance = relative * Math.max(1, Math.abs(expected));
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: expected ${expected} (±${tolerance}), got ${actual} (off by ${actual - expected})`,
  );
}

/** Each point of `actual` equals that of `expected` as {@link assertClose} has it. */
export function assertCurve(
  actual: readonly (readonly [number, number])[],
  expected: readonly (readonly [number, number])[],
): void {
  assert.equal(
    actual.length,
    expected.length,
    `curve of ${actual.length} points, expected ${expected.length}`,
  );
  expected.forEach(([x, y], i) => {
    assertClose(actual[i]![0], x, 1e-12, `point ${i} x`);
    assertClose(actual[i]![1], y, 1e-12, `point ${i} y`);
  });
}

/** An assertion for `assert.rejects`/`assert.throws`: a deepframe error of this class and error class. */
export function failsWith(type: typeof DeepframeError, errorClass: string, message?: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof type, `expected a ${type.name}, got ${String(e)}`);
    assert.equal((e as DeepframeError).errorClass, errorClass, String(e));
    if (message !== undefined) assert.match((e as Error).message, message);
    return true;
  };
}

/**
 * Ten predictions of three classes (label, prediction):
 *
 * ```
 *            predicted 0  1  2
 * label 0 (4 rows):      3  1  0
 * label 1 (3 rows):      2  1  0
 * label 2 (3 rows):      0  1  2
 * ```
 *
 * Per class: precision 3/5, 1/3, 1; recall 3/4, 1/3, 2/3; F1 2/3, 1/3, 4/5; F2 5/7, 1/3, 5/7; false positive rate
 * 2/6, 2/7, 0/7.
 */
export const CLASSES: readonly (readonly [label: number, prediction: number])[] = [
  [0, 0],
  [0, 0],
  [0, 0],
  [0, 1],
  [1, 1],
  [1, 0],
  [1, 0],
  [2, 2],
  [2, 2],
  [2, 1],
];

/** The metrics of {@link CLASSES}, by the evaluator's metric names (`…ByLabel` for class 0; β = 1 unless named). */
export const CLASSES_METRICS = {
  f1: (4 * (2 / 3) + 3 * (1 / 3) + 3 * (4 / 5)) / 10,
  accuracy: 6 / 10,
  weightedPrecision: (4 * (3 / 5) + 3 * (1 / 3) + 3 * 1) / 10,
  weightedRecall: 6 / 10,
  weightedTruePositiveRate: 6 / 10,
  weightedFalsePositiveRate: (4 * (2 / 6) + 3 * (2 / 7) + 3 * 0) / 10,
  weightedFMeasure: (4 * (2 / 3) + 3 * (1 / 3) + 3 * (4 / 5)) / 10,
  truePositiveRateByLabel: 3 / 4,
  falsePositiveRateByLabel: 2 / 6,
  precisionByLabel: 3 / 5,
  recallByLabel: 3 / 4,
  fMeasureByLabel: 2 / 3,
  hammingLoss: 4 / 10,
} as const;

/** The weighted F2 score of {@link CLASSES}. */
export const CLASSES_F2 = (4 * (5 / 7) + 3 * (1 / 3) + 3 * (5 / 7)) / 10;

/** {@link CLASSES} as a DataFrame (`label`, `prediction` doubles), with a weight `w` of 1. */
export function classesFrame(session: Session): DataFrame {
  return session.createDataFrame(
    CLASSES.map(([label, prediction]) => ({ label, prediction, w: 1 })),
    DataTypes.struct([
      DataTypes.field('label', DataTypes.double),
      DataTypes.field('prediction', DataTypes.double),
      DataTypes.field('w', DataTypes.double),
    ]),
  );
}

/**
 * Rows with weights (integers), and the same rows repeated as many times as their weight: every multiclass and
 * binary metric is the same for both.
 */
export function weightedAndRepeated(
  session: Session,
  rows: readonly Row[],
  weights: readonly number[],
  schema: ReturnType<typeof DataTypes.struct>,
): { weighted: DataFrame; repeated: DataFrame } {
  const withWeights = DataTypes.struct([...schema.fields, DataTypes.field('w', DataTypes.double)]);
  return {
    weighted: session.createDataFrame(
      rows.map((r, i) => ({ ...r, w: weights[i]! })),
      withWeights,
    ),
    repeated: session.createDataFrame(
      rows.flatMap((r, i) => Array.from({ length: weights[i]! }, () => ({ ...r, w: 1 }))),
      withWeights,
    ),
  };
}

/**
 * Four rows whose true class's probability is 0.5, 0.75, 1 and 0 (values a float32 holds exactly); their log loss
 * is the mean of -ln 0.5, -ln 0.75, -log1p(-eps) (1 clipped to 1 - eps) and -ln eps (0 clipped to eps).
 */
export function logLossFrame(session: Session): DataFrame {
  return session.createDataFrame(
    [
      { label: 0, prediction: 0, probability: new Float32Array([0.5, 0.25, 0.25]) },
      { label: 1, prediction: 1, probability: new Float32Array([0.125, 0.75, 0.125]) },
      { label: 2, prediction: 2, probability: new Float32Array([0, 0, 1]) },
      { label: 0, prediction: 1, probability: new Float32Array([0, 1, 0]) },
    ],
    DataTypes.struct([
      DataTypes.field('label', DataTypes.double),
      DataTypes.field('prediction', DataTypes.double),
      DataTypes.field('probability', DataTypes.vector(3)),
    ]),
  );
}

/** The log loss of {@link logLossFrame} with clipping `eps`. */
export function logLossOf(eps: number): number {
  return (-Math.log(0.5) - Math.log(0.75) - Math.log1p(-eps) - Math.log(eps)) / 4;
}

/**
 * Seven scores with ties (score, label): distinct scores 0.9 (1 positive), 0.8 (1 positive, 1 negative), 0.6
 * (1 positive), 0.3 (2 negatives), 0.1 (1 positive). Cumulative (true positives, false positives) at each threshold:
 * (1, 0), (2, 1), (3, 1), (3, 3), (4, 3) of 4 positives and 3 negatives.
 */
export const SCORES: readonly (readonly [score: number, label: number])[] = [
  [0.8, 0],
  [0.9, 1],
  [0.3, 0],
  [0.6, 1],
  [0.8, 1],
  [0.1, 1],
  [0.3, 0],
];

/** The ROC curve of {@link SCORES}: (0, 0), (false positive rate, recall) per threshold, (1, 1). */
export const SCORES_ROC: readonly (readonly [number, number])[] = [
  [0, 0],
  [0, 1 / 4],
  [1 / 3, 2 / 4],
  [1 / 3, 3 / 4],
  [3 / 3, 3 / 4],
  [3 / 3, 4 / 4],
  [1, 1],
];

/** The precision-recall curve of {@link SCORES}: (0, first precision), then (recall, precision) per threshold. */
export const SCORES_PR: readonly (readonly [number, number])[] = [
  [0, 1],
  [1 / 4, 1 / 1],
  [2 / 4, 2 / 3],
  [3 / 4, 3 / 4],
  [3 / 4, 3 / 6],
  [4 / 4, 4 / 7],
];

/** The area under {@link SCORES_ROC}: 7.5 of the 12 (positive, negative) pairs are ordered right (a tie is half). */
export const SCORES_AUC = 7.5 / 12;

/** The area under {@link SCORES_PR} by trapezoids: 1/4 + 5/24 + 17/96 + 0 + 15/112. */
export const SCORES_AUPR = 517 / 672;

/** {@link SCORES} as a DataFrame: `rawPrediction` (the score, double) and `label`. */
export function scoresFrame(session: Session): DataFrame {
  return session.createDataFrame(
    SCORES.map(([score, label]) => ({ rawPrediction: score, label })),
    DataTypes.struct([
      DataTypes.field('rawPrediction', DataTypes.double),
      DataTypes.field('label', DataTypes.double),
    ]),
  );
}

/**
 * Four regression rows (label, prediction): (3, 2.5), (-0.5, 0), (2, 2), (7, 8). Errors 0.5, -0.5, 0, -1; mean
 * label 2.875.
 */
export const REGRESSION: readonly (readonly [label: number, prediction: number])[] = [
  [3, 2.5],
  [-0.5, 0],
  [2, 2],
  [7, 8],
];

/** The metrics of {@link REGRESSION}, by the evaluator's metric names. */
export const REGRESSION_METRICS_OF = {
  mse: 1.5 / 4,
  rmse: Math.sqrt(1.5 / 4),
  mae: 2 / 4,
  // Σ (y - ȳ)² = 0.125² + 3.375² + 0.875² + 4.125² = 29.1875.
  r2: 1 - 1.5 / 29.1875,
  // Σ (ŷ - ȳ)² / n = (0.375² + 2.875² + 0.875² + 5.125²) / 4.
  var: 35.4375 / 4,
} as const;

/** R² through the origin of {@link REGRESSION}: 1 - SSerr / Σ y². */
export const REGRESSION_R2_THROUGH_ORIGIN = 1 - 1.5 / 62.25;

/** {@link REGRESSION} as a DataFrame: `label`, `prediction` (doubles). */
export function regressionFrame(session: Session): DataFrame {
  return session.createDataFrame(
    REGRESSION.map(([label, prediction]) => ({ label, prediction })),
    DataTypes.struct([
      DataTypes.field('label', DataTypes.double),
      DataTypes.field('prediction', DataTypes.double),
    ]),
  );
}

/**
 * Weighted regression rows (prediction, label, weight) whose metrics Spark 4.3's `RegressionEvaluator` gives as
 * below: with weights, Spark's R² takes the label's unbiased weighted variance times `W - 1` as the total sum of
 * squares, which is not what repeating rows would give.
 */
export const WEIGHTED_REGRESSION: readonly (readonly [prediction: number, label: number, weight: number])[] =
  [
    [1, 2, 0.5],
    [2, 2.5, 2],
    [3.5, 3, 1.5],
    [0, 1, 0],
  ];

/** What Spark 4.3 computes for {@link WEIGHTED_REGRESSION} (weightCol `w`). */
export const WEIGHTED_REGRESSION_SPARK = { r2: -1.4880952380952372, var: 0.8125 } as const;

/** {@link WEIGHTED_REGRESSION} as a DataFrame: `prediction`, `label`, `w`. */
export function weightedRegressionFrame(session: Session): DataFrame {
  return session.createDataFrame(
    WEIGHTED_REGRESSION.map(([prediction, label, w]) => ({ prediction, label, w })),
    DataTypes.struct([
      DataTypes.field('prediction', DataTypes.double),
      DataTypes.field('label', DataTypes.double),
      DataTypes.field('w', DataTypes.double),
    ]),
  );
}
