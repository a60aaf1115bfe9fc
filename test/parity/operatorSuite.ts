/**
 * The operator suite both engines must pass alike: each test builds DataFrames through the public API and checks
 * exact values, ordering explicitly where Spark would not keep order. Engine-specific differences (row order
 * without a sort, vector columns, duplicate names after a condition join) stay out of it; the README lists them.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as F from '../../src/frame/functions.js';
import { col, lit, when } from '../../src/frame/functions.js';
import type { Session } from '../../src/frame/Session.js';
import { DataTypes } from '../../src/types/DataType.js';
import type { Row } from '../../src/types/Value.js';

const people = (s: Session) =>
  s.createDataFrame(
    [
      { id: 1, name: 'ann', age: 34, score: 1.5, team: 'a' },
      { id: 2, name: 'bob', age: null, score: 2.5, team: 'b' },
      { id: 3, name: null, age: 27, score: null, team: 'a' },
      { id: 4, name: 'dan', age: 41, score: 4.0, team: null },
    ],
    DataTypes.struct([
      DataTypes.field('id', DataTypes.integer),
      DataTypes.field('name', DataTypes.string),
      DataTypes.field('age', DataTypes.integer),
      DataTypes.field('score', DataTypes.double),
      DataTypes.field('team', DataTypes.string),
    ]),
  );

const teams = (s: Session) =>
  s.createDataFrame([
    { team: 'a', city: 'Oslo' },
    { team: 'c', city: 'Rome' },
  ]);

const ids = (rows: readonly Row[]) => rows.map((r) => Number(r.id));

/** Defines the shared operator tests for the session `session()` returns. */
export function defineOperatorSuite(engine: string, session: () => Session, dir: () => string): void {
  describe(`operators on the ${engine} engine`, () => {
    it('select with arithmetic, comparisons, casts and when/otherwise, named as Spark names them', async () => {
      const df = people(session())
        .select(
          'id',
          col('age').plus(1),
          col('score').divide(2).alias('half'),
          col('age').gt(30).alias('older'),
          col('score').cast('int').alias('whole'),
          when(col('age').isNull(), 'unknown').otherwise('known').alias('known'),
          col('id').divide(0).alias('nan'),
        )
        .orderBy('id');
      assert.deepEqual(await df.columns(), ['id', '(age + 1)', 'half', 'older', 'whole', 'known', 'nan']);
      assert.deepEqual(await df.collect(), [
        { id: 1, '(age + 1)': 35, half: 0.75, older: true, whole: 1, known: 'known', nan: null },
        { id: 2, '(age + 1)': null, half: 1.25, older: null, whole: 2, known: 'unknown', nan: null },
        { id: 3, '(age + 1)': 28, half: null, older: false, whole: null, known: 'known', nan: null },
        { id: 4, '(age + 1)': 42, half: 2, older: true, whole: 4, known: 'known', nan: null },
      ]);
    });

    it('withColumn, withColumnRenamed, drop, filter, limit, offset', async () => {
      const df = people(session())
        .withColumn('age2', col('age').multiply(2))
        .withColumnRenamed('name', 'who')
        .drop('score', 'team')
        .filter(col('age2').gt(60).or(col('who').isNull()))
        .orderBy(col('id').desc());
      assert.deepEqual(await df.columns(), ['id', 'who', 'age', 'age2']);
      assert.deepEqual(ids(await df.collect()), [4, 3, 1]);
      assert.deepEqual(ids(await df.limit(2).collect()), [4, 3]);
      assert.deepEqual(ids(await df.offset(1).collect()), [3, 1]);
    });

    it('string and math functions', async () => {
      const [row] = await people(session())
        .filter(col('id').equalTo(1))
        .select(
          F.upper('name').alias('u'),
          F.length('name').alias('n'),
          F.concat(col('name'), lit('!')).alias('c'),
          F.substring('name', 2, 2).alias('s'),
          F.round(lit(2.5)).alias('r'),
          F.floor(lit(-2.5)).alias('f'),
          F.sqrt(lit(16)).alias('q'),
          F.coalesce(col('age'), lit(0)).alias('a'),
        )
        .collect();
      assert.deepEqual(row, { u: 'ANN', n: 3, c: 'ann!', s: 'nn', r: 3, f: -3n, q: 4, a: 34 });
    });

    it('groupBy with aggregates and null keys', async () => {
      const rows = await people(session())
        .groupBy('team')
        .agg(
          F.count('*').alias('n'),
          F.sum('age').alias('ages'),
          F.avg('score').alias('mean'),
          F.max('id').alias('top'),
        )
        .orderBy('team')
        .collect();
      assert.deepEqual(rows, [
        { team: null, n: 1n, ages: 41n, mean: 4, top: 4 },
        { team: 'a', n: 2n, ages: 61n, mean: 1.5, top: 3 },
        { team: 'b', n: 1n, ages: null, mean: 2.5, top: 2 },
      ]);
      const [all] = await people(session()).agg(F.countDistinct('team').alias('teams')).collect();
      assert.equal(all?.teams, 2n);
    });

    it('every join kind on a column', async () => {
      const l = people(session()).select('id', 'team');
      const r = teams(session());
      const run = async (how: string) =>
        (await l.join(r, 'team', how).orderBy('id').collect()).map((x) => [
          x.id ?? null,
          x.team,
          x.city ?? null,
        ]);
      assert.deepEqual(await run('inner'), [
        [1, 'a', 'Oslo'],
        [3, 'a', 'Oslo'],
      ]);
      assert.deepEqual(await run('left'), [
        [1, 'a', 'Oslo'],
        [2, 'b', null],
        [3, 'a', 'Oslo'],
        [4, null, null],
      ]);
      assert.deepEqual(await run('right'), [
        [null, 'c', 'Rome'],
        [1, 'a', 'Oslo'],
        [3, 'a', 'Oslo'],
      ]);
      assert.equal((await l.join(r, 'team', 'full').collect()).length, 5);
      assert.deepEqual(ids(await l.join(r, 'team', 'semi').orderBy('id').collect()), [1, 3]);
      assert.deepEqual(ids(await l.join(r, 'team', 'anti').orderBy('id').collect()), [2, 4]);
      assert.equal(await l.crossJoin(r).count(), 8);
    });

    it('union, unionByName, distinct', async () => {
      const a = session().createDataFrame([
        { x: 1, y: 'a' },
        { x: 1, y: 'a' },
      ]);
      const b = session().createDataFrame([{ y: 'b', x: 2 }]);
      assert.equal(await a.union(a).count(), 4);
      assert.deepEqual(await a.unionByName(b).distinct().orderBy('x').collect(), [
        { x: 1, y: 'a' },
        { x: 2, y: 'b' },
      ]);
    });

    it('randomSplit is disjoint and complete for a seed, and repeatable', async () => {
      const df = session().range(0, 2000);
      const parts = df.randomSplit([0.7, 0.3], 11);
      const [a, b] = await Promise.all(
        parts.map(async (p) => (await p.collect()).map((r) => r.id as bigint)),
      );
      assert.equal(a!.length + b!.length, 2000);
      assert.equal(new Set([...a!, ...b!]).size, 2000);
      assert.ok(Math.abs(a!.length - 1400) < 120, `first part ${a!.length}`);
      assert.equal(await df.randomSplit([0.7, 0.3], 11)[0]!.count(), a!.length);
    });

    it('Parquet write with partitionBy and read back', async () => {
      const path = join(dir(), `parity-${engine}.parquet`);
      await people(session()).write.mode('overwrite').partitionBy('team').parquet(path);
      const back = await session().read.parquet(path).select('id', 'name', 'team').orderBy('id').collect();
      assert.deepEqual(back, [
        { id: 1, name: 'ann', team: 'a' },
        { id: 2, name: 'bob', team: 'b' },
        { id: 3, name: null, team: 'a' },
        { id: 4, name: 'dan', team: null },
      ]);
    });
  });
}
