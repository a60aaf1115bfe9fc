/**
 * TypeScript shapes of the Spark Connect messages in `spark/connect/types.proto`, as plain objects with protobufjs'
 * camelCase field names. Every field is optional, as in proto3; a `oneof` is a set of optional fields of which one
 * is set.
 *
 * Conventions of every message type in this folder: 64-bit integers are {@link Int64} (decoded as decimal
 * strings), enums are their value names, bytes are `Uint8Array`, maps are records.
 */

/** A 64-bit integer: a number (when safe), a bigint or a decimal string. Decoded values are decimal strings. */
export type Int64 = number | bigint | string;

/** A message with no fields of interest (Spark's per-type `type_variation_reference` is never set by deepframe). */
export interface Empty {
  readonly typeVariationReference?: number;
}

/** One named field of a {@link StructType}. */
export interface StructField {
  readonly name?: string;
  readonly dataType?: DataType;
  readonly nullable?: boolean;
  /** Field metadata as a JSON object. */
  readonly metadata?: string;
}

/** `spark.connect.DataType`: a Spark SQL type; exactly one kind is set. */
export interface DataType {
  readonly null?: Empty;
  readonly binary?: Empty;
  readonly boolean?: Empty;
  readonly byte?: Empty;
  readonly short?: Empty;
  readonly integer?: Empty;
  readonly long?: Empty;
  readonly float?: Empty;
  readonly double?: Empty;
  readonly decimal?: { readonly scale?: number; readonly precision?: number };
  readonly string?: { readonly collation?: string };
  readonly char?: { readonly length?: number };
  readonly varChar?: { readonly length?: number };
  readonly date?: Empty;
  readonly timestamp?: Empty;
  readonly timestampNtz?: Empty;
  readonly calendarInterval?: Empty;
  readonly yearMonthInterval?: { readonly startField?: number; readonly endField?: number };
  readonly dayTimeInterval?: { readonly startField?: number; readonly endField?: number };
  readonly array?: { readonly elementType?: DataType; readonly containsNull?: boolean };
  readonly struct?: StructType;
  readonly map?: {
    readonly keyType?: DataType;
    readonly valueType?: DataType;
    readonly valueContainsNull?: boolean;
  };
  readonly udt?: {
    readonly type?: string;
    readonly jvmClass?: string;
    readonly pythonClass?: string;
    readonly serializedPythonClass?: string;
    readonly sqlType?: DataType;
  };
  readonly unparsed?: { readonly dataTypeString?: string };
  readonly variant?: Empty;
}

/** `spark.connect.DataType.Struct`. */
export interface StructType {
  readonly fields?: readonly StructField[];
}
