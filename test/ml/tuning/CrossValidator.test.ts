import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { type DeepframeError, ParamError, SchemaError } from '../../../src/errors.js';
import type { DataFrame } from '../../../src/frame/DataFrame.js';
import { col } from '../../../src/frame/functions.js';
import { LogisticRegression } from '../../../src/ml/classification/LogisticRegression.js';
import type { LogisticRegressionModel } from '../../../src/ml/classification/LogisticRegressionModel.js';
import { BinaryClassificationEvaluator } from '../../../src/ml/evaluation/BinaryClassificationEvaluator.js';
import { MulticlassClassificationEvaluator } from '../../../src/ml/evaluation/MulticlassClassificationEvaluator.js';
import { loadStage } from '../../../src/ml/loadStage.js';
import { CrossValidator } from '../../../src/ml/tuning/CrossValidator.js';
import { CrossValidatorModel } from '../../../src/ml/tuning/CrossValidatorModel.js';
import { ParamGridBuilder } from '../../../src/ml/tuning/ParamGridBuilder.js';
import { useSession } from '../../helpers/session.js';
import { binaryFrame } from './data.js';

const regParams = [1, 0.1, 0.001];

function makeCv(options: { parallelism?: number; seed?: number; foldCol?: string; collect?: boolean } = {}) {
  const lr = new LogisticRegression({ maxIter: 30, showProgress: false });
  return new CrossValidator({
    estimator: lr,
    estimatorParamMaps: new ParamGridBuilder<LogisticRegression>().addGrid('regParam', regParams).build(),
    evaluator: new BinaryClassificationEvaluator(),
    numFolds: 3,
    seed: options.seed ?? 42,
    parallelism: options.parallelism ?? 1,
    collectSubModels: options.collect ?? false,
    ...(options.foldCol === undefined ? {} : { foldCol: options.foldCol }),
  });
}

