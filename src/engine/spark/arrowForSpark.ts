import * as arrow from 'apache-arrow';

/**
 * Arrow data as Spark reads it: Spark has no fixed-size lists, so vector columns (`FixedSizeList<Float32>`, at any
 * depth) become variable-size lists of floats, sharing the same values buffer.
 */
export function listsForSpark(data: arrow.Data): arrow.Data {
  const type = data.type as arrow.DataType;
  if (arrow.DataType.isDictionary(type)) {
    // Spark reads dictionary-encoded columns as their indices: send the values themselves.
    const values = arrow.makeVector(data as arrow.Data<arrow.Dictionary>);
    return listsForSpark(arrow.vectorFromArray([...values], (type as arrow.Dictionary).dictionary).data[0]!);
  }
  if (arrow.DataType.isFixedSizeList(type)) {
    const size = (type as arrow.FixedSizeList).listSize;
    const child = listsForSpark(data.children[0]!);
    const valueOffsets = new Int32Array(data.length + 1);
    for (let i = 0; i <= data.length; i++) valueOffsets[i] = i * size;
    const listType = new arrow.List(new arrow.Field('element', child.type, true));
    return arrow.makeData({
      type: listType,
      length: data.length,
      nullCount: data.nullCount,
      ...(data.nullBitmap === undefined ? {} : { nullBitmap: data.nullBitmap }),
      valueOffsets,
      child,
    });
  }
  if (arrow.DataType.isStruct(type)) {
    const children = data.children.map(listsForSpark);
    if (children.every((c, i) => c === data.children[i])) return data;
    const fields = (type as arrow.Struct).children.map(
      (f, i) => new arrow.Field(f.name, children[i]!.type, f.nullable),
    );
    return arrow.makeData({
      type: new arrow.Struct(fields),
      length: data.length,
      nullCount: data.nullCount,
      ...(data.nullBitmap === undefined ? {} : { nullBitmap: data.nullBitmap }),
      children,
    });
  }
  return data;
}

/** A table as Arrow IPC stream bytes that Spark's `LocalRelation` reads. */
export function tableForSpark(table: arrow.Table): Uint8Array {
  const batches = table.batches.map((b) => {
    const data = listsForSpark(b.data);
    const schema = new arrow.Schema((data.type as arrow.Struct).children);
    return new arrow.RecordBatch(schema, data as arrow.Data<arrow.Struct>);
  });
  const schema = batches[0]?.schema ?? table.schema;
  return arrow.tableToIPC(new arrow.Table(schema, batches), 'stream');
}
