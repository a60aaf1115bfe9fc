import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DataFrame } from '../../../src/frame/DataFrame.js';
import type { Session } from '../../../src/frame/Session.js';
import { LogisticRegression } from '../../../src/ml/classification/LogisticRegression.js';
import { BinaryClassificationEvaluator } from '../../../src/ml/evaluation/BinaryClassificationEvaluator.js';
import { Pipeline } from '../../../src/ml/Pipeline.js';
import { PipelineModel } from '../../../src/ml/PipelineModel.js';
import { CrossValidator } from '../../../src/ml/tuning/CrossValidator.js';
import { ParamGridBuilder } from '../../../src/ml/tuning/ParamGridBuilder.js';
import { TrainValidationSplit } from '../../../src/ml/tuning/TrainValidationSplit.js';
import { useSession } from '../../helpers/session.js';
import { Scaler } from '../fixtures/stages.js';
import { binaryFrame } from './data.js';

/** A Scaler that counts the DataFrames it transforms: the stand-in for an expensive featurizer. */
class CountingScaler extends Scaler {
  static calls = 0;
  protected override async _transform(df: DataFrame): Promise<DataFrame> {
    CountingScaler.calls++;
    return super._transform(df);
  }
}

describe('model search over a Pipeline runs its leading transformers once', () => {
  const { session } = useSession();
  let s: Session;
  let df: DataFrame;
  const regParams = [0.3, 0.01];
  const make = () => {
    const scaler = new CountingScaler({ inputCol: 'id', outputCol: 'idScaled', factor: 2 });
    const lr = new LogisticRegression({ maxIter: 30, showProgress: false });
    const grid = new ParamGridBuilder().addGrid(lr.regParam, regParams).build();
    return { scaler, lr, grid, pipeline: new Pipeline({ stages: [scaler, lr] }) };
  };
  const cv = (estimator: Pipeline, grid: ReturnType<ParamGridBuilder['build']>, parallelism: number) =>
    new CrossValidator({
      estimator,
      estimatorParamMaps: grid,
      evaluator: new BinaryClassificationEvaluator(),
      numFolds: 3,
      seed: 9,
      parallelism,
    });

  before(() => {
    s = session();
    df = binaryFrame(s, 150);
  });
  after(() => {
    CountingScaler.calls = 0;
  });

  it('CrossValidator: once per search, the same metrics as searching the rest on transformed rows', async () => {
    const { scaler, lr, grid, pipeline } = make();
    CountingScaler.calls = 0;
    const sequential = await cv(pipeline, grid, 1).fit(df);
    assert.equal(CountingScaler.calls, 1);
    CountingScaler.calls = 0;
    const parallel = await cv(pipeline, grid, 2).fit(df);
    assert.equal(CountingScaler.calls, 1);
    assert.deepEqual(parallel.avgMetrics, sequential.avgMetrics);

    const rest = await cv(new Pipeline({ stages: [lr] }), grid, 1).fit(await scaler.transform(df));
    assert.deepEqual(sequential.avgMetrics, rest.avgMetrics);

    const best = sequential.bestModel;
    assert.ok(best instanceof PipelineModel);
    assert.equal(best.uid, pipeline.uid);
    assert.equal(best.parent, pipeline);
    assert.deepEqual(
      best.stages.map((stage) => stage.constructor.name),
      ['CountingScaler', 'LogisticRegressionModel'],
    );
    const scored = await best.transform(df);
    assert.deepEqual(
      (await scored.select('idScaled').limit(3).collect()).map((r) => r.idScaled),
      [0, 2, 4],
    );
  });

  it('keeps every candidate whole with collectSubModels, and TrainValidationSplit hoists too', async () => {
    const { grid, pipeline } = make();
    CountingScaler.calls = 0;
    const model = await new CrossValidator({
      estimator: pipeline,
      estimatorParamMaps: grid,
      evaluator: new BinaryClassificationEvaluator(),
      numFolds: 2,
      collectSubModels: true,
      seed: 3,
    }).fit(df);
    assert.equal(CountingScaler.calls, 1);
    for (const fold of model.subModels ?? []) {
      for (const m of fold) assert.equal((m as PipelineModel).stages[0]?.constructor.name, 'CountingScaler');
    }
    CountingScaler.calls = 0;
    const tvs = await new TrainValidationSplit({
      estimator: pipeline,
      estimatorParamMaps: grid,
      evaluator: new BinaryClassificationEvaluator(),
      seed: 3,
    }).fit(df);
    assert.equal(CountingScaler.calls, 1);
    assert.equal(tvs.validationMetrics.length, 2);
  });

  it('does not hoist a transformer whose params the grid changes', async () => {
    const { scaler, lr, pipeline } = make();
    const grid = new ParamGridBuilder().addGrid(scaler.factor, [1, 2]).addGrid(lr.regParam, [0.1]).build();
    CountingScaler.calls = 0;
    await cv(pipeline, grid, 1).fit(df);
    // Every candidate of every fold transforms its training rows and its validation rows, and the refit once more.
    assert.ok(CountingScaler.calls > 2, `${CountingScaler.calls} transforms`);
  });
});
