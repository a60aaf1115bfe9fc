import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { col } from '../../src/frame/functions.js';
import { Session } from '../../src/frame/Session.js';
import { LogisticRegression } from '../../src/ml/classification/LogisticRegression.js';
import { MultilayerPerceptronClassifier } from '../../src/ml/classification/MultilayerPerceptronClassifier.js';
import { DataTypes } from '../../src/types/DataType.js';
import { useSparkCluster } from './helpers/cluster.js';

/** The data and Spark MLlib's own fits, written by tools/make_logistic_reference.py. */
const reference = JSON.parse(
  readFileSync(
    new URL('../../../test/ml/classification/fixtures/logistic-mllib.json', import.meta.url),
    'utf8',
  ),
) as {
  features: number[][];
  label: number[];
  label3: number[];
  fits: Record<string, { coefficientMatrix: number[][]; interceptVector: number[] }>;
};

const frame = (s: Session) =>
  s.createDataFrame(
    reference.features.map((f, i) => ({
      id: i,
      features: Float32Array.from(f),
      label: reference.label[i] as number,
      label3: reference.label3[i] as number,
    })),
    DataTypes.struct([
      DataTypes.field('id', DataTypes.integer),
      DataTypes.field('features', DataTypes.vector(5)),
      DataTypes.field('label', DataTypes.double),
      DataTypes.field('label3', DataTypes.double),
    ]),
  );

describe('classifiers on Spark (fit from a Spark DataFrame, transform on the executors)', () => {
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

  it('LogisticRegression fits the same model as MLlib and as the embedded engine, and scores alike', async () => {
    const lr = new LogisticRegression({
      labelCol: 'label3',
      regParam: 0.05,
      elasticNetParam: 1,
      showProgress: false,
    });
    const onSpark = await lr.fit(frame(spark!));
    const expected = reference.fits.multinomial_l1!.coefficientMatrix.flat();
    Array.from(onSpark.coefficientMatrix).forEach((c, i) => {
      assert.ok(
        Math.abs(c - (expected[i] as number)) < 1e-4,
        `coefficient ${i}: ${c} vs MLlib ${expected[i]}`,
      );
      assert.equal(c === 0, expected[i] === 0);
    });
    const embedded = await lr.fit(frame(local!));
    assert.deepEqual(Array.from(onSpark.coefficientMatrix), Array.from(embedded.coefficientMatrix));
    const scored = async (s: Session) =>
      (await onSpark.transform(frame(s)))
        .select('id', 'probability', 'prediction')
        .orderBy(col('id'))
        .collect();
    const [a, b] = [await scored(spark!), await scored(local!)];
    assert.equal(a.length, 400);
    assert.deepEqual(a, b);
  });

  it('MultilayerPerceptronClassifier: the same seed gives the same weights on both engines', async () => {
    const mlp = new MultilayerPerceptronClassifier({
      layers: [5, 4, 2],
      maxIter: 30,
      seed: 9,
      showProgress: false,
    });
    const [a, b] = [await mlp.fit(frame(spark!)), await mlp.fit(frame(local!))];
    assert.deepEqual(Array.from(a.weights), Array.from(b.weights));
    const predictions = await (await a.transform(frame(spark!))).select('prediction').collect();
    const accuracy = predictions.filter((r, i) => r.prediction === reference.label[i]).length / 400;
    assert.ok(accuracy > 0.75, `training accuracy ${accuracy}`);
  });
});
