/**
 * Spark MLlib's logistic regression, on deepframe's training engine: the data term (weighted mean of the logistic
 * or softmax loss, and its gradient) is one ONNX graph summed over blocks of rows in float64; the elastic-net
 * penalty and the solver (L-BFGS, or OWL-QN when there is an L1 part) run in JavaScript on the flat coefficients.
 *
 * As MLlib: features are standardized inside the optimization (divided by their weighted sample standard
 * deviation; a constant feature gets coefficient 0) and the coefficients are reported in the original scale; the
 * penalty `regParam · ((1 − α)/2 · ‖β‖² + α · ‖β‖₁)` applies to the standardized coefficients, or to the
 * original-scale ones when `standardization` is false; intercepts are never penalized and start at the log odds
 * (binomial) or the centered log class counts (multinomial); without regularization, multinomial coefficients are
 * centered across classes, and multinomial intercepts always are; a constant label gives infinite intercepts and
 * zero coefficients.
 *
 * @module
 */

import { ParamError } from '../../errors.js';
import { Dense, Sequential } from '../../nn/layers.js';
import { type IterationInfo, minimize, type StopReason } from '../../nn/lbfgs.js';
import { compileObjective } from '../../nn/objective.js';
import type { TrainingData } from './trainingData.js';

/** The solver's settings (Spark ML's params). */
export interface LogisticSettings {
  readonly maxIter: number;
  readonly regParam: number;
  readonly elasticNetParam: number;
  readonly tol: number;
  readonly fitIntercept: boolean;
  readonly standardization: boolean;
  readonly family: 'auto' | 'binomial' | 'multinomial';
  readonly stage: string;
  readonly onIteration?: (info: IterationInfo) => void;
}

/** A fitted logistic regression. */
export interface LogisticFit {
  readonly multinomial: boolean;
  readonly numClasses: number;
  readonly numFeatures: number;
  /** `sets × numFeatures`, row-major: one row (binomial) or one per class (multinomial). */
  readonly coefficients: Float64Array;
  /** One per coefficient set. */
  readonly intercepts: Float64Array;
  readonly objectiveHistory: number[];
  readonly stopReason: StopReason | 'constantLabel';
}

