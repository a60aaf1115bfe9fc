import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { col } from '../../src/frame/functions.js';
import { useSession } from '../helpers/session.js';

const { session } = useSession();

const left = () =>
  session().createDataFrame([
    { id: 1, l: 'a' },
    { id: 2, l: 'b' },
    { id: 3, l: 'c' },
  ]);
const right = () =>
  session().createDataFrame([
    { id: 2, r: 'x' },
    { id: 3, r: 'y' },
    { id: 3, r: 'z' },
    { id: 4, r: 'w' },
  ]);

describe('join', () => {
  it('inner join on a column keeps matches, one key column first', async () => {
    const rows = await left().join(right(), 'id').orderBy('id', 'r').collect();
    assert.deepEqual(rows, [
      { id: 2, l: 'b', r: 'x' },
      { id: 3, l: 'c', r: 'y' },
      { id: 3, l: 'c', r: 'z' },
    ]);
  });

  it('left, right and full outer joins fill the missing side with nulls', async () => {
    assert.deepEqual(await left().join(right(), 'id', 'left').orderBy('id', 'r').collect(), [
      { id: 1, l: 'a', r: null },
      { id: 2, l: 'b', r: 'x' },
      { id: 3, l: 'c', r: 'y' },
      { id: 3, l: 'c', r: 'z' },
    ]);
    assert.deepEqual(await left().join(right(), ['id'], 'right').orderBy('id', 'r').collect(), [
      { id: 2, l: 'b', r: 'x' },
      { id: 3, l: 'c', r: 'y' },
      { id: 3, l: 'c', r: 'z' },
      { id: 4, l: null, r: 'w' },
    ]);
    assert.deepEqual(await left().join(right(), 'id', 'outer').orderBy('id', 'r').collect(), [
      { id: 1, l: 'a', r: null },
      { id: 2, l: 'b', r: 'x' },
      { id: 3, l: 'c', r: 'y' },
      { id: 3, l: 'c', r: 'z' },
      { id: 4, l: null, r: 'w' },
    ]);
  });

  it('semi and anti joins keep left rows with and without a match, left columns only', async () => {
    assert.deepEqual(await left().join(right(), 'id', 'left_semi').orderBy('id').collect(), [
      { id: 2, l: 'b' },
      { id: 3, l: 'c' },
    ]);
    assert.deepEqual(await left().join(right(), 'id', 'anti').collect(), [{ id: 1, l: 'a' }]);
  });

  it('cross join pairs every row', async () => {
    assert.equal(await left().crossJoin(right()).count(), 12);
  });

  it('joins on a condition over aliased DataFrames, keeping both sides', async () => {
    const rows = await left()
      .alias('a')
      .join(right().alias('b'), col('a.id').plus(1).equalTo(col('b.id')), 'inner')
      .orderBy('l', 'r')
      .collect();
    assert.deepEqual(rows, [
      { id: 1, l: 'a', id_1: 2, r: 'x' },
      { id: 2, l: 'b', id_1: 3, r: 'y' },
      { id: 2, l: 'b', id_1: 3, r: 'z' },
      { id: 3, l: 'c', id_1: 4, r: 'w' },
    ]);
  });

  it('an ambiguous column in a join condition is refused with advice', async () => {
    await assert.rejects(
      left()
        .join(right(), col('id').equalTo(col('id')))
        .collect(),
      /Column 'id' in join\(\) is ambiguous/,
    );
    await assert.rejects(
      left().join(right(), 'nope').collect(),
      /'nope' cannot be resolved in the left side of join\(\)/,
    );
  });
});
