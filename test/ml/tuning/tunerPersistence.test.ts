import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IOError } from '../../../src/errors.js';
import type { DataFrame } from '../../../src/frame/DataFrame.js';
import { Session } from '../../../src/frame/Session.js';
import { LogisticRegression } from '../../../src/ml/classification/LogisticRegression.js';
import { Evaluator } from '../../../src/ml/evaluation/Evaluator.js';
import { MulticlassClassificationEvaluator } from '../../../src/ml/evaluation/MulticlassClassificationEvaluator.js';
import { StandardScaler } from '../../../src/ml/feature/StandardScaler.js';
import { ParamMap } from '../../../src/ml/ParamMap.js';
import { Pipeline } from '../../../src/ml/Pipeline.js';
import { CrossValidator } from '../../../src/ml/tuning/CrossValidator.js';
import { ParamGridBuilder } from '../../../src/ml/tuning/ParamGridBuilder.js';
import { TrainValidationSplit } from '../../../src/ml/tuning/TrainValidationSplit.js';
import { binaryFrame } from './data.js';

class RowCount extends Evaluator {
  protected async _evaluate(df: DataFrame): Promise<number> {
    return df.count();
  }
}

describe('saving and loading a tuner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepframe-tuner-'));
  let session: Session;
  let df: DataFrame;
  before(async () => {
    session = await Session.builder().master('local[2]').getOrCreate();
    df = binaryFrame(session);
  });
  after(async () => {
    await session.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a CrossValidator: params, estimator, evaluator and grid; the loaded one fits the same', async () => {
    const lr = new LogisticRegression({ maxIter: 25, showProgress: false });
    const cv = new CrossValidator({
      estimator: lr,
      estimatorParamMaps: new ParamGridBuilder<LogisticRegression>()
        .addGrid('regParam', [0.3, 0.01])
        .addGrid('fitIntercept', [true, false])
        .build(),
      evaluator: new MulticlassClassificationEvaluator({ metricName: 'f1' }),
      numFolds: 4,
      seed: 9,
      parallelism: 2,
    });
    await cv.save(join(dir, 'cv'));
    const loaded = await CrossValidator.load(join(dir, 'cv'));
    assert.equal(loaded.uid, cv.uid);
    assert.equal(loaded.getNumFolds(), 4);
    assert.equal(loaded.getSeed(), 9);
    assert.equal(loaded.getParallelism(), 2);
    assert.ok(loaded.getEstimator() instanceof LogisticRegression);
    assert.equal((loaded.getEstimator() as LogisticRegression).getMaxIter(), 25);
    assert.equal(loaded.getEvaluator().getOrDefault('metricName'), 'f1');
    assert.deepEqual(loaded.getEstimatorParamMaps(), cv.getEstimatorParamMaps());
    const [a, b] = [await cv.fit(df), await loaded.fit(df)];
    assert.deepEqual(b.avgMetrics, a.avgMetrics);
  });

  it('keeps a TrainValidationSplit over a Pipeline whose grid names a stage param', async () => {
    const scaler = new StandardScaler({ inputCol: 'features', outputCol: 'scaled', withMean: true });
    const lr = new LogisticRegression({ featuresCol: 'scaled', maxIter: 25, showProgress: false });
    const grid = new ParamGridBuilder().addGrid(lr.regParam, [0.5, 0.001]).build();
    assert.ok(grid[0] instanceof ParamMap);
    const tvs = new TrainValidationSplit({
      estimator: new Pipeline({ stages: [scaler, lr] }),
      estimatorParamMaps: grid,
      evaluator: new MulticlassClassificationEvaluator({ metricName: 'accuracy' }),
      trainRatio: 0.6,
      seed: 4,
    });
    await tvs.save(join(dir, 'tvs'));
    const loaded = await TrainValidationSplit.load(join(dir, 'tvs'));
    assert.equal(loaded.getTrainRatio(), 0.6);
    const maps = loaded.getEstimatorParamMaps();
    assert.equal(maps.length, 2);
    const [a, b] = [await tvs.fit(df), await loaded.fit(df)];
    assert.deepEqual(b.validationMetrics, a.validationMetrics);
    assert.notEqual(a.validationMetrics[0], undefined);
  });

  it('refuses to save a tuner whose evaluator could not be made again', async () => {
    const cv = new CrossValidator({
      estimator: new LogisticRegression(),
      estimatorParamMaps: [{}],
      evaluator: new RowCount(),
    });
    await assert.rejects(
      cv.save(join(dir, 'custom')),
      (e) => e instanceof IOError && e.errorClass === 'UNSUPPORTED_OPERATION' && /RowCount/.test(e.message),
    );
  });
});