/** Fits the model (see the module's notes for the semantics). */
export async function trainLogistic(data: TrainingData, s: LogisticSettings): Promise<LogisticFit> {
  const { numFeatures: F, rows } = data;
  const numClasses = Math.max(data.numClasses, 1);
  const multinomial = s.family === 'multinomial' || (s.family === 'auto' && numClasses > 2);
  if (s.family === 'binomial' && numClasses > 2) {
    throw new ParamError(
      'INVALID_PARAM',
      `${s.stage}: the binomial family supports 1 or 2 outcome classes, but the labels have ${numClasses} (0 … ${numClasses - 1}). Use family 'multinomial' or 'auto'.`,
      { stage: s.stage, param: 'family', value: 'binomial' },
    );
  }
  const sets = multinomial ? numClasses : 1;
  const { mean, std, histogram, weightSum } = statistics(data, numClasses);
  if (!(weightSum > 0)) {
    throw new ParamError(
      'INVALID_WEIGHTS',
      `${s.stage}: the row weights sum to ${weightSum}; at least one must be > 0.`,
      {
        stage: s.stage,
      },
    );
  }
  const constant = histogram.filter((h) => h !== 0).length === 1;
  if (s.fitIntercept && constant) {
    const intercepts = new Float64Array(sets);
    if (multinomial) intercepts[numClasses - 1] = Number.POSITIVE_INFINITY;
    else intercepts[0] = numClasses === 2 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    return {
      multinomial,
      numClasses,
      numFeatures: F,
      coefficients: new Float64Array(sets * F),
      intercepts,
      objectiveHistory: [],
      stopReason: 'constantLabel',
    };
  }

  const scale = std.map((v) => (v !== 0 ? 1 / v : 0));
  const l2 = (1 - s.elasticNetParam) * s.regParam;
  const l1 = s.elasticNetParam * s.regParam;
  const objective = await compileObjective(new Sequential([new Dense(sets)]), {
    loss: multinomial ? 'crossEntropy' : 'logistic',
    inputSize: F,
    blockSize: Math.min(rows, 4096),
    dtype: 'float64',
    inputScale: scale,
    // With an intercept, centered features condition the problem better (as MLlib); the intercept absorbs it.
    ...(s.fitIntercept ? { inputShift: mean } : {}),
  });
  try {
    objective.bind({ x: data.x, y: data.labels, ...(data.weights ? { weights: data.weights } : {}) });
    // θ = kernel [F, sets] (feature-major), then bias [sets].
    const kernelSize = F * sets;
    const theta0 = new Float64Array(kernelSize + sets);
    if (s.fitIntercept) {
      if (!multinomial) {
        const [h0 = 0, h1 = 0] = histogram;
        if (h0 > 0 && h1 > 0) theta0[kernelSize] = Math.log(h1 / h0);
      } else {
        const raw = histogram.map((h) => Math.log1p(h));
        const rawMean = raw.reduce((a, b) => a + b, 0) / raw.length;
        raw.forEach((v, k) => {
          theta0[kernelSize + k] = v - rawMean;
        });
      }
    }
    // Per-coefficient penalty weights in the standardized space.
    const l2w = new Float64Array(kernelSize + sets);
    const l1w = new Float64Array(kernelSize + sets);
    for (let j = 0; j < F; j++) {
      const sj = std[j] as number;
      const l2j = s.standardization ? l2 : sj !== 0 ? l2 / (sj * sj) : 0;
      const l1j = s.standardization ? l1 : sj !== 0 ? l1 / sj : 0;
      for (let k = 0; k < sets; k++) {
        l2w[j * sets + k] = l2j;
        l1w[j * sets + k] = l1j;
      }
    }
    const fg = async (theta: Float64Array) => {
      const { loss, gradient } = await objective.evaluate(theta);
      let f = loss / weightSum;
      for (let i = 0; i < gradient.length; i++) gradient[i] = (gradient[i] as number) / weightSum;
      for (let i = 0; i < kernelSize; i++) {
        const w = l2w[i] as number;
        if (w !== 0) {
          const b = theta[i] as number;
          f += 0.5 * w * b * b;
          gradient[i] = (gradient[i] as number) + w * b;
        }
      }
      if (!s.fitIntercept) gradient.fill(0, kernelSize);
      return { loss: f, gradient };
    };
    const result = await minimize(fg, theta0, {
      maxIter: s.maxIter,
      tol: s.tol,
      ...(l1 > 0 ? { l1: l1w } : {}),
      ...(s.onIteration ? { onIteration: s.onIteration } : {}),
    });
    // Back to the original scale, as `sets × F` rows.
    const coefficients = new Float64Array(sets * F);
    for (let j = 0; j < F; j++) {
      for (let k = 0; k < sets; k++)
        coefficients[k * F + j] = (result.x[j * sets + k] as number) * (scale[j] as number);
    }
    const intercepts = result.x.slice(kernelSize);
    if (s.fitIntercept) {
      for (let k = 0; k < sets; k++) {
        let shift = 0;
        for (let j = 0; j < F; j++) shift += (coefficients[k * F + j] as number) * (mean[j] as number);
        intercepts[k] = (intercepts[k] as number) - shift;
      }
    }
    if (multinomial) {
      if (s.regParam === 0) {
        for (let j = 0; j < F; j++) {
          let center = 0;
          for (let k = 0; k < sets; k++) center += coefficients[k * F + j] as number;
          center /= sets;
          for (let k = 0; k < sets; k++)
            coefficients[k * F + j] = (coefficients[k * F + j] as number) - center;
        }
      }
      if (s.fitIntercept) {
        const center = intercepts.reduce((a, b) => a + b, 0) / sets;
        for (let k = 0; k < sets; k++) intercepts[k] = (intercepts[k] as number) - center;
      }
    }
    return {
      multinomial,
      numClasses: multinomial ? numClasses : 2,
      numFeatures: F,
      coefficients,
      intercepts: s.fitIntercept ? intercepts : new Float64Array(sets),
      objectiveHistory: result.objectiveHistory,
      stopReason: result.reason,
    };
  } finally {
    await objective.close();
  }
}

/** Weighted feature means, unbiased standard deviations (Spark's summarizer), and the label histogram. */
function statistics(
  data: TrainingData,
  numClasses: number,
): { mean: Float64Array; std: Float64Array; histogram: number[]; weightSum: number } {
  const F = data.numFeatures;
  const mean = new Float64Array(F);
  const m2 = new Float64Array(F);
  const histogram = new Array<number>(numClasses).fill(0);
  let weightSum = 0;
  let weightSquares = 0;
  for (let r = 0; r < data.rows; r++) {
    const w = data.weights === undefined ? 1 : (data.weights[r] as number);
    histogram[data.labels[r] as number] = (histogram[data.labels[r] as number] as number) + w;
    if (w === 0) continue;
    weightSum += w;
    weightSquares += w * w;
    const base = r * F;
    // West's weighted incremental mean and variance.
    for (let j = 0; j < F; j++) {
      const v = data.x[base + j] as number;
      const delta = v - (mean[j] as number);
      mean[j] = (mean[j] as number) + (w / weightSum) * delta;
      m2[j] = (m2[j] as number) + w * delta * (v - (mean[j] as number));
    }
  }
  const denominator = weightSum - weightSquares / weightSum;
  const std = m2.map((v) => (denominator > 0 ? Math.sqrt(Math.max(v, 0) / denominator) : 0));
  return { mean, std, histogram, weightSum };
}
