import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as F from '../../src/frame/functions.js';
import { col } from '../../src/frame/functions.js';
import { useSession } from '../helpers/session.js';

const { session } = useSession();

const sales = () =>
  session().createDataFrame([
    { shop: 'a', item: 'x', qty: 2, price: 1.5 },
    { shop: 'a', item: 'y', qty: 3, price: null },
    { shop: 'a', item: 'x', qty: null, price: 2.5 },
    { shop: 'b', item: 'x', qty: 5, price: 4.0 },
    { shop: null, item: 'z', qty: 1, price: 1.0 },
  ]);

describe('groupBy and aggregates', () => {
  it('computes every aggregate per group with SQL null semantics (nulls skipped, null keys grouped)', async () => {
    const rows = await sales()
      .groupBy('shop')
      .agg(
        F.count('*').alias('rows'),
        F.count('qty').alias('qtys'),
        F.sum('qty').alias('sum_qty'),
        F.avg('price').alias('avg_price'),
        F.min('price').alias('min_price'),
        F.max('qty').alias('max_qty'),
        F.countDistinct('item').alias('items'),
        F.collectList('qty').alias('qty_list'),
      )
      .orderBy('shop')
      .collect();
    assert.deepEqual(rows, [
      {
        shop: null,
        rows: 1n,
        qtys: 1n,
        sum_qty: 1n,
        avg_price: 1,
        min_price: 1,
        max_qty: 1,
        items: 1n,
        qty_list: [1],
      },
      {
        shop: 'a',
        rows: 3n,
        qtys: 2n,
        sum_qty: 5n,
        avg_price: 2,
        min_price: 1.5,
        max_qty: 3,
        items: 2n,
        qty_list: [2, 3],
      },
      {
        shop: 'b',
        rows: 1n,
        qtys: 1n,
        sum_qty: 5n,
        avg_price: 4,
        min_price: 4,
        max_qty: 5,
        items: 1n,
        qty_list: [5],
      },
    ]);
  });

  it('names unaliased aggregates as Spark does and offers the shortcuts', async () => {
    const df = sales().groupBy('shop').agg(F.sum('qty'), F.count('*'));
    assert.deepEqual(await df.columns(), ['shop', 'sum(qty)', 'count(1)']);
    assert.deepEqual(await sales().groupBy('shop').count().orderBy('shop').collect(), [
      { shop: null, count: 1n },
      { shop: 'a', count: 3n },
      { shop: 'b', count: 1n },
    ]);
    const maxes = await sales().groupBy('item').max('qty').orderBy('item').collect();
    assert.deepEqual(maxes, [
      { item: 'x', 'max(qty)': 5 },
      { item: 'y', 'max(qty)': 3 },
      { item: 'z', 'max(qty)': 1 },
    ]);
    const byDict = await sales().groupBy('shop').agg({ qty: 'sum' }).orderBy('shop').collect();
    assert.deepEqual(
      byDict.map((r) => r['sum(qty)']),
      [1n, 5n, 5n],
    );
  });

  it('groups by expressions and by several keys; aggregates over all rows without keys', async () => {
    const rows = await sales()
      .groupBy(col('qty').gt(2).alias('big'), 'item')
      .agg(F.count('*').alias('n'))
      .orderBy('big', 'item')
      .collect();
    assert.deepEqual(rows, [
      { big: null, item: 'x', n: 1n },
      { big: false, item: 'x', n: 1n },
      { big: false, item: 'z', n: 1n },
      { big: true, item: 'x', n: 1n },
      { big: true, item: 'y', n: 1n },
    ]);
    const [all] = await sales().agg(F.sum('qty').alias('total'), F.stddev('qty').alias('sd')).collect();
    assert.equal(all?.total, 11n);
    assert.ok(Math.abs((all?.sd as number) - Math.sqrt(2.9166666666666665)) < 1e-12);
    assert.deepEqual(await sales().select(F.max('price')).collect(), [{ 'max(price)': 4 }]);
  });

  it('an unknown aggregate name is refused', () => {
    assert.throws(
      () => sales().groupBy('shop').agg({ qty: 'median-ish' }),
      /Unknown aggregate function 'median-ish'/,
    );
  });
});
