import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Dense, mulberry32, Sequential } from '../../src/nn/layers.js';
import { compileObjective, type ObjectiveLoss } from '../../src/nn/objective.js';

/**
 * The objective's gradient against central differences of its own loss, in float64 (h = 1e-5: truncation error
 * O(h²) ≈ 1e-10, rounding ≈ 1e-16/h; 1e-6 relative is safe), with row weights, a padded last block (7 rows in
 * blocks of 4), and the input scale and shift.
 */
async function check(loss: ObjectiveLoss, units: number, labels: number[]): Promise<void> {
  const rand = mulberry32(5);
  const rows = 7;
  const features = 3;
  const model = new Sequential([new Dense(4, { activation: 'tanh' }), new Dense(units)]);
  const objective = await compileObjective(model, {
    loss,
    inputSize: features,
    blockSize: 4,
    inputScale: [0.5, 2, 1],
    inputShift: [0.1, -0.2, 0],
  });
  const x = Float32Array.from({ length: rows * features }, () => rand() * 2 - 1);
  const weights = Array.from({ length: rows }, () => rand() * 2);
  objective.bind({ x, y: labels, weights });
  assert.equal(objective.rowCount, 7);
  assert.ok(Math.abs(objective.totalWeight - weights.reduce((a, b) => a + b, 0)) < 1e-12);
  const theta = Float64Array.from({ length: objective.size }, () => rand() - 0.5);
  const { gradient } = await objective.evaluate(theta);
  const h = 1e-5;
  for (let i = 0; i < theta.length; i++) {
    const plus = Float64Array.from(theta);
    const minus = Float64Array.from(theta);
    plus[i] = (plus[i] as number) + h;
    minus[i] = (minus[i] as number) - h;
    const fd = ((await objective.evaluate(plus)).loss - (await objective.evaluate(minus)).loss) / (2 * h);
    const an = gradient[i] as number;
    assert.ok(
      Math.abs(fd - an) <= 1e-6 * Math.max(1, Math.abs(fd)),
      `${loss} θ[${i}]: analytic ${an}, numeric ${fd}`,
    );
  }
  await objective.close();
}

describe('compileObjective (weighted loss sums and their gradients)', () => {
  it('softmax cross-entropy', () => check('crossEntropy', 3, [0, 2, 1, 1, 0, 2, 2]));
  it('logistic loss of one logit', () => check('logistic', 1, [0, 1, 1, 0, 1, 0, 0]));
  it('squared error', () => check('mse', 2, [0.5, -1, 2, 0, 0.1, 0.3, -0.7, 1, 1, 1, 0, 0, 0.2, 0.9]));

  it('the logistic loss is computed stably for large margins, and labels are checked', async () => {
    const objective = await compileObjective(new Sequential([new Dense(1)]), {
      loss: 'logistic',
      inputSize: 1,
    });
    objective.bind({ x: Float32Array.of(1, 1), y: [1, 0] });
    // z = 800·1: log(1 + e^−800) ≈ 0 for label 1, and 800 for label 0.
    const { loss } = await objective.evaluate(Float64Array.of(800, 0));
    assert.ok(Math.abs(loss - 800) < 1e-9, `loss ${loss}`);
    assert.throws(() => objective.bind({ x: Float32Array.of(1), y: [2] }), /not 0 or 1/);
    await objective.close();
    const ce = await compileObjective(new Sequential([new Dense(3)]), { loss: 'crossEntropy', inputSize: 1 });
    assert.throws(
      () => ce.bind({ x: Float32Array.of(1, 2), y: [0, 3] }),
      /Label 3 at row 1 is not a class index in \[0, 2\]/,
    );
    await ce.close();
  });
});
