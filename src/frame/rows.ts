import * as arrow from 'apache-arrow';
import { SchemaError } from '../errors.js';
import { toArrowSchema, toArrowType } from '../types/arrow.js';
import { type DataType, DataTypes, type StructType, simpleString } from '../types/DataType.js';
import type { Row, Value } from '../types/Value.js';
import { describeValue } from './literals.js';

/** The type of one JavaScript value, inferred as `createDataFrame` does; `undefined` for null. */
function inferValueType(value: Value, where: string): DataType | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return DataTypes.boolean;
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= -2147483648 && value <= 2147483647
      ? DataTypes.integer
      : DataTypes.double;
  }
  if (typeof value === 'bigint') return DataTypes.long;
  if (typeof value === 'string') return DataTypes.string;
  if (value instanceof Date) return DataTypes.timestamp;
  if (value instanceof Float32Array) return DataTypes.vector(value.length);
  if (value instanceof Uint8Array) return DataTypes.binary;
  if (Array.isArray(value)) {
    const element = mergeTypes(
      value.map((v: Value) => inferValueType(v, `${where}[]`)),
      `${where}[]`,
    );
    return DataTypes.array(element ?? DataTypes.null);
  }
  if (typeof value === 'object') {
    return DataTypes.struct(
      Object.entries(value as Row).map(([k, v]) =>
        DataTypes.field(k, inferValueType(v, `${where}.${k}`) ?? DataTypes.null),
      ),
    );
  }
  throw new SchemaError(
    'CANNOT_INFER_TYPE',
    `Cannot infer a type for ${where} from ${describeValue(value)}.`,
    { column: where },
  );
}

/** The common type of several values' types: integers widen to doubles; anything else must agree. */
function mergeTypes(types: readonly (DataType | undefined)[], where: string): DataType | undefined {
  let merged: DataType | undefined;
  for (const t of types) {
    if (t === undefined) continue;
    if (merged === undefined || merged.kind === 'null') merged = t;
    else if (t.kind === 'null') continue;
    else if (merged.kind === 'array' && t.kind === 'array') {
      const element = mergeTypes([merged.elementType, t.elementType], `${where}[]`);
      merged = DataTypes.array(element ?? DataTypes.null);
    } else if (merged.kind === 'integer' && t.kind === 'double') merged = t;
    else if (merged.kind === 'double' && t.kind === 'integer') continue;
    else if (JSON.stringify(merged) !== JSON.stringify(t)) {
      if (merged.kind === 'struct' && t.kind === 'struct') continue;
      throw new SchemaError(
        'CANNOT_MERGE_TYPES',
        `Values of ${where} have different types: ${simpleString(merged)} and ${simpleString(t)}. Pass a schema to createDataFrame().`,
        { column: where },
      );
    }
  }
  return merged;
}

/**
 * Infers a schema from rows, as `createDataFrame` does without one: column order from the first row (then any
 * new keys), 32-bit integers as `integer`, other numbers `double`, bigints `long`, `Float32Array` as vectors.
 */
export function inferSchema(rows: readonly Row[]): StructType {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const k of Object.keys(row)) {
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
    }
  }
  return DataTypes.struct(
    names.map((name) => {
      const type = mergeTypes(
        rows.map((r) => inferValueType(r[name] ?? null, `column '${name}'`)),
        `column '${name}'`,
      );
      if (type === undefined) {
        throw new SchemaError(
          'CANNOT_INFER_TYPE',
          `Column '${name}' is null in every row, so its type cannot be inferred. Pass a schema to createDataFrame().`,
          { column: name },
        );
      }
      return DataTypes.field(name, resolveNulls(type));
    }),
  );
}

/** Element types still unknown after every row (arrays that were always empty) become strings. */
function resolveNulls(type: DataType): DataType {
  if (type.kind === 'null') return DataTypes.string;
  if (type.kind === 'array') return DataTypes.array(resolveNulls(type.elementType), type.containsNull);
  if (type.kind === 'struct') {
    return DataTypes.struct(
      type.fields.map((f) => DataTypes.field(f.name, resolveNulls(f.type), f.nullable)),
    );
  }
  return type;
}

