import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExecutionError, ParamError, SchemaError } from '../../../src/errors.js';
import {
  REGRESSION_METRICS,
  RegressionEvaluator,
  RegressionMetrics,
} from '../../../src/ml/evaluation/index.js';
import { DataTypes } from '../../../src/types/index.js';
import { useSession } from '../../helpers/session.js';
import {
  assertClose,
  failsWith,
  REGRESSION,
  REGRESSION_METRICS_OF,
  REGRESSION_R2_THROUGH_ORIGIN,
  regressionFrame,
  WEIGHTED_REGRESSION_SPARK,
  weightedAndRepeated,
  weightedRegressionFrame,
} from './evaluationData.js';

const SCHEMA = DataTypes.struct([
  DataTypes.field('label', DataTypes.double),
  DataTypes.field('prediction', DataTypes.double),
]);

describe('RegressionEvaluator: params', () => {
  it("has Spark's params and defaults", () => {
    const evaluator = new RegressionEvaluator();
    assert.deepEqual(
      evaluator.params.map((p) => p.name),
      ['labelCol', 'metricName', 'predictionCol', 'throughOrigin', 'weightCol'],
    );
    assert.equal(evaluator.getMetricName(), 'rmse');
    assert.equal(evaluator.getLabelCol(), 'label');
    assert.equal(evaluator.getPredictionCol(), 'prediction');
    assert.equal(evaluator.getThroughOrigin(), false);
    assert.equal(evaluator.isDefined('weightCol'), false);
  });

  it('sets params by constructor options and setters', () => {
    const evaluator = new RegressionEvaluator({ metricName: 'mae' })
      .setMetricName('r2')
      .setLabelCol('price')
      .setPredictionCol('guess')
      .setWeightCol('w')
      .setThroughOrigin(true);
    assert.deepEqual(
      [
        evaluator.getMetricName(),
        evaluator.getLabelCol(),
        evaluator.getPredictionCol(),
        evaluator.getWeightCol(),
        evaluator.getThroughOrigin(),
      ],
      ['r2', 'price', 'guess', 'w', true],
    );
  });

  it('rejects an unknown metric', () => {
    assert.throws(
      // @ts-expect-error: not a metric of this evaluator
      () => new RegressionEvaluator({ metricName: 'mape' }),
      failsWith(ParamError, 'INVALID_PARAM_VALUE'),
    );
  });

  it('is larger-is-better for r2 and var only', () => {
    assert.deepEqual(
      REGRESSION_METRICS.filter((metricName) => new RegressionEvaluator({ metricName }).isLargerBetter()),
      ['r2', 'var'],
    );
  });
});

