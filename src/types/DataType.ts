/**
 * Spark SQL's data types as plain, JSON-serializable values.
 *
 * A type is an object with a `kind` discriminant, so that plans and stage specs that carry types stay plain data
 * (they cross thread and process boundaries). Use the constructors in {@link DataTypes} to make them.
 */
export type DataType =
  | { readonly kind: 'boolean' }
  | { readonly kind: 'byte' }
  | { readonly kind: 'short' }
  | { readonly kind: 'integer' }
  | { readonly kind: 'long' }
  | { readonly kind: 'float' }
  | { readonly kind: 'double' }
  | { readonly kind: 'string' }
  | { readonly kind: 'binary' }
  | { readonly kind: 'date' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'null' }
  | ArrayType
  | VectorType
  | StructType;

/** A variable-length list of values of one type (Spark's `ArrayType`, Arrow's `List`). */
export interface ArrayType {
  readonly kind: 'array';
  readonly elementType: DataType;
  readonly containsNull: boolean;
}

/**
 * A dense vector or flattened tensor of `size` 32-bit floats: Arrow's `FixedSizeList<Float32>`, the column type that
 * deep-learning stages read and write (features, embeddings, scores).
 */
export interface VectorType {
  readonly kind: 'vector';
  readonly size: number;
}

/** One named field of a {@link StructType}. */
export interface StructField {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
}

/** A record of named fields; a DataFrame's schema is a StructType. */
export interface StructType {
  readonly kind: 'struct';
  readonly fields: readonly StructField[];
}

/** The `kind` of every type without parameters. */
export type AtomicKind = Exclude<DataType['kind'], 'array' | 'vector' | 'struct'>;

const atomic = <K extends AtomicKind>(kind: K) => Object.freeze({ kind }) as { readonly kind: K };

/**
 * Constructors for {@link DataType} values, named as in pyspark.sql.types.
 *
 * @example
 * ```ts
 * const schema = DataTypes.struct([DataTypes.field('id', DataTypes.long), DataTypes.field('v', DataTypes.vector(3))]);
 * ```
 */
export const DataTypes = Object.freeze({
  boolean: atomic('boolean'),
  byte: atomic('byte'),
  short: atomic('short'),
  integer: atomic('integer'),
  long: atomic('long'),
  float: atomic('float'),
  double: atomic('double'),
  string: atomic('string'),
  binary: atomic('binary'),
  date: atomic('date'),
  timestamp: atomic('timestamp'),
  null: atomic('null'),
  array(elementType: DataType, containsNull = true): ArrayType {
    return { kind: 'array', elementType, containsNull };
  },
  vector(size: number): VectorType {
    return { kind: 'vector', size };
  },
  struct(fields: readonly StructField[]): StructType {
    return { kind: 'struct', fields };
  },
  field(name: string, type: DataType, nullable = true): StructField {
    return { name, type, nullable };
  },
});

const SIMPLE_NAMES: Record<AtomicKind, string> = {
  boolean: 'boolean',
  byte: 'tinyint',
  short: 'smallint',
  integer: 'int',
  long: 'bigint',
  float: 'float',
  double: 'double',
  string: 'string',
  binary: 'binary',
  date: 'date',
  timestamp: 'timestamp',
  null: 'void',
};

/** Spark's `simpleString()`: `int`, `array<double>`, `struct<a:int,b:string>`, and `vector<512>` for vectors. */
export function simpleString(type: DataType): string {
  switch (type.kind) {
    case 'array':
      return `array<${simpleString(type.elementType)}>`;
    case 'vector':
      return `vector<${type.size}>`;
    case 'struct':
      return `struct<${type.fields.map((f) => `${f.name}:${simpleString(f.type)}`).join(',')}>`;
    default:
      return SIMPLE_NAMES[type.kind];
  }
}

/** Spark's `typeName()` as printed by `printSchema`: `integer`, `long`, `array`, `struct`, … */
export function typeName(type: DataType): string {
  return type.kind;
}

/** Whether two types are equal, field names and nullability included. */
export function sameType(a: DataType, b: DataType): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether values of this type are numbers (Spark's `NumericType`). */
export function isNumeric(type: DataType): boolean {
  return (
    type.kind === 'byte' ||
    type.kind === 'short' ||
    type.kind === 'integer' ||
    type.kind === 'long' ||
    type.kind === 'float' ||
    type.kind === 'double'
  );
}

/** Whether values of this type are integers. */
export function isIntegral(type: DataType): boolean {
  return type.kind === 'byte' || type.kind === 'short' || type.kind === 'integer' || type.kind === 'long';
}

/**
 * Parses a type name as Spark's `cast` and DDL strings accept it: `int`, `integer`, `bigint`, `long`, `double`,
 * `float`, `string`, `boolean`, `binary`, `date`, `timestamp`, `tinyint`, `smallint`, `array<…>`, `vector<N>`.
 * Returns `undefined` for a name it does not know.
 */
export function parseTypeName(name: string): DataType | undefined {
  const n = name.trim().toLowerCase();
  const arr = /^array\s*<(.+)>$/.exec(n);
  if (arr?.[1] !== undefined) {
    const inner = parseTypeName(arr[1]);
    return inner === undefined ? undefined : DataTypes.array(inner);
  }
  const vec = /^vector\s*<\s*(\d+)\s*>$/.exec(n);
  if (vec?.[1] !== undefined) return DataTypes.vector(Number(vec[1]));
  switch (n) {
    case 'boolean':
    case 'bool':
      return DataTypes.boolean;
    case 'tinyint':
    case 'byte':
      return DataTypes.byte;
    case 'smallint':
    case 'short':
      return DataTypes.short;
    case 'int':
    case 'integer':
      return DataTypes.integer;
    case 'bigint':
    case 'long':
      return DataTypes.long;
    case 'float':
    case 'real':
      return DataTypes.float;
    case 'double':
      return DataTypes.double;
    case 'string':
    case 'varchar':
      return DataTypes.string;
    case 'binary':
      return DataTypes.binary;
    case 'date':
      return DataTypes.date;
    case 'timestamp':
      return DataTypes.timestamp;
    default:
      return undefined;
  }
}