describe('CrossValidator', () => {
  const { session, dir } = useSession();
  let df: DataFrame;
  let first: CrossValidatorModel<LogisticRegressionModel>;
  before(async () => {
    df = binaryFrame(session());
    first = await makeCv({ collect: true }).fit(df);
  });

  it('averages each candidate over the folds and picks the best', async () => {
    assert.equal(first.avgMetrics.length, 3);
    assert.equal(first.stdMetrics.length, 3);
    for (const m of first.avgMetrics) assert.ok(Number.isFinite(m) && m > 0.5 && m <= 1, `AUC ${m}`);
    for (const s of first.stdMetrics) assert.ok(Number.isFinite(s) && s >= 0 && s < 0.2, `std ${s}`);
    // Strong regularization (regParam 1) shrinks the scores but keeps their order mostly: AUC is the highest for
    // a weak one; whichever wins, bestModel is the refit of the argmax.
    const best = first.avgMetrics.indexOf(Math.max(...first.avgMetrics));
    assert.equal(first.bestModel.parent?.getOrDefault('regParam'), regParams[best]);
    assert.equal(first.getNumFolds(), 3);
    assert.equal(first.getSeed(), 42);
  });

  it('avgMetrics[i] is the mean of the per-fold evaluations, computed here independently', async () => {
    const folds = df.randomSplit([1, 1, 1], 42);
    const evaluator = new BinaryClassificationEvaluator();
    for (const [i, regParam] of regParams.entries()) {
      const perFold: number[] = [];
      for (const [f, validation] of folds.entries()) {
        const others = folds.filter((_, j) => j !== f) as [DataFrame, DataFrame];
        const model = await new LogisticRegression({ maxIter: 30, regParam, showProgress: false }).fit(
          others[0].union(others[1]),
        );
        perFold.push(await evaluator.evaluate(await model.transform(validation)));
      }
      const mean = (perFold[0]! + perFold[1]! + perFold[2]!) / 3;
      assert.ok(
        Math.abs((first.avgMetrics[i] as number) - mean) < 1e-12,
        `candidate ${i}: ${first.avgMetrics[i]} vs ${mean}`,
      );
      const std = Math.sqrt(perFold.reduce((a, m) => a + (m - mean) ** 2, 0) / 3);
      assert.ok(Math.abs((first.stdMetrics[i] as number) - std) < 1e-12);
    }
  });

  it('keeps every candidate (folds × param maps) when collectSubModels is set', () => {
    assert.equal(first.subModels?.length, 3);
    for (const fold of first.subModels ?? []) {
      assert.deepEqual(
        fold.map((m) => m.parent?.getOrDefault('regParam')),
        regParams,
      );
    }
  });

  it('is deterministic for a seed, and parallelism does not change the results', async () => {
    const again = await makeCv().fit(df);
    const parallel = await makeCv({ parallelism: 2 }).fit(df);
    assert.deepEqual(again.avgMetrics, first.avgMetrics);
    assert.deepEqual(parallel.avgMetrics, first.avgMetrics);
    assert.deepEqual(parallel.stdMetrics, first.stdMetrics);
    assert.deepEqual(
      Array.from(again.bestModel.coefficientMatrix),
      Array.from(first.bestModel.coefficientMatrix),
    );
    assert.deepEqual(
      Array.from(parallel.bestModel.coefficientMatrix),
      Array.from(first.bestModel.coefficientMatrix),
    );
    assert.equal(again.subModels, undefined);
    const other = await makeCv({ seed: 7 }).fit(df);
    assert.notDeepEqual(other.avgMetrics, first.avgMetrics);
  });

  it('takes the folds from foldCol', async () => {
    const model = await makeCv({ foldCol: 'fold' }).fit(df);
    const evaluator = new BinaryClassificationEvaluator();
    const perFold: number[] = [];
    for (let f = 0; f < 3; f++) {
      const fit = await new LogisticRegression({ maxIter: 30, regParam: 0.1, showProgress: false }).fit(
        df.filter(col('fold').notEqual(f)),
      );
      perFold.push(await evaluator.evaluate(await fit.transform(df.filter(col('fold').equalTo(f)))));
    }
    assert.ok(
      Math.abs((model.avgMetrics[1] as number) - (perFold[0]! + perFold[1]! + perFold[2]!) / 3) < 1e-12,
    );
    assert.equal(model.getFoldCol(), 'fold');
  });

  it('minimizes metrics that are better smaller', async () => {
    const cv = makeCv().setEvaluator(new MulticlassClassificationEvaluator({ metricName: 'logLoss' }));
    const model = await cv.fit(df);
    const best = model.avgMetrics.indexOf(Math.min(...model.avgMetrics));
    assert.equal(model.bestModel.parent?.getOrDefault('regParam'), regParams[best]);
  });

  it('transforms as the best model, and saves and loads predicting identically', async () => {
    const expected = await (await first.bestModel.transform(df))
      .select('id', 'probability', 'prediction')
      .collect();
    const out = await (await first.transform(df)).select('id', 'probability', 'prediction').collect();
    assert.deepEqual(out, expected);
    const path = join(dir(), 'cv');
    await first.save(path);
    const loaded = await CrossValidatorModel.load(path);
    assert.equal(loaded.uid, first.uid);
    assert.deepEqual(loaded.avgMetrics, first.avgMetrics);
    assert.deepEqual(loaded.stdMetrics, first.stdMetrics);
    assert.equal(loaded.getSeed(), 42);
    assert.equal(loaded.subModels?.length, 3);
    assert.equal(loaded.subModels?.[2]?.length, 3);
    const again = await (await loaded.transform(df)).select('id', 'probability', 'prediction').collect();
    assert.deepEqual(again, expected);
    assert.ok((await loadStage(path)) instanceof CrossValidatorModel);
  });

  describe('refuses bad input before fitting', () => {
    const expectError = async (
      run: () => unknown,
      errorClass: string,
      type: typeof DeepframeError = ParamError,
    ) => {
      await assert.rejects(
        async () => run(),
        (e: unknown) => e instanceof type && e.errorClass === errorClass,
      );
    };

    it('numFolds < 2, parallelism < 1', async () => {
      await expectError(() => makeCv().setNumFolds(1), 'INVALID_PARAM_VALUE');
      await expectError(() => new CrossValidator({ parallelism: 0 }), 'INVALID_PARAM_VALUE');
    });

    it('an empty grid, a missing estimator', async () => {
      await expectError(() => makeCv().setEstimatorParamMaps([]).fit(df), 'EMPTY_PARAM_GRID');
      await expectError(
        () =>
          new CrossValidator({
            evaluator: new BinaryClassificationEvaluator(),
            estimatorParamMaps: [{}],
          }).fit(df),
        'PARAM_NOT_DEFINED',
      );
    });

    it('a grid naming a param the estimator lacks, or a Param of another stage', async () => {
      await expectError(
        () =>
          makeCv()
            .setEstimatorParamMaps([{ regParam: 0.1 }, { numTrees: 3 } as never])
            .fit(df),
        'INVALID_PARAM_GRID',
      );
      const stranger = new LogisticRegression();
      await expectError(
        () =>
          makeCv()
            .setEstimatorParamMaps(new ParamGridBuilder().addGrid(stranger.regParam, [0.1]).build())
            .fit(df),
        'INVALID_PARAM_GRID',
      );
    });

    it('foldCol missing, not an integer, or outside 0 … numFolds − 1', async () => {
      await expectError(() => makeCv({ foldCol: 'nope' }).fit(df), 'UNRESOLVED_COLUMN', SchemaError);
      await expectError(() => makeCv({ foldCol: 'label' }).fit(df), 'WRONG_COLUMN_TYPE', SchemaError);
      await expectError(
        () => makeCv({ foldCol: 'fold' }).setNumFolds(2).fit(df),
        'INVALID_FOLD_VALUE',
        SchemaError,
      );
    });
  });
});
