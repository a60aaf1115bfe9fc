import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { DataFrame } from '../../../src/frame/DataFrame.js';
import { MultilayerPerceptronClassificationModel } from '../../../src/ml/classification/MultilayerPerceptronClassificationModel.js';
import { MultilayerPerceptronClassifier } from '../../../src/ml/classification/MultilayerPerceptronClassifier.js';
import { digitFrames } from '../../fixtures/digitRows.js';
import { useSession } from '../../helpers/session.js';

async function accuracy(model: MultilayerPerceptronClassificationModel, df: DataFrame): Promise<number> {
  const rows = await (await model.transform(df)).select('label', 'prediction').collect();
  return rows.filter((r) => r.label === r.prediction).length / rows.length;
}

describe('MultilayerPerceptronClassifier', () => {
  const { session, dir } = useSession();
  let train: DataFrame;
  let test: DataFrame;
  before(async () => {
    ({ train, test } = await digitFrames(session()));
  });

  it("MLlib's defaults (sigmoid hidden layer, softmax, l-bfgs) reach 95% held-out accuracy on the digits", async () => {
    const mlp = new MultilayerPerceptronClassifier({ layers: [64, 32, 10], seed: 11, showProgress: false });
    assert.equal(mlp.getSolver(), 'l-bfgs');
    assert.equal(mlp.getBlockSize(), 128);
    assert.equal(mlp.getStepSize(), 0.03);
    assert.equal(mlp.getHiddenActivation(), 'sigmoid');
    const model = await mlp.fit(train);
    assert.equal(model.weights.length, 65 * 32 + 33 * 10);
    const acc = await accuracy(model, test);
    assert.ok(acc >= 0.95, `accuracy ${acc}`);
    const history = model.summary.objectiveHistory;
    for (let i = 1; i < history.length; i++) assert.ok((history[i] as number) < (history[i - 1] as number));
    const scored = await (await model.transform(test.limit(5))).collect();
    for (const row of scored) {
      const p = Array.from(row.probability as Float32Array);
      const raw = Array.from(row.rawPrediction as Float32Array);
      // probability is the softmax of rawPrediction, the output layer before softmax.
      const z = raw.map((v) => Math.exp(v - Math.max(...raw)));
      const sum = z.reduce((a, b) => a + b, 0);
      p.forEach((v, k) => {
        assert.ok(Math.abs(v - (z[k] as number) / sum) < 1e-5);
      });
      assert.equal(row.prediction, p.indexOf(Math.max(...p)));
    }
  });

  it('the same seed gives the same weights bit for bit; another seed does not', async () => {
    const fit = (seed: number) =>
      new MultilayerPerceptronClassifier({ layers: [64, 8, 10], seed, maxIter: 15, showProgress: false }).fit(
        train,
      );
    const [a, b, c] = await Promise.all([fit(3), fit(3), fit(4)]);
    assert.deepEqual(Array.from(a.weights), Array.from(b.weights));
    assert.notDeepEqual(Array.from(a.weights), Array.from(c.weights));
  });

  it('solver gd (step / √i) lowers the objective; maxIter 0 keeps initialWeights', async () => {
    const gd = await new MultilayerPerceptronClassifier({
      layers: [64, 16, 10],
      solver: 'gd',
      stepSize: 2,
      maxIter: 30,
      seed: 1,
      showProgress: false,
    }).fit(train);
    const h = gd.summary.objectiveHistory;
    assert.equal(h.length, 30);
    assert.ok((h[h.length - 1] as number) < 0.9 * (h[0] as number), `objective ${h[0]} → ${h[h.length - 1]}`);
    for (let i = 1; i < h.length; i++)
      assert.ok((h[i] as number) < (h[i - 1] as number), `objective rose at ${i}`);
    const initialWeights = Array.from({ length: 65 * 4 + 5 * 10 }, (_, i) => Math.sin(i) / 10);
    const kept = await new MultilayerPerceptronClassifier({
      layers: [64, 4, 10],
      initialWeights,
      maxIter: 0,
      showProgress: false,
    }).fit(train);
    assert.deepEqual(Array.from(kept.weights), initialWeights);
  });

  it("deepframe's extension: relu hidden layers with Adam mini-batches reach 95% too", async () => {
    const model = await new MultilayerPerceptronClassifier({
      layers: [64, 64, 10],
      solver: 'adam',
      hiddenActivation: 'relu',
      stepSize: 0.01,
      blockSize: 64,
      maxIter: 30,
      dropout: 0.1,
      seed: 5,
      showProgress: false,
    }).fit(train);
    const acc = await accuracy(model, test);
    assert.ok(acc >= 0.95, `accuracy ${acc}`);
  });

  it('saves and loads with the same predictions', async () => {
    const model = await new MultilayerPerceptronClassifier({
      layers: [64, 12, 10],
      maxIter: 20,
      seed: 2,
      showProgress: false,
    }).fit(train);
    const path = join(dir(), 'mlp');
    await model.save(path);
    const loaded = await MultilayerPerceptronClassificationModel.load(path);
    assert.deepEqual(loaded.getLayers(), [64, 12, 10]);
    assert.deepEqual(Array.from(loaded.weights), Array.from(model.weights));
    assert.deepEqual(
      await (await loaded.transform(test)).select('probability', 'prediction').collect(),
      await (await model.transform(test)).select('probability', 'prediction').collect(),
    );
  });

  describe('bad params fail before training', () => {
    it('layers that do not match the features or the labels', async () => {
      await assert.rejects(
        new MultilayerPerceptronClassifier({ layers: [63, 10], showProgress: false }).fit(train),
        /layers starts with 63 inputs, but column 'features' is vector<64>/,
      );
      await assert.rejects(
        new MultilayerPerceptronClassifier({ layers: [64, 8, 9], showProgress: false }).fit(train),
        /labels go up to 9, so there are 10 classes, but the output layer has 9 units/,
      );
      assert.throws(() => new MultilayerPerceptronClassifier({ layers: [64] }), /layers/);
      assert.throws(() => new MultilayerPerceptronClassifier({ layers: [64, 0, 10] }), /layers/);
      await assert.rejects(new MultilayerPerceptronClassifier().fit(train), /set layers/);
    });
    it('initialWeights of the wrong size; dropout without adam', async () => {
      await assert.rejects(
        new MultilayerPerceptronClassifier({
          layers: [64, 10],
          initialWeights: [1, 2],
          showProgress: false,
        }).fit(train),
        /initialWeights has 2 values, but layers \[64, 10\] need 650/,
      );
      await assert.rejects(
        new MultilayerPerceptronClassifier({ layers: [64, 10], dropout: 0.5, showProgress: false }).fit(
          train,
        ),
        /dropout 0.5 needs solver 'adam'/,
      );
    });
  });
});
