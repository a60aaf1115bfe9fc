import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SchemaError } from '../../src/errors.js';
import { col, lit } from '../../src/frame/functions.js';
import { DataTypes } from '../../src/types/DataType.js';
import { sortBy, useSession } from '../helpers/session.js';

const { session } = useSession();

const people = () =>
  session().createDataFrame([
    { id: 1, name: 'ann', age: 34, score: 1.5 },
    { id: 2, name: 'bob', age: null, score: 2.5 },
    { id: 3, name: null, age: 27, score: null },
    { id: 4, name: 'dan', age: 41, score: 4.0 },
  ]);

describe('DataFrame transformations', () => {
  it('select takes names, star and expressions, naming unaliased expressions as Spark does', async () => {
    const df = people().select('id', col('age').plus(1), col('score').multiply(2).alias('s2'));
    assert.deepEqual(await df.columns(), ['id', '(age + 1)', 's2']);
    assert.deepEqual(await df.orderBy('id').collect(), [
      { id: 1, '(age + 1)': 35, s2: 3 },
      { id: 2, '(age + 1)': null, s2: 5 },
      { id: 3, '(age + 1)': 28, s2: null },
      { id: 4, '(age + 1)': 42, s2: 8 },
    ]);
    assert.deepEqual(await people().select('*').columns(), ['id', 'name', 'age', 'score']);
  });

  it('withColumn adds at the end or replaces in place; withColumnRenamed and drop', async () => {
    const df = people().withColumn('age', col('age').multiply(2)).withColumn('one', lit(1));
    assert.deepEqual(await df.columns(), ['id', 'name', 'age', 'score', 'one']);
    assert.deepEqual(
      (await df.orderBy('id').collect()).map((r) => r.age),
      [68, null, 54, 82],
    );
    const renamed = people().withColumnRenamed('name', 'who').withColumnRenamed('nope', 'x');
    assert.deepEqual(await renamed.columns(), ['id', 'who', 'age', 'score']);
    assert.deepEqual(await people().drop('age', 'score', 'missing').columns(), ['id', 'name']);
    const both = people().withColumns({ a: lit('x'), b: col('id').minus(1) });
    assert.deepEqual((await both.orderBy('id').first())?.b, 0);
  });

  it('filter/where keep rows whose condition is true, dropping nulls', async () => {
    const older = await people().filter(col('age').gt(30)).orderBy('id').collect();
    assert.deepEqual(
      older.map((r) => r.id),
      [1, 4],
    );
    const notOlder = await people().where(col('age').gt(30).not()).collect();
    assert.deepEqual(
      notOlder.map((r) => r.id),
      [3],
    );
  });

  it('limit, offset, orderBy with directions and null placement', async () => {
    const byAgeDesc = await people().orderBy(col('age').desc()).collect();
    assert.deepEqual(
      byAgeDesc.map((r) => r.id),
      [4, 1, 3, 2],
    ); // desc: nulls last
    const byAgeAsc = await people().orderBy('age').collect();
    assert.deepEqual(
      byAgeAsc.map((r) => r.id),
      [2, 3, 1, 4],
    ); // asc: nulls first
    const top2 = await people().orderBy(col('score').descNullsFirst()).limit(2).collect();
    assert.deepEqual(
      top2.map((r) => r.id),
      [3, 4],
    );
    const skipped = await people().orderBy('id').offset(3).collect();
    assert.deepEqual(
      skipped.map((r) => r.id),
      [4],
    );
    assert.equal(await people().limit(0).count(), 0);
  });

  it('union matches by position and keeps duplicates; unionByName by name', async () => {
    const a = session().createDataFrame([{ x: 1, y: 'a' }]);
    const b = session().createDataFrame([
      { x: 1, y: 'a' },
      { x: 2, y: 'b' },
    ]);
    assert.equal(await a.union(b).count(), 3);
    const swapped = session().createDataFrame([{ y: 'c', x: 3 }]);
    assert.deepEqual(await a.unionByName(swapped).collect(), [
      { x: 1, y: 'a' },
      { x: 3, y: 'c' },
    ]);
    const wide = session().createDataFrame([{ x: 1, y: 'a', z: true }]);
    await assert.rejects(
      a.union(wide).collect(),
      (e: SchemaError) => e.errorClass === 'NUM_COLUMNS_MISMATCH',
    );
  });

  it('distinct and dropDuplicates', async () => {
    const df = session().createDataFrame([
      { k: 1, v: 'a' },
      { k: 1, v: 'a' },
      { k: 1, v: 'b' },
      { k: 2, v: 'c' },
    ]);
    assert.equal(await df.distinct().count(), 3);
    assert.equal(await df.dropDuplicates(['k']).count(), 2);
  });

  it('sample is deterministic for a seed', async () => {
    const df = session().range(0, 2000);
    const a = (await df.sample(0.3, 7).collect()).map((r) => r.id);
    const b = (await df.sample(0.3, 7).collect()).map((r) => r.id);
    assert.deepEqual(
      sortBy(
        a.map((id) => ({ id })),
        'id',
      ),
      sortBy(
        b.map((id) => ({ id })),
        'id',
      ),
    );
    // A Bernoulli sample of 2000 rows at p = 0.3 has sd ≈ 20.5; 5 sd either side.
    assert.ok(a.length > 600 - 103 && a.length < 600 + 103, `sample size ${a.length}`);
    const withReplacement = await df.sample(1.5, 3, true).count();
    // Poisson(1.5) copies per row: mean 3000, sd ≈ 55; 5 sd either side.
    assert.ok(withReplacement > 3000 - 275 && withReplacement < 3000 + 275, `sample size ${withReplacement}`);
  });

  it('randomSplit is deterministic, disjoint and complete, with sizes near the weights', async () => {
    const df = session().range(0, 5000);
    const splits = df.randomSplit([0.6, 0.3, 0.1], 42);
    const ids = await Promise.all(splits.map(async (s) => (await s.collect()).map((r) => r.id as bigint)));
    const all = ids.flat();
    assert.equal(all.length, 5000);
    assert.equal(new Set(all).size, 5000);
    // Binomial sd for n = 5000 is at most ~35; allow 5 sd.
    for (const [i, w] of [0.6, 0.3, 0.1].entries()) {
      assert.ok(Math.abs(ids[i]!.length - 5000 * w) < 175, `split ${i}: ${ids[i]!.length}`);
    }
    const again = await Promise.all(df.randomSplit([0.6, 0.3, 0.1], 42).map((s) => s.count()));
    assert.deepEqual(
      again,
      ids.map((x) => x.length),
    );
    const other = await df.randomSplit([0.6, 0.3, 0.1], 43)[0]!.count();
    assert.notEqual(other, ids[0]!.length);
  });

  it('randomSplit splits duplicate rows independently', async () => {
    const rows = Array.from({ length: 1000 }, () => ({ label: 1 }));
    const [a, b] = session().createDataFrame(rows).randomSplit([0.5, 0.5], 1);
    const [na, nb] = [await a!.count(), await b!.count()];
    assert.equal(na + nb, 1000);
    assert.ok(na > 400 && na < 600, `first split has ${na} of 1000 identical rows`);
  });

  it('repartition keeps every row and the schema; cache computes once and keeps results', async () => {
    const df = people().repartition(3);
    assert.equal(await df.count(), 4);
    assert.throws(() => people().repartition(0), /repartition\(\) takes a whole number/);
    const cached = session().range(0, 100).withColumn('r', col('id').multiply(2)).cache();
    assert.equal(await cached.count(), 100);
    assert.equal((await cached.filter(col('id').equalTo(10)).first())?.r, 20n);
    await cached.unpersist();
    assert.equal(await cached.count(), 100);
  });
});

