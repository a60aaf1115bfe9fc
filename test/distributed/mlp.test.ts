import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { DeepframeError } from '../../src/errors.js';
import type { DataFrame } from '../../src/frame/DataFrame.js';
import type { MultilayerPerceptronClassificationModel } from '../../src/ml/classification/MultilayerPerceptronClassificationModel.js';
import { MultilayerPerceptronClassifier } from '../../src/ml/classification/MultilayerPerceptronClassifier.js';
import { digitFrames } from '../fixtures/digitRows.js';
import { useSession } from '../helpers/session.js';

async function accuracy(model: MultilayerPerceptronClassificationModel, df: DataFrame): Promise<number> {
  const rows = await (await model.transform(df)).select('label', 'prediction').collect();
  return rows.filter((r) => r.label === r.prediction).length / rows.length;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('MultilayerPerceptronClassifier with numWorkers (data-parallel on the embedded engine)', () => {
  const { session } = useSession();
  let train: DataFrame;
  let test: DataFrame;
  before(async () => {
    ({ train, test } = await digitFrames(session()));
  });

  it("solver 'adam' on 2 workers equals 1 worker (weights within 1e-4, the same test accuracy)", async () => {
    const mlp = new MultilayerPerceptronClassifier({
      layers: [64, 32, 10],
      solver: 'adam',
      hiddenActivation: 'relu',
      stepSize: 0.01,
      blockSize: 128,
      maxIter: 8,
      seed: 3,
      showProgress: false,
    });
    const one = await mlp.fit(train);
    const two = await mlp.fit(train, { numWorkers: 2 });
    assert.equal(two.summary.totalIterations, 8);
    assert.ok(
      maxDiff(one.weights, two.weights) < 1e-4,
      `max weight difference ${maxDiff(one.weights, two.weights)}`,
    );
    assert.ok(maxDiff(one.summary.objectiveHistory, two.summary.objectiveHistory) < 1e-4);
    const [a1, a2] = [await accuracy(one, test), await accuracy(two, test)];
    assert.ok(a1 > 0.9, `accuracy ${a1}`);
    assert.ok(Math.abs(a1 - a2) <= 0.01, `accuracies ${a1} and ${a2}`);
  });

  it("solver 'gd' on 3 workers equals 1 worker (float64 sums: within 1e-9)", async () => {
    const mlp = new MultilayerPerceptronClassifier({
      layers: [64, 16, 10],
      solver: 'gd',
      stepSize: 2,
      maxIter: 25,
      seed: 4,
      showProgress: false,
    });
    const one = await mlp.fit(train);
    const three = await mlp.fit(train, { numWorkers: 3 });
    assert.equal(three.summary.objectiveHistory.length, 25);
    assert.ok(
      maxDiff(one.weights, three.weights) < 1e-9,
      `max weight difference ${maxDiff(one.weights, three.weights)}`,
    );
    assert.ok(maxDiff(one.summary.objectiveHistory, three.summary.objectiveHistory) < 1e-9);
    assert.ok(
      (three.summary.objectiveHistory.at(-1) as number) < (three.summary.objectiveHistory[0] as number),
      'the loss falls',
    );
  });

  it("refuses numWorkers with 'l-bfgs', and numWorkers below 1", async () => {
    await assert.rejects(
      new MultilayerPerceptronClassifier({ layers: [64, 10], numWorkers: 2, showProgress: false }).fit(train),
      (e: DeepframeError) =>
        e.errorClass === 'INVALID_PARAM' && /numWorkers 2 needs solver 'adam' or 'gd'/.test(e.message),
    );
    assert.throws(
      () => new MultilayerPerceptronClassifier({ layers: [64, 10], numWorkers: 0 }),
      /numWorkers/,
    );
  });
});
