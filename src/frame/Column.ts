import { ParamError } from '../errors.js';
import type { Expr, SortOrder } from '../plan/expressions.js';
import { type DataType, parseTypeName } from '../types/DataType.js';
import type { Value } from '../types/Value.js';
import { encodeLiteral } from './literals.js';

/** A column or a plain value that becomes a literal column. */
export type ColumnLike = Column | Value;

/**
 * An expression over a DataFrame's columns, built with {@link col}, {@link lit} and the functions module, and
 * evaluated only when an action runs. Columns are immutable: every method returns a new Column.
 *
 * Method names follow Spark's Scala `Column` (`plus`, `equalTo`, `gt`, …), since JavaScript has no operator
 * overloading; plain values are accepted wherever a column is and become literals.
 *
 * @example
 * ```ts
 * df.select(col('price').multiply(col('qty')).alias('total'), col('name').isNull().alias('missing'))
 *   .filter(col('total').gt(100).and(col('missing').not()));
 * ```
 */
export class Column {
  /** The expression this column stands for (plain data, part of the plan). */
  readonly expr: Expr;

  constructor(expr: Expr) {
    this.expr = expr;
  }

  /** Wraps a column or a plain value. */
  static of(value: ColumnLike): Column {
    if (value instanceof Column) return value;
    const { value: encoded, type } = encodeLiteral(value);
    return new Column({ kind: 'literal', value: encoded, type });
  }

  private call(name: string, ...args: ColumnLike[]): Column {
    return new Column({ kind: 'call', name, args: [this.expr, ...args.map((a) => Column.of(a).expr)] });
  }

  /** `this + other`. */
  plus(other: ColumnLike): Column {
    return this.call('+', other);
  }
  /** `this - other`. */
  minus(other: ColumnLike): Column {
    return this.call('-', other);
  }
  /** `this * other`. */
  multiply(other: ColumnLike): Column {
    return this.call('*', other);
  }
  /** `this / other`, always a double as in Spark (`7 / 2` is `3.5`); division by zero gives null. */
  divide(other: ColumnLike): Column {
    return this.call('/', other);
  }
  /** The remainder of `this / other`, with the sign of `this` as in Spark; modulo zero gives null. */
  mod(other: ColumnLike): Column {
    return this.call('%', other);
  }
  /** `-this`. */
  negate(): Column {
    return new Column({ kind: 'call', name: 'negative', args: [this.expr] });
  }

  /** `this = other` (null when either side is null). */
  equalTo(other: ColumnLike): Column {
    return this.call('==', other);
  }
  /** `this <> other` (null when either side is null). */
  notEqual(other: ColumnLike): Column {
    return this.call('!=', other);
  }
  /** Null-safe equality (`<=>`): true when both are null, false when only one is. */
  eqNullSafe(other: ColumnLike): Column {
    return this.call('<=>', other);
  }
  /** `this > other`. */
  gt(other: ColumnLike): Column {
    return this.call('>', other);
  }
  /** `this >= other`. */
  geq(other: ColumnLike): Column {
    return this.call('>=', other);
  }
  /** `this < other`. */
  lt(other: ColumnLike): Column {
    return this.call('<', other);
  }
  /** `this <= other`. */
  leq(other: ColumnLike): Column {
    return this.call('<=', other);
  }
  /** `lower <= this <= upper`. */
  between(lower: ColumnLike, upper: ColumnLike): Column {
    return this.geq(lower).and(this.leq(upper));
  }
  /** Whether the value is one of `values` (SQL `IN`). */
  isin(...values: ColumnLike[]): Column {
    return this.call('in', ...values);
  }

  /** Logical AND with SQL's three-valued logic. */
  and(other: ColumnLike): Column {
    return this.call('and', other);
  }
  /** Logical OR with SQL's three-valued logic. */
  or(other: ColumnLike): Column {
    return this.call('or', other);
  }
  /** Logical NOT (null stays null). */
  not(): Column {
    return new Column({ kind: 'call', name: 'not', args: [this.expr] });
  }

  /** Whether the value is null. */
  isNull(): Column {
    return new Column({ kind: 'call', name: 'isNull', args: [this.expr] });
  }
  /** Whether the value is not null. */
  isNotNull(): Column {
    return new Column({ kind: 'call', name: 'isNotNull', args: [this.expr] });
  }
  /** Whether a floating-point value is NaN. */
  isNaN(): Column {
    return new Column({ kind: 'call', name: 'isnan', args: [this.expr] });
  }

