import { ParamError } from '../errors.js';
import type { LiteralValue } from '../plan/expressions.js';
import { type DataType, DataTypes } from '../types/DataType.js';
import type { Value } from '../types/Value.js';

/** A literal as a plan holds it: its JSON-safe encoding and its Spark type, inferred as `lit()` does. */
export function encodeLiteral(value: Value): { value: LiteralValue; type: DataType } {
  if (value === null) return { value: null, type: DataTypes.null };
  if (typeof value === 'boolean') return { value, type: DataTypes.boolean };
  if (typeof value === 'number') {
    const isInt =
      Number.isInteger(value) && value >= -2147483648 && value <= 2147483647 && !Object.is(value, -0);
    return { value, type: isInt ? DataTypes.integer : DataTypes.double };
  }
  if (typeof value === 'bigint') return { value: value.toString(), type: DataTypes.long };
  if (typeof value === 'string') return { value, type: DataTypes.string };
  if (value instanceof Date) return { value: value.toISOString(), type: DataTypes.timestamp };
  if (value instanceof Float32Array)
    return { value: Array.from(value), type: DataTypes.vector(value.length) };
  if (value instanceof Uint8Array)
    return { value: Buffer.from(value).toString('base64'), type: DataTypes.binary };
  if (Array.isArray(value)) {
    const items = value.map((v: Value) => encodeLiteral(v));
    const element = items.find((i) => i.type.kind !== 'null')?.type ?? DataTypes.null;
    return { value: items.map((i) => i.value), type: DataTypes.array(element) };
  }
  throw new ParamError(
    'UNSUPPORTED_LITERAL',
    `Cannot make a literal column from ${describeValue(value)}. Expected null, a boolean, number, bigint, string, ` +
      'Date, Uint8Array, Float32Array or an array of these.',
    { value: describeValue(value) },
  );
}

/** A short description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'object'}`;
  return String(value);
}
