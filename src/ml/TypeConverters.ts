import { invalidValue, type TypeConverter } from './Param.js';

function toNumber(value: unknown, expected: string): number {
  if (typeof value === 'number' && !Number.isNaN(value)) return value;
  if (typeof value === 'bigint') {
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
  }
  throw invalidValue(value, expected);
}

function toArray(value: unknown, expected: string): readonly unknown[] {
  if (Array.isArray(value)) return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<unknown>);
  throw invalidValue(value, expected);
}

function listOf<T>(value: unknown, expected: string, element: (item: unknown) => T): readonly T[] {
  const items = toArray(value, expected);
  const out: T[] = [];
  for (const item of items) {
    try {
      out.push(element(item));
    } catch {
      throw invalidValue(value, expected);
    }
  }
  return Object.freeze(out);
}

/**
 * Converters for param values, after pyspark's `TypeConverters`: each takes what a user passed and returns the
 * value the stage stores, or throws a `ParamError` `INVALID_PARAM_VALUE`. They never parse strings: `'10'` is not
 * an integer. Lists come back as new, frozen arrays, so a caller that changes its array later does not change the
 * stage.
 *
 * @example
 * ```ts
 * TypeConverters.toInt(3);              // 3
 * TypeConverters.toInt(3.5);            // throws: expected an integer
 * TypeConverters.toListFloat(new Float32Array([0.5])); // [0.5]
 * const onError = TypeConverters.toOneOf(['fail', 'skip'] as const); // TypeConverter<'fail' | 'skip'>
 * ```
 */
export const TypeConverters = Object.freeze({
  /**
   * An integer: a number with no fractional part (`3` and `3.0`), or a bigint that fits a safe integer.
   *
   * @example
   * ```ts
   * TypeConverters.toInt(10n); // 10
   * ```
   */
  toInt(value: unknown): number {
    const n = toNumber(value, 'an integer');
    if (!Number.isInteger(n)) throw invalidValue(value, 'an integer');
    return n;
  },

  /**
   * A number (pyspark's `toFloat`): any number but `NaN`; a bigint that fits a safe integer.
   *
   * @example
   * ```ts
   * TypeConverters.toFloat(0.1); // 0.1
   * ```
   */
  toFloat(value: unknown): number {
    return toNumber(value, 'a number');
  },

  /**
   * A string.
   *
   * @example
   * ```ts
   * TypeConverters.toString('features'); // 'features'
   * ```
   */
  toString(value: unknown): string {
    if (typeof value === 'string') return value;
    throw invalidValue(value, 'a string');
  },

  /**
   * A boolean (`true` or `false`; not `0`, `1` or `'true'`).
   *
   * @example
   * ```ts
   * TypeConverters.toBoolean(true); // true
   * ```
   */
  toBoolean(value: unknown): boolean {
    if (typeof value === 'boolean') return value;
    throw invalidValue(value, 'a boolean');
  },

  /**
   * An array of integers, from an array or a typed array.
   *
   * @example
   * ```ts
   * TypeConverters.toListInt([784, 128, 10]); // [784, 128, 10]
   * ```
   */
  toListInt(value: unknown): readonly number[] {
    return listOf(value, 'an array of integers', TypeConverters.toInt);
  },

  /**
   * An array of numbers, from an array or a typed array (`Float32Array`, `Float64Array`, …).
   *
   * @example
   * ```ts
   * TypeConverters.toListFloat([0.5, 0.5]); // [0.5, 0.5]
   * ```
   */
  toListFloat(value: unknown): readonly number[] {
    return listOf(value, 'an array of numbers', TypeConverters.toFloat);
  },

  /**
   * An array of arrays of numbers.
   *
   * @example
   * ```ts
   * TypeConverters.toListListFloat([[1, 2], [3]]); // [[1, 2], [3]]
   * ```
   */
  toListListFloat(value: unknown): readonly (readonly number[])[] {
    return listOf(value, 'an array of arrays of numbers', TypeConverters.toListFloat);
  },

  /**
   * An array of strings.
   *
   * @example
   * ```ts
   * TypeConverters.toListString(['a', 'b']); // ['a', 'b']
   * ```
   */
  toListString(value: unknown): readonly string[] {
    return listOf(value, 'an array of strings', TypeConverters.toString);
  },

  /**
   * A converter that accepts exactly one of `allowed` (strings, numbers or booleans) and types the param as their
   * union, for params such as `onError` or `handleInvalid`.
   *
   * @example
   * ```ts
   * const toHandleInvalid = TypeConverters.toOneOf(['error', 'skip', 'keep'] as const);
   * toHandleInvalid('skip'); // 'skip', typed 'error' | 'skip' | 'keep'
   * toHandleInvalid('drop'); // throws: expected one of ["error", "skip", "keep"]
   * ```
   */
  toOneOf<const V extends string | number | boolean>(allowed: readonly V[]): TypeConverter<V> {
    const expected = `one of [${allowed.map((v) => JSON.stringify(v)).join(', ')}]`;
    return (value: unknown): V => {
      if (allowed.includes(value as V)) return value as V;
      throw invalidValue(value, expected);
    };
  },
});
