import { SchemaError } from '../../errors.js';
import type { Expr, LiteralValue } from '../../plan/expressions.js';
import { outputName } from '../../plan/expressions.js';
import { type DataType, isIntegral, type StructType, simpleString } from '../../types/DataType.js';
import { fieldNames } from '../../types/Schema.js';
import { duckdbTypeSql } from './duckdbTypes.js';
import { quoteIdent, quoteString } from './sqlText.js';

/** One input relation visible to an expression: its schema, the SQL alias of its rows and its user-given alias. */
export interface ScopeEntry {
  readonly schema: StructType;
  /** SQL qualifier for its columns (`_l`), or undefined for a single unqualified input. */
  readonly sqlAlias?: string;
  /** The name the user gave the DataFrame with `df.alias(name)`, usable as `col('name.column')`. */
  readonly userAlias?: string;
}

/** What an expression can see, and how to ask for a sub-expression's type (used by integral casts). */
export interface ExprContext {
  readonly scope: readonly ScopeEntry[];
  /** The DuckDB type of a SQL expression over this scope. */
  typeOf(sql: string): Promise<DataType>;
  /** Names the operation, for error messages (`select`, `filter`, …). */
  readonly where: string;
}

const describeScope = (scope: readonly ScopeEntry[]): string =>
  scope
    .flatMap((s) =>
      fieldNames(s.schema).map((n) => (s.userAlias === undefined ? `'${n}'` : `'${s.userAlias}.${n}'`)),
    )
    .join(', ');

