import type { Estimator } from './Estimator.js';
import { Transformer } from './Transformer.js';

/**
 * A {@link Transformer} made by an {@link Estimator}'s `fit`, which keeps a reference to the estimator (with the
 * params it was fit with) as its {@link Model.parent}.
 *
 * @example
 * ```ts
 * const model = await lr.fit(train);
 * model.parent?.uid === lr.uid; // true
 * const predictions = await model.transform(test);
 * ```
 */
export abstract class Model extends Transformer {
  private parentEstimator: Estimator | undefined = undefined;

  /**
   * The estimator that fit this model (a copy of it with the params of that fit, same uid), or `undefined` for a
   * model made or loaded directly.
   *
   * @example
   * ```ts
   * (await lr.fit(df, { maxIter: 5 })).parent?.getOrDefault('maxIter'); // 5
   * ```
   */
  get parent(): Estimator | undefined {
    return this.parentEstimator;
  }

  /**
   * Records the estimator that made this model; `fit` calls it.
   *
   * @example
   * ```ts
   * model.setParent(estimator);
   * ```
   */
  setParent(parent: Estimator): this {
    this.parentEstimator = parent;
    return this;
  }

  /**
   * Whether this model has a parent estimator.
   *
   * @example
   * ```ts
   * (await lr.fit(df)).hasParent(); // true
   * ```
   */
  hasParent(): boolean {
    return this.parentEstimator !== undefined;
  }
}
