import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ParamError } from '../../../src/errors.js';
import type { DataFrame } from '../../../src/frame/DataFrame.js';
import { LogisticRegression } from '../../../src/ml/classification/LogisticRegression.js';
import type { LogisticRegressionModel } from '../../../src/ml/classification/LogisticRegressionModel.js';
import { BinaryClassificationEvaluator } from '../../../src/ml/evaluation/BinaryClassificationEvaluator.js';
import { ParamGridBuilder } from '../../../src/ml/tuning/ParamGridBuilder.js';
import { TrainValidationSplit } from '../../../src/ml/tuning/TrainValidationSplit.js';
import { TrainValidationSplitModel } from '../../../src/ml/tuning/TrainValidationSplitModel.js';
import { useSession } from '../../helpers/session.js';
import { binaryFrame } from './data.js';

const regParams = [1, 0.1, 0.001];

function makeTvs(parallelism = 1, collectSubModels = false) {
  return new TrainValidationSplit({
    estimator: new LogisticRegression({ maxIter: 30, showProgress: false }),
    estimatorParamMaps: new ParamGridBuilder<LogisticRegression>().addGrid('regParam', regParams).build(),
    evaluator: new BinaryClassificationEvaluator(),
    trainRatio: 0.7,
    seed: 3,
    parallelism,
    collectSubModels,
  });
}

describe('TrainValidationSplit', () => {
  const { session, dir } = useSession();
  let df: DataFrame;
  let first: TrainValidationSplitModel<LogisticRegressionModel>;
  before(async () => {
    df = binaryFrame(session());
    first = await makeTvs(1, true).fit(df);
  });

  it('evaluates each candidate on the validation part, equal to fitting it by hand', async () => {
    const [train, validation] = df.randomSplit([0.7, 0.3], 3) as [DataFrame, DataFrame];
    const evaluator = new BinaryClassificationEvaluator();
    assert.equal(first.validationMetrics.length, 3);
    for (const [i, regParam] of regParams.entries()) {
      const model = await new LogisticRegression({ maxIter: 30, regParam, showProgress: false }).fit(train);
      const metric = await evaluator.evaluate(await model.transform(validation));
      assert.equal(first.validationMetrics[i], metric);
    }
    const best = first.validationMetrics.indexOf(Math.max(...first.validationMetrics));
    assert.equal(first.bestModel.parent?.getOrDefault('regParam'), regParams[best]);
    assert.deepEqual(
      first.subModels?.map((m) => m.parent?.getOrDefault('regParam')),
      regParams,
    );
    assert.equal(first.getTrainRatio(), 0.7);
  });

  it('gives the same metrics and best model with parallelism 3', async () => {
    const parallel = await makeTvs(3).fit(df);
    assert.deepEqual(parallel.validationMetrics, first.validationMetrics);
    assert.deepEqual(
      Array.from(parallel.bestModel.coefficientMatrix),
      Array.from(first.bestModel.coefficientMatrix),
    );
    assert.equal(parallel.subModels, undefined);
  });

  it('saves and loads, predicting identically', async () => {
    const path = join(dir(), 'tvs');
    await first.save(path);
    const loaded = await TrainValidationSplitModel.load(path);
    assert.deepEqual(loaded.validationMetrics, first.validationMetrics);
    assert.equal(loaded.subModels?.length, 3);
    const rows = async (m: { transform(d: DataFrame): Promise<DataFrame> }) =>
      (await m.transform(df)).select('id', 'probability', 'prediction').collect();
    assert.deepEqual(await rows(loaded), await rows(first));
  });

  it('refuses a trainRatio outside (0, 1)', () => {
    for (const trainRatio of [0, 1, 1.5, -0.1]) {
      assert.throws(
        () => new TrainValidationSplit({ trainRatio }),
        (e: unknown) => e instanceof ParamError && e.errorClass === 'INVALID_PARAM_VALUE',
      );
    }
  });
});
