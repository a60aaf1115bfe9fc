import { randomBytes } from 'node:crypto';
import { ParamError } from '../errors.js';
import { describeValue, type JsonValue, Param, type ParamSpec } from './Param.js';
import { formatParamValue, ParamMap } from './ParamMap.js';

/**
 * The param values of a stage class `S`, by name and typed: `{ inputCol?: string; maxIter?: number; … }`. Built
 * from the public fields of `S` that hold a {@link Param}, so a stage's options type follows its declarations.
 *
 * @example
 * ```ts
 * const values: ParamValues<LogisticRegression> = { maxIter: 10, regParam: 0.01 };
 * lr.setParams(values);
 * ```
 */
export type ParamValues<S> = {
  -readonly [K in keyof S as S[K] extends Param<unknown> ? K : never]?: S[K] extends Param<infer T>
    ? T
    : never;
};

/**
 * A stage constructor's options: param values by name, and the `uid` to give the stage (a random one when left out;
 * loading a saved stage passes the saved one).
 *
 * @example
 * ```ts
 * class Scaler extends Transformer {
 *   constructor(options: StageOptions<Scaler> = {}) {
 *     super(options);
 *     this.applyOptions(options);
 *   }
 * }
 * ```
 */
export type StageOptions<S> = ParamValues<S> & { readonly uid?: string };

/**
 * Param values that override a stage's own for one call: a {@link ParamMap} (whose entries for other stages' params
 * are left alone, so one map can serve a whole pipeline) or values by name (`{ maxIter: 5 }`).
 *
 * @example
 * ```ts
 * await lr.fit(df, { maxIter: 5 });
 * await lr.fit(df, new ParamMap().put(lr.maxIter, 5));
 * ```
 */
export type ParamOverrides<S> = ParamMap | ParamValues<S>;

/** What {@link Params.paramsToJson} returns and {@link Params.setParamsFromJson} takes: `metadata.json`'s maps. */
export interface ParamsJson {
  /** User-set values by param name. */
  readonly paramMap: { readonly [name: string]: JsonValue };
  /** Default values by param name. */
  readonly defaultParamMap: { readonly [name: string]: JsonValue };
}

/** The constructor options every {@link Params} takes. */
export interface ParamsOptions {
  /** The stage's uid; a random `ClassName_` + 12 hex digits when left out. */
  readonly uid?: string;
}

/**
 * A new uid for an instance of `className`: `className_` and 12 random lowercase hex digits, as Spark's
 * `Identifiable.randomUID` makes them.
 *
 * @example
 * ```ts
 * randomUid('Tokenizer'); // 'Tokenizer_3f9a0c12be7d'
 * ```
 */
export function randomUid(className: string): string {
  return `${className}_${randomBytes(6).toString('hex')}`;
}

/**
 * The base of everything that has params: stages, evaluators. After pyspark's `ml/param/__init__.py`, typed.
 *
 * A subclass declares each param as a public readonly field named after the param, with
 * {@link Params.declareParam}; the field's type gives the typed getters, setters and constructor options.
 * User-set values and defaults live in separate maps; a param's value is the user's when set, else its default.
 * Concrete classes end their constructor with `this.applyOptions(options)`, once every field is declared (a
 * class that others extend leaves that to them, as its subclasses' fields are not declared yet).
 *
 * Copies ({@link Params.copy}) are shallow clones of the instance with their own value maps: a subclass that keeps
 * state in `#private` fields must override `copy`.
 *
 * @example
 * ```ts
 * class Scaler extends Transformer implements HasInputCol {
 *   readonly inputCol = this.declareParam(SharedParams.inputCol);
 *   readonly factor = this.declareParam({
 *     name: 'factor', doc: 'the multiplier.', converter: TypeConverters.toFloat, default: 1,
 *   });
 *   constructor(options: StageOptions<Scaler> = {}) {
 *     super(options);
 *     this.applyOptions(options);
 *   }
 *   getInputCol(): string { return this.getOrDefault(this.inputCol); }
 *   setInputCol(value: string): this { return this.set(this.inputCol, value); }
 *   // …
 * }
 * const s = new Scaler({ inputCol: 'x', factor: 2 });
 * s.getOrDefault(s.factor); // 2
 * ```
 */
