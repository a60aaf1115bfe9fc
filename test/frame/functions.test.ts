import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Column } from '../../src/frame/Column.js';
import * as F from '../../src/frame/functions.js';
import { col, lit, when } from '../../src/frame/functions.js';
import { DataTypes } from '../../src/types/DataType.js';
import { useSession } from '../helpers/session.js';

const { session } = useSession();

/** Evaluates expressions over one row `{a: 7, b: 2, n: null, s: ' Hi ', x: -2.5}` and returns the values. */
async function evalRow(...exprs: F.ColumnOrName[]): Promise<unknown[]> {
  const schema = DataTypes.struct([
    DataTypes.field('a', DataTypes.integer),
    DataTypes.field('b', DataTypes.integer),
    DataTypes.field('n', DataTypes.integer),
    DataTypes.field('s', DataTypes.string),
    DataTypes.field('x', DataTypes.double),
  ]);
  const df = session().createDataFrame([{ a: 7, b: 2, n: null, s: ' Hi ', x: -2.5 }], schema);
  const row = await df
    .select(...exprs.map((e, i) => (typeof e === 'string' ? col(e) : e).alias(`c${i}`)))
    .first();
  return Object.values(row ?? {});
}

describe('column expressions', () => {
  it('arithmetic follows Spark: / is always a double, x / 0 and x % 0 are null', async () => {
    assert.deepEqual(
      await evalRow(
        col('a').plus(col('b')),
        col('a').minus(1),
        col('a').multiply(col('b')),
        col('a').divide(col('b')),
        col('a').mod(col('b')),
        col('a').divide(0),
        col('a').mod(0),
        col('a').negate(),
        lit(-7).mod(2),
      ),
      [9, 6, 14, 3.5, 1, null, null, -7, -1],
    );
  });

  it('comparisons and three-valued logic with nulls', async () => {
    assert.deepEqual(
      await evalRow(
        col('a').gt(col('b')),
        col('a').leq(7),
        col('a').equalTo(col('n')),
        col('n').eqNullSafe(lit(null)),
        col('a').eqNullSafe(col('n')),
        col('a').notEqual(2),
        col('n').gt(1).and(lit(false)),
        col('n').gt(1).or(lit(true)),
        col('n').gt(1).or(lit(false)),
        col('n').gt(1).not(),
        col('a').between(1, 7),
        col('a').isin(1, 7, 9),
      ),
      [true, true, null, true, false, true, false, true, null, null, true, true],
    );
  });

  it('null tests, coalesce, when/otherwise', async () => {
    assert.deepEqual(
      await evalRow(
        col('n').isNull(),
        col('a').isNotNull(),
        F.coalesce(col('n'), col('b')),
        when(col('a').gt(5), 'big').when(col('a').gt(1), 'mid').otherwise('small'),
        when(col('a').lt(0), 'neg'),
        F.isnull('n'),
      ),
      [true, true, 2, 'big', null, true],
    );
    assert.throws(() => col('a').otherwise(1), /otherwise\(\) can only end a when\(\) chain/);
  });

  it('cast truncates toward zero and gives null for what does not convert', async () => {
    assert.deepEqual(
      await evalRow(
        col('x').cast('int'),
        lit(2.7).cast('int'),
        lit('12.9').cast('int'),
        lit('abc').cast('int'),
        col('a').cast('string'),
        col('a').cast('double'),
        lit('true').cast('boolean'),
        col('a').cast('bigint'),
      ),
      [-2, 2, 12, null, '7', 7, true, 7n],
    );
  });

  it('math functions', async () => {
    const [abs, sqrt, sqrtNeg, exp0, ln1, lnNeg, log10, pow, round, floor, ceil, signum, greatest, least] =
      await evalRow(
        F.abs('x'),
        F.sqrt(lit(16)),
        F.sqrt(lit(-1)),
        F.exp(lit(0)),
        F.log(lit(1)),
        F.log(lit(-1)),
        F.log10(lit(1000)),
        F.pow('b', 10),
        F.round(lit(2.5)),
        F.floor('x'),
        F.ceil('x'),
        F.signum('x'),
        F.greatest(col('a'), col('b'), col('n')),
        F.least(col('a'), col('b')),
      );
    assert.deepEqual([abs, sqrt, exp0, ln1, lnNeg, pow, round], [2.5, 4, 1, 0, null, 1024, 3]);
    assert.ok(Number.isNaN(sqrtNeg));
    assert.ok(Math.abs((log10 as number) - 3) < 1e-12);
    assert.deepEqual([floor, ceil, signum, greatest, least], [-3n, -2n, -1, 7, 2]);
  });

  it('string functions', async () => {
    assert.deepEqual(
      await evalRow(
        F.upper('s'),
        F.lower('s'),
        F.trim('s'),
        F.ltrim('s'),
        F.rtrim('s'),
        F.length('s'),
        F.concat(col('s'), lit('!')),
        F.concat(col('s'), col('n').cast('string')),
        F.concatWs('-', lit('a'), col('n').cast('string'), lit('b')),
        F.substring(lit('spark'), 2, 3),
        col('s').contains('H'),
        lit('deepframe').startsWith('deep'),
        lit('deepframe').endsWith('x'),
        lit('abc').like('a%'),
        lit('a1b22').rlike('[0-9]{2}'),
        F.regexpReplace(lit('a1b22'), '[0-9]', '#'),
      ),
      [
        ' HI ',
        ' hi ',
        'Hi',
        'Hi ',
        ' Hi',
        4,
        ' Hi !',
        null,
        'a-b',
        'par',
        true,
        true,
        false,
        true,
        true,
        'a#b##',
      ],
    );
  });

  it('arrays, vectors and structs', async () => {
    const df = session().createDataFrame([
      { v: new Float32Array([1, 2, 3]), arr: [10, 20], s: { p: 1, q: 'z' } },
    ]);
    const row = await df
      .select(
        col('v').getItem(0).alias('v0'),
        col('v').getItem(5).alias('v5'),
        F.size('v').alias('nv'),
        F.size('arr').alias('na'),
        F.elementAt('arr', -1).alias('last'),
        col('s').getField('q').alias('q'),
        col('s.p').alias('p'),
        F.array(lit(1), lit(2)).alias('made'),
        F.struct(col('arr')).alias('wrapped'),
      )
      .first();
    assert.deepEqual(row, {
      v0: 1,
      v5: null,
      nv: 3,
      na: 2,
      last: 20,
      q: 'z',
      p: 1,
      made: [1, 2],
      wrapped: { arr: [10, 20] },
    });
  });

  it('an unknown function or a wrong argument count is refused with the function named', async () => {
    const df = session().createDataFrame([{ a: 1 }]);
    await assert.rejects(
      df.select(new Column({ kind: 'call', name: 'frobnicate', args: [] })).collect(),
      /Function 'frobnicate' in select\(\) is not known/,
    );
    await assert.rejects(
      df.select(new Column({ kind: 'call', name: 'abs', args: [] })).collect(),
      /abs\(\) in select\(\) takes 1 argument\(s\), got 0/,
    );
  });
});
