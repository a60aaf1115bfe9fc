import { DeepframeError, ParamError } from '../errors.js';

/**
 * A value that JSON can hold: what a param value becomes in a saved stage's `metadata.json`.
 */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/**
 * Turns whatever a user passed into a value of type `T`, or throws.
 *
 * Converters throw {@link invalidValue}'s error when the value does not fit; {@link Param.convert} adds the stage
 * and the param to the message. {@link TypeConverters} has the usual ones.
 *
 * @example
 * ```ts
 * const toEven: TypeConverter<number> = (value) => {
 *   const n = TypeConverters.toInt(value);
 *   if (n % 2 !== 0) throw invalidValue(value, 'an even integer');
 *   return n;
 * };
 * ```
 */
export type TypeConverter<T> = (value: unknown) => T;

/**
 * Checks a converted value: a predicate plus the words that say what it accepts (`'a number > 0'`), which go into
 * the error message when it returns `false`. {@link ParamValidators} makes them.
 *
 * @example
 * ```ts
 * const positive = ParamValidators.gt(0);
 * positive(3); // true
 * positive.expected; // 'a value > 0'
 * ```
 */
export interface ParamValidator<T> {
  (value: T): boolean;
  /** What the validator accepts, in words, for messages: `'a value >= 0'`. */
  readonly expected: string;
}

/**
 * What declares a param: its name, documentation, converter, optional validator and default. The value type `T`
 * is the converter's return type. A stage turns a spec
 * into a {@link Param} of its own with `this.declareParam(spec)` (see {@link Params}); shared specs such as
 * `SharedParams.inputCol` are written once and declared by every stage that has the param.
 *
 * @example
 * ```ts
 * const maxIter: ParamSpec<number> = {
 *   name: 'maxIter',
 *   doc: 'max number of iterations (>= 0).',
 *   converter: TypeConverters.toInt,
 *   validator: ParamValidators.gtEq(0),
 *   default: 100,
 * };
 * ```
 */
export interface ParamSpec<T> {
  /** The param's name, as in Spark ML (`inputCol`, `maxIter`); a stage's field holding the param has this name. */
  readonly name: string;
  /** One sentence saying what the param does, shown by `explainParams()`. */
  readonly doc: string;
  /** Converts and type-checks a value before it is stored. */
  readonly converter: TypeConverter<T>;
  /** Checks the converted value (range, allowed values); a value it rejects is not stored. */
  readonly validator?: ParamValidator<NoInfer<T>>;
  /** The default value, the same for every stage. */
  readonly default?: NoInfer<T>;
  /** A default that depends on the stage's uid, as Spark's `outputCol` default `<uid>__output` does. */
  readonly defaultFromUid?: (uid: string) => NoInfer<T>;
  /**
   * Whether the value is written to `metadata.json` by `save()`. Params whose values are not JSON (a pipeline's
   * stages) set this to `false` and are saved by the stage's own `saveImpl` hook. Default `true`.
   */
  readonly persist?: boolean;
  /** Turns a value into JSON for `metadata.json`; by default the value itself, which must then be JSON. */
  readonly toJson?: (value: NoInfer<T>) => JsonValue;
  /** Turns JSON from `metadata.json` back into a value for the converter; by default the JSON itself. */
  readonly fromJson?: (json: JsonValue) => unknown;
}

/** What a {@link Param} does with values; methods, so that `Param<number>` is a `Param<unknown>`. */
interface ParamBehaviour<T> {
  convert(value: unknown): T;
  /** `undefined` when the value passes, else what was expected. */
  validate(value: T): string | undefined;
  toJson(value: T): JsonValue;
  fromJson(json: JsonValue): unknown;
}

/**
 * One parameter of one stage: its `parent` stage's uid, `name`, `doc`, and how values are checked.
 *
 * Params are made by a stage's `declareParam(spec)`, never shared between stages with different uids; the stage keeps
 * the values (user-set and default) in its own maps. `String(param)` is `<parent uid>__<name>`, as in pyspark.
 *
 * @example
 * ```ts
 * const lr = new LogisticRegression();
 * lr.maxIter.name;        // 'maxIter'
 * lr.maxIter.parent;      // 'LogisticRegression_4f2a9c01be3d'
 * lr.maxIter.convert(10); // 10
 * lr.maxIter.convert(-1); // throws ParamError INVALID_PARAM_VALUE
 * ```
 */
export class Param<T> {
  /** The uid of the stage that owns this param. */
  readonly parent: string;
  /** The param's name. */
  readonly name: string;
  /** What the param does. */
  readonly doc: string;
  /** Whether `save()` writes the value to `metadata.json` (see {@link ParamSpec.persist}). */
  readonly persist: boolean;
  readonly #spec: ParamBehaviour<T>;