export abstract class Params {
  /** This instance's unique id: `ClassName_` + 12 lowercase hex digits unless given. Copies keep it. */
  readonly uid: string;
  private readonly declared = new Map<string, Param<unknown>>();
  private userValues = new Map<string, unknown>();
  private defaultValues = new Map<string, unknown>();

  /**
   * Gives the instance its uid (`options.uid`, or a random one named after the concrete class).
   *
   * @example
   * ```ts
   * new Scaler().uid;                                // 'Scaler_3f9a0c12be7d'
   * new Scaler({ uid: 'Scaler_000000000001' }).uid;  // 'Scaler_000000000001'
   * ```
   */
  constructor(options: ParamsOptions = {}) {
    const uid: unknown = options.uid;
    if (uid !== undefined && (typeof uid !== 'string' || uid.length === 0)) {
      throw new ParamError(
        'INVALID_UID',
        `A stage's uid must be a non-empty string; got ${describeValue(uid)}.`,
        {
          value: describeValue(uid),
        },
      );
    }
    this.uid = uid ?? randomUid(new.target.name);
  }

  /**
   * Declares a param of this stage from `spec` and records its default. Call it in a field initializer, on a field
   * named after the param.
   *
   * @example
   * ```ts
   * readonly maxIter = this.declareParam(SharedParams.maxIter);
   * readonly k = this.declareParam({ name: 'k', doc: 'number of neighbours.', converter: TypeConverters.toInt });
   * ```
   */
  protected declareParam<T>(spec: ParamSpec<T>): Param<T> {
    if (this.declared.has(spec.name)) {
      throw new ParamError(
        'DUPLICATE_PARAM',
        `Stage '${this.uid}' declares param '${spec.name}' twice; give each param its own name.`,
        { stage: this.uid, param: spec.name },
      );
    }
    const param = new Param<T>(this.uid, spec);
    this.declared.set(spec.name, param);
    const initial = spec.defaultFromUid !== undefined ? spec.defaultFromUid(this.uid) : spec.default;
    if (initial !== undefined) this.defaultValues.set(spec.name, param.convert(initial));
    return param;
  }

