import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExecutionError, ParamError, SchemaError } from '../../../src/errors.js';
import {
  BinaryClassificationEvaluator,
  BinaryClassificationMetrics,
  type ScoreCounts,
} from '../../../src/ml/evaluation/index.js';
import { type DataType, DataTypes } from '../../../src/types/index.js';
import type { Row } from '../../../src/types/Value.js';
import { useSession } from '../../helpers/session.js';
import {
  assertClose,
  assertCurve,
  failsWith,
  SCORES,
  SCORES_AUC,
  SCORES_AUPR,
  SCORES_PR,
  SCORES_ROC,
  scoresFrame,
} from './evaluationData.js';

/** Score counts of `n` distinct scores (n, n-1, …, 1), alternately one positive and one negative. */
function alternating(n: number): ScoreCounts {
  return {
    scores: Float64Array.from({ length: n }, (_, i) => n - i),
    positives: Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0)),
    negatives: Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 0 : 1)),
  };
}

describe('BinaryClassificationEvaluator: params', () => {
  it("has Spark's params and defaults", () => {
    const evaluator = new BinaryClassificationEvaluator();
    assert.deepEqual(
      evaluator.params.map((p) => p.name),
      ['labelCol', 'metricName', 'numBins', 'rawPredictionCol', 'weightCol'],
    );
    assert.equal(evaluator.getMetricName(), 'areaUnderROC');
    assert.equal(evaluator.getLabelCol(), 'label');
    assert.equal(evaluator.getRawPredictionCol(), 'rawPrediction');
    assert.equal(evaluator.getNumBins(), 1000);
    assert.equal(evaluator.isDefined('weightCol'), false);
    assert.equal(evaluator.isLargerBetter(), true);
    assert.equal(new BinaryClassificationEvaluator({ metricName: 'areaUnderPR' }).isLargerBetter(), true);
  });

  it('sets params by constructor options and setters', () => {
    const evaluator = new BinaryClassificationEvaluator({ numBins: 0 })
      .setMetricName('areaUnderPR')
      .setLabelCol('y')
      .setRawPredictionCol('probability')
      .setWeightCol('w')
      .setNumBins(10);
    assert.deepEqual(
      [
        evaluator.getMetricName(),
        evaluator.getLabelCol(),
        evaluator.getRawPredictionCol(),
        evaluator.getWeightCol(),
        evaluator.getNumBins(),
      ],
      ['areaUnderPR', 'y', 'probability', 'w', 10],
    );
  });

  it('rejects values Spark rejects', () => {
    const invalid = failsWith(ParamError, 'INVALID_PARAM_VALUE');
    // @ts-expect-error: not a metric of this evaluator
    assert.throws(() => new BinaryClassificationEvaluator({ metricName: 'f1' }), invalid);
    assert.throws(() => new BinaryClassificationEvaluator({ numBins: -1 }), invalid);
    assert.throws(() => new BinaryClassificationEvaluator({ numBins: 2.5 }), invalid);
  });
});

