/**
 * A bounded-concurrency scheduler for model search: runs tasks described as plain data, at most `parallelism` at
 * once, and returns their results in task order whatever order they finish in.
 *
 * Tasks are data (`{ fold, index }`: which split, which param map) and the work is one `run(task)` function, so a
 * later runner can hand a task to a worker thread (or a Spark task) without changing the callers: the scheduler
 * only decides what runs when.
 *
 * @module
 */

/** One unit of model-search work: fit the param map `index` on fold `fold`'s training part, evaluate it. */
export interface SearchTask {
  /** The split (fold number for cross-validation, 0 for a train-validation split). */
  readonly fold: number;
  /** The index of the param map in `estimatorParamMaps`. */
  readonly index: number;
}

/**
 * Runs `run(task)` for every task, at most `parallelism` at a time, starting them in order; resolves to the results
 * in task order. The first failure stops new tasks from starting and is rethrown once the running ones settle.
 *
 * @example
 * ```ts
 * const metrics = await runBounded(tasks, 2, async (t) => evaluateOne(t));
 * ```
 */
export async function runBounded<T extends SearchTask, R>(
  tasks: readonly T[],
  parallelism: number,
  run: (task: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(tasks.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < tasks.length) {
      const i = next++;
      try {
        results[i] = await run(tasks[i] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const lanes = Math.max(1, Math.min(parallelism, tasks.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failure !== undefined) throw failure.error;
  return results;
}

/**
 * {@link runBounded}, taking the pending tasks longest first where their cost is known: `cost` estimates a task's
 * duration (undefined: not known yet; such tasks go first, in order, to learn it). Starting long fits first leaves
 * short ones for the end, so lanes finish close together.
 *
 * @example
 * ```ts
 * const took = new Map<number, number>(); // param-map index → ms, filled by `run`
 * await runLongestFirst(tasks, 2, run, (t) => took.get(t.index));
 * ```
 */
export async function runLongestFirst<T extends SearchTask, R>(
  tasks: readonly T[],
  parallelism: number,
  run: (task: T) => Promise<R>,
  cost: (task: T) => number | undefined,
): Promise<void> {
  const pending = tasks.map((task, i) => ({ task, i }));
  let failure: { error: unknown } | undefined;
  const take = () => {
    let best = 0;
    for (let k = 1; k < pending.length; k++) {
      const a = cost((pending[k] as { task: T }).task) ?? Number.POSITIVE_INFINITY;
      const b = cost((pending[best] as { task: T }).task) ?? Number.POSITIVE_INFINITY;
      if (a > b) best = k;
    }
    return (pending.splice(best, 1)[0] as { task: T }).task;
  };
  const lane = async (): Promise<void> => {
    while (failure === undefined && pending.length > 0) {
      try {
        await run(take());
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const lanes = Math.max(1, Math.min(parallelism, tasks.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failure !== undefined) throw failure.error;
}
