import { SchemaError } from '../../errors.js';
import { type Expr, type LiteralValue, outputName, type SortOrder } from '../../plan/expressions.js';
import { type DataType, simpleString } from '../../types/DataType.js';
import { toSparkDataType } from './connect/dataTypes.js';

/**
 * A Spark Connect `Expression` message as a plain object (protobufjs field names, camelCase); the client encodes
 * it. Only the shapes deepframe produces are described.
 */
export type ConnectExpression = Record<string, unknown>;

/** Spark's type string (DDL) for a deepframe type: vectors travel as `array<float>`. */
export function sparkTypeString(type: DataType): string {
  switch (type.kind) {
    case 'vector':
      return 'array<float>';
    case 'array':
      return `array<${sparkTypeString(type.elementType)}>`;
    case 'struct':
      return `struct<${type.fields.map((f) => `\`${f.name.replaceAll('`', '``')}\`:${sparkTypeString(f.type)}`).join(',')}>`;
    case 'null':
      return 'void';
    default:
      return simpleString(type);
  }
}

const DAY_MS = 86_400_000;

/** A literal as Spark's `Expression.Literal`. */
export function sparkLiteral(value: LiteralValue, type: DataType): ConnectExpression {
  if (value === null) return { null: toSparkDataType(type) };
  switch (type.kind) {
    case 'boolean':
      return { boolean: value };
    case 'byte':
    case 'short':
    case 'integer':
    case 'float':
    case 'double':
      return { [type.kind]: Number(value) };
    case 'long':
      return { long: String(value) };
    case 'string':
      return { string: String(value) };
    case 'binary':
      return { binary: Buffer.from(String(value), 'base64') };
    case 'date':
      return { date: Math.floor(Date.parse(String(value)) / DAY_MS) };
    case 'timestamp':
      return { timestamp: String(BigInt(Date.parse(String(value))) * 1000n) };
    case 'array':
    case 'vector': {
      const element: DataType = type.kind === 'vector' ? { kind: 'float' } : type.elementType;
      return {
        array: {
          elementType: toSparkDataType(element),
          elements: (value as readonly LiteralValue[]).map((v) => sparkLiteral(v, element)),
        },
      };
    }
    default:
      throw new SchemaError(
        'UNSUPPORTED_LITERAL',
        `Literals of type ${simpleString(type)} cannot be sent to Spark.`,
      );
  }
}

/** deepframe's operator and function names that Spark names differently. */
const RENAMED: Readonly<Record<string, string>> = {
  isNull: 'isnull',
  isNotNull: 'isnotnull',
};

const fn = (name: string, args: ConnectExpression[], distinct = false): ConnectExpression => ({
  unresolvedFunction: { functionName: name, arguments: args, isDistinct: distinct },
});

/** Compiles a plan expression to a Spark Connect expression (Spark resolves names and functions itself). */
export function sparkExpression(expr: Expr): ConnectExpression {
  switch (expr.kind) {
    case 'column':
      return { unresolvedAttribute: { unparsedIdentifier: expr.name } };
    case 'star':
      return { unresolvedStar: {} };
    case 'sqlExpr':
      return { expressionString: { expression: expr.sql } };
    case 'literal':
      return { literal: sparkLiteral(expr.value, expr.type) };
    case 'alias':
      return { alias: { expr: sparkExpression(expr.expr), name: [expr.name] } };
    case 'cast':
      // TRY: a value that does not convert becomes null, as on the embedded engine, whatever the ANSI mode.
      return {
        cast: {
          expr: sparkExpression(expr.expr),
          typeStr: sparkTypeString(expr.type),
          evalMode: 'EVAL_MODE_TRY',
        },
      };
    case 'field':
      return {
        unresolvedExtractValue: {
          child: sparkExpression(expr.expr),
          extraction: { literal: { string: expr.name } },
        },
      };
    case 'caseWhen': {
      const args = expr.branches.flatMap((b) => [sparkExpression(b.condition), sparkExpression(b.value)]);
      if (expr.otherwise !== undefined) args.push(sparkExpression(expr.otherwise));
      return fn('when', args);
    }
    case 'call': {
      const args = expr.args.map(sparkExpression);
      switch (expr.name) {
        case '!=':
          return fn('not', [fn('==', args)]);
        case '/':
          // Spark's `/` of two integers is a double too; with ANSI off, x / 0 is null.
          return fn('/', args);
        case 'first':
        case 'last':
          return fn(expr.name, args);
        default:
          return fn(RENAMED[expr.name] ?? expr.name, args, expr.distinct === true);
      }
    }
    default: {
      const never: never = expr;
      return never;
    }
  }
}

/** A sort key as Spark's `Expression.SortOrder`. */
export function sparkSortOrder(order: SortOrder): ConnectExpression {
  return {
    child: sparkExpression(order.expr),
    direction: order.ascending ? 'SORT_DIRECTION_ASCENDING' : 'SORT_DIRECTION_DESCENDING',
    nullOrdering: order.nullsFirst ? 'SORT_NULLS_FIRST' : 'SORT_NULLS_LAST',
  };
}

/** An expression with the name Spark would give it made explicit, so both engines name columns alike. */
export function sparkNamedExpression(expr: Expr): ConnectExpression {
  if (expr.kind === 'alias' || expr.kind === 'column' || expr.kind === 'star' || expr.kind === 'sqlExpr') {
    return sparkExpression(expr);
  }
  return { alias: { expr: sparkExpression(expr), name: [outputName(expr)] } };
}
