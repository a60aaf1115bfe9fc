import { ParamError } from '../../errors.js';
import type { Param } from '../Param.js';
import { ParamMap } from '../ParamMap.js';
import type { ParamOverrides, Params, ParamValues } from '../Params.js';

/** The values a grid may take for the param called `K` of stage class `E`. */
type GridValue<E, K extends keyof ParamValues<E>> = Exclude<ParamValues<E>[K], undefined>;

/** One param of the grid: by name (of `E`) or as a {@link Param} object, and its candidate values. */
interface GridAxis {
  readonly key: string | Param<unknown>;
  readonly values: readonly unknown[];
}

/**
 * Builds a grid of param maps for model selection ({@link CrossValidator}, {@link TrainValidationSplit}), as
 * pyspark's `ParamGridBuilder`: {@link ParamGridBuilder.addGrid} gives a param its candidate values,
 * {@link ParamGridBuilder.baseOn} fixes a param for every map, and {@link ParamGridBuilder.build} returns the
 * Cartesian product, in pyspark's order (`itertools.product` over the params in the order they were first added:
 * the last param varies fastest).
 *
 * Params are named in one of two ways, not both in one builder:
 * - by name, typed by the estimator class `E` (`addGrid('regParam', [0.1, 0.01])` checks that `E` has a param
 *   `regParam` and that the values are numbers); `build()` returns plain objects (`{ regParam: 0.1 }`);
 * - by {@link Param} object (`addGrid(lr.regParam, [0.1])`), which can name params of several stages of a
 *   pipeline; `build()` returns {@link ParamMap}s.
 *
 * Values are checked by the estimator when tuning starts (converted and validated as `fit` would), before anything
 * is fitted.
 *
 * @example
 * ```ts
 * const grid = new ParamGridBuilder<LogisticRegression>()
 *   .addGrid('regParam', [0.1, 0.01])
 *   .addGrid('elasticNetParam', [0, 1])
 *   .baseOn({ maxIter: 50 })
 *   .build();
 * // [{ regParam: 0.1, elasticNetParam: 0, maxIter: 50 }, { regParam: 0.1, elasticNetParam: 1, maxIter: 50 }, …]
 * ```
 */
export class ParamGridBuilder<E extends Params = Params> {
  private readonly axes = new Map<string, GridAxis>();

  /**
   * Gives `param` (a param name of `E`, or a {@link Param} object) the candidate `values`; adding a param again
   * replaces its values and keeps its place. An empty `values` makes the grid empty.
   *
   * @example
   * ```ts
   * new ParamGridBuilder<LogisticRegression>().addGrid('regParam', [0.1, 0.01]);
   * new ParamGridBuilder().addGrid(lr.regParam, [0.1, 0.01]);
   * ```
   */
  addGrid<K extends keyof ParamValues<E> & string>(param: K, values: readonly GridValue<E, K>[]): this;
  addGrid<T>(param: Param<T>, values: readonly NoInfer<T>[]): this;
  addGrid(param: string | Param<unknown>, values: readonly unknown[]): this {
    if (!Array.isArray(values)) {
      throw new ParamError(
        'INVALID_PARAM_GRID',
        `addGrid(${String(param)}, values) takes an array of candidate values; got ${typeof values}.`,
        { param: String(param) },
      );
    }
    this.checkKeyKind(param);
    const id = typeof param === 'string' ? param : String(param);
    this.axes.set(id, { key: param, values: [...values] });
    return this;
  }

  /**
   * Fixes params for every map of the grid: values by name (of `E`), or `[param, value]` pairs. As pyspark's
   * `baseOn`, each is a grid of one value (so a later `addGrid` of the same param replaces it).
   *
   * @example
   * ```ts
   * new ParamGridBuilder<LogisticRegression>().baseOn({ maxIter: 20 }).addGrid('regParam', [0.1, 0.01]);
   * new ParamGridBuilder().baseOn([lr.maxIter, 20]).addGrid(lr.regParam, [0.1, 0.01]);
   * ```
   */
  baseOn(values: ParamValues<E>): this;
  baseOn(...pairs: (readonly [Param<unknown>, unknown])[]): this;
  baseOn(...args: unknown[]): this {
    const [first] = args;
    if (args.length === 1 && !Array.isArray(first) && typeof first === 'object' && first !== null) {
      for (const [name, value] of Object.entries(first)) {
        if (value !== undefined) this.addGrid(name as keyof ParamValues<E> & string, [value] as never);
      }
      return this;
    }
    for (const pair of args as (readonly [Param<unknown>, unknown])[]) this.addGrid(pair[0], [pair[1]]);
    return this;
  }

  /**
   * The Cartesian product of the grid: one param map per combination, the last added param varying fastest
   * (pyspark's order). With no params, one empty map; with a param of no values, none.
   *
   * @example
   * ```ts
   * new ParamGridBuilder<LogisticRegression>().addGrid('regParam', [1, 2]).addGrid('maxIter', [5, 10]).build();
   * // [{ regParam: 1, maxIter: 5 }, { regParam: 1, maxIter: 10 }, { regParam: 2, maxIter: 5 }, { regParam: 2, maxIter: 10 }]
   * ```
   */
  build(): ParamOverrides<E>[] {
    const axes = [...this.axes.values()];
    let combos: unknown[][] = [[]];
    for (const axis of axes) {
      const next: unknown[][] = [];
      for (const combo of combos) for (const value of axis.values) next.push([...combo, value]);
      combos = next;
    }
    const byParam = axes.some((a) => typeof a.key !== 'string');
    return combos.map((combo) => {
      if (byParam) {
        const map = new ParamMap();
        for (const [i, value] of combo.entries()) map.put((axes[i] as GridAxis).key as Param<unknown>, value);
        return map;
      }
      const values: Record<string, unknown> = {};
      for (const [i, value] of combo.entries()) values[(axes[i] as GridAxis).key as string] = value;
      return values as ParamValues<E>;
    });
  }

  private checkKeyKind(param: string | Param<unknown>): void {
    const [existing] = this.axes.values();
    if (existing === undefined || typeof existing.key === typeof param) return;
    throw new ParamError(
      'MIXED_PARAM_GRID',
      `A ParamGridBuilder names params either by name or by Param object, not both; '${String(param)}' is ` +
        `${typeof param === 'string' ? 'a name' : 'a Param'} but '${String(existing.key)}' was not. Use one way ` +
        'throughout (Param objects when the grid spans several stages of a pipeline).',
      { param: String(param), other: String(existing.key) },
    );
  }
}
