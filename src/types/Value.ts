/**
 * A value of one cell, as rows hold it in JavaScript.
 *
 * | Spark type | JavaScript |
 * | --- | --- |
 * | boolean | `boolean` |
 * | byte, short, integer, float, double | `number` |
 * | long | `bigint` (exact) |
 * | string | `string` |
 * | binary | `Uint8Array` |
 * | date, timestamp | `Date` |
 * | array | `Value[]` |
 * | vector | `Float32Array` |
 * | struct | {@link Row} |
 * | null | `null` |
 */
export type Value =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Date
  | Float32Array
  | readonly Value[]
  | Row;

/** One row: column name to value, in the schema's column order. */
export interface Row {
  readonly [column: string]: Value;
}
