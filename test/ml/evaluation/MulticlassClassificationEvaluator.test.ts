import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExecutionError, ParamError, SchemaError } from '../../../src/errors.js';
import type { Session } from '../../../src/frame/Session.js';
import {
  MULTICLASS_METRICS,
  MulticlassClassificationEvaluator,
  MulticlassMetrics,
} from '../../../src/ml/evaluation/index.js';
import { DataTypes, type StructType } from '../../../src/types/index.js';
import type { Row } from '../../../src/types/Value.js';
import { useSession } from '../../helpers/session.js';
import {
  assertClose,
  CLASSES_METRICS,
  classesFrame,
  failsWith,
  logLossFrame,
  logLossOf,
} from './evaluationData.js';

const LABELS = DataTypes.struct([
  DataTypes.field('label', DataTypes.double),
  DataTypes.field('prediction', DataTypes.double),
]);

function frame(
  session: Session,
  rows: readonly (readonly [number | null, number | null])[],
  schema = LABELS,
) {
  return session.createDataFrame(
    rows.map(([label, prediction]) => ({ label, prediction })),
    schema,
  );
}

describe('MulticlassClassificationEvaluator: params', () => {
  it("has Spark's params and defaults", () => {
    const evaluator = new MulticlassClassificationEvaluator();
    assert.deepEqual(
      evaluator.params.map((p) => p.name),
      [
        'beta',
        'eps',
        'labelCol',
        'metricLabel',
        'metricName',
        'predictionCol',
        'probabilityCol',
        'weightCol',
      ],
    );
    assert.equal(evaluator.getMetricName(), 'f1');
    assert.equal(evaluator.getLabelCol(), 'label');
    assert.equal(evaluator.getPredictionCol(), 'prediction');
    assert.equal(evaluator.getProbabilityCol(), 'probability');
    assert.equal(evaluator.getMetricLabel(), 0);
    assert.equal(evaluator.getBeta(), 1);
    assert.equal(evaluator.getEps(), 1e-15);
    assert.equal(evaluator.isDefined('weightCol'), false);
    assert.match(
      evaluator.explainParam('metricName'),
      /^metricName: metric name in evaluation \(f1\|accuracy\|/,
    );
  });

  it('sets params by constructor options and setters', () => {
    const evaluator = new MulticlassClassificationEvaluator({ metricName: 'accuracy', labelCol: 'y' })
      .setPredictionCol('yhat')
      .setProbabilityCol('probs')
      .setWeightCol('w')
      .setMetricLabel(2)
      .setBeta(0.5)
      .setEps(1e-7)
      .setMetricName('logLoss');
    assert.deepEqual(
      [
        evaluator.getMetricName(),
        evaluator.getLabelCol(),
        evaluator.getPredictionCol(),
        evaluator.getProbabilityCol(),
        evaluator.getWeightCol(),
        evaluator.getMetricLabel(),
        evaluator.getBeta(),
        evaluator.getEps(),
      ],
      ['logLoss', 'y', 'yhat', 'probs', 'w', 2, 0.5, 1e-7],
    );
  });

  it('rejects values Spark rejects', () => {
    const invalid = failsWith(ParamError, 'INVALID_PARAM_VALUE');
    // @ts-expect-error: not a metric of this evaluator
    assert.throws(() => new MulticlassClassificationEvaluator({ metricName: 'areaUnderROC' }), invalid);
    assert.throws(() => new MulticlassClassificationEvaluator({ metricLabel: -1 }), invalid);
    assert.throws(() => new MulticlassClassificationEvaluator({ beta: 0 }), invalid);
    assert.throws(() => new MulticlassClassificationEvaluator({ eps: 0 }), invalid);
    assert.throws(() => new MulticlassClassificationEvaluator({ eps: 0.5 }), invalid);
    assert.throws(() => new MulticlassClassificationEvaluator({ metricLabel: Number.NaN }), invalid);
  });

  it('is larger-is-better except for the false positive rates and the losses', () => {
    const smaller = MULTICLASS_METRICS.filter(
      (metricName) => !new MulticlassClassificationEvaluator({ metricName }).isLargerBetter(),
    );
    assert.deepEqual(smaller, [
      'weightedFalsePositiveRate',
      'falsePositiveRateByLabel',
      'logLoss',
      'hammingLoss',
    ]);
  });
});

describe('MulticlassClassificationEvaluator: metrics', () => {
  const { session } = useSession();

  it('gives every metric computed by hand, by name', async () => {
    const df = classesFrame(session());
    const evaluator = new MulticlassClassificationEvaluator();
    for (const [metricName, expected] of Object.entries(CLASSES_METRICS)) {
      const actual = await evaluator.evaluate(df, { metricName: metricName as keyof typeof CLASSES_METRICS });
      assertClose(actual, expected, 1e-12, metricName);
    }
  });

  it('gives the …ByLabel metrics of metricLabel', async () => {
    const df = classesFrame(session());
    const evaluator = new MulticlassClassificationEvaluator({ metricLabel: 1 });
    const of = (metricName: 'precisionByLabel' | 'falsePositiveRateByLabel' | 'fMeasureByLabel', beta = 1) =>
      evaluator.evaluate(df, { metricName, beta });
    assertClose(await of('precisionByLabel'), 1 / 3, 1e-12, 'precision');
    assertClose(await of('falsePositiveRateByLabel'), 2 / 7, 1e-12, 'fpr');
    assertClose(await of('fMeasureByLabel', 3), 1 / 3, 1e-12, 'F3 (p = r = 1/3)');
    assertClose(
      await evaluator.evaluate(df, { metricName: 'fMeasureByLabel', metricLabel: 2, beta: 0.5 }),
      (1.25 * 1 * (2 / 3)) / (0.25 * 1 + 2 / 3),
      1e-12,
      'F0.5 of class 2',
    );
  });

  it('takes integer label and prediction columns, and an empty weightCol as no weights', async () => {
    const ints = DataTypes.struct([
      DataTypes.field('label', DataTypes.integer),
      DataTypes.field('prediction', DataTypes.long),
    ]);
    const df = session().createDataFrame(
      [
        { label: 0, prediction: 0n },
        { label: 1, prediction: 1n },
        { label: 1, prediction: 0n },
      ],
      ints,
    );
    assertClose(
      await new MulticlassClassificationEvaluator({ metricName: 'accuracy', weightCol: '' }).evaluate(df),
      2 / 3,
    );
  });

  it('never counts a NaN prediction right', async () => {
    const df = frame(session(), [
      [0, 0],
      [1, Number.NaN],
      [1, 1],
      [0, Number.NaN],
    ]);
    const evaluator = new MulticlassClassificationEvaluator();
    assertClose(await evaluator.evaluate(df, { metricName: 'accuracy' }), 2 / 4);
    assertClose(await evaluator.evaluate(df, { metricName: 'recallByLabel', metricLabel: 1 }), 1 / 2);
    // Class 0: precision 1, recall 1/2, so F1 2/3; class 1 the same.
    assertClose(await evaluator.evaluate(df), 2 / 3);
  });

  it('fails the averaged metrics on NaN labels, as Spark does, and computes the others', async () => {
    const df = frame(session(), [
      [0, 0],
      [Number.NaN, 0],
      [Number.NaN, Number.NaN],
      [1, 1],
    ]);
    const evaluator = new MulticlassClassificationEvaluator();
    for (const metricName of [
      'f1',
      'weightedPrecision',
      'weightedRecall',
      'weightedFalsePositiveRate',
    ] as const) {
      await assert.rejects(
        evaluator.evaluate(df, { metricName }),
        failsWith(
          ExecutionError,
          'NAN_LABEL',
          new RegExp(metricName === 'f1' ? 'weightedFMeasure' : metricName),
        ),
      );
    }
    assertClose(await evaluator.evaluate(df, { metricName: 'accuracy' }), 2 / 4);
    assertClose(await evaluator.evaluate(df, { metricName: 'hammingLoss' }), 2 / 4);
    assertClose(await evaluator.evaluate(df, { metricName: 'precisionByLabel' }), 1 / 2);
  });

  it('fails a …ByLabel metric of a class that is not a label, naming the labels', async () => {
    const df = frame(session(), [
      [0, 0],
      [1, 3],
    ]);
    const evaluator = new MulticlassClassificationEvaluator({ metricName: 'precisionByLabel' });
    await assert.rejects(
      evaluator.evaluate(df, { metricLabel: 5 }),
      failsWith(ParamError, 'UNKNOWN_LABEL', /Class 5 does not occur as a label.*labels are: 0, 1/),
    );
    // A class that is predicted but never a label has no precision either (Spark fails likewise).
    await assert.rejects(evaluator.evaluate(df, { metricLabel: 3 }), failsWith(ParamError, 'UNKNOWN_LABEL'));
  });

  it('gives what Spark gives for no rows: 0 for the averages, NaN for accuracy', async () => {
    const df = frame(session(), []);
    const evaluator = new MulticlassClassificationEvaluator();
    assert.equal(await evaluator.evaluate(df), 0);
    assert.equal(await evaluator.evaluate(df, { metricName: 'weightedFalsePositiveRate' }), 0);
    assert.ok(Number.isNaN(await evaluator.evaluate(df, { metricName: 'accuracy' })));
    assert.ok(Number.isNaN(await evaluator.evaluate(df, { metricName: 'hammingLoss' })));
    await assert.rejects(
      evaluator.evaluate(df, { metricName: 'recallByLabel' }),
      failsWith(ParamError, 'UNKNOWN_LABEL', /\(none: no rows\)/),
    );
  });

  it('fails on null labels and predictions, and on null, NaN, negative or infinite weights', async () => {
    const evaluator = new MulticlassClassificationEvaluator();
    await assert.rejects(
      evaluator.evaluate(frame(session(), [[0, null]])),
      failsWith(ExecutionError, 'NULL_VALUE', /Column 'prediction' \(the prediction\).* null in 1 row/),
    );
    const schema = DataTypes.struct([...LABELS.fields, DataTypes.field('w', DataTypes.double)]);
    for (const w of [null, Number.NaN, -0.5, Number.POSITIVE_INFINITY]) {
      const df = session().createDataFrame(
        [
          { label: 0, prediction: 0, w },
          { label: 1, prediction: 1, w: 1 },
        ],
        schema,
      );
      await assert.rejects(
        evaluator.evaluate(df, { weightCol: 'w' }),
        failsWith(ExecutionError, 'INVALID_WEIGHT', /in 1 row/),
        `weight ${w}`,
      );
    }
  });

  it('fails before running on missing or non-numeric columns', async () => {
    const df = session().createDataFrame(
      [{ label: 0, prediction: 'a', w: 'x' }],
      DataTypes.struct([
        DataTypes.field('label', DataTypes.double),
        DataTypes.field('prediction', DataTypes.string),
        DataTypes.field('w', DataTypes.string),
      ]),
    );
    const evaluator = new MulticlassClassificationEvaluator();
    await assert.rejects(
      evaluator.evaluate(df),
      failsWith(
        SchemaError,
        'COLUMN_TYPE_MISMATCH',
        /Column 'prediction'.*must be of type a numeric type, but is string/,
      ),
    );
    await assert.rejects(
      evaluator.evaluate(df, { labelCol: 'y' }),
      failsWith(SchemaError, 'UNRESOLVED_COLUMN', /'y'.*Available columns: 'label', 'prediction', 'w'/),
    );
    await assert.rejects(
      evaluator.evaluate(df, { predictionCol: 'label', weightCol: 'w' }),
      failsWith(SchemaError, 'COLUMN_TYPE_MISMATCH', /Column 'w'/),
    );
  });
});

describe('MulticlassClassificationEvaluator: log loss', () => {
  const { session } = useSession();
  const probabilities = (type: StructType['fields'][number]['type'], rows: readonly Row[]) =>
    session().createDataFrame(
      rows,
      DataTypes.struct([
        DataTypes.field('label', DataTypes.double),
        DataTypes.field('prediction', DataTypes.double),
        DataTypes.field('probability', type),
      ]),
    );

  it('is the weighted mean of -log p of the true class, p clipped to [eps, 1 - eps]', async () => {
    const evaluator = new MulticlassClassificationEvaluator({ metricName: 'logLoss' });
    assertClose(await evaluator.evaluate(logLossFrame(session())), logLossOf(1e-15));
    assertClose(await evaluator.evaluate(logLossFrame(session()), { eps: 0.2 }), logLossOf(0.2));
  });

  it('reads arrays of doubles too, and is NaN where a probability is NaN', async () => {
    const evaluator = new MulticlassClassificationEvaluator({ metricName: 'logLoss' });
    const arrays = probabilities(DataTypes.array(DataTypes.double), [
      { label: 1, prediction: 1, probability: [0.1, 0.9] },
      { label: 0, prediction: 0, probability: [0.6, 0.4] },
    ]);
    assertClose(await evaluator.evaluate(arrays), (-Math.log(0.9) - Math.log(0.6)) / 2);
    const nan = probabilities(DataTypes.vector(2), [
      { label: 1, prediction: 1, probability: new Float32Array([0.5, Number.NaN]) },
      { label: 0, prediction: 0, probability: new Float32Array([0.5, 0.5]) },
    ]);
    assert.ok(Number.isNaN(await evaluator.evaluate(nan)));
  });

  it('needs labels that index the probability vectors, and a probability on every row', async () => {
    const evaluator = new MulticlassClassificationEvaluator({ metricName: 'logLoss' });
    const p = new Float32Array([0.5, 0.5]);
    for (const label of [2, -1, 0.5, Number.NaN]) {
      await assert.rejects(
        evaluator.evaluate(probabilities(DataTypes.vector(2), [{ label, prediction: 0, probability: p }])),
        failsWith(ExecutionError, 'INVALID_LABEL', /1 row\(s\) whose label is not a class index/),
        `label ${label}`,
      );
    }
    const shortArray = probabilities(DataTypes.array(DataTypes.double), [
      { label: 2, prediction: 0, probability: [1, 0] },
    ]);
    await assert.rejects(
      evaluator.evaluate(shortArray),
      failsWith(ExecutionError, 'INVALID_LABEL', /< its size/),
    );
    const missing = probabilities(DataTypes.vector(2), [
      { label: 0, prediction: 0, probability: null },
      { label: 1, prediction: 0, probability: p },
    ]);
    await assert.rejects(
      evaluator.evaluate(missing),
      failsWith(ExecutionError, 'NULL_VALUE', /'probability'.* null in 1 row/),
    );
    // The other metrics do not read the probabilities.
    assert.equal(await evaluator.evaluate(missing, { metricName: 'accuracy' }), 0.5);
  });

  it('needs a probability column that holds vectors', async () => {
    const evaluator = new MulticlassClassificationEvaluator({ metricName: 'logLoss' });
    await assert.rejects(
      evaluator.evaluate(classesFrame(session())),
      failsWith(SchemaError, 'UNRESOLVED_COLUMN', /'probability'.*probabilityCol, needed for logLoss/),
    );
    await assert.rejects(
      evaluator.evaluate(classesFrame(session()), { probabilityCol: 'w' }),
      failsWith(
        SchemaError,
        'COLUMN_TYPE_MISMATCH',
        /must be a vector or an array of numbers, but is double/,
      ),
    );
  });

  it('comes with getMetrics when the DataFrame has probabilities, in the same pass', async () => {
    const evaluator = new MulticlassClassificationEvaluator();
    const metrics = await evaluator.getMetrics(logLossFrame(session()));
    assertClose(metrics.logLoss(), logLossOf(1e-15));
    assertClose(metrics.accuracy, 3 / 4);
    const without = await evaluator.getMetrics(classesFrame(session()));
    assert.throws(() => without.logLoss(), failsWith(ParamError, 'LOG_LOSS_UNAVAILABLE'));
  });
});

describe('MulticlassMetrics', () => {
  it('adds up the weights of repeated cells and orders the labels', () => {
    const metrics = new MulticlassMetrics([
      { label: 2, prediction: 2, weight: 1 },
      { label: 0, prediction: 2, weight: 0.5 },
      { label: 2, prediction: 2, weight: 2 },
      { label: 0, prediction: 0, weight: 1.5 },
    ]);
    assert.deepEqual(metrics.labels, [0, 2]);
    assert.deepEqual(metrics.confusionMatrix(), [
      [1.5, 0.5],
      [0, 3],
    ]);
    assert.equal(metrics.accuracy, 4.5 / 5);
    assert.equal(metrics.precision(2), 3 / 3.5);
    assert.equal(metrics.recall(0), 1.5 / 2);
    assert.equal(metrics.falsePositiveRate(2), 0.5 / 2);
    assert.equal(metrics.truePositiveRate(2), 1);
  });

  it('gives a precision and an F-measure of 0 where there is nothing to divide', () => {
    const metrics = new MulticlassMetrics([
      { label: 0, prediction: 1, weight: 1 },
      { label: 1, prediction: 1, weight: 1 },
    ]);
    assert.equal(metrics.precision(0), 0);
    assert.equal(metrics.fMeasure(0), 0);
  });
});
