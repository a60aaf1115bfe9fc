import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minimize } from '../../src/nn/lbfgs.js';

/** The Rosenbrock function, minimum 0 at (1, 1). */
const rosenbrock = async (x: Float64Array) => {
  const [a, b] = [x[0] as number, x[1] as number];
  return {
    loss: (1 - a) ** 2 + 100 * (b - a * a) ** 2,
    gradient: Float64Array.of(-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)),
  };
};

describe('minimize (L-BFGS, OWL-QN)', () => {
  it('finds the minimum of the Rosenbrock function with a decreasing objective', async () => {
    const r = await minimize(rosenbrock, Float64Array.of(-1.2, 1), { maxIter: 200, tol: 1e-12 });
    assert.ok(Math.abs((r.x[0] as number) - 1) < 1e-5, `x = ${r.x}`);
    assert.ok(Math.abs((r.x[1] as number) - 1) < 1e-5, `x = ${r.x}`);
    for (let i = 1; i < r.objectiveHistory.length; i++) {
      assert.ok((r.objectiveHistory[i] as number) < (r.objectiveHistory[i - 1] as number));
    }
    assert.equal(r.objectiveHistory.length, r.iterations + 1);
  });

  it('stops at maxIter, and maxIter 0 returns the start', async () => {
    const r = await minimize(rosenbrock, Float64Array.of(-1.2, 1), { maxIter: 3, tol: 0 });
    assert.equal(r.iterations, 3);
    assert.equal(r.reason, 'maxIter');
    const z = await minimize(rosenbrock, Float64Array.of(-1.2, 1), { maxIter: 0, tol: 0 });
    assert.deepEqual(Array.from(z.x), [-1.2, 1]);
    assert.equal(z.objectiveHistory.length, 1);
  });

  it('solves the lasso of a separable quadratic exactly: soft thresholding, with exact zeros', async () => {
    // f(x) = ½ Σ (x_i − c_i)², penalty λ|x|: the minimizer is sign(c)·max(|c| − λ, 0).
    const c = Float64Array.of(3, -0.5, 0.2, -2, 0.05);
    const lambda = 0.6;
    const fg = async (x: Float64Array) => {
      let loss = 0;
      const gradient = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) {
        const d = (x[i] as number) - (c[i] as number);
        loss += 0.5 * d * d;
        gradient[i] = d;
      }
      return { loss, gradient };
    };
    const r = await minimize(fg, new Float64Array(5), {
      maxIter: 100,
      tol: 1e-12,
      l1: new Float64Array(5).fill(lambda),
    });
    const expected = Array.from(c, (v) => Math.sign(v) * Math.max(Math.abs(v) - lambda, 0));
    r.x.forEach((v, i) => {
      if (expected[i] === 0) assert.equal(v, 0, `x[${i}] must be exactly 0`);
      else assert.ok(Math.abs(v - (expected[i] as number)) < 1e-8, `x[${i}] = ${v}, expected ${expected[i]}`);
    });
  });

  it('rejects bad options before evaluating anything', async () => {
    let calls = 0;
    const fg = async (x: Float64Array) => {
      calls++;
      return rosenbrock(x);
    };
    await assert.rejects(minimize(fg, Float64Array.of(0, 0), { maxIter: -1, tol: 0 }), /maxIter must be/);
    await assert.rejects(minimize(fg, Float64Array.of(0, 0), { maxIter: 5, tol: -1 }), /tol must be/);
    assert.equal(calls, 0);
  });
});
