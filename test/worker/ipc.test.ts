import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as arrow from 'apache-arrow';
import { ExecutionError } from '../../src/errors.js';
import { batchFromIPC, batchToIPC, emptyBatch, transferableBuffer } from '../../src/worker/index.js';
import { batchOf, column } from '../fixtures/stages/helpers.js';

describe('batchToIPC / batchFromIPC', () => {
  it('round-trips a batch through Arrow IPC stream bytes', () => {
    const batch = batchOf([1, 2, 3], 7);
    const again = batchFromIPC(batchToIPC(batch));
    assert.deepEqual(again.schema.names, ['x', 'delay']);
    assert.deepEqual(column(again, 'x'), [1, 2, 3]);
    assert.deepEqual(column(again, 'delay'), [7, 7, 7]);
  });

  it('writes into a buffer of its own, which can be transferred as it is', () => {
    const bytes = batchToIPC(batchOf([1, 2]));
    assert.equal(transferableBuffer(bytes), bytes.buffer);
    const view = bytes.subarray(1);
    const copy = transferableBuffer(view);
    assert.notEqual(copy, bytes.buffer);
    assert.deepEqual(new Uint8Array(copy), view);
  });

  it('reads an empty batch as a real batch with no rows and the schema', () => {
    const schema = new arrow.Schema([
      new arrow.Field('x', new arrow.Float64()),
      new arrow.Field('l', new arrow.List(new arrow.Field('e', new arrow.Int32()))),
    ]);
    const empty = emptyBatch(schema);
    assert.equal(empty.numRows, 0);
    const again = batchFromIPC(batchToIPC(empty));
    assert.equal(again.numRows, 0);
    assert.deepEqual(again.schema.names, ['x', 'l']);
    assert.equal(String(again.schema.fields[1]?.type), 'List<Int32>');
    assert.equal(again.getChild('l')?.length, 0);
  });

  it('refuses a stream of several batches', () => {
    const table = new arrow.Table([batchOf([1]), batchOf([2])]);
    assert.throws(
      () => batchFromIPC(arrow.tableToIPC(table, 'stream')),
      (e: unknown) => e instanceof ExecutionError && e.errorClass === 'IPC_NOT_ONE_BATCH',
    );
  });
});
