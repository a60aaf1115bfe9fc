import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeepframeError } from '../../../src/errors.js';
import type { DataFrame } from '../../../src/frame/DataFrame.js';
import { col } from '../../../src/frame/functions.js';
import { Session } from '../../../src/frame/Session.js';
import { LogisticRegression } from '../../../src/ml/classification/LogisticRegression.js';
import { BinaryClassificationEvaluator } from '../../../src/ml/evaluation/BinaryClassificationEvaluator.js';
import { Evaluator } from '../../../src/ml/evaluation/Evaluator.js';
import { startFitWorkers } from '../../../src/ml/tuning/search.js';
import { binaryFrame } from './data.js';

/** An evaluator that is not one of deepframe's: it cannot be described to a fit thread. */
class RowCount extends Evaluator {
  protected async _evaluate(df: DataFrame): Promise<number> {
    return df.count();
  }
}

describe('fit threads', () => {
  let session: Session;
  let train: DataFrame;
  let validation: DataFrame;
  const lr = new LogisticRegression({ maxIter: 30, showProgress: false });
  const auc = new BinaryClassificationEvaluator({ metricName: 'areaUnderROC' });
  before(async () => {
    session = await Session.builder().master('local[2]').getOrCreate();
    const df = binaryFrame(session);
    [train, validation] = df.randomSplit([0.7, 0.3], 3) as [DataFrame, DataFrame];
  });
  after(() => session.stop());

  it('fit and evaluate a candidate exactly as the calling thread does, and hand back the model', async () => {
    const workers = await startFitWorkers(train, lr, auc, 2, 2);
    assert.ok(
      workers !== undefined,
      'a local session, a savable estimator and a shipped evaluator get fit threads',
    );
    try {
      const split = await workers.share(train, validation);
      const [a, b] = await Promise.all([
        workers.fit(split, { regParam: 0.1 }, true),
        workers.fit(split, { regParam: 0.01 }, false),
      ]);
      for (const [result, regParam] of [
        [a, 0.1],
        [b, 0.01],
      ] as const) {
        const here = await lr.fit(train, { regParam });
        assert.equal(result.metric, await auc.evaluate(await here.transform(validation)));
      }
      assert.ok(a.model instanceof Object && b.model === undefined);
      const here = await lr.fit(train, { regParam: 0.1 });
      const probabilities = async (model: typeof here) =>
        (await model.transform(validation)).select('id', 'probability').orderBy(col('id')).collect();
      assert.deepEqual(await probabilities(a.model as typeof here), await probabilities(here));
    } finally {
      await workers.close();
    }
  });

  it('pass a failed fit back as the same error', async () => {
    const workers = await startFitWorkers(train, lr, auc, 2, 2);
    assert.ok(workers !== undefined);
    try {
      const bad = train.withColumnRenamed('label', 'y').withColumnRenamed('id', 'label');
      const split = await workers.share(bad, validation);
      await assert.rejects(
        workers.fit(split, { family: 'binomial' }, false),
        (e) => e instanceof DeepframeError && /label/i.test(e.message),
      );
    } finally {
      await workers.close();
    }
  });

  it('are not used for one lane or an evaluator they cannot rebuild', async () => {
    assert.equal(await startFitWorkers(train, lr, auc, 1, 4), undefined);
    assert.equal(await startFitWorkers(train, lr, new RowCount(), 2, 4), undefined);
  });
});