describe('DataFrame actions', () => {
  it('count, collect, take, head, first, isEmpty', async () => {
    assert.equal(await people().count(), 4);
    assert.equal((await people().orderBy('id').take(2)).length, 2);
    assert.deepEqual(await people().orderBy('id').first(), { id: 1, name: 'ann', age: 34, score: 1.5 });
    assert.equal(await people().filter(col('id').gt(10)).first(), undefined);
    assert.equal(await people().filter(col('id').gt(10)).isEmpty(), true);
  });

  it('toArrow and iteration yield Arrow record batches with the schema', async () => {
    const table = await session().range(0, 10000).toArrow();
    assert.equal(table.numRows, 10000);
    assert.equal(table.schema.fields[0]?.name, 'id');
    let rows = 0;
    for await (const batch of session().range(0, 5000)) rows += batch.numRows;
    assert.equal(rows, 5000);
  });

  it('show prints a table like Spark, with NULL and truncation', async () => {
    const text = await people().orderBy('id').showString(2);
    assert.equal(
      text,
      [
        '+---+----+----+-----+',
        '| id|name| age|score|',
        '+---+----+----+-----+',
        '|  1| ann|  34|  1.5|',
        '|  2| bob|NULL|  2.5|',
        '+---+----+----+-----+',
        'only showing top 2 rows',
        '',
      ].join('\n'),
    );
    const long = session().createDataFrame([{ s: 'abcdefghijklmnopqrstuvwxyz' }]);
    assert.match(await long.showString(), /\|abcdefghijklmnopq...\|/);
    assert.match(await long.showString(20, false), /\|abcdefghijklmnopqrstuvwxyz\|/);
  });

  it('schema and printSchema describe types and nullability', async () => {
    const df = session().createDataFrame([
      { v: new Float32Array([1, 2, 3]), tags: ['a'], s: { a: 1 }, b: 5n },
    ]);
    const schema = await df.schema();
    assert.deepEqual(
      schema.fields.map((f) => f.type),
      [
        DataTypes.vector(3),
        DataTypes.array(DataTypes.string),
        DataTypes.struct([DataTypes.field('a', DataTypes.integer)]),
        DataTypes.long,
      ],
    );
    assert.equal(
      await df.schemaString(),
      [
        'root',
        ' |-- v: vector (nullable = true)',
        ' |    |-- size: 3',
        ' |-- tags: array (nullable = true)',
        ' |    |-- element: string (containsNull = true)',
        ' |-- s: struct (nullable = true)',
        ' |    |-- a: integer (nullable = true)',
        ' |-- b: long (nullable = true)',
        '',
      ].join('\n'),
    );
  });

  it('nested values round-trip through the engine', async () => {
    const rows = [
      {
        v: new Float32Array([0.5, -1]),
        tags: ['x', null, 'z'],
        s: { a: 1, b: 'p' },
        bin: new Uint8Array([1, 2, 255]),
      },
      { v: null, tags: [], s: null, bin: null },
    ];
    const schema = DataTypes.struct([
      DataTypes.field('v', DataTypes.vector(2)),
      DataTypes.field('tags', DataTypes.array(DataTypes.string)),
      DataTypes.field(
        's',
        DataTypes.struct([DataTypes.field('a', DataTypes.integer), DataTypes.field('b', DataTypes.string)]),
      ),
      DataTypes.field('bin', DataTypes.binary),
    ]);
    const out = await session().createDataFrame(rows, schema).filter(lit(true)).collect();
    assert.deepEqual(out, rows);
  });
});

