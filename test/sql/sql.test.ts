import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SchemaError } from '../../src/errors.js';
import { col, expr, sum } from '../../src/frame/functions.js';
import { useSession } from '../helpers/session.js';

describe('SQL on the embedded engine', () => {
  const { session } = useSession();
  const people = () =>
    session().createDataFrame([
      { id: 1, name: 'Ann', age: 31, dept: 1 },
      { id: 2, name: 'Bob', age: 17, dept: 2 },
      { id: 3, name: 'Cy', age: 45, dept: 1 },
      { id: 4, name: 'Di', age: 28, dept: 3 },
    ]);
  const depts = () =>
    session().createDataFrame([
      { dept: 1, dname: 'eng' },
      { dept: 2, dname: 'ops' },
    ]);

  it('queries temporary views: filters, joins, aggregates; the same rows as the DataFrame API', async () => {
    await people().createOrReplaceTempView('people');
    await depts().createOrReplaceTempView('Depts');
    const bySql = await session()
      .sql(
        `SELECT d.dname, count(*) AS n, sum(p.age) AS total
         FROM people p JOIN depts d ON p.dept = d.dept
         WHERE p.age >= 18 GROUP BY d.dname ORDER BY d.dname;`,
      )
      .collect();
    const byApi = await people()
      .filter(col('age').geq(18))
      .join(depts(), 'dept')
      .groupBy('dname')
      .agg(sum('age').alias('total'))
      .orderBy('dname')
      .collect();
    assert.deepEqual(
      bySql.map((r) => [r.dname, Number(r.n), Number(r.total)]),
      [['eng', 2, 76]],
    );
    assert.deepEqual(
      byApi.map((r) => [r.dname, Number(r.total)]),
      [['eng', 76]],
    );
    // A query's result is a DataFrame like any other.
    const names = await session()
      .sql('SELECT name, age FROM people')
      .filter('age < 30')
      .orderBy('name')
      .collect();
    assert.deepEqual(
      names.map((r) => r.name),
      ['Bob', 'Di'],
    );
  });

  it('reads a view with session.table, and a view of a view', async () => {
    await people().createOrReplaceTempView('people');
    await session().sql('SELECT * FROM people WHERE age > 30').createOrReplaceTempView('seniors');
    const rows = await session().table('SENIORS').orderBy('id').collect();
    assert.deepEqual(
      rows.map((r) => r.name),
      ['Ann', 'Cy'],
    );
    assert.deepEqual(await session().sql('SELECT count(*) AS n FROM seniors').collect(), [{ n: 2n }]);
  });

  it('projects and filters with SQL expressions: selectExpr, expr, string conditions', async () => {
    const df = people();
    const rows = await df
      .selectExpr('name', 'age + 1 AS next', "name || '!' AS shout")
      .where('next > 30')
      .withColumn('decade', expr('next // 10'))
      .orderBy('name')
      .collect();
    assert.deepEqual(rows, [
      { name: 'Ann', next: 32, shout: 'Ann!', decade: 3 },
      { name: 'Cy', next: 46, shout: 'Cy!', decade: 4 },
    ]);
    const unaliased = await df.selectExpr('age * 2').schema();
    assert.equal(unaliased.fields.length, 1);
  });

  it('keeps a catalog of temporary views: create, replace, list, drop', async () => {
    const s = session();
    await people().createOrReplaceTempView('staff');
    await assert.rejects(people().createTempView('staff'), (e: unknown) => {
      assert.ok(e instanceof SchemaError);
      assert.equal(e.errorClass, 'TEMP_TABLE_OR_VIEW_ALREADY_EXISTS');
      return true;
    });
    await depts().createOrReplaceTempView('staff');
    assert.deepEqual(await s.table('staff').columns(), ['dept', 'dname']);
    assert.ok(await s.catalog.tableExists('STAFF'));
    assert.ok((await s.catalog.listTables()).some((t) => t.name === 'staff' && t.isTemporary));
    assert.equal(await s.catalog.dropTempView('staff'), true);
    assert.equal(await s.catalog.dropTempView('staff'), false);
    assert.equal(await s.catalog.tableExists('staff'), false);
  });

  it('says which views exist when a query or table() names one that does not', async () => {
    await people().createOrReplaceTempView('people');
    await assert.rejects(session().sql('SELECT * FROM peple').collect(), (e: unknown) => {
      assert.ok(e instanceof SchemaError);
      assert.equal(e.errorClass, 'TABLE_OR_VIEW_NOT_FOUND');
      assert.match(e.message, /'peple' cannot be found.*'people'/);
      return true;
    });
    await assert.rejects(session().table('nobody').collect(), /TABLE_OR_VIEW_NOT_FOUND/);
    await assert.rejects(session().sql('SELEC 1').collect(), /syntax error/i);
    await assert.rejects(people().createTempView('bad name'), /INVALID_VIEW_NAME/);
  });
});

describe('TypeScript functions as SQL functions on the embedded engine', () => {
  const { session } = useSession();
  const fixtures = fileURLToPath(new URL('../fixtures/sqlFunctions.js', import.meta.url));

  it('calls them vectorized in projections, filters and aggregates', async () => {
    const s = session();
    await s
      .createDataFrame([
        { name: 'ann', kg: 60, m: 1.7 },
        { name: 'bob', kg: 95, m: 1.8 },
        { name: 'cy', kg: 72, m: 1.75 },
      ])
      .createOrReplaceTempView('body');
    await s.udf.register('bmi', fixtures, 'bmi', 'double', { argTypes: ['double', 'double'] });
    await s.udf.register('shout', fixtures, 'shout', 'string');
    const rows = await s
      .sql(
        'SELECT shout(name) AS loud, round(bmi(kg, m), 1) AS b FROM body WHERE bmi(kg, m) < 25 ORDER BY loud',
      )
      .collect();
    assert.deepEqual(rows, [
      { loud: 'ANN!', b: 20.8 },
      { loud: 'CY!', b: 23.5 },
    ]);
    const grouped = await s
      .sql('SELECT bmi(kg, m) >= 25 AS heavy, count(*) AS n FROM body GROUP BY ALL ORDER BY heavy')
      .collect();
    assert.deepEqual(
      grouped.map((r) => [r.heavy, Number(r.n)]),
      [
        [false, 2],
        [true, 1],
      ],
    );
    const viaExpr = await s.table('body').select(expr('shout(name)').alias('x')).orderBy('x').collect();
    assert.deepEqual(
      viaExpr.map((r) => r.x),
      ['ANN!', 'BOB!', 'CY!'],
    );
  });

  it('names the function when a call or the function itself is wrong', async () => {
    const s = session();
    await s.udf.register('bmi2', fixtures, 'bmi', 'double', { argTypes: ['double', 'double'] });
    await s.udf.register('broken', fixtures, 'broken', 'int');
    await s.udf.register('loose', fixtures, 'bmi', 'double');
    await assert.rejects(s.sql('SELECT bmi2(1.0) AS x').collect(), /No function matches.*bmi2/s);
    await assert.rejects(s.sql('SELECT loose(1.0) AS x').collect(), /SQL function loose .*takes 2/);
    await assert.rejects(
      s.sql('SELECT broken(x) FROM range(3) t(x)').collect(),
      /SQL function broken .*must return one value per row: 3/,
    );
    await assert.rejects(s.udf.register('nope', fixtures, 'missing', 'int'), /has no export 'missing'/);
    await assert.rejects(s.udf.register('nope', fixtures, 'bmi', 'decimalish'), /INVALID_TYPE_NAME/);
  });
});
