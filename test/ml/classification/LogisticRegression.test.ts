import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadDigits } from '../../../src/cli/digits.js';
import type { DataFrame } from '../../../src/frame/DataFrame.js';
import { col, lit } from '../../../src/frame/functions.js';
import type { Session } from '../../../src/frame/Session.js';
import { LogisticRegression } from '../../../src/ml/classification/LogisticRegression.js';
import { LogisticRegressionModel } from '../../../src/ml/classification/LogisticRegressionModel.js';
import { BinaryClassificationEvaluator } from '../../../src/ml/evaluation/BinaryClassificationEvaluator.js';
import { MulticlassClassificationEvaluator } from '../../../src/ml/evaluation/MulticlassClassificationEvaluator.js';
import { OneHotEncoder } from '../../../src/ml/feature/OneHotEncoder.js';
import { StringIndexer } from '../../../src/ml/feature/StringIndexer.js';
import { VectorAssembler } from '../../../src/ml/feature/VectorAssembler.js';
import { Pipeline } from '../../../src/ml/Pipeline.js';
import { PipelineModel } from '../../../src/ml/PipelineModel.js';
import { DataTypes } from '../../../src/types/DataType.js';
import { useSession } from '../../helpers/session.js';

/** Spark MLlib's own fits on a seeded data set, written by tools/make_logistic_reference.py. */
interface Reference {
  features: number[][];
  label: number[];
  label3: number[];
  weight: number[];
  fits: Record<
    string,
    {
      params: Record<string, number | boolean | string>;
      coefficientMatrix: number[][];
      interceptVector: number[];
      objectiveHistory: number[];
    }
  >;
}
const reference = JSON.parse(
  readFileSync(
    new URL('../../../../test/ml/classification/fixtures/logistic-mllib.json', import.meta.url),
    'utf8',
  ),
) as Reference;

const schema = DataTypes.struct([
  DataTypes.field('features', DataTypes.vector(5)),
  DataTypes.field('label', DataTypes.double),
  DataTypes.field('label3', DataTypes.double),
  DataTypes.field('weight', DataTypes.double),
]);

function referenceFrame(session: Session): DataFrame {
  return session.createDataFrame(
    reference.features.map((f, i) => ({
      features: Float32Array.from(f),
      label: reference.label[i] as number,
      label3: reference.label3[i] as number,
      weight: reference.weight[i] as number,
    })),
    schema,
  );
}

/** The shipped digits as a DataFrame: 64 pixel intensities in [0, 1] per row. */
async function digitsFrames(session: Session): Promise<{ train: DataFrame; test: DataFrame }> {
  const digits = await loadDigits();
  const rows = (indices: readonly number[]) =>
    indices.map((i) => ({
      features: Float32Array.from(digits.pixels.subarray(i * 64, (i + 1) * 64), (v) => v / 255),
      label: digits.labels[i] as number,
    }));
  const s = DataTypes.struct([
    DataTypes.field('features', DataTypes.vector(64)),
    DataTypes.field('label', DataTypes.double),
  ]);
  return {
    train: session.createDataFrame(rows(digits.train), s),
    test: session.createDataFrame(rows(digits.test), s),
  };
}

async function accuracy(
  model: { transform(df: DataFrame): Promise<DataFrame> },
  df: DataFrame,
): Promise<number> {
  const rows = await (await model.transform(df)).select('label', 'prediction').collect();
  return rows.filter((r) => r.label === r.prediction).length / rows.length;
}