  /**
   * Every param of this stage, sorted by name (as pyspark lists them).
   *
   * @example
   * ```ts
   * new Scaler().params.map((p) => p.name); // ['factor', 'inputCol']
   * ```
   */
  get params(): readonly Param<unknown>[] {
    return [...this.declared.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Whether this stage has a param called `name`.
   *
   * @example
   * ```ts
   * new Scaler().hasParam('factor'); // true
   * ```
   */
  hasParam(name: string): boolean {
    return this.declared.has(name);
  }

  /**
   * The param called `name`; throws a {@link ParamError} `UNKNOWN_PARAM` listing the params this stage has.
   *
   * @example
   * ```ts
   * new Scaler().getParam('factor').doc; // 'the multiplier.'
   * ```
   */
  getParam(name: string): Param<unknown> {
    const param = this.declared.get(name);
    if (param === undefined) throw this.unknownParam(name);
    return param;
  }

  /**
   * Whether the user has set `param` (a default does not count).
   *
   * @example
   * ```ts
   * new Scaler({ factor: 2 }).isSet('factor'); // true
   * ```
   */
  isSet(param: Param<unknown> | string): boolean {
    return this.userValues.has(this.resolve(param).name);
  }

  /**
   * Whether `param` has a default value.
   *
   * @example
   * ```ts
   * new Scaler().hasDefault('factor'); // true
   * ```
   */
  hasDefault(param: Param<unknown> | string): boolean {
    return this.defaultValues.has(this.resolve(param).name);
  }

  /**
   * Whether `param` has a value: set by the user or a default.
   *
   * @example
   * ```ts
   * new Scaler().isDefined('inputCol'); // false
   * ```
   */
  isDefined(param: Param<unknown> | string): boolean {
    return this.isSet(param) || this.hasDefault(param);
  }

  /**
   * The value the user set for `param`, or `undefined` (defaults are not looked at: see
   * {@link Params.getOrDefault}).
   *
   * @example
   * ```ts
   * const s = new Scaler();
   * s.get(s.factor); // undefined, though the default is 1
   * ```
   */
  get<T>(param: Param<T>): T | undefined {
    return this.userValues.get(this.resolve(param).name) as T | undefined;
  }

  /**
   * The default value of `param`, or `undefined`.
   *
   * @example
   * ```ts
   * const s = new Scaler({ factor: 2 });
   * s.getDefault(s.factor); // 1
   * ```
   */
  getDefault<T>(param: Param<T>): T | undefined {
    return this.defaultValues.get(this.resolve(param).name) as T | undefined;
  }

  /**
   * The value of `param`: the user's, else the default. Throws a {@link ParamError} `PARAM_NOT_DEFINED` when it has
   * neither. A name gives an untyped value.
   *
   * @example
   * ```ts
   * const s = new Scaler({ inputCol: 'x' });
   * s.getOrDefault(s.inputCol); // 'x' (a string)
   * s.getOrDefault('factor');   // 1 (unknown)
   * ```
   */
  getOrDefault<T>(param: Param<T>): T;
  getOrDefault(param: string): unknown;
  getOrDefault(param: Param<unknown> | string): unknown {
    const { name } = this.resolve(param);
    if (this.userValues.has(name)) return this.userValues.get(name);
    if (this.defaultValues.has(name)) return this.defaultValues.get(name);
    throw new ParamError(
      'PARAM_NOT_DEFINED',
      `Param '${name}' of stage '${this.uid}' is not set and has no default. Set it with ` +
        `set${name.charAt(0).toUpperCase()}${name.slice(1)}(…) or the constructor option { ${name}: … }.`,
      { stage: this.uid, param: name },
    );
  }

  /**
   * Sets `param` to `value`, converted and validated (a {@link ParamError} `INVALID_PARAM_VALUE` names the stage,
   * param, value and what was expected), and returns this stage.
   *
   * @example
   * ```ts
   * const s = new Scaler().set(s.factor, 3);
   * ```
   */
  set<T>(param: Param<T>, value: NoInfer<T>): this {
    const own = this.resolve(param);
    this.userValues.set(own.name, own.convert(value));
    return this;
  }

  /**
   * Sets params by name, typed by the stage's declarations; names that the stage does not have throw a
   * {@link ParamError} `UNKNOWN_PARAM`. Keys whose value is `undefined` are skipped.
   *
   * @example
   * ```ts
   * new Scaler().setParams({ inputCol: 'x', factor: 2 });
   * ```
   */
  setParams(values: ParamValues<this>): this {
    this.setByName(values);
    return this;
  }

  /**
   * Applies a constructor's options: every param value by name (as {@link Params.setParams}; the `uid` key and
   * `undefined` values are skipped). A concrete class calls it last in its constructor, once its params are
   * declared; the constructor's parameter type (`StageOptions<ThisClass>`) is what checks the names and types.
   *
   * @example
   * ```ts
   * constructor(options: StageOptions<Scaler> = {}) {
   *   super(options);
   *   this.applyOptions(options);
   * }
   * ```
   */
  protected applyOptions(options: ParamsOptions): this {
    this.setByName(options);
    return this;
  }

  /**
   * Removes the user's value of `param`, so the default (if any) applies again.
   *
   * @example
   * ```ts
   * const s = new Scaler({ factor: 2 }).clear('factor');
   * s.getOrDefault(s.factor); // 1
   * ```
   */
  clear(param: Param<unknown> | string): this {
    this.userValues.delete(this.resolve(param).name);
    return this;
  }

  /**
   * Sets the default value of `param` (converted and validated), for stages whose defaults depend on other state.
   *
   * @example
   * ```ts
   * this.setDefault(this.outputCol, `${this.uid}__output`);
   * ```
   */
  protected setDefault<T>(param: Param<T>, value: NoInfer<T>): this {
    const own = this.resolve(param);
    this.defaultValues.set(own.name, own.convert(value));
    return this;
  }

  /**
   * One line explaining `param`: `name: doc (default: x, current: y)`, with only the parts that exist, or
   * `(undefined)` when it has no value; as pyspark prints it.
   *
   * @example
   * ```ts
   * new Scaler({ factor: 2 }).explainParam('factor'); // 'factor: the multiplier. (default: 1, current: 2)'
   * ```
   */
  explainParam(param: Param<unknown> | string): string {
    const { name, doc } = this.resolve(param);
    const values: string[] = [];
    if (this.defaultValues.has(name))
      values.push(`default: ${formatParamValue(this.defaultValues.get(name))}`);
    if (this.userValues.has(name)) values.push(`current: ${formatParamValue(this.userValues.get(name))}`);
    if (values.length === 0) values.push('undefined');
    return `${name}: ${doc} (${values.join(', ')})`;
  }

  /**
   * {@link Params.explainParam} for every param, sorted by name, one per line.
   *
   * @example
   * ```ts
   * console.log(new Scaler({ inputCol: 'x' }).explainParams());
   * // factor: the multiplier. (default: 1)
   * // inputCol: input column name. (current: x)
   * ```
   */
  explainParams(): string {
    return this.params.map((p) => this.explainParam(p)).join('\n');
  }

  /**
   * Every param's value in one map: defaults, then user values over them, then `extra` over both (a
   * {@link ParamMap}'s entries are all kept, other stages' included; values by name must be this stage's).
   *
   * @example
   * ```ts
   * const s = new Scaler({ factor: 2 });
   * s.extractParamMap().get(s.factor);               // 2
   * s.extractParamMap({ factor: 3 }).get(s.factor);  // 3
   * ```
   */
  extractParamMap(extra?: ParamOverrides<this>): ParamMap {
    const out = new ParamMap();
    for (const [name, value] of this.defaultValues) out.put(this.getParam(name), value);
    for (const [name, value] of this.userValues) out.put(this.getParam(name), value);
    if (extra instanceof ParamMap) {
      for (const [param, value] of extra) out.put(param, value);
    } else if (extra !== undefined) {
      for (const [name, value] of this.entriesByName(extra)) out.put(this.getParam(name), value);
    }
    return out;
  }

  /**
   * A copy of this stage: same class and uid, the same user values and defaults in maps of its own, then `extra`
   * applied (from a {@link ParamMap}, only the entries for this stage's params). Changing the copy's params leaves
   * this stage's alone.
   *
   * @example
   * ```ts
   * const s = new Scaler({ factor: 2 });
   * const c = s.copy({ factor: 3 });
   * c.uid === s.uid;          // true
   * c.getOrDefault(c.factor); // 3
   * s.getOrDefault(s.factor); // 2
   * ```
   */
  copy(extra?: ParamOverrides<this>): this {
    const that = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.defineProperties(that, Object.getOwnPropertyDescriptors(this));
    that.userValues = new Map(this.userValues);
    that.defaultValues = new Map(this.defaultValues);
    if (extra !== undefined) that.applyOverrides(extra);
    return that;
  }

  /**
   * Copies this stage's values into `to` for the params `to` has by the same name: defaults where `to` has a
   * default, user values (and `extra`'s values for this stage's params) as user values. As Spark ML's
   * `copyValues`; an estimator uses it to give its model the params they share.
   *
   * @example
   * ```ts
   * protected async _fit(df: DataFrame): Promise<ScalerModel> {
   *   return this.copyValues(new ScalerModel({ mean: await meanOf(df, this.getInputCol()) }));
   * }
   * ```
   */
  protected copyValues<P extends Params>(to: P, extra?: ParamMap): P {
    const map = new Map(this.userValues);
    if (extra !== undefined) {
      for (const [param, value] of extra) if (this.owns(param)) map.set(param.name, value);
    }
    for (const param of this.declared.values()) {
      if (!to.hasParam(param.name)) continue;
      const target = to.getParam(param.name);
      if (this.defaultValues.has(param.name) && to.hasDefault(target)) {
        to.defaultValues.set(target.name, target.convert(this.defaultValues.get(param.name)));
      }
      if (map.has(param.name)) to.userValues.set(target.name, target.convert(map.get(param.name)));
    }
    return to;
  }

  /**
   * The user-set values and defaults as JSON, by param name, for `metadata.json` (params declared with
   * `persist: false` are left out). Used by `save()`.
   *
   * @example
   * ```ts
   * new Scaler({ factor: 2 }).paramsToJson(); // { paramMap: { factor: 2 }, defaultParamMap: { factor: 1 } }
   * ```
   */
  paramsToJson(): ParamsJson {
    const encode = (values: Map<string, unknown>): { [name: string]: JsonValue } => {
      const out: { [name: string]: JsonValue } = {};
      for (const param of this.params) {
        if (param.persist && values.has(param.name))
          out[param.name] = param.jsonEncode(values.get(param.name));
      }
      return out;
    };
    return { paramMap: encode(this.userValues), defaultParamMap: encode(this.defaultValues) };
  }

  /**
   * Applies values read from `metadata.json`: `defaultParamMap` replaces defaults and `paramMap` sets user
   * values, each converted and validated by its param. An unknown name throws a {@link ParamError}
   * `UNKNOWN_PARAM`. Used by `load()`.
   *
   * @example
   * ```ts
   * stage.setParamsFromJson({ paramMap: { factor: 2 }, defaultParamMap: { factor: 1 } });
   * ```
   */
  setParamsFromJson(json: ParamsJson): this {
    for (const [name, value] of Object.entries(json.defaultParamMap)) {
      this.defaultValues.set(name, this.getParam(name).jsonDecode(value));
    }
    for (const [name, value] of Object.entries(json.paramMap)) {
      this.userValues.set(name, this.getParam(name).jsonDecode(value));
    }
    return this;
  }

  /** Applies one call's overrides to this (fresh) copy. */
  private applyOverrides(extra: ParamOverrides<this>): void {
    if (extra instanceof ParamMap) {
      for (const [param, value] of extra) if (this.owns(param)) this.set(param, value);
    } else {
      this.setByName(extra);
    }
  }

  private setByName(values: object): void {
    for (const [name, value] of this.entriesByName(values)) this.set(this.getParam(name), value);
  }

  /** The `[name, value]` pairs of an options object, without `uid` and `undefined` values; names checked. */
  private entriesByName(values: object): [string, unknown][] {
    const entries = Object.entries(values).filter(([name, value]) => name !== 'uid' && value !== undefined);
    for (const [name] of entries) this.getParam(name);
    return entries;
  }

  private owns(param: Param<unknown>): boolean {
    return param.parent === this.uid && this.declared.has(param.name);
  }

  /** This stage's own param for `param` (a name, or a param of this stage or a copy of it). */
  private resolve(param: Param<unknown> | string): Param<unknown> {
    if (typeof param === 'string') return this.getParam(param);
    if (this.owns(param)) return this.getParam(param.name);
    throw new ParamError(
      'UNKNOWN_PARAM',
      `Param '${String(param)}' does not belong to stage '${this.uid}'. Use this stage's own param (stage.${param.name}) ` +
        'or its name.',
      { stage: this.uid, param: String(param), available: this.params.map((p) => p.name).join(',') },
    );
  }

  private unknownParam(name: string): ParamError {
    const names = this.params.map((p) => p.name);
    const near = names.find((n) => n.toLowerCase() === name.toLowerCase());
    return new ParamError(
      'UNKNOWN_PARAM',
      `Stage '${this.uid}' has no param named '${name}'.${near === undefined ? '' : ` Did you mean '${near}'?`} ` +
        `Its params are: ${names.length === 0 ? '(none)' : names.join(', ')}.`,
      { stage: this.uid, param: name, available: names.join(',') },
    );
  }
}
