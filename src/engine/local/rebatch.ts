import type * as arrow from 'apache-arrow';
import { concatBatches } from '../../tensor/concat.js';

/**
 * Regroups a stream of record batches into batches of exactly `size` rows (the last may be smaller), slicing
 * without copying where a batch is large and concatenating where batches are small.
 */
export async function* rebatch(
  batches: AsyncIterable<arrow.RecordBatch>,
  size: number,
): AsyncGenerator<arrow.RecordBatch> {
  let pending: arrow.RecordBatch[] = [];
  let pendingRows = 0;
  const flush = (): arrow.RecordBatch => {
    const merged = pending.length === 1 ? pending[0]! : concatBatches(pending);
    pending = [];
    pendingRows = 0;
    return merged;
  };
  for await (const batch of batches) {
    let offset = 0;
    while (offset < batch.numRows) {
      const take = Math.min(size - pendingRows, batch.numRows - offset);
      pending.push(offset === 0 && take === batch.numRows ? batch : batch.slice(offset, offset + take));
      pendingRows += take;
      offset += take;
      if (pendingRows === size) yield flush();
    }
  }
  if (pendingRows > 0) yield flush();
}
