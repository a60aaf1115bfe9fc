import { SparkError } from '../../../errors.js';
import { type DataType, DataTypes, type StructType } from '../../../types/DataType.js';
import type * as proto from '../proto/index.js';

/**
 * Spark's protocol data types ⇄ deepframe's {@link DataType}.
 *
 * deepframe's types are a subset of Spark's. Char and varchar read as strings (as Spark's DataFrames see them); a
 * user-defined type reads as the SQL type its values are stored as (Arrow results carry that); Spark's decimal, map,
 * timestamp without time zone, interval and variant types have no deepframe type and are refused by name. Vectors
 * have no Spark type: they go to Spark as `array<float>` without nulls.
 */

/**
 * Spark's name of a protocol type, as its `simpleString` would print it: `int`, `decimal(10,2)`, `map<string,int>`.
 *
 * @example
 * ```ts
 * sparkTypeName({ array: { elementType: { float: {} } } }); // 'array<float>'
 * ```
 */
export function sparkTypeName(type: proto.DataType | undefined): string {
  if (type === undefined) return 'unknown';
  if (type.null) return 'void';
  if (type.binary) return 'binary';
  if (type.boolean) return 'boolean';
  if (type.byte) return 'tinyint';
  if (type.short) return 'smallint';
  if (type.integer) return 'int';
  if (type.long) return 'bigint';
  if (type.float) return 'float';
  if (type.double) return 'double';
  if (type.decimal) return `decimal(${type.decimal.precision ?? 10},${type.decimal.scale ?? 0})`;
  if (type.string) return 'string';
  if (type.char) return `char(${type.char.length ?? 0})`;
  if (type.varChar) return `varchar(${type.varChar.length ?? 0})`;
  if (type.date) return 'date';
  if (type.timestamp) return 'timestamp';
  if (type.timestampNtz) return 'timestamp_ntz';
  if (type.calendarInterval) return 'interval';
  if (type.yearMonthInterval) return 'interval year to month';
  if (type.dayTimeInterval) return 'interval day to second';
  if (type.array) return `array<${sparkTypeName(type.array.elementType)}>`;
  if (type.struct) {
    return `struct<${(type.struct.fields ?? []).map((f) => `${f.name ?? ''}:${sparkTypeName(f.dataType)}`).join(',')}>`;
  }
  if (type.map) return `map<${sparkTypeName(type.map.keyType)},${sparkTypeName(type.map.valueType)}>`;
  if (type.udt) return type.udt.jvmClass ?? type.udt.pythonClass ?? type.udt.type ?? 'udt';
  if (type.unparsed) return type.unparsed.dataTypeString ?? 'unparsed';
  if (type.variant) return 'variant';
  return 'unknown';
}

function unsupported(type: proto.DataType | undefined, where: string): SparkError {
  const name = sparkTypeName(type);
  return new SparkError(
    'UNSUPPORTED_DATA_TYPE',
    `${where} has Spark type ${name}, which deepframe has no type for. Cast it in Spark first, for example decimal to double, map to a struct or JSON string, timestamp_ntz to timestamp.`,
    { column: where, sparkType: name },
  );
}

/**
 * deepframe's type for a Spark protocol type. `where` names the column for the error a type without a deepframe
 * counterpart raises.
 *
 * @example
 * ```ts
 * fromSparkDataType({ array: { elementType: { float: {} }, containsNull: false } }); // array<float>
 * ```
 */
export function fromSparkDataType(type: proto.DataType | undefined, where = 'A value'): DataType {
  if (type === undefined) throw unsupported(type, where);
  if (type.null) return DataTypes.null;
  if (type.binary) return DataTypes.binary;
  if (type.boolean) return DataTypes.boolean;
  if (type.byte) return DataTypes.byte;
  if (type.short) return DataTypes.short;
  if (type.integer) return DataTypes.integer;
  if (type.long) return DataTypes.long;
  if (type.float) return DataTypes.float;
  if (type.double) return DataTypes.double;
  if (type.string || type.char || type.varChar) return DataTypes.string;
  if (type.date) return DataTypes.date;
  if (type.timestamp) return DataTypes.timestamp;
  if (type.array) {
    return DataTypes.array(
      fromSparkDataType(type.array.elementType, `${where}'s element`),
      type.array.containsNull ?? false,
    );
  }
  if (type.struct) return fromSparkStruct(type.struct, where);
  if (type.udt?.sqlType) return fromSparkDataType(type.udt.sqlType, where);
  throw unsupported(type, where);
}

/** deepframe's struct type for a Spark protocol struct. */
export function fromSparkStruct(struct: proto.StructType, where?: string): StructType {
  return DataTypes.struct(
    (struct.fields ?? []).map((f) => {
      const name = f.name ?? '';
      const column = where === undefined ? `Column \`${name}\`` : `${where}'s field \`${name}\``;
      return DataTypes.field(name, fromSparkDataType(f.dataType, column), f.nullable ?? false);
    }),
  );
}

/**
 * The schema of a relation as deepframe's struct type: a Spark schema is a struct.
 *
 * @example
 * ```ts
 * fromSparkSchema({ struct: { fields: [{ name: 'id', dataType: { long: {} }, nullable: false }] } });
 * ```
 */
export function fromSparkSchema(type: proto.DataType | undefined): StructType {
  if (type?.struct === undefined) throw unsupported(type, 'The result');
  return fromSparkStruct(type.struct);
}

/**
 * Spark's protocol type for a deepframe type. Vectors become `array<float>` without nulls (Spark has no vector
 * type that Arrow results can carry).
 *
 * @example
 * ```ts
 * toSparkDataType(DataTypes.vector(512)); // { array: { elementType: { float: {} }, containsNull: false } }
 * ```
 */
export function toSparkDataType(type: DataType): proto.DataType {
  switch (type.kind) {
    case 'vector':
      return { array: { elementType: { float: {} }, containsNull: false } };
    case 'array':
      return { array: { elementType: toSparkDataType(type.elementType), containsNull: type.containsNull } };
    case 'struct':
      return {
        struct: {
          fields: type.fields.map((f) => ({
            name: f.name,
            dataType: toSparkDataType(f.type),
            nullable: f.nullable,
          })),
        },
      };
    case 'null':
      return { null: {} };
    case 'boolean':
      return { boolean: {} };
    case 'byte':
      return { byte: {} };
    case 'short':
      return { short: {} };
    case 'integer':
      return { integer: {} };
    case 'long':
      return { long: {} };
    case 'float':
      return { float: {} };
    case 'double':
      return { double: {} };
    case 'string':
      return { string: {} };
    case 'binary':
      return { binary: {} };
    case 'date':
      return { date: {} };
    case 'timestamp':
      return { timestamp: {} };
    default: {
      const never: never = type;
      return never;
    }
  }
}
