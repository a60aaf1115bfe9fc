import duckdb from '@duckdb/node-bindings';
import * as arrow from 'apache-arrow';
import { toArrowSchema, toArrowType } from '../../types/arrow.js';
import type { DataType, StructType } from '../../types/DataType.js';

/**
 * Converts one DuckDB data chunk to an Arrow record batch, reading DuckDB's vectors directly: fixed-width columns
 * and validity masks are copied as whole buffers; strings and blobs are gathered into Arrow's offsets + data layout.
 * The chunk's columns must already have the deepframe types in `schema` (the SQL compiler casts to them).
 */
export function chunkToRecordBatch(chunk: duckdb.DataChunk, schema: StructType): arrow.RecordBatch {
  const rows = duckdb.data_chunk_get_size(chunk);
  const children = schema.fields.map((f, i) =>
    vectorToData(duckdb.data_chunk_get_vector(chunk, i), f.type, rows),
  );
  const structType = new arrow.Struct(toArrowSchema(schema).fields);
  const data = arrow.makeData({ type: structType, length: rows, children, nullCount: 0 });
  return new arrow.RecordBatch(toArrowSchema(schema), data);
}

function validityBitmap(vector: duckdb.Vector, rows: number): Uint8Array | undefined {
  if (rows === 0) return undefined;
  const words = Math.ceil(rows / 64);
  const mask = duckdb.vector_get_validity(vector, words * 8);
  if (!mask) return undefined;
  // DuckDB's mask is little-endian 64-bit words, bit i = row i valid: byte-for-byte Arrow's LSB-first bitmap.
  return mask.slice(0, Math.ceil(rows / 8));
}

function countNulls(bitmap: Uint8Array | undefined, rows: number): number {
  if (bitmap === undefined) return 0;
  let valid = 0;
  for (let i = 0; i < rows; i++) valid += (bitmap[i >> 3]! >> (i & 7)) & 1;
  return rows - valid;
}

type FixedArray =
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

function copyFixed<T extends FixedArray>(
  vector: duckdb.Vector,
  rows: number,
  Ctor: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number },
): T {
  const bytes = duckdb.vector_get_data(vector, rows * Ctor.BYTES_PER_ELEMENT);
  const copy = bytes.slice(0, rows * Ctor.BYTES_PER_ELEMENT);
  return new Ctor(copy.buffer, 0, rows);
}

function vectorToData(vector: duckdb.Vector, type: DataType, rows: number): arrow.Data {
  const nullBitmap = validityBitmap(vector, rows);
  const nullCount = countNulls(nullBitmap, rows);
  const arrowType = toArrowType(type);
  const base = {
    type: arrowType,
    length: rows,
    nullCount,
    ...(nullBitmap === undefined ? {} : { nullBitmap }),
  };
  switch (type.kind) {
    case 'boolean': {
      const bytes = duckdb.vector_get_data(vector, rows);
      const bits = new Uint8Array(Math.ceil(rows / 8));
      for (let i = 0; i < rows; i++) if (bytes[i] !== 0) bits[i >> 3]! |= 1 << (i & 7);
      return arrow.makeData({ ...base, type: arrowType as arrow.Bool, data: bits });
    }
    case 'byte':
      return arrow.makeData({
        ...base,
        type: arrowType as arrow.Int8,
        data: copyFixed(vector, rows, Int8Array),
      });
    case 'short':
      return arrow.makeData({
        ...base,
        type: arrowType as arrow.Int16,
        data: copyFixed(vector, rows, Int16Array),
      });
    case 'integer':
    case 'null':
      return arrow.makeData({
        ...base,
        type: arrowType as arrow.Int32,
        data: copyFixed(vector, rows, Int32Array),
      });
    case 'long':
      return arrow.makeData({
        ...base,
        type: arrowType as arrow.Int64,
        data: copyFixed(vector, rows, BigInt64Array),
      });
    case 'float':
      return arrow.makeData({
        ...base,
        type: arrowType as arrow.Float32,
        data: copyFixed(vector, rows, Float32Array),
      });
    case 'double':
      return arrow.makeData({
        ...base,
        type: arrowType as arrow.Float64,
        data: copyFixed(vector, rows, Float64Array),
      });
    case 'date':
      return arrow.makeData({
        ...base,
        type: arrowType as arrow.DateDay,
        data: copyFixed(vector, rows, Int32Array),
      });
    case 'timestamp':
      return arrow.makeData({
        ...base,
        type: arrowType as arrow.TimestampMicrosecond,
        data: copyFixed(vector, rows, BigInt64Array),
      });
    case 'string':
    case 'binary': {
      const { valueOffsets, data } = gatherStrings(vector, rows, nullBitmap);
      return type.kind === 'string'
        ? arrow.makeData({ ...base, type: arrowType as arrow.Utf8, valueOffsets, data })
        : arrow.makeData({ ...base, type: arrowType as arrow.Binary, valueOffsets, data });
    }
    case 'vector': {
      const child = duckdb.array_vector_get_child(vector);
      const values = copyFixed(child, rows * type.size, Float32Array);
      const t = arrowType as arrow.FixedSizeList<arrow.Float32>;
      const childData = arrow.makeData({
        type: new arrow.Float32(),
        length: rows * type.size,
        data: values,
        nullCount: 0,
      });
      return arrow.makeData({ ...base, type: t, child: childData });
    }
    case 'array': {
      const entries = copyFixed(vector, rows * 2, BigUint64Array);
      const valueOffsets = new Int32Array(rows + 1);
      let total = 0;
      for (let i = 0; i < rows; i++) {
        valueOffsets[i] = total;
        const valid = nullBitmap === undefined || ((nullBitmap[i >> 3]! >> (i & 7)) & 1) === 1;
        if (valid) {
          total += Number(entries[i * 2 + 1]);
        }
      }
      valueOffsets[rows] = total;
      const childVector = duckdb.list_vector_get_child(vector);
      const childSize = duckdb.list_vector_get_size(vector);
      const childData = vectorToData(childVector, type.elementType, childSize);
      // Entries are (offset, length) into the child vector; rows are usually laid out in order, but after a
      // filter they need not be, and then the child is gathered row by row.
      const sequential = isSequential(entries, rows, nullBitmap);
      const gathered = sequential
        ? sliceData(childData, Number(entries[0] ?? 0n), total)
        : gatherList(childData, entries, rows, nullBitmap);
      return arrow.makeData({
        ...base,
        type: arrowType as arrow.List,
        valueOffsets,
        child: gathered,
      });
    }
    case 'struct': {
      const children = type.fields.map((f, i) =>
        vectorToData(duckdb.struct_vector_get_child(vector, i), f.type, rows),
      );
      return arrow.makeData({ ...base, type: arrowType as arrow.Struct, children });
    }
    default: {
      const never: never = type;
      return never;
    }
  }
}