  /** SQL `LIKE` pattern match (`%` any run, `_` one character). */
  like(pattern: string): Column {
    return this.call('like', pattern);
  }
  /** Regular-expression match anywhere in the string. */
  rlike(pattern: string): Column {
    return this.call('rlike', pattern);
  }
  /** Whether the string starts with `prefix`. */
  startsWith(prefix: ColumnLike): Column {
    return this.call('startswith', prefix);
  }
  /** Whether the string ends with `suffix`. */
  endsWith(suffix: ColumnLike): Column {
    return this.call('endswith', suffix);
  }
  /** Whether the string contains `other`. */
  contains(other: ColumnLike): Column {
    return this.call('contains', other);
  }
  /** The substring starting at 1-based position `pos`, `len` characters long. */
  substr(pos: number, len: number): Column {
    return this.call('substring', pos, len);
  }

  /** A field of a struct column. */
  getField(name: string): Column {
    return new Column({ kind: 'field', expr: this.expr, name });
  }
  /** The element at 0-based `index` of an array or vector column (null when out of range). */
  getItem(index: number): Column {
    return this.call('get', index);
  }

  /** Renames the column (SQL `AS`). */
  alias(name: string): Column {
    return new Column({ kind: 'alias', expr: this.expr, name });
  }
  /** Same as {@link Column.alias}. */
  as(name: string): Column {
    return this.alias(name);
  }
  /**
   * Converts to another type, as Spark's `cast` does with ANSI mode off: a value that does not convert becomes
   * null; fractions are truncated toward zero when cast to an integer type.
   *
   * @param type a {@link DataType} or a type name such as `'int'`, `'double'`, `'string'`.
   */
  cast(type: DataType | string): Column {
    const resolved = typeof type === 'string' ? parseTypeName(type) : type;
    if (resolved === undefined) {
      throw new ParamError(
        'UNKNOWN_TYPE_NAME',
        `cast() got an unknown type name '${String(type)}'. Expected one of: boolean, tinyint, smallint, int, ` +
          'bigint, float, double, string, binary, date, timestamp, array<…>, vector<N>.',
        { type: String(type) },
      );
    }
    return new Column({ kind: 'cast', expr: this.expr, type: resolved });
  }
  /** Same as {@link Column.cast}. */
  astype(type: DataType | string): Column {
    return this.cast(type);
  }

  /**
   * Adds a branch to a `when(...)` chain started with the {@link when} function.
   * Throws when this column is not a `when` chain.
   */
  when(condition: Column, value: ColumnLike): Column {
    if (this.expr.kind !== 'caseWhen' || this.expr.otherwise !== undefined) {
      throw new ParamError(
        'INVALID_WHEN_CHAIN',
        'when() can only follow when(): start a chain with the when() function and end it with otherwise().',
      );
    }
    return new Column({
      kind: 'caseWhen',
      branches: [...this.expr.branches, { condition: condition.expr, value: Column.of(value).expr }],
    });
  }
  /** The value for rows that match no branch of a `when(...)` chain (null without it). */
  otherwise(value: ColumnLike): Column {
    if (this.expr.kind !== 'caseWhen' || this.expr.otherwise !== undefined) {
      throw new ParamError(
        'INVALID_WHEN_CHAIN',
        'otherwise() can only end a when() chain, once: start it with the when() function.',
      );
    }
    return new Column({ kind: 'caseWhen', branches: this.expr.branches, otherwise: Column.of(value).expr });
  }

  /** Ascending sort order, nulls first (Spark's default). */
  asc(): SortColumn {
    return new SortColumn({ expr: this.expr, ascending: true, nullsFirst: true });
  }
  /** Ascending sort order, nulls last. */
  ascNullsLast(): SortColumn {
    return new SortColumn({ expr: this.expr, ascending: true, nullsFirst: false });
  }
  /** Descending sort order, nulls last (Spark's default). */
  desc(): SortColumn {
    return new SortColumn({ expr: this.expr, ascending: false, nullsFirst: false });
  }
  /** Descending sort order, nulls first. */
  descNullsFirst(): SortColumn {
    return new SortColumn({ expr: this.expr, ascending: false, nullsFirst: true });
  }

  /** The expression as text, as Spark prints a Column. */
  toString(): string {
    return `Column<'${JSON.stringify(this.expr)}'>`;
  }
}

/** A column with a sort direction, for `orderBy`. */
export class SortColumn {
  readonly order: SortOrder;
  constructor(order: SortOrder) {
    this.order = order;
  }
}
