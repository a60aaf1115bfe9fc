/**
 * Limited-memory BFGS for smooth objectives, and OWL-QN (Andrew & Gao, 2007) when an L1 penalty is added — the
 * solvers Spark MLlib uses for `LogisticRegression` and `MultilayerPerceptronClassifier` (through Breeze), with
 * the same defaults (10 corrections) and the same stopping rules:
 *
 * - `maxIter` iterations;
 * - the objective improved by at most `tol · |f₀|` over the last 20 iterations (Breeze's function-values check);
 * - the (pseudo-)gradient's Euclidean norm is at most `max(tol · |f|, 1e-8)` (Breeze's gradient check);
 * - the line search found no decrease (the point is as good as float arithmetic allows).
 *
 * The smooth case uses a line search for the strong Wolfe conditions (c1 = 1e-4, c2 = 0.9) with cubic
 * interpolation; OWL-QN uses the orthant-wise pseudo-gradient, projects the direction and the trial points onto
 * the orthant of the current point, and backtracks — so coordinates that L1 drives to zero are exactly zero.
 *
 * @module
 */

import { ParamError } from '../errors.js';

/** The objective and its gradient at a point (the smooth part only; the L1 term is the solver's). */
export type ValueAndGradient = (x: Float64Array) => Promise<{ loss: number; gradient: Float64Array }>;

/** One iteration's figures, for progress reports. */
export interface IterationInfo {
  /** 1-based. */
  readonly iteration: number;
  /** The full objective (with the L1 term). */
  readonly objective: number;
  /** The Euclidean norm of the (pseudo-)gradient. */
  readonly gradientNorm: number;
}

/** Options of {@link minimize}. */
export interface MinimizeOptions {
  /** The most iterations (`>= 0`). */
  readonly maxIter: number;
  /** The convergence tolerance (`>= 0`). */
  readonly tol: number;
  /** Corrections kept (default 10, as MLlib). */
  readonly memory?: number;
  /** Per-coordinate L1 weights (`>= 0`): the solver minimizes `f(x) + Σ l1[i]·|x[i]|` with OWL-QN. */
  readonly l1?: Float64Array;
  /** Called after every iteration. */
  readonly onIteration?: (info: IterationInfo) => void;
}

/** Why the solver stopped. */
export type StopReason = 'maxIter' | 'functionValues' | 'gradient' | 'lineSearch';

/** What {@link minimize} found. */
export interface MinimizeResult {
  readonly x: Float64Array;
  /** The full objective at the start and after each iteration (its length is iterations + 1). */
  readonly objectiveHistory: number[];
  readonly iterations: number;
  readonly reason: StopReason;
}

const C1 = 1e-4;
const C2 = 0.9;
const FVAL_MEMORY = 20;
const MAX_LINE_SEARCH = 25;

/**
 * Minimizes `f(x) [+ Σ l1·|x|]` from `x0`.
 *
 * @example
 * ```ts
 * const result = await minimize(async (x) => ({ loss: (x[0]! - 3) ** 2, gradient: Float64Array.of(2 * (x[0]! - 3)) }),
 *   Float64Array.of(0), { maxIter: 100, tol: 1e-9 });
 * result.x[0]; // ≈ 3
 * ```
 */