  /**
   * Makes a param of the stage whose uid is `parent`. Stages call `this.declareParam(spec)` rather than this.
   *
   * @example
   * ```ts
   * const p = new Param('MyStage_0123456789ab', { name: 'k', doc: 'k.', converter: TypeConverters.toInt });
   * ```
   */
  constructor(parent: string, spec: ParamSpec<T>) {
    this.parent = parent;
    this.name = spec.name;
    this.doc = spec.doc;
    this.persist = spec.persist ?? true;
    const { converter, validator, toJson, fromJson } = spec;
    this.#spec = {
      convert: (value) => converter(value),
      validate: (value) =>
        validator === undefined ? undefined : validator(value) ? undefined : validator.expected,
      toJson: (value) => (toJson === undefined ? (value as JsonValue) : toJson(value)),
      fromJson: (json) => (fromJson === undefined ? json : fromJson(json)),
    };
  }

  /**
   * Converts and validates `value`, returning what the stage stores. Throws a {@link ParamError}
   * `INVALID_PARAM_VALUE` naming the stage, the param, the value seen and what was expected.
   *
   * @example
   * ```ts
   * lr.regParam.convert(1);     // 1
   * lr.regParam.convert('0.1'); // throws: expected a number
   * ```
   */
  convert(value: unknown): T {
    let converted: T;
    try {
      converted = this.#spec.convert(value);
    } catch (e) {
      throw this.#withContext(value, e);
    }
    const rejected = this.#spec.validate(converted);
    if (rejected !== undefined) throw this.#invalid(value, rejected);
    return converted;
  }

  /**
   * The value as JSON, for `metadata.json`.
   *
   * @example
   * ```ts
   * lr.maxIter.jsonEncode(10); // 10
   * ```
   */
  jsonEncode(value: T): JsonValue {
    return this.#spec.toJson(value);
  }

  /**
   * The value that `json` (from `metadata.json`) stands for, converted and validated as {@link Param.convert} does.
   *
   * @example
   * ```ts
   * lr.maxIter.jsonDecode(10); // 10
   * ```
   */
  jsonDecode(json: JsonValue): T {
    return this.convert(this.#spec.fromJson(json));
  }

  /**
   * `<parent uid>__<name>`, pyspark's string form of a param.
   *
   * @example
   * ```ts
   * String(lr.maxIter); // 'LogisticRegression_4f2a9c01be3d__maxIter'
   * ```
   */
  toString(): string {
    return `${this.parent}__${this.name}`;
  }

  #withContext(value: unknown, e: unknown): DeepframeError {
    if (
      e instanceof ParamError &&
      e.errorClass === INVALID_PARAM_VALUE &&
      e.messageParameters.param === undefined
    ) {
      return this.#invalid(value, e.messageParameters.expected ?? 'a valid value', e);
    }
    if (e instanceof DeepframeError) return e;
    return this.#invalid(value, e instanceof Error ? e.message : String(e), e);
  }

  #invalid(value: unknown, expected: string, cause?: unknown): ParamError {
    const seen = describeValue(value);
    return new ParamError(
      INVALID_PARAM_VALUE,
      `Invalid value for param '${this.name}' of stage '${this.parent}': got ${seen}; expected ${expected}.`,
      { stage: this.parent, param: this.name, value: seen, expected },
      cause === undefined ? {} : { cause },
    );
  }
}

const INVALID_PARAM_VALUE = 'INVALID_PARAM_VALUE';

/**
 * The error a {@link TypeConverter} throws for a value it cannot take: a {@link ParamError} `INVALID_PARAM_VALUE`
 * with the value and what was expected. {@link Param.convert} rethrows it naming the stage and the param.
 *
 * @example
 * ```ts
 * throw invalidValue(value, 'an even integer');
 * ```
 */
export function invalidValue(value: unknown, expected: string): ParamError {
  const seen = describeValue(value);
  return new ParamError(INVALID_PARAM_VALUE, `Invalid value ${seen}; expected ${expected}.`, {
    value: seen,
    expected,
  });
}

/**
 * A short description of any value for error messages: strings quoted, numbers as they are, arrays up to 100
 * characters, stages by uid, other objects by class name.
 *
 * @example
 * ```ts
 * describeValue('a');     // '"a"'
 * describeValue([1, 'b']); // '[1,"b"]'
 * describeValue(new Map()); // 'a Map'
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = Array.from(value as ArrayLike<unknown>);
    const text = `[${items.map(describeValue).join(',')}]`;
    return text.length > 100 ? `${text.slice(0, 97)}...` : text;
  }
  const uid = (value as { uid?: unknown }).uid;
  if (typeof uid === 'string') return uid;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== 'Object' ? `a ${name}` : 'an object';
}
