import {
  ARRAY,
  BIGINT,
  BLOB,
  BOOLEAN,
  DATE,
  DOUBLE,
  type DuckDBType,
  DuckDBTypeId,
  FLOAT,
  INTEGER,
  LIST,
  SMALLINT,
  STRUCT,
  TIMESTAMPTZ,
  TINYINT,
  VARCHAR,
} from '@duckdb/node-api';
import { type DataType, DataTypes } from '../../types/DataType.js';
import { quoteIdent } from './sqlText.js';

/** The DuckDB SQL type name for a deepframe type (vectors are fixed-size `FLOAT[n]` arrays). */
export function duckdbTypeSql(type: DataType): string {
  switch (type.kind) {
    case 'boolean':
      return 'BOOLEAN';
    case 'byte':
      return 'TINYINT';
    case 'short':
      return 'SMALLINT';
    case 'integer':
      return 'INTEGER';
    case 'long':
      return 'BIGINT';
    case 'float':
      return 'FLOAT';
    case 'double':
      return 'DOUBLE';
    case 'string':
      return 'VARCHAR';
    case 'binary':
      return 'BLOB';
    case 'date':
      return 'DATE';
    case 'timestamp':
      return 'TIMESTAMPTZ';
    case 'null':
      return 'INTEGER';
    case 'array':
      return `${duckdbTypeSql(type.elementType)}[]`;
    case 'vector':
      return `FLOAT[${type.size}]`;
    case 'struct':
      return `STRUCT(${type.fields.map((f) => `${quoteIdent(f.name)} ${duckdbTypeSql(f.type)}`).join(', ')})`;
    default: {
      const never: never = type;
      return never;
    }
  }
}

/** The node-api type object for a deepframe type, for building data chunks. */
export function toDuckDBType(type: DataType): DuckDBType {
  switch (type.kind) {
    case 'boolean':
      return BOOLEAN;
    case 'byte':
      return TINYINT;
    case 'short':
      return SMALLINT;
    case 'integer':
    case 'null':
      return INTEGER;
    case 'long':
      return BIGINT;
    case 'float':
      return FLOAT;
    case 'double':
      return DOUBLE;
    case 'string':
      return VARCHAR;
    case 'binary':
      return BLOB;
    case 'date':
      return DATE;
    case 'timestamp':
      return TIMESTAMPTZ;
    case 'array':
      return LIST(toDuckDBType(type.elementType));
    case 'vector':
      return ARRAY(FLOAT, type.size);
    case 'struct':
      return STRUCT(Object.fromEntries(type.fields.map((f) => [f.name, toDuckDBType(f.type)])));
    default: {
      const never: never = type;
      return never;
    }
  }
}

/**
 * The deepframe type for a DuckDB result type, and the SQL type to cast to first when DuckDB's type has no exact
 * deepframe counterpart (`HUGEINT` sums become `BIGINT`, `DECIMAL` becomes `DOUBLE`, unsigned integers widen, enums
 * and UUIDs become strings).
 */
export function fromDuckDBType(type: DuckDBType): { type: DataType; castTo?: string } {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return { type: DataTypes.boolean };
    case DuckDBTypeId.TINYINT:
      return { type: DataTypes.byte };
    case DuckDBTypeId.SMALLINT:
      return { type: DataTypes.short };
    case DuckDBTypeId.INTEGER:
      return { type: DataTypes.integer };
    case DuckDBTypeId.BIGINT:
      return { type: DataTypes.long };
    case DuckDBTypeId.UTINYINT:
      return { type: DataTypes.short, castTo: 'SMALLINT' };
    case DuckDBTypeId.USMALLINT:
      return { type: DataTypes.integer, castTo: 'INTEGER' };
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return { type: DataTypes.long, castTo: 'BIGINT' };
    case DuckDBTypeId.FLOAT:
      return { type: DataTypes.float };
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
      return type.typeId === DuckDBTypeId.DOUBLE
        ? { type: DataTypes.double }
        : { type: DataTypes.double, castTo: 'DOUBLE' };
    case DuckDBTypeId.VARCHAR:
      return { type: DataTypes.string };
    case DuckDBTypeId.BLOB:
      return { type: DataTypes.binary };
    case DuckDBTypeId.DATE:
      return { type: DataTypes.date };
    case DuckDBTypeId.TIMESTAMP_TZ:
      return { type: DataTypes.timestamp };
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return { type: DataTypes.timestamp, castTo: 'TIMESTAMPTZ' };
    case DuckDBTypeId.SQLNULL:
      return { type: DataTypes.null, castTo: 'INTEGER' };
    case DuckDBTypeId.LIST: {
      const inner = fromDuckDBType(type.valueType);
      return inner.castTo === undefined
        ? { type: DataTypes.array(inner.type) }
        : { type: DataTypes.array(inner.type), castTo: `${inner.castTo}[]` };
    }
    case DuckDBTypeId.ARRAY: {
      if (type.valueType.typeId === DuckDBTypeId.FLOAT) return { type: DataTypes.vector(type.length) };
      const inner = fromDuckDBType(type.valueType);
      return { type: DataTypes.array(inner.type), castTo: `${inner.castTo ?? duckdbTypeSql(inner.type)}[]` };
    }
    case DuckDBTypeId.STRUCT: {
      const fields = type.entryTypes.map((t, i) => ({
        name: type.entryNames[i] ?? `_${i}`,
        ...fromDuckDBType(t),
      }));
      const struct = DataTypes.struct(fields.map((f) => DataTypes.field(f.name, f.type)));
      return fields.some((f) => f.castTo !== undefined)
        ? { type: struct, castTo: duckdbTypeSql(struct) }
        : { type: struct };
    }
    default:
      return { type: DataTypes.string, castTo: 'VARCHAR' };
  }
}