describe('BinaryClassificationEvaluator: metrics', () => {
  const { session } = useSession();
  const frame = (rawPrediction: DataType, rows: readonly Row[], label: DataType = DataTypes.double) =>
    session().createDataFrame(
      rows,
      DataTypes.struct([DataTypes.field('rawPrediction', rawPrediction), DataTypes.field('label', label)]),
    );

  it('gives the areas under the curves computed by hand', async () => {
    const evaluator = new BinaryClassificationEvaluator();
    assertClose(await evaluator.evaluate(scoresFrame(session())), SCORES_AUC);
    assertClose(await evaluator.evaluate(scoresFrame(session()), { metricName: 'areaUnderPR' }), SCORES_AUPR);
  });

  it('reads integer scores and labels, and element 1 of arrays of doubles', async () => {
    const ints = frame(
      DataTypes.integer,
      SCORES.map(([score, label]) => ({ rawPrediction: Math.round(score * 10), label })),
      DataTypes.integer,
    );
    assertClose(await new BinaryClassificationEvaluator().evaluate(ints), SCORES_AUC);
    const arrays = frame(
      DataTypes.array(DataTypes.double),
      SCORES.map(([score, label]) => ({ rawPrediction: [1 - score, score, 7], label })),
    );
    assertClose(await new BinaryClassificationEvaluator().evaluate(arrays), SCORES_AUC);
  });

  it("gives Spark's figures where every row is of one class", async () => {
    const evaluator = new BinaryClassificationEvaluator();
    const positives = frame(DataTypes.double, [
      { rawPrediction: 0.1, label: 1 },
      { rawPrediction: 0.5, label: 1 },
    ]);
    const negatives = frame(DataTypes.double, [
      { rawPrediction: 0.1, label: 0 },
      { rawPrediction: 0.5, label: 0 },
    ]);
    assert.equal(await evaluator.evaluate(positives), 1);
    assert.equal(await evaluator.evaluate(positives, { metricName: 'areaUnderPR' }), 1);
    assert.equal(await evaluator.evaluate(negatives), 0);
    assert.equal(await evaluator.evaluate(negatives, { metricName: 'areaUnderPR' }), 0);
  });

  it('gives 0.5 as the area under the ROC curve of no rows, and fails the precision-recall area, as Spark', async () => {
    const empty = frame(DataTypes.double, []);
    const evaluator = new BinaryClassificationEvaluator();
    assert.equal(await evaluator.evaluate(empty), 0.5);
    await assert.rejects(
      evaluator.evaluate(empty, { metricName: 'areaUnderPR' }),
      failsWith(ExecutionError, 'EMPTY_DATASET', /areaUnderPR/),
    );
  });

  it('fails on null scores and labels, and on bad weights', async () => {
    const evaluator = new BinaryClassificationEvaluator();
    await assert.rejects(
      evaluator.evaluate(frame(DataTypes.double, [{ rawPrediction: null, label: 1 }])),
      failsWith(ExecutionError, 'NULL_VALUE', /'rawPrediction' \(the score\)/),
    );
    await assert.rejects(
      evaluator.evaluate(frame(DataTypes.array(DataTypes.double), [{ rawPrediction: [0.5], label: 1 }])),
      failsWith(
        ExecutionError,
        'NULL_VALUE',
        /element 1 of each vector, which .* shorter than 2 does not have/,
      ),
    );
    await assert.rejects(
      evaluator.evaluate(frame(DataTypes.double, [{ rawPrediction: 0.5, label: null }])),
      failsWith(ExecutionError, 'NULL_VALUE', /'label'/),
    );
    const weighted = session().createDataFrame(
      [{ rawPrediction: 0.5, label: 1, w: -2 }],
      DataTypes.struct([
        DataTypes.field('rawPrediction', DataTypes.double),
        DataTypes.field('label', DataTypes.double),
        DataTypes.field('w', DataTypes.double),
      ]),
    );
    await assert.rejects(
      evaluator.evaluate(weighted, { weightCol: 'w' }),
      failsWith(ExecutionError, 'INVALID_WEIGHT'),
    );
    assert.equal(await evaluator.evaluate(weighted, { weightCol: '' }), 1);
  });

  it('fails before running on a score column that is not numeric or long enough', async () => {
    const evaluator = new BinaryClassificationEvaluator();
    await assert.rejects(
      evaluator.evaluate(frame(DataTypes.vector(1), [{ rawPrediction: new Float32Array([0.5]), label: 1 }])),
      failsWith(SchemaError, 'VECTOR_TOO_SHORT', /vector<1>.*at least 2 elements/),
    );
    await assert.rejects(
      evaluator.evaluate(frame(DataTypes.string, [{ rawPrediction: 'high', label: 1 }])),
      failsWith(SchemaError, 'COLUMN_TYPE_MISMATCH', /numeric score or a vector of scores.*but is string/),
    );
    await assert.rejects(
      evaluator.evaluate(frame(DataTypes.double, [{ rawPrediction: 0.5, label: 1 }]), { labelCol: 'y' }),
      failsWith(SchemaError, 'UNRESOLVED_COLUMN', /'y'/),
    );
  });
});

describe('BinaryClassificationMetrics', () => {
  it("builds Spark's curves from the counts at each score", () => {
    const counts: ScoreCounts = {
      scores: new Float64Array([0.9, 0.8, 0.6, 0.3, 0.1]),
      positives: new Float64Array([1, 1, 1, 0, 1]),
      negatives: new Float64Array([0, 1, 0, 2, 0]),
    };
    const metrics = new BinaryClassificationMetrics(counts);
    assertCurve(metrics.roc(), SCORES_ROC);
    assertCurve(metrics.pr(), SCORES_PR);
    assertClose(metrics.areaUnderROC(), SCORES_AUC);
    assertClose(metrics.areaUnderPR(), SCORES_AUPR);
  });

  it('starts the precision-recall curve at the first threshold’s precision', () => {
    // The top score is a negative: precision 0 there, so the curve starts at (0, 0), not (0, 1).
    const metrics = new BinaryClassificationMetrics({
      scores: new Float64Array([2, 1]),
      positives: new Float64Array([0, 1]),
      negatives: new Float64Array([1, 0]),
    });
    assertCurve(metrics.pr(), [
      [0, 0],
      [0, 0],
      [1, 0.5],
    ]);
    assert.equal(metrics.areaUnderPR(), 0.25);
  });

  it('merges runs of floor(n / numBins) scores when that is 2 or more; the last run may be shorter', () => {
    const exact = new BinaryClassificationMetrics(alternating(11), 0);
    const binned = new BinaryClassificationMetrics(alternating(11), 5);
    assert.equal(binned.numBins, 5);
    // floor(11 / 5) = 2: runs of 2 scores, then one of 1; each run's threshold is its last score.
    assert.deepEqual(binned.thresholds(), [10, 8, 6, 4, 2, 1]);
    const exactRoc = exact.roc();
    assertCurve(binned.roc(), [exactRoc[0]!, ...[2, 4, 6, 8, 10, 11].map((i) => exactRoc[i]!), [1, 1]]);
    // floor(11 / 6) = 1: no down-sampling.
    assert.deepEqual(new BinaryClassificationMetrics(alternating(11), 6).thresholds(), exact.thresholds());
  });

  it('has empty curves without scores', () => {
    const metrics = new BinaryClassificationMetrics(alternating(0), 1000);
    assert.deepEqual(metrics.roc(), [
      [0, 0],
      [1, 1],
    ]);
    assert.deepEqual(metrics.pr(), []);
    assert.equal(metrics.areaUnderROC(), 0.5);
    assert.ok(Number.isNaN(metrics.areaUnderPR()));
  });
});
