import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as arrow from 'apache-arrow';
import { DeepframeError } from '../../src/errors.js';
import { col, lit } from '../../src/frame/functions.js';
import { Session } from '../../src/frame/Session.js';
import { DataTypes } from '../../src/types/DataType.js';

describe('Session', () => {
  it('builder().master(local[N]) gives an embedded session with N-way parallelism; getOrCreate reuses it', async () => {
    const a = await Session.builder().master('local[2]').appName('t').getOrCreate();
    try {
      assert.equal(a.parallelism, 2);
      assert.equal(a.appName, 't');
      assert.equal(await Session.builder().master('local[2]').getOrCreate(), a);
      assert.equal(Session.active(), a);
    } finally {
      await a.stop();
    }
    assert.equal(Session.active(), undefined);
    assert.equal(a.stopped, true);
    await assert.rejects(a.range(3).count(), /SESSION_CLOSED/);
  });

  it('an unknown master is refused with what is accepted', async () => {
    await assert.rejects(Session.builder().master('yarn').getOrCreate(), (e: DeepframeError) => {
      assert.equal(e.errorClass, 'UNKNOWN_MASTER');
      assert.match(e.message, /'local', 'local\[N\]' or 'local\[\*\]'/);
      return true;
    });
  });

  it('range, createDataFrame from rows and from Arrow, with inferred and given schemas', async () => {
    await using session = await Session.builder().master('local[1]').create();
    assert.deepEqual(await session.range(2, 11, 4).collect(), [{ id: 2n }, { id: 6n }, { id: 10n }]);
    assert.equal(await session.range(1000).count(), 1000);
    const inferred = session.createDataFrame([{ i: 1, d: 1.5, b: true, s: 'x', l: 2n, t: new Date(0) }]);
    assert.deepEqual(
      (await inferred.schema()).fields.map((f) => f.type.kind),
      ['integer', 'double', 'boolean', 'string', 'long', 'timestamp'],
    );
    assert.deepEqual((await inferred.first())?.t, new Date(0));
    const mixed = session.createDataFrame([{ x: 1 }, { x: 2.5 }]);
    assert.deepEqual(
      (await mixed.collect()).map((r) => r.x),
      [1, 2.5],
    );
    const schema = DataTypes.struct([
      DataTypes.field('n', DataTypes.long),
      DataTypes.field('f', DataTypes.float),
    ]);
    const given = session.createDataFrame([{ n: 5, f: 0.5 }], schema);
    assert.deepEqual(await given.collect(), [{ n: 5n, f: 0.5 }]);
    const table = arrow.tableFromArrays({
      a: Int32Array.from([1, 2, 3]),
      b: Float64Array.from([0.5, 1, 1.5]),
    });
    const fromArrow = session.createDataFrame(table);
    assert.deepEqual(
      await fromArrow.filter(col('a').gt(1)).select(col('b').multiply(2).alias('b2')).collect(),
      [{ b2: 2 }, { b2: 3 }],
    );
    assert.deepEqual(await session.createDataFrame([], schema).count(), 0);
    assert.throws(() => session.createDataFrame([]), /cannot infer a schema from no rows/);
  });

  it('streams a large result in bounded batches', async () => {
    await using session = await Session.builder().master('local[2]').create();
    let batches = 0;
    let rows = 0;
    let largest = 0;
    for await (const batch of session.range(0, 1_000_000).filter(col('id').mod(3).equalTo(lit(0)))) {
      batches++;
      rows += batch.numRows;
      largest = Math.max(largest, batch.numRows);
    }
    assert.equal(rows, 333_334);
    assert.ok(batches > 100, `${batches} batches`);
    assert.ok(largest <= 2048, `largest batch ${largest} rows`);
  });

  it('cancels a running query through its signal', async () => {
    await using session = await Session.builder().master('local[2]').create();
    const controller = new AbortController();
    let rows = 0;
    await assert.rejects(
      (async () => {
        for await (const batch of session.range(0, 50_000_000).toBatches({ signal: controller.signal })) {
          rows += batch.numRows;
          if (rows > 10_000) controller.abort(new DeepframeError('CANCELLED', 'stop'));
        }
      })(),
    );
    assert.ok(rows < 50_000_000);
  });
});
