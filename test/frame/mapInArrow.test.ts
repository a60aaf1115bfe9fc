import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { col } from '../../src/frame/functions.js';
import { DataTypes } from '../../src/types/DataType.js';
import { useSession } from '../helpers/session.js';

const { session } = useSession();
const modulePath = fileURLToPath(new URL('../fixtures/stages/frames.js', import.meta.url));
const outSchema = DataTypes.struct([
  DataTypes.field('id', DataTypes.long),
  DataTypes.field('square', DataTypes.double),
  DataTypes.field('thread', DataTypes.integer),
]);

describe('mapInArrow', () => {
  it('runs a module function over batches in the worker pool, in order, on several threads', async () => {
    const df = session()
      .range(0, 10_000)
      .mapInArrow({ modulePath, exportName: 'square' }, outSchema, { batchSize: 500 });
    assert.deepEqual(await df.schema(), outSchema);
    const rows = await df.collect();
    assert.equal(rows.length, 10_000);
    rows.forEach((r, i) => {
      assert.equal(r.id, BigInt(i));
      assert.equal(r.square, i * i);
    });
    assert.ok(new Set(rows.map((r) => r.thread)).size >= 2, 'batches ran on more than one worker thread');
  });

  it('feeds relational operators after it, and counts', async () => {
    const df = session()
      .range(0, 100)
      .mapInArrow({ modulePath, exportName: 'square' }, outSchema, { batchSize: 7 });
    assert.equal(await df.count(), 100);
    const big = await df.filter(col('square').gt(9000)).select('id').orderBy('id').collect();
    assert.deepEqual(
      big.map((r) => r.id),
      [95n, 96n, 97n, 98n, 99n],
    );
  });

  it('a stage whose output does not match its declared schema fails, naming both', async () => {
    const df = session().range(0, 10).mapInArrow({ modulePath, exportName: 'wrongColumns' }, outSchema);
    await assert.rejects(df.collect(), /returned columns \[other\] but declared \[id, square, thread\]/);
  });

  it('a missing export is reported with the module and the exports it has', async () => {
    const df = session().range(0, 10).mapInArrow({ modulePath, exportName: 'nope' }, outSchema);
    await assert.rejects(df.collect(), (e: Error) => /nope/.test(e.message) && /square/.test(e.message));
  });

  it('refuses a bad batch size', () => {
    assert.throws(
      () => session().range(1).mapInArrow({ modulePath, exportName: 'square' }, outSchema, { batchSize: 0 }),
      /batchSize/,
    );
  });
});
