import type { Param } from './Param.js';

/** One entry of a {@link ParamMap}. */
export type ParamPair<T = unknown> = readonly [param: Param<T>, value: T];

/**
 * Values for params of one or more stages, keyed by param (its parent uid and name, as pyspark's `ParamMap` dict
 * is). Values are converted and validated when put. Pass one to `fit`, `transform`, `copy` or
 * `extractParamMap`: each stage takes the entries of its own params and leaves the rest, so one map can hold values
 * for every stage of a pipeline (what a param grid is made of).
 *
 * @example
 * ```ts
 * const overrides = new ParamMap().put(lr.maxIter, 5).put(scaler.factor, 2);
 * const model = await pipeline.fit(df, overrides);
 * ```
 */
export class ParamMap implements Iterable<ParamPair> {
  readonly #entries = new Map<string, ParamPair>();

  /**
   * A map holding `pairs`, each converted and validated by its param.
   *
   * @example
   * ```ts
   * const m = new ParamMap([[lr.maxIter, 5], [lr.regParam, 0.1]]);
   * ```
   */
  constructor(pairs: Iterable<ParamPair> = []) {
    for (const [param, value] of pairs) this.put(param, value);
  }

  /**
   * Sets `param` to `value` (converted and validated: throws a `ParamError` `INVALID_PARAM_VALUE` naming the stage
   * and param) and returns this map.
   *
   * @example
   * ```ts
   * new ParamMap().put(lr.maxIter, 5).put(lr.regParam, 0.01);
   * ```
   */
  put<T>(param: Param<T>, value: NoInfer<T>): this {
    this.#entries.set(String(param), [param, param.convert(value)]);
    return this;
  }

  /**
   * The value of `param`, or `undefined` when the map has none.
   *
   * @example
   * ```ts
   * new ParamMap().put(lr.maxIter, 5).get(lr.maxIter); // 5
   * ```
   */
  get<T>(param: Param<T>): T | undefined {
    return this.#entries.get(String(param))?.[1] as T | undefined;
  }

  /**
   * Whether the map has a value for `param`.
   *
   * @example
   * ```ts
   * new ParamMap().has(lr.maxIter); // false
   * ```
   */
  has(param: Param<unknown>): boolean {
    return this.#entries.has(String(param));
  }

  /**
   * Removes the value of `param`; returns whether there was one.
   *
   * @example
   * ```ts
   * m.delete(lr.maxIter);
   * ```
   */
  delete(param: Param<unknown>): boolean {
    return this.#entries.delete(String(param));
  }

  /**
   * How many params have values.
   *
   * @example
   * ```ts
   * new ParamMap().put(lr.maxIter, 5).size; // 1
   * ```
   */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * A new map with this map's entries, then `other`'s (which win where both have a param).
   *
   * @example
   * ```ts
   * const merged = defaults.merge(overrides);
   * ```
   */
  merge(other: ParamMap): ParamMap {
    const out = new ParamMap(this);
    for (const [param, value] of other) out.put(param, value);
    return out;
  }

  /**
   * The entries, in the order they were first put.
   *
   * @example
   * ```ts
   * for (const [param, value] of m) console.log(param.name, value);
   * ```
   */
  [Symbol.iterator](): IterableIterator<ParamPair> {
    return this.#entries.values();
  }

  /**
   * One `<parent uid>__<name>: value` line per entry, for logs.
   *
   * @example
   * ```ts
   * String(new ParamMap().put(lr.maxIter, 5)); // 'LogisticRegression_4f2a9c01be3d__maxIter: 5'
   * ```
   */
  toString(): string {
    return [...this.#entries.values()]
      .map(([param, value]) => `${String(param)}: ${formatParamValue(value)}`)
      .join('\n');
  }
}

/**
 * A param value as `explainParams()` prints it: strings bare, arrays as `[1, 2]` or `["a", "b"]`, stages by uid.
 *
 * @example
 * ```ts
 * formatParamValue('features'); // 'features'
 * formatParamValue([784, 10]);  // '[784, 10]'
 * ```
 */
export function formatParamValue(value: unknown): string {
  if (typeof value === 'string') return value;
  return formatInner(value);
}

function formatInner(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    return `[${Array.from(value as ArrayLike<unknown>, formatInner).join(', ')}]`;
  }
  const uid = (value as { uid?: unknown }).uid;
  if (typeof uid === 'string') return uid;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
