/**
 * One record batch as Arrow IPC stream bytes, and back: how batches cross a thread or process boundary.
 *
 * Writing copies the batch's buffers once into one contiguous buffer (which a message port can then transfer
 * without a copy); reading makes views over the bytes, without copying them.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { ExecutionError } from '../errors.js';

/**
 * A record batch as the bytes of an Arrow IPC stream: a schema message, the batch, and the end-of-stream marker.
 *
 * @example
 * ```ts
 * const bytes = batchToIPC(batch);
 * const again = batchFromIPC(bytes);
 * ```
 */
export function batchToIPC(batch: arrow.RecordBatch): Uint8Array {
  return arrow.tableToIPC(new arrow.Table(batch), 'stream');
}

/** A record batch with no rows and the given schema. */
export function emptyBatch(schema: arrow.Schema): arrow.RecordBatch {
  const children = schema.fields.map((f) => arrow.makeBuilder({ type: f.type }).finish().flush());
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: 0, nullCount: 0, children });
  return new arrow.RecordBatch(schema, data);
}

/**
 * The one record batch held by Arrow IPC stream bytes. A stream with a schema and no batch reads as a batch with
 * no rows; a stream of several batches fails with `IPC_NOT_ONE_BATCH`.
 */
export function batchFromIPC(bytes: Uint8Array): arrow.RecordBatch {
  const table = arrow.tableFromIPC(bytes);
  const [first, ...rest] = table.batches;
  if (rest.length > 0) {
    throw new ExecutionError(
      'IPC_NOT_ONE_BATCH',
      `Expected an Arrow IPC stream of one record batch; got ${table.batches.length}.`,
      { batches: String(table.batches.length) },
    );
  }
  // A stream without a batch reads as an internal placeholder; give stages a real empty batch instead.
  if (first === undefined || first.numRows === 0) return emptyBatch(table.schema);
  return first;
}

/**
 * An ArrayBuffer holding exactly these bytes, to put in a transfer list: the view's own buffer when the view
 * covers it whole (what {@link batchToIPC} returns), else a copy.
 */
export function transferableBuffer(bytes: Uint8Array): ArrayBuffer {
  const { buffer } = bytes;
  if (buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength) {
    return buffer;
  }
  return bytes.slice().buffer as ArrayBuffer;
}
