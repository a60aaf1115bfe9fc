/**
 * The evaluator suite both engines must pass alike: each test builds DataFrames through the public API, runs the
 * evaluators (whose aggregations run in the engine) and checks the metrics against values computed by hand.
 * Few actions per test, so that it stays quick on Spark.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExecutionError } from '../../../src/errors.js';
import type { Session } from '../../../src/frame/Session.js';
import {
  BinaryClassificationEvaluator,
  MULTICLASS_METRICS,
  MulticlassClassificationEvaluator,
  RegressionEvaluator,
} from '../../../src/ml/evaluation/index.js';
import { DataTypes } from '../../../src/types/index.js';
import {
  assertClose,
  assertCurve,
  CLASSES,
  CLASSES_F2,
  CLASSES_METRICS,
  classesFrame,
  failsWith,
  logLossFrame,
  logLossOf,
  REGRESSION_METRICS_OF,
  regressionFrame,
  SCORES,
  SCORES_AUC,
  SCORES_AUPR,
  SCORES_PR,
  SCORES_ROC,
  scoresFrame,
  WEIGHTED_REGRESSION_SPARK,
  weightedAndRepeated,
  weightedRegressionFrame,
} from './evaluationData.js';

/** Defines the shared evaluator tests for the session `session()` returns. */
export function defineEvaluationSuite(engine: string, session: () => Session): void {
  describe(`evaluators on the ${engine} engine`, () => {
    it('multiclass: every metric of a confusion table computed by hand, from one aggregation', async () => {
      const df = classesFrame(session());
      const metrics = await new MulticlassClassificationEvaluator().getMetrics(df);
      assert.deepEqual(metrics.labels, [0, 1, 2]);
      assert.deepEqual(metrics.confusionMatrix(), [
        [3, 1, 0],
        [2, 1, 0],
        [0, 1, 2],
      ]);
      assertClose(metrics.weightedFMeasure(), CLASSES_METRICS.f1, 1e-12, 'f1');
      assertClose(metrics.weightedFMeasure(2), CLASSES_F2, 1e-12, 'F2');
      assertClose(metrics.accuracy, CLASSES_METRICS.accuracy, 1e-12, 'accuracy');
      assertClose(metrics.weightedPrecision, CLASSES_METRICS.weightedPrecision, 1e-12, 'weightedPrecision');
      assertClose(
        metrics.weightedFalsePositiveRate,
        CLASSES_METRICS.weightedFalsePositiveRate,
        1e-12,
        'weightedFalsePositiveRate',
      );
      assertClose(metrics.hammingLoss, CLASSES_METRICS.hammingLoss, 1e-12, 'hammingLoss');
      assertClose(metrics.precision(1), 1 / 3, 1e-12, 'precision(1)');
      assertClose(metrics.recall(2), 2 / 3, 1e-12, 'recall(2)');
      assertClose(metrics.fMeasure(2), 4 / 5, 1e-12, 'fMeasure(2)');
      assertClose(metrics.falsePositiveRate(1), 2 / 7, 1e-12, 'falsePositiveRate(1)');
    });

    it('multiclass: evaluate() with per-call metric overrides', async () => {
      const df = classesFrame(session());
      const evaluator = new MulticlassClassificationEvaluator();
      assertClose(await evaluator.evaluate(df), CLASSES_METRICS.f1, 1e-12, 'f1');
      assertClose(
        await evaluator.evaluate(df, { metricName: 'weightedFMeasure', beta: 2 }),
        CLASSES_F2,
        1e-12,
        'F2',
      );
      assertClose(
        await evaluator.evaluate(df, { metricName: 'recallByLabel', metricLabel: 2 }),
        2 / 3,
        1e-12,
        'recallByLabel 2',
      );
      assert.equal(evaluator.getMetricName(), 'f1');
    });

    it('multiclass: integer weights count as repeated rows, for every metric', async () => {
      const { weighted, repeated } = weightedAndRepeated(
        session(),
        CLASSES.map(([label, prediction]) => ({ label, prediction })),
        [1, 2, 1, 3, 1, 1, 2, 1, 1, 4],
        DataTypes.struct([
          DataTypes.field('label', DataTypes.double),
          DataTypes.field('prediction', DataTypes.double),
        ]),
      );
      const byWeight = await new MulticlassClassificationEvaluator({ weightCol: 'w' }).getMetrics(weighted);
      const byRows = await new MulticlassClassificationEvaluator().getMetrics(repeated);
      assert.deepEqual(byWeight.confusionMatrix(), byRows.confusionMatrix());
      for (const [name, value] of [
        ['f1', [byWeight.weightedFMeasure(), byRows.weightedFMeasure()]],
        ['weightedPrecision', [byWeight.weightedPrecision, byRows.weightedPrecision]],
        ['weightedFalsePositiveRate', [byWeight.weightedFalsePositiveRate, byRows.weightedFalsePositiveRate]],
        ['hammingLoss', [byWeight.hammingLoss, byRows.hammingLoss]],
      ] as const) {
        assertClose(value[0], value[1], 1e-12, name);
      }
    });

    it('multiclass: the log loss of vector probabilities, clipped to [eps, 1 - eps]', async () => {
      const df = logLossFrame(session());
      const evaluator = new MulticlassClassificationEvaluator({ metricName: 'logLoss' });
      assertClose(await evaluator.evaluate(df), logLossOf(1e-15), 1e-12, 'eps 1e-15');
      assertClose(await evaluator.evaluate(df, { eps: 1e-3 }), logLossOf(1e-3), 1e-12, 'eps 1e-3');
    });

    it('multiclass: labels that are no class index fail the log loss; bad weights and null labels fail all', async () => {
      const schema = DataTypes.struct([
        DataTypes.field('label', DataTypes.double),
        DataTypes.field('prediction', DataTypes.double),
        DataTypes.field('probability', DataTypes.vector(2)),
        DataTypes.field('w', DataTypes.double),
      ]);
      const p = new Float32Array([0.5, 0.5]);
      const outOfRange = session().createDataFrame(
        [
          { label: 2, prediction: 0, probability: p, w: 1 },
          { label: 0.5, prediction: 0, probability: p, w: 1 },
          { label: 1, prediction: 1, probability: p, w: 1 },
        ],
        schema,
      );
      const evaluator = new MulticlassClassificationEvaluator();
      await assert.rejects(
        evaluator.evaluate(outOfRange, { metricName: 'logLoss' }),
        failsWith(ExecutionError, 'INVALID_LABEL', /2 row\(s\) whose label is not a class index .* < 2/),
      );
      const badWeight = session().createDataFrame(
        [
          { label: 0, prediction: 0, probability: p, w: -1 },
          { label: 1, prediction: 1, probability: p, w: Number.NaN },
        ],
        schema,
      );
      await assert.rejects(
        evaluator.evaluate(badWeight, { weightCol: 'w' }),
        failsWith(ExecutionError, 'INVALID_WEIGHT', /'w'.* in 2 row\(s\)/),
      );
      const nullLabel = session().createDataFrame(
        [
          { label: null, prediction: 0, probability: p, w: 1 },
          { label: 1, prediction: 1, probability: p, w: 1 },
        ],
        schema,
      );
      await assert.rejects(
        evaluator.evaluate(nullLabel),
        failsWith(ExecutionError, 'NULL_VALUE', /'label'.* null in 1 row/),
      );
    });

    it('multiclass: every metric name evaluates', async () => {
      const df = logLossFrame(session());
      const evaluator = new MulticlassClassificationEvaluator();
      for (const metricName of MULTICLASS_METRICS) {
        assert.equal(typeof (await evaluator.evaluate(df, { metricName })), 'number', metricName);
      }
    });

    it('binary: the ROC and precision-recall curves of tied scores, and their areas', async () => {
      const df = scoresFrame(session());
      const metrics = await new BinaryClassificationEvaluator({ numBins: 0 }).getMetrics(df);
      assert.deepEqual(metrics.thresholds(), [0.9, 0.8, 0.6, 0.3, 0.1]);
      assertCurve(metrics.roc(), SCORES_ROC);
      assertCurve(metrics.pr(), SCORES_PR);
      const evaluator = new BinaryClassificationEvaluator();
      assertClose(await evaluator.evaluate(df), SCORES_AUC, 1e-12, 'areaUnderROC');
      assertClose(
        await evaluator.evaluate(df, { metricName: 'areaUnderPR' }),
        SCORES_AUPR,
        1e-12,
        'areaUnderPR',
      );
    });

    it('binary: element 1 of a vector is the score; labels > 0.5 are positive, NaN labels negative', async () => {
      // The same scores as vectors [-score, score], labels 1 → 2 and 0 → -1 or NaN: the same curve.
      const df = session().createDataFrame(
        SCORES.map(([score, label], i) => ({
          rawPrediction: new Float32Array([-score, score]),
          label: label === 1 ? 2 : i % 2 === 0 ? -1 : Number.NaN,
        })),
        DataTypes.struct([
          DataTypes.field('rawPrediction', DataTypes.vector(2)),
          DataTypes.field('label', DataTypes.double),
        ]),
      );
      const evaluator = new BinaryClassificationEvaluator();
      // float32 scores keep the order and the ties of the doubles, so the areas are the same.
      assertClose(await evaluator.evaluate(df), SCORES_AUC, 1e-12, 'areaUnderROC');
      assertClose(
        await evaluator.evaluate(df, { metricName: 'areaUnderPR' }),
        SCORES_AUPR,
        1e-12,
        'areaUnderPR',
      );
    });

    it('binary: integer weights count as repeated rows; NaN scores rank above every other', async () => {
      const { weighted, repeated } = weightedAndRepeated(
        session(),
        [...SCORES, [Number.NaN, 0] as const].map(([rawPrediction, label]) => ({ rawPrediction, label })),
        [2, 1, 3, 1, 2, 1, 1, 2],
        DataTypes.struct([
          DataTypes.field('rawPrediction', DataTypes.double),
          DataTypes.field('label', DataTypes.double),
        ]),
      );
      const byWeight = await new BinaryClassificationEvaluator({ weightCol: 'w', numBins: 0 }).getMetrics(
        weighted,
      );
      const byRows = await new BinaryClassificationEvaluator({ numBins: 0 }).getMetrics(repeated);
      assert.deepEqual(byWeight.thresholds(), [Number.NaN, 0.9, 0.8, 0.6, 0.3, 0.1]);
      assertCurve(byWeight.roc(), byRows.roc());
      assertCurve(byWeight.pr(), byRows.pr());
      // The NaN score's negative (weight 2 of 8) comes first: the ROC curve starts with a step right.
      assertCurve(byWeight.roc().slice(0, 2), [
        [0, 0],
        [2 / 8, 0],
      ]);
    });

    it('binary: numBins merges runs of distinct scores into one point', async () => {
      // 12 distinct scores, descending, labelled P N N | P P N | P N N | P P N; numBins 4 → runs of
      // floor(12 / 4) = 3 scores, each a point of the exact curve, joined by straight lines.
      const labels = [1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0];
      const df = session().createDataFrame(
        labels.map((label, i) => ({ rawPrediction: (12 - i) / 16, label })),
        DataTypes.struct([
          DataTypes.field('rawPrediction', DataTypes.double),
          DataTypes.field('label', DataTypes.integer),
        ]),
      );
      const evaluator = new BinaryClassificationEvaluator({ numBins: 4 });
      const metrics = await evaluator.getMetrics(df);
      // A run's threshold is its last (smallest) score.
      assert.deepEqual(metrics.thresholds(), [10 / 16, 7 / 16, 4 / 16, 1 / 16]);
      assertCurve(metrics.roc(), [
        [0, 0],
        [2 / 6, 1 / 6],
        [3 / 6, 3 / 6],
        [5 / 6, 4 / 6],
        [1, 1],
        [1, 1],
      ]);
      // Trapezoids: 1/36 + 2/36 + 7/36 + 5/36. Exact: 19 of the 36 (positive, negative) pairs ordered right.
      assertClose(await evaluator.evaluate(df), 15 / 36, 1e-12, 'binned AUC');
      assertClose(await evaluator.evaluate(df, { numBins: 0 }), 19 / 36, 1e-12, 'exact AUC');
      // Fewer than 2 scores per bin (floor(12 / 7) = 1): no down-sampling.
      assertClose(await evaluator.evaluate(df, { numBins: 7 }), 19 / 36, 1e-12, 'numBins 7');
    });

    it('regression: every metric of four predictions computed by hand, from one aggregation', async () => {
      const df = regressionFrame(session());
      const metrics = await new RegressionEvaluator().getMetrics(df);
      assert.equal(metrics.count, 4);
      assertClose(metrics.meanSquaredError, REGRESSION_METRICS_OF.mse, 1e-12, 'mse');
      assertClose(metrics.rootMeanSquaredError, REGRESSION_METRICS_OF.rmse, 1e-12, 'rmse');
      assertClose(metrics.meanAbsoluteError, REGRESSION_METRICS_OF.mae, 1e-12, 'mae');
      assertClose(metrics.r2, REGRESSION_METRICS_OF.r2, 1e-12, 'r2');
      assertClose(metrics.explainedVariance, REGRESSION_METRICS_OF.var, 1e-12, 'var');
      const evaluator = new RegressionEvaluator();
      assertClose(await evaluator.evaluate(df), REGRESSION_METRICS_OF.rmse, 1e-12, 'evaluate rmse');
      assertClose(
        await evaluator.evaluate(df, { metricName: 'r2' }),
        REGRESSION_METRICS_OF.r2,
        1e-12,
        'evaluate r2',
      );
    });

    it('regression: weighted metrics as Spark computes them (rows of weight 0 left out)', async () => {
      const df = weightedRegressionFrame(session());
      const metrics = await new RegressionEvaluator({ weightCol: 'w' }).getMetrics(df);
      assert.equal(metrics.count, 3);
      assertClose(metrics.r2, WEIGHTED_REGRESSION_SPARK.r2, 1e-12, 'r2');
      assertClose(metrics.explainedVariance, WEIGHTED_REGRESSION_SPARK.var, 1e-12, 'var');
      // Σ w·(y - ŷ)² = 0.5·1 + 2·0.25 + 1.5·0.25 over W = 4.
      assertClose(metrics.meanSquaredError, 1.375 / 4, 1e-12, 'mse');
    });

    it('regression: null predictions, bad weights and no rows fail', async () => {
      const schema = DataTypes.struct([
        DataTypes.field('label', DataTypes.double),
        DataTypes.field('prediction', DataTypes.double),
        DataTypes.field('w', DataTypes.double),
      ]);
      const evaluator = new RegressionEvaluator({ weightCol: 'w' });
      await assert.rejects(
        evaluator.evaluate(session().createDataFrame([{ label: 1, prediction: null, w: 1 }], schema)),
        failsWith(ExecutionError, 'NULL_VALUE', /'prediction'/),
      );
      await assert.rejects(
        evaluator.evaluate(
          session().createDataFrame([{ label: 1, prediction: 1, w: Number.POSITIVE_INFINITY }], schema),
        ),
        failsWith(ExecutionError, 'INVALID_WEIGHT'),
      );
      await assert.rejects(
        evaluator.evaluate(session().createDataFrame([{ label: 1, prediction: 1, w: 0 }], schema)),
        failsWith(ExecutionError, 'EMPTY_DATASET'),
      );
    });
  });
}