/** Splits a column name at unquoted dots: `a.b` → [a, b]; `` `a.b` `` → [a.b]. */
function splitName(name: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of name) {
    if (ch === '`') quoted = !quoted;
    else if (ch === '.' && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Resolves a column name to SQL, following Spark: exact names first, then `alias.column`, then `struct.field`. */
export function resolveColumn(name: string, ctx: ExprContext): { sql: string; type: DataType } {
  const parts = splitName(name);
  const matches: { sql: string; type: DataType }[] = [];
  const tryEntry = (entry: ScopeEntry, path: string[]) => {
    const [head, ...rest] = path;
    if (head === undefined) return;
    const field =
      entry.schema.fields.find((f) => f.name === head) ??
      entry.schema.fields.find((f) => sameName(f.name, head));
    if (field === undefined) return;
    let sql =
      entry.sqlAlias === undefined ? quoteIdent(field.name) : `${entry.sqlAlias}.${quoteIdent(field.name)}`;
    let type: DataType = field.type;
    for (const part of rest) {
      if (type.kind !== 'struct') return;
      const sub = type.fields.find((f) => sameName(f.name, part));
      if (sub === undefined) return;
      sql = `struct_extract(${sql}, ${quoteString(sub.name)})`;
      type = sub.type;
    }
    matches.push({ sql, type });
  };
  // A whole name that is a column wins over splitting it at dots.
  for (const entry of ctx.scope) tryEntry(entry, [name.replaceAll('`', '')]);
  if (matches.length === 0 && parts.length > 1) {
    const [first, ...rest] = parts;
    for (const entry of ctx.scope) {
      if (entry.userAlias !== undefined && first !== undefined && sameName(entry.userAlias, first))
        tryEntry(entry, rest);
    }
    if (matches.length === 0) for (const entry of ctx.scope) tryEntry(entry, parts);
  }
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new SchemaError(
      'AMBIGUOUS_REFERENCE',
      `Column '${name}' in ${ctx.where} is ambiguous: both sides of the join have it. Qualify it with the ` +
        `DataFrame's alias (df.alias('l') then col('l.${name}')) or join on the column name. Candidates: ${describeScope(ctx.scope)}.`,
      { column: name },
    );
  }
  throw new SchemaError(
    'UNRESOLVED_COLUMN',
    `A column named '${name}' cannot be resolved in ${ctx.where}. Available columns: ${describeScope(ctx.scope)}.`,
    { column: name, available: ctx.scope.flatMap((s) => fieldNames(s.schema)).join(',') },
  );
}

/** A literal as DuckDB SQL, typed exactly as Spark types it. */
export function literalSql(value: LiteralValue, type: DataType): string {
  if (value === null) return type.kind === 'null' ? 'NULL' : `CAST(NULL AS ${duckdbTypeSql(type)})`;
  switch (type.kind) {
    case 'boolean':
      return value === true ? 'TRUE' : 'FALSE';
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      return `CAST(${String(value)} AS ${duckdbTypeSql(type)})`;
    case 'float':
    case 'double': {
      const n = Number(value);
      const text = Number.isFinite(n)
        ? String(n)
        : Number.isNaN(n)
          ? "'NaN'"
          : n > 0
            ? "'Infinity'"
            : "'-Infinity'";
      return `CAST(${text} AS ${duckdbTypeSql(type)})`;
    }
    case 'string':
      return quoteString(String(value));
    case 'binary':
      return `from_base64(${quoteString(String(value))})`;
    case 'date':
      return `CAST(${quoteString(String(value))} AS DATE)`;
    case 'timestamp':
      return `CAST(${quoteString(String(value))} AS TIMESTAMPTZ)`;
    case 'array':
    case 'vector': {
      const items = value as readonly LiteralValue[];
      const element = type.kind === 'vector' ? ({ kind: 'float' } as const) : type.elementType;
      return `CAST([${items.map((v) => literalSql(v, element)).join(', ')}] AS ${duckdbTypeSql(type)})`;
    }
    default:
      throw new SchemaError(
        'UNSUPPORTED_LITERAL',
        `Literals of type ${simpleString(type)} are not supported.`,
      );
  }
}

const BINARY_OPERATORS: Record<string, string> = {
  '+': '+',
  '-': '-',
  '*': '*',
  '==': '=',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  '<=>': 'IS NOT DISTINCT FROM',
  and: 'AND',
  or: 'OR',
};

/** Functions whose Spark name maps one-to-one onto DuckDB's, with their arity range. */
const DIRECT_FUNCTIONS: Record<string, [string, number, number]> = {
  abs: ['abs', 1, 1],
  exp: ['exp', 1, 1],
  pow: ['pow', 2, 2],
  round: ['round', 1, 2],
  greatest: ['greatest', 1, 255],
  least: ['least', 1, 255],
  coalesce: ['coalesce', 1, 255],
  isnan: ['isnan', 1, 1],
  upper: ['upper', 1, 1],
  lower: ['lower', 1, 1],
  trim: ['trim', 1, 1],
  ltrim: ['ltrim', 1, 1],
  rtrim: ['rtrim', 1, 1],
  concat_ws: ['concat_ws', 2, 255],
  substring: ['substring', 2, 3],
  startswith: ['starts_with', 2, 2],
  endswith: ['ends_with', 2, 2],
  contains: ['contains', 2, 2],
  rlike: ['regexp_matches', 2, 2],
  element_at: ['list_extract', 2, 2],
  avg: ['avg', 1, 1],
  min: ['min', 1, 1],
  max: ['max', 1, 1],
  sum: ['sum', 1, 1],
  stddev: ['stddev_samp', 1, 1],
  variance: ['var_samp', 1, 1],
};

/** The Spark function names this engine compiles, for the unknown-function message. */
export const KNOWN_FUNCTIONS: readonly string[] = [
  ...Object.keys(DIRECT_FUNCTIONS),
  ...[
    '/',
    '%',
    'length',
    'negative',
    'not',
    'isNull',
    'isNotNull',
    'in',
    'like',
    'ln',
    'log10',
    'sqrt',
    'floor',
    'ceil',
  ],
  ...[
    'signum',
    'nanvl',
    'concat',
    'regexp_replace',
    'size',
    'get',
    'array',
    'struct',
    'count',
    'first',
    'last',
  ],
  ...['collect_list', 'collect_set'],
  ...Object.keys(BINARY_OPERATORS),
];

const AGGREGATES = new Set([
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'first',
  'last',
  'stddev',
  'variance',
  'collect_list',
  'collect_set',
]);

/** Whether an expression contains an aggregate function call. */
export function containsAggregate(expr: Expr): boolean {
  switch (expr.kind) {
    case 'call':
      return AGGREGATES.has(expr.name) || expr.args.some(containsAggregate);
    case 'alias':
    case 'cast':
    case 'field':
      return containsAggregate(expr.expr);
    case 'caseWhen':
      return (
        expr.branches.some((b) => containsAggregate(b.condition) || containsAggregate(b.value)) ||
        (expr.otherwise !== undefined && containsAggregate(expr.otherwise))
      );
    default:
      return false;
  }
}

/** Compiles an expression to DuckDB SQL with Spark's semantics (null handling, types, names). */
export async function compileExpression(expr: Expr, ctx: ExprContext): Promise<string> {
  const sub = (e: Expr) => compileExpression(e, ctx);
  switch (expr.kind) {
    case 'column':
      return resolveColumn(expr.name, ctx).sql;
    case 'star':
      return '*';
    case 'literal':
      return literalSql(expr.value, expr.type);
    case 'alias':
      return sub(expr.expr);
    case 'field':
      return `struct_extract(${await sub(expr.expr)}, ${quoteString(expr.name)})`;
    case 'cast': {
      const inner = await sub(expr.expr);
      const target = duckdbTypeSql(expr.type);
      if (isIntegral(expr.type)) {
        // Spark truncates toward zero where DuckDB rounds, so fractional sources are truncated first.
        const source = await ctx.typeOf(inner);
        if (source.kind === 'float' || source.kind === 'double')
          return `TRY_CAST(trunc(${inner}) AS ${target})`;
        if (source.kind === 'string')
          return `TRY_CAST(trunc(TRY_CAST(${inner} AS DECIMAL(38, 10))) AS ${target})`;
      }
      return `TRY_CAST(${inner} AS ${target})`;
    }
    case 'caseWhen': {
      const branches = await Promise.all(
        expr.branches.map(async (b) => `WHEN ${await sub(b.condition)} THEN ${await sub(b.value)}`),
      );
      const otherwise = expr.otherwise === undefined ? '' : ` ELSE ${await sub(expr.otherwise)}`;
      return `(CASE ${branches.join(' ')}${otherwise} END)`;
    }
    case 'call':
      return compileCall(expr, ctx);
    case 'sqlExpr':
      return `(${expr.sql})`;
    default: {
      const never: never = expr;
      return never;
    }
  }
}

async function compileCall(expr: Extract<Expr, { kind: 'call' }>, ctx: ExprContext): Promise<string> {
  const args = await Promise.all(expr.args.map((a) => compileExpression(a, ctx)));
  const [a, b] = args;
  const arity = (min: number, max = min) => {
    if (args.length < min || args.length > max) {
      throw new SchemaError(
        'WRONG_NUM_ARGS',
        `${expr.name}() in ${ctx.where} takes ${min === max ? min : `${min} to ${max}`} argument(s), got ${args.length}.`,
        { function: expr.name, expected: String(min), actual: String(args.length) },
      );
    }
  };
  const op = BINARY_OPERATORS[expr.name];
  if (op !== undefined) {
    arity(2);
    return `(${a} ${op} ${b})`;
  }
  switch (expr.name) {
    case '/':
      arity(2);
      // Spark: a double, and null (not infinity) for a zero divisor.
      return `(CAST(${a} AS DOUBLE) / NULLIF(${b}, 0))`;
    case '%':
      arity(2);
      return `(${a} % ${b})`;
    case 'negative':
      arity(1);
      return `(- ${a})`;
    case 'not':
      arity(1);
      return `(NOT ${a})`;
    case 'isNull':
      arity(1);
      return `(${a} IS NULL)`;
    case 'isNotNull':
      arity(1);
      return `(${a} IS NOT NULL)`;
    case 'in':
      arity(2, 10_000);
      return `(${a} IN (${args.slice(1).join(', ')}))`;
    case 'like':
      arity(2);
      return `(${a} LIKE ${b})`;
    case 'sqrt':
      arity(1);
      return `(CASE WHEN ${a} < 0 THEN CAST('NaN' AS DOUBLE) ELSE sqrt(${a}) END)`;
    case 'ln':
    case 'log10':
      arity(1);
      return `(CASE WHEN ${a} > 0 THEN ${expr.name}(${a}) END)`;
    case 'floor':
    case 'ceil':
      arity(1);
      return `CAST(${expr.name}(${a}) AS BIGINT)`;
    case 'length':
      arity(1);
      return `CAST(length(${a}) AS INTEGER)`;
    case 'signum':
      arity(1);
      return `CAST(sign(${a}) AS DOUBLE)`;
    case 'nanvl':
      arity(2);
      return `(CASE WHEN isnan(${a}) THEN ${b} ELSE ${a} END)`;
    case 'concat':
      arity(1, 255);
      return `(${args.join(' || ')})`;
    case 'regexp_replace':
      arity(3);
      return `regexp_replace(${args.join(', ')}, 'g')`;
    case 'size':
      arity(1);
      return `(CASE WHEN ${a} IS NULL THEN -1 ELSE CAST(len(${a}) AS INTEGER) END)`;
    case 'get':
      arity(2);
      return `(CASE WHEN ${b} >= 0 THEN ${a}[${b} + 1] END)`;
    case 'array':
      return `[${args.join(', ')}]`;
    case 'struct':
      return `struct_pack(${args.map((s, i) => `${quoteIdent(outputName(expr.args[i]!))} := ${s}`).join(', ')})`;
    case 'count':
      arity(1, 255);
      return expr.distinct === true
        ? `count(DISTINCT ${args.length > 1 ? `(${args.join(', ')})` : a})`
        : `count(${a})`;
    case 'first':
    case 'last': {
      arity(1, 2);
      const ignoreNulls = expr.args[1]?.kind === 'literal' && expr.args[1].value === true;
      return ignoreNulls ? `${expr.name}(${a}) FILTER (WHERE ${a} IS NOT NULL)` : `${expr.name}(${a})`;
    }
    case 'collect_list':
    case 'collect_set':
      arity(1);
      return `coalesce(list(${expr.name === 'collect_set' ? 'DISTINCT ' : ''}${a}) FILTER (WHERE ${a} IS NOT NULL), [])`;
    default: {
      const direct = DIRECT_FUNCTIONS[expr.name];
      if (direct === undefined) {
        throw new SchemaError(
          'UNRESOLVED_ROUTINE',
          `Function '${expr.name}' in ${ctx.where} is not known to the embedded engine. Known functions: ${[...KNOWN_FUNCTIONS].sort().join(', ')}.`,
          { function: expr.name },
        );
      }
      arity(direct[1], direct[2]);
      const distinct = expr.distinct === true ? 'DISTINCT ' : '';
      return `${direct[0]}(${distinct}${args.join(', ')})`;
    }
  }
}