/** A JavaScript value in the shape Arrow's builders take for a column of `type`. */
function toArrowValue(value: Value | undefined, type: DataType, where: string): unknown {
  if (value === null || value === undefined) return null;
  const mismatch = () =>
    new SchemaError(
      'VALUE_TYPE_MISMATCH',
      `${where} expects ${simpleString(type)} but got ${describeValue(value)}.`,
      { column: where, expected: simpleString(type), actual: describeValue(value) },
    );
  switch (type.kind) {
    case 'long':
      if (typeof value === 'bigint') return value;
      if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
      throw mismatch();
    case 'byte':
    case 'short':
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'bigint') return Number(value);
      throw mismatch();
    case 'float':
    case 'double':
      if (typeof value === 'number') return value;
      if (typeof value === 'bigint') return Number(value);
      throw mismatch();
    case 'boolean':
      if (typeof value === 'boolean') return value;
      throw mismatch();
    case 'string':
      if (typeof value === 'string') return value;
      throw mismatch();
    case 'binary':
      if (value instanceof Uint8Array) return value;
      throw mismatch();
    case 'date':
    case 'timestamp':
      if (value instanceof Date) return type.kind === 'date' ? value : value.getTime();
      throw mismatch();
    case 'vector': {
      if (!(value instanceof Float32Array || Array.isArray(value)) || value.length !== type.size) {
        throw new SchemaError(
          'VALUE_TYPE_MISMATCH',
          `${where} expects a vector of ${type.size} floats but got ${describeValue(value)}${
            value instanceof Float32Array || Array.isArray(value) ? ` of length ${value.length}` : ''
          }.`,
          { column: where, expected: simpleString(type) },
        );
      }
      return Array.from(value as ArrayLike<number>);
    }
    case 'array':
      if (!Array.isArray(value)) throw mismatch();
      return value.map((v: Value, i: number) => toArrowValue(v, type.elementType, `${where}[${i}]`));
    case 'struct': {
      if (
        typeof value !== 'object' ||
        Array.isArray(value) ||
        value instanceof Uint8Array ||
        value instanceof Date
      ) {
        throw mismatch();
      }
      const row = value as Row;
      return Object.fromEntries(
        type.fields.map((f) => [f.name, toArrowValue(row[f.name], f.type, `${where}.${f.name}`)]),
      );
    }
    case 'null':
      return null;
    default: {
      const never: never = type;
      return never;
    }
  }
}

/** An Arrow table holding `rows` with `schema`; every value is checked against its column's type. */
export function rowsToArrow(rows: readonly Row[], schema: StructType): arrow.Table {
  const columns: Record<string, arrow.Vector> = {};
  for (const field of schema.fields) {
    const values = rows.map((r) => toArrowValue(r[field.name], field.type, `column '${field.name}'`));
    columns[field.name] = arrow.vectorFromArray(values, toArrowType(field.type));
  }
  if (schema.fields.length === 0) return new arrow.Table(toArrowSchema(schema));
  const table = new arrow.Table(columns);
  // vectorFromArray may pick other child-field names; keep the declared schema exactly.
  return new arrow.Table(
    toArrowSchema(schema),
    table.batches.map((b) => new arrow.RecordBatch(toArrowSchema(schema), b.data)),
  );
}

/** Reads one cell of an Arrow column as a deepframe {@link Value}. */
function readValue(vector: arrow.Vector, i: number, type: DataType): Value {
  if (!vector.isValid(i)) return null;
  switch (type.kind) {
    case 'vector': {
      const item = vector.get(i) as arrow.Vector<arrow.Float32>;
      return Float32Array.from(item.toArray() as Float32Array);
    }
    case 'array': {
      const item = vector.get(i) as arrow.Vector;
      const out: Value[] = [];
      for (let j = 0; j < item.length; j++) out.push(readValue(item, j, type.elementType));
      return out;
    }
    case 'struct': {
      const row: Record<string, Value> = {};
      type.fields.forEach((f, c) => {
        const child = (vector as arrow.Vector<arrow.Struct>).getChildAt(c);
        row[f.name] = child === null ? null : readValue(child, i, f.type);
      });
      return row;
    }
    case 'date':
    case 'timestamp': {
      const v = vector.get(i) as number | bigint | Date;
      if (v instanceof Date) return v;
      return new Date(Number(v));
    }
    case 'binary':
      return Uint8Array.from(vector.get(i) as Uint8Array);
    default:
      return vector.get(i) as Value;
  }
}

/** The rows of a record batch as plain objects keyed by column name. */
export function batchToRows(batch: arrow.RecordBatch, schema: StructType): Row[] {
  const columns = schema.fields.map((_, c) => batch.getChildAt(c)!);
  const rows: Row[] = [];
  for (let i = 0; i < batch.numRows; i++) {
    const row: Record<string, Value> = {};
    schema.fields.forEach((f, c) => {
      row[f.name] = readValue(columns[c]!, i, f.type);
    });
    rows.push(row);
  }
  return rows;
}
