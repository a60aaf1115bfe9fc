import type { ParamValidator } from './Param.js';

function validator<T>(expected: string, test: (value: T) => boolean): ParamValidator<T> {
  return Object.assign((value: T) => test(value), { expected });
}

/**
 * Validators for converted param values, after Spark ML's `ParamValidators`: each is a predicate that also says,
 * in words, what it accepts (its `expected`), which a rejected value's error message quotes.
 *
 * @example
 * ```ts
 * const regParam: ParamSpec<number> = {
 *   name: 'regParam',
 *   doc: 'regularization parameter (>= 0).',
 *   converter: TypeConverters.toFloat,
 *   validator: ParamValidators.gtEq(0),
 *   default: 0,
 * };
 * ```
 */
export const ParamValidators = Object.freeze({
  /**
   * Greater than `lowerBound`.
   *
   * @example
   * ```ts
   * ParamValidators.gt(0)(0); // false
   * ```
   */
  gt(lowerBound: number): ParamValidator<number> {
    return validator(`a value > ${lowerBound}`, (v: number) => v > lowerBound);
  },

  /**
   * Greater than or equal to `lowerBound`.
   *
   * @example
   * ```ts
   * ParamValidators.gtEq(0)(0); // true
   * ```
   */
  gtEq(lowerBound: number): ParamValidator<number> {
    return validator(`a value >= ${lowerBound}`, (v: number) => v >= lowerBound);
  },

  /**
   * Less than `upperBound`.
   *
   * @example
   * ```ts
   * ParamValidators.lt(1)(1); // false
   * ```
   */
  lt(upperBound: number): ParamValidator<number> {
    return validator(`a value < ${upperBound}`, (v: number) => v < upperBound);
  },

  /**
   * Less than or equal to `upperBound`.
   *
   * @example
   * ```ts
   * ParamValidators.ltEq(1)(1); // true
   * ```
   */
  ltEq(upperBound: number): ParamValidator<number> {
    return validator(`a value <= ${upperBound}`, (v: number) => v <= upperBound);
  },

  /**
   * Between `lowerBound` and `upperBound`, each end included unless said otherwise.
   *
   * @example
   * ```ts
   * ParamValidators.inRange(0, 1)(1);              // true
   * ParamValidators.inRange(0, 1, true, false)(1); // false
   * ParamValidators.inRange(0, 1).expected;        // 'a value in [0, 1]'
   * ```
   */
  inRange(
    lowerBound: number,
    upperBound: number,
    lowerInclusive = true,
    upperInclusive = true,
  ): ParamValidator<number> {
    const interval = `${lowerInclusive ? '[' : '('}${lowerBound}, ${upperBound}${upperInclusive ? ']' : ')'}`;
    return validator(
      `a value in ${interval}`,
      (v: number) =>
        (lowerInclusive ? v >= lowerBound : v > lowerBound) &&
        (upperInclusive ? v <= upperBound : v < upperBound),
    );
  },

  /**
   * One of `allowed`.
   *
   * @example
   * ```ts
   * ParamValidators.inArray(['auto', 'binomial', 'multinomial'])('auto'); // true
   * ```
   */
  inArray<T>(allowed: readonly T[]): ParamValidator<T> {
    return validator(`one of [${allowed.map((v) => JSON.stringify(v)).join(', ')}]`, (v: T) =>
      allowed.includes(v),
    );
  },

  /**
   * An array longer than `lowerBound`.
   *
   * @example
   * ```ts
   * ParamValidators.arrayLengthGt(1)([784, 10]); // true
   * ```
   */
  arrayLengthGt(lowerBound: number): ParamValidator<readonly unknown[]> {
    return validator(
      `an array of more than ${lowerBound} elements`,
      (v: readonly unknown[]) => v.length > lowerBound,
    );
  },

  /**
   * An array whose every element passes `element`.
   *
   * @example
   * ```ts
   * const layers = ParamValidators.each(ParamValidators.gt(0));
   * layers([784, 0, 10]); // false
   * layers.expected;      // 'an array of elements that are each a value > 0'
   * ```
   */
  each<T>(element: ParamValidator<T>): ParamValidator<readonly T[]> {
    return validator(`an array of elements that are each ${element.expected}`, (v: readonly T[]) =>
      v.every((item) => element(item)),
    );
  },

  /**
   * Passes only values that pass every one of `validators`.
   *
   * @example
   * ```ts
   * const layers = ParamValidators.all(ParamValidators.arrayLengthGt(1), ParamValidators.each(ParamValidators.gt(0)));
   * ```
   */
  all<T>(...validators: readonly ParamValidator<T>[]): ParamValidator<T> {
    return validator(validators.map((v) => v.expected).join(' and '), (v: T) =>
      validators.every((check) => check(v)),
    );
  },
});
