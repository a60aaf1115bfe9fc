/**
 * deepframe's schemas in Spark's own forms, with vectors kept.
 *
 * Spark has no vector type: a `vector<N>` column travels as `array<float>`. So that it comes back as `vector<N>`,
 * deepframe records the size in the Spark field's metadata, `{"deepframe": {"vector": N}}`, in `LocalRelation`
 * schemas and in stages' output types. Spark keeps a field's metadata wherever the column passes through
 * unchanged (selections, filters, renames, map-in-Arrow outputs; seen on Spark 4.3) and reports it in the schemas
 * it analyses, so the size survives the plan on the server. A column computed by an expression starts without.
 *
 * @module
 */

import type { DataType, StructField, StructType } from '../../../types/DataType.js';
import { DataTypes } from '../../../types/DataType.js';
import { toSparkDataType } from '../connect/dataTypes.js';
import type * as proto from '../proto/index.js';

/** The key of deepframe's entry in a Spark field's metadata. */
export const METADATA_KEY = 'deepframe';

/** A JSON value as Spark's JSON schemas hold them. */
export type SparkJson =
  | string
  | number
  | boolean
  | null
  | readonly SparkJson[]
  | { readonly [k: string]: SparkJson };

/** The metadata of a field of type `type`: the vector's size for a vector, none for other types. */
function fieldMetadata(type: DataType): { readonly [k: string]: SparkJson } {
  return type.kind === 'vector' ? { [METADATA_KEY]: { vector: type.size } } : {};
}

/**
 * A type in Spark's JSON form (`DataType.json()` in pyspark, what `_parse_datatype_json_string` reads). Vectors
 * are `array<float>`; `vectorElementsNullable` says whether their elements may be null (true in `LocalRelation`
 * schemas, as the DDL `array<float>` says; false in stage outputs).
 *
 * @example
 * ```ts
 * sparkJsonType(DataTypes.array(DataTypes.long)); // { type: 'array', elementType: 'long', containsNull: true }
 * ```
 */
export function sparkJsonType(type: DataType, vectorElementsNullable = false): SparkJson {
  switch (type.kind) {
    case 'vector':
      return { type: 'array', elementType: 'float', containsNull: vectorElementsNullable };
    case 'array':
      return {
        type: 'array',
        elementType: sparkJsonType(type.elementType, vectorElementsNullable),
        containsNull: type.containsNull,
      };
    case 'struct':
      return {
        type: 'struct',
        fields: type.fields.map((f) => ({
          name: f.name,
          type: sparkJsonType(f.type, vectorElementsNullable),
          nullable: f.nullable,
          metadata: fieldMetadata(f.type),
        })),
      };
    case 'null':
      return 'void';
    default:
      return type.kind;
  }
}

/**
 * A schema as Spark's JSON schema string, vector sizes in the fields' metadata.
 *
 * @example
 * ```ts
 * sparkJsonSchema(DataTypes.struct([DataTypes.field('v', DataTypes.vector(3))]));
 * // '{"type":"struct","fields":[{"name":"v","type":{"type":"array","elementType":"float","containsNull":false},
 * //   "nullable":true,"metadata":{"deepframe":{"vector":3}}}]}'
 * ```
 */
export function sparkJsonSchema(schema: StructType, vectorElementsNullable = false): string {
  return JSON.stringify(sparkJsonType(schema, vectorElementsNullable));
}

/**
 * Whether a type holds a vector anywhere.
 *
 * @example
 * ```ts
 * hasVectors(DataTypes.struct([DataTypes.field('v', DataTypes.vector(3))])); // true
 * ```
 */
export function hasVectors(type: DataType): boolean {
  switch (type.kind) {
    case 'vector':
      return true;
    case 'array':
      return hasVectors(type.elementType);
    case 'struct':
      return type.fields.some((f) => hasVectors(f.type));
    default:
      return false;
  }
}

/**
 * A schema as Spark Connect's protocol type, vector sizes in the fields' metadata.
 *
 * @example
 * ```ts
 * sparkProtoSchema(DataTypes.struct([DataTypes.field('v', DataTypes.vector(3))]));
 * // { struct: { fields: [{ name: 'v', dataType: { array: … }, nullable: true, metadata: '{"deepframe":{"vector":3}}' }] } }
 * ```
 */
export function sparkProtoSchema(schema: StructType): proto.DataType {
  const convert = (type: DataType): proto.DataType => {
    if (type.kind === 'struct') {
      return {
        struct: {
          fields: type.fields.map((f) => ({
            name: f.name,
            dataType: convert(f.type),
            nullable: f.nullable,
            ...(f.type.kind === 'vector' ? { metadata: JSON.stringify(fieldMetadata(f.type)) } : {}),
          })),
        },
      };
    }
    if (type.kind === 'array')
      return { array: { elementType: convert(type.elementType), containsNull: type.containsNull } };
    return toSparkDataType(type);
  };
  return convert(schema);
}

function vectorSize(metadata: string | undefined): number | undefined {
  if (metadata === undefined || !metadata.includes(METADATA_KEY)) return undefined;
  try {
    const parsed = JSON.parse(metadata) as { [METADATA_KEY]?: { vector?: unknown } };
    const size = parsed[METADATA_KEY]?.vector;
    return typeof size === 'number' && Number.isInteger(size) && size > 0 ? size : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `schema` (what deepframe read from Spark's analysis, vectors as `array<float>`) with the vectors that the Spark
 * schema's field metadata records turned back into `vector<N>`, at any depth of structs.
 *
 * @example
 * ```ts
 * const spark = await client.analyzeSparkSchema(plan);
 * withVectorTypes(fromSparkSchema(spark), spark); // struct<id: long, features: vector<512>>
 * ```
 */
export function withVectorTypes(schema: StructType, spark: proto.DataType): StructType {
  const fields = spark.struct?.fields ?? [];
  let changed = false;
  const out: StructField[] = schema.fields.map((field, i) => {
    const sparkField = fields[i];
    if (sparkField === undefined) return field;
    const size = vectorSize(sparkField.metadata);
    if (size !== undefined && field.type.kind === 'array' && field.type.elementType.kind === 'float') {
      changed = true;
      return { ...field, type: DataTypes.vector(size) };
    }
    if (field.type.kind === 'struct' && sparkField.dataType !== undefined) {
      const inner = withVectorTypes(field.type, sparkField.dataType);
      if (inner !== field.type) {
        changed = true;
        return { ...field, type: inner };
      }
    }
    return field;
  });
  return changed ? DataTypes.struct(out) : schema;
}

/**
 * The top-level columns of a Spark schema that hold vectors, by name, with their sizes (from the fields'
 * metadata).
 *
 * @example
 * ```ts
 * vectorColumns(await client.analyzeSparkSchema(plan)); // { features: 512 }
 * ```
 */
export function vectorColumns(spark: proto.DataType): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of spark.struct?.fields ?? []) {
    const size = vectorSize(f.metadata);
    if (size !== undefined && f.name !== undefined) out[f.name] = size;
  }
  return out;
}