function isSequential(entries: BigUint64Array, rows: number, nullBitmap: Uint8Array | undefined): boolean {
  let expected: bigint | undefined;
  for (let i = 0; i < rows; i++) {
    if (nullBitmap !== undefined && ((nullBitmap[i >> 3]! >> (i & 7)) & 1) === 0) continue;
    const off = entries[i * 2]!;
    if (expected !== undefined && off !== expected) return false;
    expected = off + entries[i * 2 + 1]!;
  }
  return true;
}

function sliceData(data: arrow.Data, offset: number, length: number): arrow.Data {
  return offset === 0 && length === data.length ? data : data.slice(offset, length);
}

/** The slow path for list columns whose rows are not laid out in order in DuckDB's child vector. */
function gatherList(
  child: arrow.Data,
  entries: BigUint64Array,
  rows: number,
  nullBitmap: Uint8Array | undefined,
): arrow.Data {
  const values = arrow.makeVector(child);
  const indices: number[] = [];
  for (let i = 0; i < rows; i++) {
    if (nullBitmap !== undefined && ((nullBitmap[i >> 3]! >> (i & 7)) & 1) === 0) continue;
    const off = Number(entries[i * 2]);
    const len = Number(entries[i * 2 + 1]);
    for (let j = 0; j < len; j++) indices.push(off + j);
  }
  const gathered = arrow.vectorFromArray(
    indices.map((j) => values.get(j)),
    child.type,
  );
  return gathered.data[0] ?? child.slice(0, 0);
}

function gatherStrings(
  vector: duckdb.Vector,
  rows: number,
  nullBitmap: Uint8Array | undefined,
): { valueOffsets: Int32Array; data: Uint8Array } {
  const raw = duckdb.vector_get_data(vector, rows * 16);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const valueOffsets = new Int32Array(rows + 1);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    valueOffsets[i] = total;
    if (nullBitmap !== undefined && ((nullBitmap[i >> 3]! >> (i & 7)) & 1) === 0) continue;
    total += view.getUint32(i * 16, true);
  }
  valueOffsets[rows] = total;
  const data = new Uint8Array(total);
  for (let i = 0; i < rows; i++) {
    const start = valueOffsets[i]!;
    const len = valueOffsets[i + 1]! - start;
    if (len === 0) continue;
    if (len <= 12) {
      data.set(raw.subarray(i * 16 + 4, i * 16 + 4 + len), start);
    } else {
      data.set(
        duckdb.get_data_from_pointer(raw.buffer as ArrayBuffer, raw.byteOffset + i * 16 + 8, len),
        start,
      );
    }
  }
  return { valueOffsets, data };
}
