import * as arrow from 'apache-arrow';

const isValid = (data: arrow.Data, i: number): boolean => {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || bitmap === undefined || bitmap.length === 0) return true;
  const bit = data.offset + i;
  return ((bitmap[bit >> 3]! >> (bit & 7)) & 1) === 1;
};

function concatBitmap(
  parts: readonly arrow.Data[],
  length: number,
): { bitmap?: Uint8Array; nullCount: number } {
  const nullCount = parts.reduce((n, p) => n + p.nullCount, 0);
  if (nullCount === 0) return { nullCount };
  const bitmap = new Uint8Array(Math.ceil(length / 8));
  let at = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++, at++) if (isValid(p, i)) bitmap[at >> 3]! |= 1 << (at & 7);
  }
  return { bitmap, nullCount };
}

type Fixed = Int8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array | Uint8Array;

/**
 * Concatenates Arrow data of one type into a single contiguous `Data` (Arrow JS has no concatenation kernel):
 * fixed-width values and offsets are copied as whole ranges; nested types recurse into their children.
 */
export function concatData(parts: readonly arrow.Data[]): arrow.Data {
  const first = parts[0]!;
  if (parts.length === 1) return first;
  const type = first.type as arrow.DataType;
  const length = parts.reduce((n, p) => n + p.length, 0);
  const { bitmap, nullCount } = concatBitmap(parts, length);
  const base = { length, nullCount, ...(bitmap === undefined ? {} : { nullBitmap: bitmap }) };
  if (arrow.DataType.isStruct(type)) {
    const children = type.children.map((_, c) => concatData(parts.map((p) => p.children[c]!)));
    return arrow.makeData({ ...base, type, children });
  }
  if (arrow.DataType.isFixedSizeList(type)) {
    const child = concatData(parts.map((p) => p.children[0]!));
    return arrow.makeData({ ...base, type, child });
  }
  if (arrow.DataType.isList(type) || arrow.DataType.isUtf8(type) || arrow.DataType.isBinary(type)) {
    const valueOffsets = new Int32Array(length + 1);
    let at = 0;
    let total = 0;
    for (const p of parts) {
      const offs = p.valueOffsets as Int32Array;
      const start = offs[0]!;
      for (let i = 0; i < p.length; i++) valueOffsets[at++] = total + offs[i]! - start;
      total += offs[p.length]! - start;
    }
    valueOffsets[length] = total;
    if (arrow.DataType.isList(type)) {
      const child = concatData(
        parts.map((p) => {
          const offs = p.valueOffsets as Int32Array;
          return p.children[0]!.slice(offs[0]!, offs[p.length]! - offs[0]!);
        }),
      );
      return arrow.makeData({ ...base, type, valueOffsets, child });
    }
    const data = new Uint8Array(total);
    let pos = 0;
    for (const p of parts) {
      const offs = p.valueOffsets as Int32Array;
      const bytes = (p.values as Uint8Array).subarray(offs[0]!, offs[p.length]!);
      data.set(bytes, pos);
      pos += bytes.length;
    }
    return arrow.DataType.isUtf8(type)
      ? arrow.makeData({ ...base, type, valueOffsets, data })
      : arrow.makeData({ ...base, type: type as arrow.Binary, valueOffsets, data });
  }
  if (arrow.DataType.isBool(type)) {
    const data = new Uint8Array(Math.ceil(length / 8));
    let at = 0;
    for (const p of parts) {
      for (let i = 0; i < p.length; i++, at++) {
        const bit = p.offset + i;
        if (((p.values[bit >> 3]! >> (bit & 7)) & 1) === 1) data[at >> 3]! |= 1 << (at & 7);
      }
    }
    return arrow.makeData({ ...base, type, data });
  }
  if (arrow.DataType.isNull(type)) return arrow.makeData({ type, length });
  // Fixed-width types: values are already positioned at each part's offset.
  const stride = first.stride;
  const Ctor = (first.values as Fixed).constructor as { new (n: number): Fixed };
  const data = new Ctor(length * stride);
  let pos = 0;
  for (const p of parts) {
    const values = (p.values as Fixed).subarray(0, p.length * stride);
    (data as Uint8Array).set(values as Uint8Array, pos);
    pos += values.length;
  }
  return arrow.makeData({ ...base, type, data } as never);
}

/** One record batch with the rows of several batches of the same schema, in order (copies the data). */
export function concatBatches(batches: readonly arrow.RecordBatch[]): arrow.RecordBatch {
  const first = batches[0]!;
  if (batches.length === 1) return first;
  const data = concatData(batches.map((b) => b.data));
  return new arrow.RecordBatch(first.schema, data as arrow.Data<arrow.Struct>);
}

/** One record batch with the columns of `left` then those of `right`, which have as many rows (no copy). */
export function zipColumns(left: arrow.RecordBatch, right: arrow.RecordBatch): arrow.RecordBatch {
  const fields = [...left.schema.fields, ...right.schema.fields];
  const children = [...left.data.children, ...right.data.children];
  return new arrow.RecordBatch(
    new arrow.Schema(fields),
    arrow.makeData({ type: new arrow.Struct(fields), length: left.numRows, nullCount: 0, children }),
  );
}
