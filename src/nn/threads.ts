/**
 * How many ONNX Runtime intra-op threads a session gets when nothing else says: a value scoped to an asynchronous
 * call tree (`AsyncLocalStorage`), so that a caller that runs several fits at once — a model search with
 * `parallelism` — can give each fit (and each evaluation of its model) its share of the cores without the
 * estimators knowing.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ParamError } from '../errors.js';

const scope = new AsyncLocalStorage<number>();

/**
 * Runs `fn` with `threads` as the intra-op thread count of every training session compiled inside it (by
 * `compileTraining` and `compileObjective`, and so by the estimators' fits) that does not set its own, and of the
 * model stages of the transforms started inside it (a stage's own `intraOpNumThreads` param still wins).
 *
 * @example
 * ```ts
 * // Two fits at once on a 2-core machine, one core each:
 * const [a, b] = await Promise.all([
 *   withTrainingThreads(1, () => lr.fit(train, { regParam: 0.1 })),
 *   withTrainingThreads(1, () => lr.fit(train, { regParam: 0.01 })),
 * ]);
 * ```
 */
export function withTrainingThreads<T>(threads: number, fn: () => Promise<T>): Promise<T> {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new ParamError('INVALID_PARAM', `Training threads must be a positive integer; got ${threads}.`, {
      param: 'threads',
      value: String(threads),
    });
  }
  return scope.run(threads, fn);
}

/**
 * The intra-op thread count for a training session: `explicit` when given, else the one
 * {@link withTrainingThreads} set for the current call tree, else `undefined` (ONNX Runtime's choice: every core).
 */
export function trainingThreads(explicit?: number): number | undefined {
  return explicit ?? scope.getStore();
}
