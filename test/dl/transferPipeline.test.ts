import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadDigits, writeDigitImages } from '../../src/cli/digits.js';
import { DeepImageFeaturizer } from '../../src/dl/DeepImageFeaturizer.js';
import type { DataFrame } from '../../src/frame/DataFrame.js';
import { col } from '../../src/frame/functions.js';
import { Session } from '../../src/frame/Session.js';
import { LogisticRegression } from '../../src/ml/classification/LogisticRegression.js';
import { MulticlassClassificationEvaluator } from '../../src/ml/evaluation/MulticlassClassificationEvaluator.js';
import { StringIndexer } from '../../src/ml/feature/StringIndexer.js';
import { Pipeline } from '../../src/ml/Pipeline.js';
import { PipelineModel } from '../../src/ml/PipelineModel.js';
import { CrossValidator } from '../../src/ml/tuning/CrossValidator.js';
import { CrossValidatorModel } from '../../src/ml/tuning/CrossValidatorModel.js';
import { ParamGridBuilder } from '../../src/ml/tuning/ParamGridBuilder.js';

/**
 * Transfer learning end to end: the shipped backbone, trained on the digits 0–4 only, featurizes images of the
 * disjoint digits 5–9 inside a Pipeline with a StringIndexer and a LogisticRegression.
 */
describe('a Pipeline of a pretrained featurizer and ML stages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepframe-transfer-'));
  let session: Session;
  let train: DataFrame;
  let test: DataFrame;
  const accuracy = new MulticlassClassificationEvaluator({ labelCol: 'labelIndex', metricName: 'accuracy' });
  const pipeline = () => {
    const lr = new LogisticRegression({ featuresCol: 'features', labelCol: 'labelIndex', regParam: 1e-3 });
    lr.setShowProgress(false);
    return {
      lr,
      pipeline: new Pipeline({
        stages: [
          new DeepImageFeaturizer({
            inputCol: 'image',
            outputCol: 'features',
            modelName: 'DigitsBackbone0to4',
          }),
          new StringIndexer({ inputCol: 'label', outputCol: 'labelIndex' }),
          lr,
        ],
      }),
    };
  };

  before(async () => {
    const digits = await loadDigits();
    const upper = (rows: readonly number[]) => rows.filter((r) => (digits.labels[r] ?? 0) >= 5);
    await writeDigitImages(digits, upper(digits.train).slice(0, 250), join(dir, 'train'));
    await writeDigitImages(digits, upper(digits.test), join(dir, 'test'));
    session = await Session.builder().master('local[2]').getOrCreate();
    train = session.read.images(join(dir, 'train'), { recursive: true, labelFromFolder: true });
    test = session.read.images(join(dir, 'test'), { recursive: true, labelFromFolder: true });
  });
  after(async () => {
    await session.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fits, classifies unseen classes well, and predicts identically after save and load', async () => {
    const model = await pipeline().pipeline.fit(train);
    const predicted = await model.transform(test);
    const score = await accuracy.evaluate(predicted);
    assert.ok(score >= 0.9, `held-out accuracy ${score}`);

    await model.save(join(dir, 'model'));
    const loaded = await PipelineModel.load(join(dir, 'model'));
    assert.deepEqual(
      loaded.stages.map((s) => s.constructor.name),
      ['DeepImageFeaturizer', 'StringIndexerModel', 'LogisticRegressionModel'],
    );
    const rows = async (df: DataFrame) =>
      df
        .select(col('image.origin').alias('origin'), 'labelIndex', 'probability', 'prediction')
        .orderBy(col('origin'))
        .collect();
    assert.deepEqual(await rows(await loaded.transform(test)), await rows(predicted));
  });

  it('is tuned by a CrossValidator whose grid reaches into the pipeline, in parallel as in sequence', async () => {
    const { lr, pipeline: p } = pipeline();
    const grid = new ParamGridBuilder().addGrid(lr.regParam, [1e-1, 1e-3]).build();
    const search = (parallelism: number) =>
      new CrossValidator({
        estimator: p,
        estimatorParamMaps: grid,
        evaluator: accuracy,
        numFolds: 2,
        seed: 7,
        parallelism,
      }).fit(train);
    const sequential = await search(1);
    const parallel = await search(2);
    assert.equal(sequential.avgMetrics.length, 2);
    assert.deepEqual(parallel.avgMetrics, sequential.avgMetrics);
    // Two folds of 125 images, one of them heavily regularized: accuracies of 0.79–0.95 have been seen.
    for (const m of sequential.avgMetrics) assert.ok(m > 0.7 && m <= 1, `fold accuracy ${m}`);
    assert.ok((await accuracy.evaluate(await sequential.transform(test))) >= 0.9);

    await sequential.save(join(dir, 'cv'));
    const loaded = await CrossValidatorModel.load(join(dir, 'cv'));
    assert.deepEqual(loaded.avgMetrics, sequential.avgMetrics);
    const predictions = async (df: DataFrame) =>
      df.select(col('image.origin').alias('origin'), 'prediction').orderBy(col('origin')).collect();
    assert.deepEqual(
      await predictions(await loaded.transform(test)),
      await predictions(await sequential.transform(test)),
    );
  });
});