describe('DataFrame errors', () => {
  it('an unknown column names the column and lists those there are', async () => {
    await assert.rejects(people().select('nope').collect(), (e: SchemaError) => {
      assert.equal(e.errorClass, 'UNRESOLVED_COLUMN');
      assert.match(e.message, /'nope'.*Available columns: 'id', 'name', 'age', 'score'/);
      return true;
    });
    await assert.rejects(
      people().filter(col('agee').gt(1)).count(),
      /agee.*cannot be resolved in filter\(\)/,
    );
  });

  it('a type mismatch is reported with the engine reason', async () => {
    await assert.rejects(
      people()
        .select(col('name').minus(col('id')))
        .collect(),
      (e: SchemaError) => {
        assert.equal(e.errorClass, 'DATATYPE_MISMATCH');
        return true;
      },
    );
  });

  it('bad arguments are refused when the plan is built', () => {
    assert.throws(() => people().randomSplit([]), /weights must be non-negative/);
    assert.throws(() => people().sample(2), /fraction must be in \[0, 1\]/);
    assert.throws(() => people().join(people(), 'id', 'sideways'), /Unknown join type 'sideways'/);
    assert.throws(() => col('x').cast('quaternion'), /unknown type name 'quaternion'/);
  });

  it('createDataFrame checks values against the schema', () => {
    const schema = DataTypes.struct([DataTypes.field('v', DataTypes.vector(3))]);
    assert.throws(
      () => session().createDataFrame([{ v: new Float32Array(2) }], schema),
      /expects a vector of 3 floats.*length 2/,
    );
    assert.throws(() => session().createDataFrame([{ a: null }]), /null in every row/);
    assert.throws(() => session().createDataFrame([{ a: 1 }, { a: 'x' }]), /different types: int and string/);
  });
});

describe('engine conversions', () => {
  it('list columns survive filters that leave their elements out of order', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => ({
      i,
      xs: Array.from({ length: i % 4 }, (_, k) => i * 10 + k),
    }));
    const df = session().createDataFrame(rows);
    const odd = await df.filter(col('i').mod(2).equalTo(1)).orderBy(col('i').desc()).collect();
    assert.equal(odd.length, 2500);
    for (const r of odd) {
      const i = r.i as number;
      assert.deepEqual(
        r.xs,
        Array.from({ length: i % 4 }, (_, k) => i * 10 + k),
      );
    }
  });
});
