import { type DataType, simpleString } from '../types/DataType.js';

/**
 * A literal value in a plan, encoded so that it survives `JSON.stringify`: longs as decimal strings, binary as
 * base64, dates and timestamps as ISO-8601 strings, vectors as number arrays.
 */
export type LiteralValue = null | boolean | number | string | readonly LiteralValue[];

/**
 * An expression of the logical plan: plain data with a `kind` discriminant.
 *
 * Operators and functions are `call`s by name (`+`, `==`, `and`, `abs`, `sum`, …), as Spark Connect's
 * `UnresolvedFunction` carries them; each engine maps the names it knows and rejects the rest with a clear error.
 */
export type Expr =
  | { readonly kind: 'column'; readonly name: string }
  | { readonly kind: 'star' }
  | { readonly kind: 'literal'; readonly value: LiteralValue; readonly type: DataType }
  | { readonly kind: 'alias'; readonly expr: Expr; readonly name: string }
  | { readonly kind: 'cast'; readonly expr: Expr; readonly type: DataType }
  | {
      readonly kind: 'call';
      readonly name: string;
      readonly args: readonly Expr[];
      readonly distinct?: boolean;
    }
  | {
      readonly kind: 'caseWhen';
      readonly branches: readonly { readonly condition: Expr; readonly value: Expr }[];
      readonly otherwise?: Expr;
    }
  | { readonly kind: 'field'; readonly expr: Expr; readonly name: string }
  /**
   * A SQL expression as text (`expr('a + 1')`, `selectExpr`), parsed by the engine: the embedded query engine's SQL
   * on the embedded engine, Spark SQL on Spark. Unaliased, the engine names its column.
   */
  | { readonly kind: 'sqlExpr'; readonly sql: string };

/** A sort key: an expression, its direction and where nulls go (Spark: nulls first when ascending). */
export interface SortOrder {
  readonly expr: Expr;
  readonly ascending: boolean;
  readonly nullsFirst: boolean;
}

/** The names of the columns an expression reads (top-level names, before any field access). */
export function referencedColumns(expr: Expr, into: Set<string> = new Set()): Set<string> {
  switch (expr.kind) {
    case 'column':
      into.add(expr.name);
      break;
    case 'star':
    case 'literal':
    case 'sqlExpr':
      break;
    case 'alias':
    case 'cast':
    case 'field':
      referencedColumns(expr.expr, into);
      break;
    case 'call':
      for (const a of expr.args) referencedColumns(a, into);
      break;
    case 'caseWhen':
      for (const b of expr.branches) {
        referencedColumns(b.condition, into);
        referencedColumns(b.value, into);
      }
      if (expr.otherwise !== undefined) referencedColumns(expr.otherwise, into);
      break;
    default: {
      const never: never = expr;
      return never;
    }
  }
  return into;
}

/**
 * The name Spark gives the column an expression produces when it has no alias: the column's own name, or the
 * expression's text (`(a + 1)`, `sum(x)`, `CAST(a AS DOUBLE)`).
 */
export function outputName(expr: Expr): string {
  switch (expr.kind) {
    case 'column': {
      const dot = expr.name.lastIndexOf('.');
      return dot >= 0 && !expr.name.startsWith('`')
        ? expr.name.slice(dot + 1)
        : expr.name.replaceAll('`', '');
    }
    case 'star':
      return '*';
    case 'literal':
      return expr.value === null ? 'NULL' : String(expr.value);
    case 'alias':
      return expr.name;
    case 'cast':
      return `CAST(${outputName(expr.expr)} AS ${simpleString(expr.type).toUpperCase()})`;
    case 'field':
      return expr.name;
    case 'sqlExpr':
      return expr.sql;
    case 'call': {
      const args = expr.args.map(outputName);
      if (BINARY_SYMBOLS.has(expr.name) && args.length === 2) return `(${args[0]} ${expr.name} ${args[1]})`;
      if (expr.name === 'not') return `(NOT ${args[0]})`;
      if (expr.name === 'negative') return `(- ${args[0]})`;
      if (expr.name === 'isNull') return `(${args[0]} IS NULL)`;
      if (expr.name === 'isNotNull') return `(${args[0]} IS NOT NULL)`;
      return `${expr.name}(${expr.distinct === true ? 'DISTINCT ' : ''}${args.join(', ')})`;
    }
    case 'caseWhen':
      return `CASE ${expr.branches
        .map((b) => `WHEN ${outputName(b.condition)} THEN ${outputName(b.value)}`)
        .join(' ')}${expr.otherwise === undefined ? '' : ` ELSE ${outputName(expr.otherwise)}`} END`;
    default: {
      const never: never = expr;
      return never;
    }
  }
}

const BINARY_SYMBOLS = new Set([
  '+',
  '-',
  '*',
  '/',
  '%',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '<=>',
  'and',
  'or',
]);