export async function minimize(
  fg: ValueAndGradient,
  x0: Float64Array,
  options: MinimizeOptions,
): Promise<MinimizeResult> {
  const { maxIter, tol } = options;
  const memory = options.memory ?? 10;
  if (!Number.isInteger(maxIter) || maxIter < 0) {
    throw new ParamError('INVALID_PARAM', `maxIter must be an integer >= 0; got ${maxIter}.`, {
      param: 'maxIter',
      value: String(maxIter),
    });
  }
  if (!(tol >= 0)) {
    throw new ParamError('INVALID_PARAM', `tol must be >= 0; got ${tol}.`, {
      param: 'tol',
      value: String(tol),
    });
  }
  const l1 = options.l1?.some((v) => v > 0) ? options.l1 : undefined;
  const n = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  let { loss: f, gradient: g } = await fg(x);
  let F = f + penalty(x, l1);
  const history = [F];
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  let reason: StopReason = 'maxIter';
  let pg = pseudoGradient(x, g, l1);
  if (norm(pg) <= Math.max(tol * Math.abs(F), 1e-8)) {
    return { x, objectiveHistory: history, iterations: 0, reason: 'gradient' };
  }
  for (let iter = 1; iter <= maxIter; iter++) {
    let d = direction(pg, s, y);
    if (l1 !== undefined) {
      // Keep the direction in the orthant the pseudo-gradient points away from.
      for (let i = 0; i < n; i++) if ((d[i] as number) * (pg[i] as number) >= 0) d[i] = 0;
    }
    if (dot(d, pg) >= 0) {
      // Not a descent direction: forget the curvature pairs and go down the (pseudo-)gradient.
      s.length = 0;
      y.length = 0;
      d = pg.map((v) => -v);
    }
    const initial = s.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(d, d))) : 1;
    const step =
      l1 === undefined
        ? await wolfeSearch(fg, x, f, g, d, initial)
        : await orthantSearch(fg, x, F, pg, d, l1, initial);
    if (step === undefined) {
      reason = 'lineSearch';
      break;
    }
    const sk = new Float64Array(n);
    const yk = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sk[i] = (step.x[i] as number) - (x[i] as number);
      yk[i] = (step.gradient[i] as number) - (g[i] as number);
    }
    if (dot(sk, yk) > 1e-10 * dot(yk, yk)) {
      s.push(sk);
      y.push(yk);
      if (s.length > memory) {
        s.shift();
        y.shift();
      }
    }
    x = step.x;
    f = step.loss;
    g = step.gradient;
    F = f + penalty(x, l1);
    history.push(F);
    pg = pseudoGradient(x, g, l1);
    const gradNorm = norm(pg);
    options.onIteration?.({ iteration: iter, objective: F, gradientNorm: gradNorm });
    // Breeze keeps the last 20 values, this one included, and starts the window with +∞.
    const window = history.length > FVAL_MEMORY ? history.slice(-FVAL_MEMORY) : undefined;
    if (window !== undefined && Math.abs(F - Math.max(...window)) <= tol * Math.abs(history[0] as number)) {
      reason = 'functionValues';
      break;
    }
    if (gradNorm <= Math.max(tol * Math.abs(F), 1e-8)) {
      reason = 'gradient';
      break;
    }
  }
  return { x, objectiveHistory: history, iterations: history.length - 1, reason };
}

interface Step {
  readonly x: Float64Array;
  readonly loss: number;
  readonly gradient: Float64Array;
}

/** The L-BFGS two-loop recursion: `−H·q` from the stored pairs (steepest descent when there are none). */
function direction(q0: Float64Array, s: readonly Float64Array[], y: readonly Float64Array[]): Float64Array {
  const q = Float64Array.from(q0);
  const k = s.length;
  const alpha = new Float64Array(k);
  const rho = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    const si = s[i] as Float64Array;
    const yi = y[i] as Float64Array;
    rho[i] = 1 / dot(yi, si);
    alpha[i] = (rho[i] as number) * dot(si, q);
    axpy(-(alpha[i] as number), yi, q);
  }
  if (k > 0) {
    const sl = s[k - 1] as Float64Array;
    const yl = y[k - 1] as Float64Array;
    const gamma = dot(sl, yl) / dot(yl, yl);
    for (let j = 0; j < q.length; j++) q[j] = (q[j] as number) * gamma;
  }
  for (let i = 0; i < k; i++) {
    const beta = (rho[i] as number) * dot(y[i] as Float64Array, q);
    axpy((alpha[i] as number) - beta, s[i] as Float64Array, q);
  }
  for (let j = 0; j < q.length; j++) q[j] = -(q[j] as number);
  return q;
}

/** A step length satisfying the strong Wolfe conditions (Nocedal & Wright, algorithms 3.5 and 3.6). */
async function wolfeSearch(
  fg: ValueAndGradient,
  x: Float64Array,
  f0: number,
  g0: Float64Array,
  d: Float64Array,
  initial: number,
): Promise<Step | undefined> {
  const dphi0 = dot(g0, d);
  const at = async (a: number) => {
    const xa: Float64Array = Float64Array.from(x);
    axpy(a, d, xa);
    const r = await fg(xa);
    return { a, x: xa, loss: r.loss, gradient: r.gradient, dphi: dot(r.gradient, d) };
  };
  type Trial = Awaited<ReturnType<typeof at>>;
  let prev: Trial = { a: 0, x, loss: f0, gradient: g0, dphi: dphi0 };
  let a = initial;
  let best: Trial | undefined;
  const zoom = async (lo: Trial, hi: Trial): Promise<Trial | undefined> => {
    for (let k = 0; k < MAX_LINE_SEARCH; k++) {
      const next = await at(cubicMin(lo, hi));
      if (!Number.isFinite(next.loss) || next.loss > f0 + C1 * next.a * dphi0 || next.loss >= lo.loss) {
        hi = next;
      } else {
        if (Math.abs(next.dphi) <= -C2 * dphi0) return next;
        if (next.dphi * (hi.a - lo.a) >= 0) hi = lo;
        lo = next;
      }
      if (Math.abs(hi.a - lo.a) < 1e-14 * Math.max(1, lo.a)) break;
    }
    return lo.a > 0 && lo.loss < f0 ? lo : undefined;
  };
  for (let k = 0; k < MAX_LINE_SEARCH; k++) {
    const trial = await at(a);
    if (
      !Number.isFinite(trial.loss) ||
      trial.loss > f0 + C1 * a * dphi0 ||
      (k > 0 && trial.loss >= prev.loss)
    ) {
      best = await zoom(prev, trial);
      break;
    }
    if (Math.abs(trial.dphi) <= -C2 * dphi0) {
      best = trial;
      break;
    }
    if (trial.dphi >= 0) {
      best = await zoom(trial, prev);
      break;
    }
    prev = trial;
    a *= 2;
  }
  return best === undefined || !(best.loss < f0) ? undefined : best;
}

