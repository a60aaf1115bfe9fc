/**
 * Failing on invalid values (`handleInvalid: 'error'`), the same way on both engines.
 *
 * Spark's feature stages fail the query that meets an invalid value (an unseen label, a null, a NaN), when an
 * action runs it. deepframe does the same where the engine can raise an error from inside a query (Spark's
 * `raise_error`): the checks become part of the output column's expression. The embedded engine has no such
 * function, so there the stage checks its input when `transform` is called — one query over the input, which stops
 * at the first invalid row — and throws before returning the DataFrame. Either way the error is a
 * `DeepframeError` with the error class `USER_RAISED_EXCEPTION` (Spark's, for an error raised by a query) and the
 * stage's message in `messageParameters.errorMessage`.
 *
 * @module
 */
import { ExecutionError, SchemaError } from '../../errors.js';
import { Column } from '../../frame/Column.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { coalesce, col, lit, when } from '../../frame/functions.js';
import type { Session } from '../../frame/Session.js';
import { DataTypes } from '../../types/DataType.js';

/**
 * The error class of an invalid value met with `handleInvalid: 'error'`, on both engines: Spark's for an error
 * raised inside a query.
 *
 * @example
 * ```ts
 * try {
 *   await (await indexer.transform(df)).collect();
 * } catch (e) {
 *   if (e instanceof DeepframeError && e.errorClass === INVALID_VALUE_ERROR_CLASS) console.log(e.messageParameters.errorMessage);
 * }
 * ```
 */
export const INVALID_VALUE_ERROR_CLASS = 'USER_RAISED_EXCEPTION';

/** A condition that makes a row invalid (null counts as valid), and a string column that says why. */
export interface InvalidValueCheck {
  /** True for an invalid row. */
  readonly when: Column;
  /** The error message for such a row (a string column: it may quote the row's value). */
  readonly message: Column;
}

/**
 * A column to add: its name, its value for valid rows, and the checks that make a row fail. The checks run on the
 * DataFrame with the column added (unchecked), so they may read its value by name, `col(name)`, instead of
 * computing it again.
 */
export interface CheckedColumn {
  readonly name: string;
  readonly value: Column;
  readonly checks: readonly InvalidValueCheck[];
}

const raiseSupport = new WeakMap<Session, Promise<boolean>>();

/** `raise_error(message)`: fails the query with `message` when evaluated (Spark SQL's function). */
function raiseError(message: Column): Column {
  return new Column({ kind: 'call', name: 'raise_error', args: [message.expr] });
}

/**
 * Whether the session's engine can raise an error from inside a query (`raise_error`), found once per session by
 * analysing a one-row query that uses it.
 */
function canRaiseErrors(session: Session): Promise<boolean> {
  let known = raiseSupport.get(session);
  if (known === undefined) {
    known = session
      .range(1)
      .select(raiseError(lit('probe')).alias('probe'))
      .schema()
      .then(
        () => true,
        (e: unknown) => {
          if (e instanceof SchemaError && e.errorClass === 'UNRESOLVED_ROUTINE') return false;
          raiseSupport.delete(session);
          throw e;
        },
      );
    raiseSupport.set(session, known);
  }
  return known;
}

/**
 * A string column that reads `parts` one after the other: strings are literal text, columns are cast to string
 * (`null` for a null value).
 *
 * @example
 * ```ts
 * messageOf('Unseen label: ', col('color'), '.');
 * ```
 */
export function messageOf(...parts: readonly (string | Column)[]): Column {
  const columns = parts.map((p) =>
    typeof p === 'string' ? lit(p) : coalesce(p.cast(DataTypes.string), lit('null')),
  );
  return new Column({ kind: 'call', name: 'concat', args: columns.map((c) => c.expr) });
}

/**
 * `df` with `columns` added (`withColumns`), each failing on the rows its checks reject: inside the query where the
 * engine can raise errors, else by checking the rows first (see the module's doc). The values are added first and
 * the checks read them by name, so that an expensive value (a label lookup) is computed once per row.
 *
 * @example
 * ```ts
 * const out = await withCheckedColumns(df, [
 *   { name: 'i', value: index, checks: [{ when: col('i').isNull(), message: lit('unseen label') }] },
 * ]);
 * ```
 */
export async function withCheckedColumns(
  df: DataFrame,
  columns: readonly CheckedColumn[],
): Promise<DataFrame> {
  const values: Record<string, Column> = {};
  for (const { name, value } of columns) values[name] = value;
  const added = df.withColumns(values);
  const checks = columns.flatMap((c) => c.checks);
  if (checks.length === 0) return added;
  if (!(await canRaiseErrors(df.session))) {
    await failOnFirstInvalid(added, checks);
    return added;
  }
  const guarded: Record<string, Column> = {};
  for (const { name, value, checks: own } of columns) {
    const [first, ...rest] = own;
    if (first === undefined) continue;
    let checked = when(first.when, raiseError(first.message));
    for (const check of rest) checked = checked.when(check.when, raiseError(check.message));
    // A vector goes through the CASE as a list: DuckDB's CASE cannot yield fixed-size arrays.
    guarded[name] =
      value.expr.kind === 'cast' && value.expr.type.kind === 'vector'
        ? checked.otherwise(col(name).cast(DataTypes.array(DataTypes.float))).cast(value.expr.type)
        : checked.otherwise(col(name));
  }
  return added.withColumns(guarded);
}

/**
 * Throws the message of the first row of `df` that one of `checks` rejects (the first check that rejects it), as
 * an `ExecutionError` `USER_RAISED_EXCEPTION`; returns when there is none.
 *
 * @example
 * ```ts
 * await failOnFirstInvalid(df, [{ when: col('x').isNull(), message: lit('x is null') }]);
 * ```
 */
export async function failOnFirstInvalid(df: DataFrame, checks: readonly InvalidValueCheck[]): Promise<void> {
  const [first, ...rest] = checks;
  if (first === undefined) return;
  let anyInvalid = first.when;
  let message = when(first.when, first.message);
  for (const check of rest) {
    anyInvalid = anyInvalid.or(check.when);
    message = message.when(check.when, check.message);
  }
  const [row] = await df.filter(anyInvalid).select(message.alias('message')).limit(1).collect();
  if (row === undefined) return;
  const text = String(row.message);
  throw new ExecutionError(INVALID_VALUE_ERROR_CLASS, text, { errorMessage: text });
}