describe('LogisticRegression', () => {
  const { session, dir } = useSession();
  let df: DataFrame;
  before(() => {
    df = referenceFrame(session());
  });

  describe('matches Spark MLlib on the same data', () => {
    for (const [name, fit] of Object.entries(reference.fits)) {
      it(name, async () => {
        const model = await new LogisticRegression({ ...fit.params, showProgress: false }).fit(df);
        const expected = fit.coefficientMatrix.flat();
        const coefficients = Array.from(model.coefficientMatrix);
        // Both solvers stop at tol 1e-6 on the objective: coefficients agree to ~1e-5, the optimum to ~1e-10.
        coefficients.forEach((c, i) => {
          assert.ok(
            Math.abs(c - (expected[i] as number)) < 1e-4,
            `${name} coefficient ${i}: ${c} vs MLlib ${expected[i]}`,
          );
          // L1 zeros are exact zeros, at the same places.
          assert.equal(c === 0, expected[i] === 0, `${name} coefficient ${i}: zero pattern`);
        });
        Array.from(model.interceptVector).forEach((b, k) => {
          assert.ok(Math.abs(b - (fit.interceptVector[k] as number)) < 1e-4, `${name} intercept ${k}`);
        });
        const history = model.summary.objectiveHistory;
        const mllibFinal = fit.objectiveHistory[fit.objectiveHistory.length - 1] as number;
        assert.ok(
          Math.abs((history[history.length - 1] as number) - mllibFinal) < 1e-9 * mllibFinal,
          `${name} objective`,
        );
        // The objective decreases at every iteration.
        for (let i = 1; i < history.length; i++)
          assert.ok((history[i] as number) < (history[i - 1] as number));
        assert.equal(model.summary.totalIterations, history.length - 1);
      });
    }
  });

  it('binomial: rawPrediction is [−m, m], probability [1 − σ(m), σ(m)], prediction follows the threshold', async () => {
    const model = await new LogisticRegression({ showProgress: false }).fit(df);
    assert.equal(model.isMultinomial, false);
    assert.equal(model.numClasses, 2);
    const out = await model.transform(df.limit(50));
    const schemaOut = await out.schema();
    assert.deepEqual(
      schemaOut.fields.slice(-3).map((f) => [f.name, f.type]),
      [
        ['rawPrediction', DataTypes.vector(2)],
        ['probability', DataTypes.vector(2)],
        ['prediction', DataTypes.double],
      ],
    );
    const coefficients = model.coefficients;
    for (const row of await out.collect()) {
      const x = row.features as Float32Array;
      let m = model.intercept;
      x.forEach((v, j) => {
        m += v * (coefficients[j] as number);
      });
      const raw = row.rawPrediction as Float32Array;
      const p = row.probability as Float32Array;
      assert.ok(Math.abs((raw[1] as number) - m) < 1e-4 && raw[0] === -(raw[1] as number));
      assert.ok(Math.abs((p[1] as number) - 1 / (1 + Math.exp(-m))) < 1e-6);
      assert.ok(Math.abs((p[0] as number) + (p[1] as number) - 1) < 1e-6);
      assert.equal(row.prediction, (p[1] as number) > 0.5 ? 1 : 0);
    }
    const strict = await model.copy().setThreshold(0.9).transform(df);
    const positives = await strict.filter(col('prediction').equalTo(1)).count();
    const loose = await (await model.transform(df)).filter(col('prediction').equalTo(1)).count();
    assert.ok(positives < loose, `threshold 0.9 predicts fewer positives (${positives} < ${loose})`);
    assert.equal(model.copy().setThresholds([1, 3]).getThreshold(), 0.75);
    const auc = await new BinaryClassificationEvaluator().evaluate(await model.transform(df));
    assert.ok(auc > 0.85, `areaUnderROC ${auc}`);
  });

  it('multinomial: probabilities sum to 1 and prediction is their argmax', async () => {
    const model = await new LogisticRegression({ labelCol: 'label3', showProgress: false }).fit(df);
    assert.equal(model.isMultinomial, true);
    assert.equal(model.numClasses, 3);
    assert.throws(() => model.coefficients, /multinomial/);
    for (const row of await (await model.transform(df.limit(40))).collect()) {
      const p = Array.from(row.probability as Float32Array);
      assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-6);
      assert.equal(row.prediction, p.indexOf(Math.max(...p)));
    }
  });

  it('reaches 95% held-out accuracy on the shipped digits (10 classes, 64 features)', async () => {
    const { train, test } = await digitsFrames(session());
    const model = await new LogisticRegression({ regParam: 0.001, maxIter: 200, showProgress: false }).fit(
      train,
    );
    const acc = await accuracy(model, test);
    assert.ok(acc >= 0.95, `accuracy ${acc}`);
    // The evaluator reads the model's output columns as they are.
    const scored = await model.transform(test);
    assert.equal(
      await new MulticlassClassificationEvaluator({ metricName: 'accuracy' }).evaluate(scored),
      acc,
    );
    const logLoss = await new MulticlassClassificationEvaluator({ metricName: 'logLoss' }).evaluate(scored);
    assert.ok(logLoss > 0 && logLoss < 0.3, `logLoss ${logLoss}`);
  });

  it('saves and loads: same coefficients, same predictions, inside a pipeline too', async () => {
    const model = await new LogisticRegression({
      labelCol: 'label3',
      regParam: 0.01,
      showProgress: false,
    }).fit(df);
    const path = join(dir(), 'lr');
    await model.save(path);
    const loaded = await LogisticRegressionModel.load(path);
    assert.deepEqual(Array.from(loaded.coefficientMatrix), Array.from(model.coefficientMatrix));
    assert.deepEqual(Array.from(loaded.interceptVector), Array.from(model.interceptVector));
    assert.equal(loaded.hasSummary, false);
    const before = await (await model.transform(df)).select('probability', 'prediction').collect();
    const after = await (await loaded.transform(df)).select('probability', 'prediction').collect();
    assert.deepEqual(after, before);

    const pipeline = await new Pipeline({ stages: [new LogisticRegression({ showProgress: false })] }).fit(
      df,
    );
    await pipeline.save(join(dir(), 'pipeline'));
    const again = await PipelineModel.load(join(dir(), 'pipeline'));
    assert.deepEqual(
      await (await again.transform(df)).select('rawPrediction').collect(),
      await (await pipeline.transform(df)).select('rawPrediction').collect(),
    );
  });

  it('trains at the end of a feature pipeline (StringIndexer → OneHotEncoder → VectorAssembler)', async () => {
    const colors = ['red', 'green', 'blue'];
    const rows = Array.from({ length: 300 }, (_, i) => ({
      color: colors[i % 3] as string,
      x: (i % 7) / 7,
      label: i % 3 === 0 || (i % 3 === 1 && i % 7 > 3) ? 1 : 0,
    }));
    const data = session().createDataFrame(rows);
    const pipeline = new Pipeline({
      stages: [
        new StringIndexer({ inputCol: 'color', outputCol: 'colorIndex' }),
        new OneHotEncoder({ inputCol: 'colorIndex', outputCol: 'colorVec' }),
        new VectorAssembler({ inputCols: ['colorVec', 'x'], outputCol: 'features' }),
        new LogisticRegression({ showProgress: false }),
      ],
    });
    const model = await pipeline.fit(data);
    const scored = await model.transform(data);
    const acc = await new MulticlassClassificationEvaluator({ metricName: 'accuracy' }).evaluate(scored);
    assert.ok(acc > 0.9, `accuracy ${acc}`);
  });

  it('a constant label gives an infinite intercept and zero coefficients, as MLlib', async () => {
    const ones = df.select(col('features'), lit(1.0).cast('double').alias('label'));
    const model = await new LogisticRegression({ showProgress: false }).fit(ones);
    assert.equal(model.intercept, Number.POSITIVE_INFINITY);
    assert.ok(model.coefficients.every((c) => c === 0));
    const [row] = await (await model.transform(ones.limit(1))).collect();
    assert.equal(row?.prediction, 1);
  });

  describe('bad input fails before training, naming what was wrong', () => {
    it('a negative regParam or an elasticNetParam outside [0, 1]', () => {
      assert.throws(() => new LogisticRegression({ regParam: -0.1 }), /regParam/);
      assert.throws(() => new LogisticRegression({ elasticNetParam: 1.5 }), /elasticNetParam/);
      assert.throws(() => new LogisticRegression().setFamily('poisson' as 'auto'), /family/);
    });
    it('labels that are not class indices', async () => {
      const bad = df.select(col('features'), col('label').plus(0.5).alias('label'));
      await assert.rejects(
        new LogisticRegression({ showProgress: false }).fit(bad),
        /row 0: column 'label' is 0\.5|row 0: column 'label' is 1\.5/,
      );
      const negative = df.select(col('features'), lit(-1.0).cast('double').alias('label'));
      await assert.rejects(new LogisticRegression({ showProgress: false }).fit(negative), /class index/);
    });
    it('NaN features, with the row', async () => {
      const rows = [
        { features: Float32Array.of(1, 2), label: 0 },
        { features: Float32Array.of(Number.NaN, 1), label: 1 },
      ];
      const nan = session().createDataFrame(
        rows,
        DataTypes.struct([
          DataTypes.field('features', DataTypes.vector(2)),
          DataTypes.field('label', DataTypes.double),
        ]),
      );
      await assert.rejects(
        new LogisticRegression({ showProgress: false }).fit(nan),
        /row 1: column 'features' is NaN at index 0/,
      );
    });
    it('the binomial family with three classes; a features column that is not a vector', async () => {
      await assert.rejects(
        new LogisticRegression({ family: 'binomial', labelCol: 'label3', showProgress: false }).fit(df),
        /binomial family supports 1 or 2 outcome classes, but the labels have 3/,
      );
      await assert.rejects(
        new LogisticRegression({ featuresCol: 'weight', showProgress: false }).fit(df),
        /must be vector<N>/,
      );
    });
    it('thresholds that do not match the classes, at transform', async () => {
      const model = await new LogisticRegression({ labelCol: 'label3', maxIter: 2, showProgress: false }).fit(
        df,
      );
      await assert.rejects(
        model.copy().setThresholds([0.5, 0.5]).transform(df),
        /thresholds has 2 values, but the model has 3 classes/,
      );
    });
  });
});