/** The minimizer of the cubic through two trials, kept inside the bracket (bisection when it falls outside). */
function cubicMin(
  lo: { a: number; loss: number; dphi: number },
  hi: { a: number; loss: number; dphi: number },
): number {
  const d1 = lo.dphi + hi.dphi - (3 * (lo.loss - hi.loss)) / (lo.a - hi.a);
  const disc = d1 * d1 - lo.dphi * hi.dphi;
  const left = Math.min(lo.a, hi.a);
  const right = Math.max(lo.a, hi.a);
  const mid = (lo.a + hi.a) / 2;
  if (!(disc >= 0) || !Number.isFinite(hi.loss)) return mid;
  const d2 = Math.sign(hi.a - lo.a) * Math.sqrt(disc);
  const a = hi.a - (hi.a - lo.a) * ((hi.dphi + d2 - d1) / (hi.dphi - lo.dphi + 2 * d2));
  const margin = 0.1 * (right - left);
  return Number.isFinite(a) && a > left + margin && a < right - margin ? a : mid;
}

/** OWL-QN's backtracking line search on the projected point. */
async function orthantSearch(
  fg: ValueAndGradient,
  x: Float64Array,
  F0: number,
  pg: Float64Array,
  d: Float64Array,
  l1: Float64Array,
  initial: number,
): Promise<Step | undefined> {
  const n = x.length;
  // The orthant: the sign of each coordinate, or of the step the pseudo-gradient takes from zero.
  const orthant = new Float64Array(n);
  for (let i = 0; i < n; i++)
    orthant[i] = (x[i] as number) !== 0 ? Math.sign(x[i] as number) : -Math.sign(pg[i] as number);
  let a = initial;
  for (let k = 0; k < MAX_LINE_SEARCH * 2; k++) {
    const xa = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = (x[i] as number) + a * (d[i] as number);
      xa[i] = Math.sign(v) === (orthant[i] as number) ? v : 0;
    }
    const r = await fg(xa);
    const F = r.loss + penalty(xa, l1);
    let decrease = 0;
    for (let i = 0; i < n; i++) decrease += (pg[i] as number) * ((xa[i] as number) - (x[i] as number));
    if (Number.isFinite(F) && F <= F0 + C1 * decrease && F < F0)
      return { x: xa, loss: r.loss, gradient: r.gradient };
    a *= 0.5;
  }
  return undefined;
}

/** `Σ l1[i]·|x[i]|`. */
function penalty(x: Float64Array, l1: Float64Array | undefined): number {
  if (l1 === undefined) return 0;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (l1[i] as number) * Math.abs(x[i] as number);
  return sum;
}

/** The gradient, or OWL-QN's pseudo-gradient of `f + Σ l1·|x|` (the minimum-norm subgradient). */
function pseudoGradient(x: Float64Array, g: Float64Array, l1: Float64Array | undefined): Float64Array {
  if (l1 === undefined) return g;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    const gi = g[i] as number;
    const c = l1[i] as number;
    if (c === 0) out[i] = gi;
    else if (xi > 0) out[i] = gi + c;
    else if (xi < 0) out[i] = gi - c;
    else if (gi + c < 0) out[i] = gi + c;
    else if (gi - c > 0) out[i] = gi - c;
    else out[i] = 0;
  }
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function axpy(alpha: number, xs: Float64Array, ys: Float64Array): void {
  for (let i = 0; i < xs.length; i++) ys[i] = (ys[i] as number) + alpha * (xs[i] as number);
}

function norm(v: Float64Array): number {
  return Math.sqrt(dot(v, v));
}
