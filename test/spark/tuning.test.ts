import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { col } from '../../src/frame/functions.js';
import { Session } from '../../src/frame/Session.js';
import { LogisticRegression } from '../../src/ml/classification/LogisticRegression.js';
import { BinaryClassificationEvaluator } from '../../src/ml/evaluation/BinaryClassificationEvaluator.js';
import { CrossValidator } from '../../src/ml/tuning/CrossValidator.js';
import { ParamGridBuilder } from '../../src/ml/tuning/ParamGridBuilder.js';
import { binaryFrame } from '../ml/tuning/data.js';
import { useSparkCluster } from './helpers/cluster.js';

describe('CrossValidator on Spark', () => {
  const cluster = useSparkCluster('local');
  let spark: Session | undefined;
  let local: Session | undefined;
  before(async () => {
    spark = await Session.builder().remote(cluster().connectUrl).create();
    local = await Session.builder().master('local[2]').create();
  });
  after(async () => {
    await spark?.stop();
    await local?.stop();
  });

  it('fits with MLlib and gives the avgMetrics and best model of the embedded engine with the same folds (foldCol)', async () => {
    const cv = new CrossValidator({
      estimator: new LogisticRegression({ maxIter: 30, showProgress: false }),
      estimatorParamMaps: new ParamGridBuilder<LogisticRegression>().addGrid('regParam', [1, 0.01]).build(),
      evaluator: new BinaryClassificationEvaluator(),
      numFolds: 3,
      foldCol: 'fold',
    });
    const onSpark = await cv.fit(binaryFrame(spark!, 120));
    const embedded = await cv.fit(binaryFrame(local!, 120));
    assert.equal(onSpark.avgMetrics.length, 2);
    // On Spark, Spark MLlib fits the folds; on the embedded engine, deepframe's L-BFGS. Both stop at tol 1e-6 on
    // the same objective: the coefficients differ by at most 4.3e-6 (measured), which leaves every fold's ranking
    // of the rows, hence its AUC, the same.
    onSpark.avgMetrics.forEach((m, i) => {
      assert.ok(Number.isFinite(m) && m > 0.5 && m <= 1, `AUC ${m}`);
      assert.ok(Math.abs(m - (embedded.avgMetrics[i] as number)) < 1e-9, `${m} vs ${embedded.avgMetrics[i]}`);
    });
    assert.equal(onSpark.bestModel.summary.stopReason, 'mllib');
    const a = Array.from(onSpark.bestModel.coefficientMatrix);
    const b = Array.from(embedded.bestModel.coefficientMatrix);
    for (const [i, c] of a.entries()) assert.ok(Math.abs(c - (b[i] as number)) < 1e-5, `${c} vs ${b[i]}`);
    const predictions = await (await onSpark.transform(binaryFrame(spark!, 120)))
      .select('id', 'prediction')
      .orderBy(col('id'))
      .collect();
    assert.equal(predictions.length, 120);
  });

  it('random folds work on Spark too', async () => {
    const model = await new CrossValidator({
      estimator: new LogisticRegression({ maxIter: 20, showProgress: false }),
      estimatorParamMaps: [{ regParam: 0.1 }],
      evaluator: new BinaryClassificationEvaluator(),
      numFolds: 2,
      seed: 5,
    }).fit(binaryFrame(spark!, 120));
    assert.ok(Number.isFinite(model.avgMetrics[0]) && (model.avgMetrics[0] as number) > 0.5);
  });

  it('keeps a cached DataFrame on the cluster (persist) and lets it go (unpersist), rows unchanged', async () => {
    const df = binaryFrame(spark!, 120).filter(col('fold').notEqual(1));
    const expected = await df.orderBy(col('id')).collect();
    const cached = df.cache();
    assert.equal(await cached.count(), 80);
    assert.deepEqual(await cached.orderBy(col('id')).collect(), expected);
    await cached.unpersist();
    assert.deepEqual(await df.orderBy(col('id')).collect(), expected);
  });
});
