import { type DuckDBAppender, DuckDBDataChunk } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import type * as arrow from 'apache-arrow';
import { DeepframeError } from '../../errors.js';
import type { DataType, StructType } from '../../types/DataType.js';
import { toDuckDBType } from './duckdbTypes.js';

/** DuckDB's vector size: the most rows one data chunk holds. */
const CHUNK_ROWS = duckdb.vector_size();

/**
 * Appends an Arrow record batch to a DuckDB table through `appender`, chunk by chunk, copying fixed-width buffers
 * and validity masks whole. The batch's columns must have the deepframe types in `schema`, in table order.
 */
export function appendRecordBatch(
  appender: DuckDBAppender,
  batch: arrow.RecordBatch,
  schema: StructType,
): void {
  const types = schema.fields.map((f) => toDuckDBType(f.type));
  for (let offset = 0; offset < batch.numRows; offset += CHUNK_ROWS) {
    const rows = Math.min(CHUNK_ROWS, batch.numRows - offset);
    const chunk = DuckDBDataChunk.create(types, rows);
    schema.fields.forEach((field, i) => {
      const column = batch.getChildAt(i);
      if (column === null) return;
      const vector = duckdb.data_chunk_get_vector(chunk.chunk, i);
      for (const data of sliceVector(column, offset, rows)) writeData(vector, data.data, data.at, field.type);
    });
    duckdb.data_chunk_set_size(chunk.chunk, rows);
    appender.appendDataChunk(chunk);
  }
}

/** The pieces (one per Arrow chunk) of `rows` rows of a vector starting at `offset`, with where each goes. */
function sliceVector(vector: arrow.Vector, offset: number, rows: number): { data: arrow.Data; at: number }[] {
  const out: { data: arrow.Data; at: number }[] = [];
  let start = 0;
  for (const data of vector.data) {
    const end = start + data.length;
    const from = Math.max(offset, start);
    const to = Math.min(offset + rows, end);
    if (from < to) out.push({ data: data.slice(from - start, to - from), at: from - offset });
    start = end;
  }
  return out;
}

const isValid = (data: arrow.Data, i: number): boolean => {
  const bitmap = data.nullBitmap;
  if (bitmap === undefined || bitmap.length === 0 || data.nullCount === 0) return true;
  const bit = data.offset + i;
  return ((bitmap[bit >> 3]! >> (bit & 7)) & 1) === 1;
};

function writeValidity(vector: duckdb.Vector, data: arrow.Data, at: number): void {
  if (data.nullCount === 0) return;
  duckdb.vector_ensure_validity_writable(vector);
  // The mask DuckDB hands out is a copy: change it here, then copy it back whole.
  const bytes = Math.ceil((at + data.length) / 64) * 8;
  const mask = Uint8Array.from(duckdb.vector_get_validity(vector, bytes));
  for (let i = 0; i < data.length; i++) {
    if (!isValid(data, i)) {
      const bit = at + i;
      mask[bit >> 3]! &= ~(1 << (bit & 7));
    }
  }
  duckdb.copy_data_to_vector_validity(vector, 0, mask.buffer, 0, bytes);
}

function invalidateRows(vector: duckdb.Vector, type: DataType, rows: readonly number[]): void {
  if (rows.length === 0) return;
  duckdb.vector_ensure_validity_writable(vector);
  const bytes = Math.ceil((rows[rows.length - 1]! + 1) / 64) * 8;
  const mask = Uint8Array.from(duckdb.vector_get_validity(vector, bytes));
  for (const row of rows) mask[row >> 3]! &= ~(1 << (row & 7));
  duckdb.copy_data_to_vector_validity(vector, 0, mask.buffer, 0, bytes);
  if (type.kind === 'struct') {
    type.fields.forEach((f, i) => {
      invalidateRows(duckdb.struct_vector_get_child(vector, i), f.type, rows);
    });
  }
}

function copyValues(vector: duckdb.Vector, values: ArrayBufferView, at: number, width: number): void {
  duckdb.copy_data_to_vector(
    vector,
    at * width,
    values.buffer as ArrayBuffer,
    values.byteOffset,
    values.byteLength,
  );
}

function writeData(vector: duckdb.Vector, data: arrow.Data, at: number, type: DataType): void {
  writeValidity(vector, data, at);
  const n = data.length;
  switch (type.kind) {
    case 'boolean': {
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const bit = data.offset + i;
        bytes[i] = (data.values[bit >> 3]! >> (bit & 7)) & 1;
      }
      copyValues(vector, bytes, at, 1);
      return;
    }
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
    case 'date':
    case 'timestamp': {
      const values = data.values as Int32Array | BigInt64Array | Float32Array | Float64Array;
      copyValues(vector, values.subarray(0, n), at, values.BYTES_PER_ELEMENT);
      return;
    }
    case 'null':
      return;
    case 'string':
    case 'binary': {
      const offsets = data.valueOffsets as Int32Array;
      const bytes = data.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        if (!isValid(data, i)) continue;
        duckdb.vector_assign_string_element_len(vector, at + i, bytes.subarray(offsets[i]!, offsets[i + 1]!));
      }
      return;
    }
    case 'vector': {
      const child = data.children[0]!;
      // Slicing a fixed-size list slices its child too, so the child's values start at this row.
      const floats = (child.values as Float32Array).subarray(0, n * type.size);
      copyValues(duckdb.array_vector_get_child(vector), floats, at * type.size, 4);
      return;
    }
    case 'array': {
      const offsets = data.valueOffsets as Int32Array;
      const first = offsets[0]!;
      const total = offsets[n]! - first;
      const base = duckdb.list_vector_get_size(vector);
      duckdb.list_vector_reserve(vector, base + total);
      const entries = new BigUint64Array(n * 2);
      for (let i = 0; i < n; i++) {
        entries[i * 2] = BigInt(base + offsets[i]! - first);
        entries[i * 2 + 1] = BigInt(offsets[i + 1]! - offsets[i]!);
      }
      copyValues(vector, entries, at * 2, 8);
      const child = data.children[0]!;
      writeData(duckdb.list_vector_get_child(vector), child.slice(first, total), base, type.elementType);
      duckdb.list_vector_set_size(vector, base + total);
      return;
    }
    case 'struct': {
      const nullRows: number[] = [];
      for (let i = 0; i < n; i++) if (!isValid(data, i)) nullRows.push(at + i);
      type.fields.forEach((f, i) => {
        const child = duckdb.struct_vector_get_child(vector, i);
        // Slicing a struct slices its children, so they line up with the struct's rows.
        writeData(child, data.children[i]!, at, f.type);
        // DuckDB reads a field of a null struct from the field's own validity, so null structs null their fields.
        invalidateRows(child, f.type, nullRows);
      });
      return;
    }
    default: {
      const never: never = type;
      throw new DeepframeError(
        'UNSUPPORTED_TYPE',
        `Cannot load values of type ${JSON.stringify(never)} into DuckDB.`,
      );
    }
  }
}
