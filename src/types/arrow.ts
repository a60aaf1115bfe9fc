import * as arrow from 'apache-arrow';
import { SchemaError } from '../errors.js';
import { type DataType, DataTypes, type StructType } from './DataType.js';

/** The Arrow type that holds values of a deepframe {@link DataType}. */
export function toArrowType(type: DataType): arrow.DataType {
  switch (type.kind) {
    case 'boolean':
      return new arrow.Bool();
    case 'byte':
      return new arrow.Int8();
    case 'short':
      return new arrow.Int16();
    case 'integer':
      return new arrow.Int32();
    case 'long':
      return new arrow.Int64();
    case 'float':
      return new arrow.Float32();
    case 'double':
      return new arrow.Float64();
    case 'string':
      return new arrow.Utf8();
    case 'binary':
      return new arrow.Binary();
    case 'date':
      return new arrow.DateDay();
    case 'timestamp':
      return new arrow.TimestampMicrosecond('UTC');
    case 'null':
      return new arrow.Null();
    case 'array':
      return new arrow.List(new arrow.Field('element', toArrowType(type.elementType), type.containsNull));
    case 'vector':
      return new arrow.FixedSizeList(type.size, new arrow.Field('element', new arrow.Float32(), false));
    case 'struct':
      return new arrow.Struct(
        type.fields.map((f) => new arrow.Field(f.name, toArrowType(f.type), f.nullable)),
      );
    default: {
      const never: never = type;
      throw new SchemaError('UNSUPPORTED_TYPE', `Unknown data type ${JSON.stringify(never)}.`);
    }
  }
}

/** The Arrow schema for a deepframe schema. */
export function toArrowSchema(schema: StructType): arrow.Schema {
  return new arrow.Schema(schema.fields.map((f) => new arrow.Field(f.name, toArrowType(f.type), f.nullable)));
}

/**
 * The deepframe type of an Arrow type. A `FixedSizeList<Float32>` becomes a vector; other fixed-size lists become
 * arrays. Throws a {@link SchemaError} naming the Arrow type for one deepframe cannot hold.
 */
export function fromArrowType(type: arrow.DataType, where = 'an Arrow column'): DataType {
  if (arrow.DataType.isBool(type)) return DataTypes.boolean;
  if (arrow.DataType.isInt(type)) {
    const t = type as arrow.Int;
    if (t.bitWidth === 8) return t.isSigned ? DataTypes.byte : DataTypes.short;
    if (t.bitWidth === 16) return t.isSigned ? DataTypes.short : DataTypes.integer;
    if (t.bitWidth === 32) return t.isSigned ? DataTypes.integer : DataTypes.long;
    return DataTypes.long;
  }
  if (arrow.DataType.isFloat(type)) {
    return (type as arrow.Float).precision === arrow.Precision.DOUBLE ? DataTypes.double : DataTypes.float;
  }
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isLargeUtf8(type)) return DataTypes.string;
  if (arrow.DataType.isBinary(type) || arrow.DataType.isLargeBinary(type)) return DataTypes.binary;
  if (arrow.DataType.isDate(type)) return DataTypes.date;
  if (arrow.DataType.isTimestamp(type)) return DataTypes.timestamp;
  if (arrow.DataType.isNull(type)) return DataTypes.null;
  if (arrow.DataType.isFixedSizeList(type)) {
    const t = type as arrow.FixedSizeList;
    const child = t.children[0]?.type;
    if (child !== undefined && arrow.DataType.isFloat(child) && child.precision === arrow.Precision.SINGLE) {
      return DataTypes.vector(t.listSize);
    }
    return DataTypes.array(fromArrowType(child ?? new arrow.Null(), where));
  }
  if (arrow.DataType.isList(type)) {
    const child = (type as arrow.List).children[0];
    return DataTypes.array(fromArrowType(child?.type ?? new arrow.Null(), where), child?.nullable ?? true);
  }
  if (arrow.DataType.isStruct(type)) {
    return DataTypes.struct(
      (type as arrow.Struct).children.map((f) =>
        DataTypes.field(f.name, fromArrowType(f.type, where), f.nullable),
      ),
    );
  }
  throw new SchemaError(
    'UNSUPPORTED_TYPE',
    `${where} has Arrow type ${String(type)}, which deepframe cannot hold. Supported: booleans, integers, floats, ` +
      'strings, binary, dates, timestamps, lists, fixed-size lists and structs.',
    { arrowType: String(type) },
  );
}

/** The deepframe schema of an Arrow schema. */
export function fromArrowSchema(schema: arrow.Schema): StructType {
  return DataTypes.struct(
    schema.fields.map((f) =>
      DataTypes.field(f.name, fromArrowType(f.type, `column '${f.name}'`), f.nullable),
    ),
  );
}