describe('RegressionEvaluator: metrics', () => {
  const { session } = useSession();
  const frame = (rows: readonly (readonly [number | null, number | null])[]) =>
    session().createDataFrame(
      rows.map(([label, prediction]) => ({ label, prediction })),
      SCHEMA,
    );

  it('gives every metric computed by hand, by name', async () => {
    const evaluator = new RegressionEvaluator();
    for (const metricName of REGRESSION_METRICS) {
      assertClose(
        await evaluator.evaluate(regressionFrame(session()), { metricName }),
        REGRESSION_METRICS_OF[metricName],
        1e-12,
        metricName,
      );
    }
    assertClose(
      await evaluator.evaluate(regressionFrame(session()), { metricName: 'r2', throughOrigin: true }),
      REGRESSION_R2_THROUGH_ORIGIN,
    );
  });

  it('takes integer and float columns', async () => {
    const df = session().createDataFrame(
      [
        { label: 1, prediction: 1.5 },
        { label: 3, prediction: 2.5 },
      ],
      DataTypes.struct([
        DataTypes.field('label', DataTypes.long),
        DataTypes.field('prediction', DataTypes.float),
      ]),
    );
    assert.equal(await new RegressionEvaluator({ metricName: 'mae' }).evaluate(df), 0.5);
  });

  it('counts integer weights as repeated rows for the errors and the explained variance', async () => {
    const { weighted, repeated } = weightedAndRepeated(
      session(),
      REGRESSION.map(([label, prediction]) => ({ label, prediction })),
      [3, 1, 2, 1],
      SCHEMA,
    );
    for (const metricName of ['rmse', 'mse', 'mae', 'var'] as const) {
      assertClose(
        await new RegressionEvaluator({ metricName, weightCol: 'w' }).evaluate(weighted),
        await new RegressionEvaluator({ metricName }).evaluate(repeated),
        1e-12,
        metricName,
      );
    }
  });

  it("gives Spark's weighted R², which is not that of repeated rows", async () => {
    const evaluator = new RegressionEvaluator({ metricName: 'r2', weightCol: 'w' });
    assertClose(await evaluator.evaluate(weightedRegressionFrame(session())), WEIGHTED_REGRESSION_SPARK.r2);
    // Weights that sum to less than 1, as Spark computes them (2.714285714285716).
    const small = session().createDataFrame(
      [
        { prediction: 1, label: 2, w: 0.1 },
        { prediction: 2, label: 2.5, w: 0.2 },
      ],
      DataTypes.struct([...SCHEMA.fields, DataTypes.field('w', DataTypes.double)]),
    );
    assertClose(await evaluator.evaluate(small), 2.714285714285716, 1e-12);
  });

  it("gives Spark's figures for one row and for NaN predictions", async () => {
    const one = frame([[2, 1]]);
    const evaluator = new RegressionEvaluator();
    assert.equal(await evaluator.evaluate(one), 1);
    assert.equal(await evaluator.evaluate(one, { metricName: 'r2' }), Number.NEGATIVE_INFINITY);
    assert.equal(await evaluator.evaluate(one, { metricName: 'var' }), 1);
    const nan = frame([
      [2, 1],
      [1, Number.NaN],
    ]);
    for (const metricName of REGRESSION_METRICS) {
      assert.ok(Number.isNaN(await evaluator.evaluate(nan, { metricName })), metricName);
    }
  });

  it('fails on no rows (or none of weight > 0), null values and bad weights', async () => {
    const evaluator = new RegressionEvaluator();
    await assert.rejects(
      evaluator.evaluate(frame([])),
      failsWith(ExecutionError, 'EMPTY_DATASET', /cannot compute rmse of a DataFrame with no rows/),
    );
    await assert.rejects(
      evaluator.evaluate(frame([[null, 1]])),
      failsWith(ExecutionError, 'NULL_VALUE', /'label' \(the label\)/),
    );
    const weighted = (w: number | null) =>
      session().createDataFrame(
        [{ label: 1, prediction: 2, w }],
        DataTypes.struct([...SCHEMA.fields, DataTypes.field('w', DataTypes.double)]),
      );
    for (const w of [null, Number.NaN, -1, Number.NEGATIVE_INFINITY]) {
      await assert.rejects(
        evaluator.evaluate(weighted(w), { weightCol: 'w' }),
        failsWith(ExecutionError, 'INVALID_WEIGHT'),
        `weight ${w}`,
      );
    }
    await assert.rejects(
      evaluator.evaluate(weighted(0), { weightCol: 'w' }),
      failsWith(ExecutionError, 'EMPTY_DATASET', /none of weight > 0/),
    );
  });

  it('fails before running on missing or non-numeric columns', async () => {
    const df = session().createDataFrame(
      [{ label: '1', prediction: 1 }],
      DataTypes.struct([
        DataTypes.field('label', DataTypes.string),
        DataTypes.field('prediction', DataTypes.double),
      ]),
    );
    const evaluator = new RegressionEvaluator();
    await assert.rejects(
      evaluator.evaluate(df),
      failsWith(SchemaError, 'COLUMN_TYPE_MISMATCH', /Column 'label'/),
    );
    await assert.rejects(
      evaluator.evaluate(df, { labelCol: 'prediction', predictionCol: 'yhat' }),
      failsWith(SchemaError, 'UNRESOLVED_COLUMN', /'yhat'/),
    );
  });
});

describe('RegressionMetrics', () => {
  it('computes the metrics from the sums', () => {
    // Labels 1, 3 and predictions 1.5, 2.5, unweighted.
    const metrics = new RegressionMetrics({
      rows: 2,
      weightSum: 2,
      weightSquareSum: 2,
      labelSum: 4,
      labelSquareSum: 10,
      labelSquaredDeviationSum: 2,
      predictionSum: 4,
      predictionSquareSum: 8.5,
      squaredErrorSum: 0.5,
      absoluteErrorSum: 1,
    });
    assert.equal(metrics.count, 2);
    assert.equal(metrics.meanSquaredError, 0.25);
    assert.equal(metrics.rootMeanSquaredError, 0.5);
    assert.equal(metrics.meanAbsoluteError, 0.5);
    assert.equal(metrics.r2, 1 - 0.5 / 2);
    // Σ (ŷ - ȳ)² / n = (0.25 + 0.25) / 2.
    assert.equal(metrics.explainedVariance, 0.25);
    assert.equal(metrics.throughOrigin, false);
  });
});
