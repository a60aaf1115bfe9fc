import * as arrow from 'apache-arrow';
import { SchemaError } from '../errors.js';
import { concatData } from './concat.js';

/**
 * The float values of a vector column (`FixedSizeList<Float32>`), `size` per row, row after row: a view without a
 * copy when the column is one contiguous chunk. Rows that are null hold whatever the buffer has; check
 * `column.isValid(i)`.
 */
export function vectorValues(
  column: arrow.Vector | arrow.Data,
  size: number,
  name = 'vector column',
): Float32Array {
  const data =
    column instanceof arrow.Vector
      ? column.data.length === 1
        ? column.data[0]!
        : concatData(column.data)
      : column;
  if (arrow.DataType.isList(data.type)) return listValues(data as arrow.Data<arrow.List>, size, name);
  if (!arrow.DataType.isFixedSizeList(data.type) || (data.type as arrow.FixedSizeList).listSize !== size) {
    throw new SchemaError(
      'VECTOR_SIZE_MISMATCH',
      `${name} must be a vector of ${size} floats, but is ${String(data.type)}.`,
      {
        column: name,
        expected: String(size),
      },
    );
  }
  const child = data.children[0]!;
  if (
    !arrow.DataType.isFloat(child.type) ||
    (child.type as arrow.Float).precision !== arrow.Precision.SINGLE
  ) {
    throw new SchemaError(
      'VECTOR_TYPE_MISMATCH',
      `${name} must hold 32-bit floats, but holds ${String(child.type)}.`,
      {
        column: name,
      },
    );
  }
  // Slicing a fixed-size list slices its child, so the child's values start at the list's first row.
  return (child.values as Float32Array).subarray(0, data.length * size);
}

/**
 * The values of a `List<Float32>` column whose rows all hold `size` values (vectors as Spark returns them), copied
 * row after row; null rows become zeros.
 */
function listValues(data: arrow.Data<arrow.List>, size: number, name: string): Float32Array {
  const child = data.children[0]!;
  if (
    !arrow.DataType.isFloat(child.type) ||
    (child.type as arrow.Float).precision !== arrow.Precision.SINGLE
  ) {
    throw new SchemaError(
      'VECTOR_TYPE_MISMATCH',
      `${name} must hold 32-bit floats, but holds ${String(child.type)}.`,
      {
        column: name,
      },
    );
  }
  const offsets = data.valueOffsets;
  const values = child.values as Float32Array;
  const out = new Float32Array(data.length * size);
  for (let i = 0; i < data.length; i++) {
    if (!data.getValid(i)) continue;
    const start = offsets[i] as number;
    const length = (offsets[i + 1] as number) - start;
    if (length !== size) {
      throw new SchemaError(
        'VECTOR_SIZE_MISMATCH',
        `${name} must hold vectors of ${size} floats, but row ${i} of a batch holds ${length}.`,
        { column: name, expected: String(size), got: String(length) },
      );
    }
    out.set(values.subarray(start, start + size), i * size);
  }
  return out;
}

/** A vector column (`FixedSizeList<Float32>` of `size`) over `values`, with `valid[i] === false` rows null. */
export function vectorData(
  values: Float32Array,
  size: number,
  valid?: readonly boolean[],
): arrow.Data<arrow.FixedSizeList<arrow.Float32>> {
  const length = size === 0 ? (valid?.length ?? 0) : values.length / size;
  const type = new arrow.FixedSizeList(size, new arrow.Field('element', new arrow.Float32(), false));
  const child = arrow.makeData({
    type: new arrow.Float32(),
    length: values.length,
    data: values,
    nullCount: 0,
  });
  if (valid === undefined || valid.every(Boolean)) {
    return arrow.makeData({ type, length, child, nullCount: 0 });
  }
  const bitmap = new Uint8Array(Math.ceil(length / 8));
  let nulls = 0;
  for (let i = 0; i < length; i++) {
    if (valid[i]) bitmap[i >> 3]! |= 1 << (i & 7);
    else nulls++;
  }
  return arrow.makeData({ type, length, child, nullCount: nulls, nullBitmap: bitmap });
}
