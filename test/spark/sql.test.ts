import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadDigits, writeDigitImages } from '../../src/cli/digits.js';
import { expr } from '../../src/frame/functions.js';
import { Session } from '../../src/frame/Session.js';
import type { Row } from '../../src/types/Value.js';
import { fitDigitLabeller } from '../fixtures/digitsPipeline.js';
import { useSparkCluster } from './helpers/cluster.js';

const PEOPLE = [
  { id: 1, name: 'Ann', age: 31, dept: 1 },
  { id: 2, name: 'Bob', age: 17, dept: 2 },
  { id: 3, name: 'Cy', age: 45, dept: 1 },
  { id: 4, name: 'Di', age: 28, dept: 3 },
];
const DEPTS = [
  { dept: 1, dname: 'eng' },
  { dept: 2, dname: 'ops' },
];

describe('SQL on Spark: temporary views, session.sql, selectExpr, the same results as the embedded engine', () => {
  const cluster = useSparkCluster('local');
  let spark: Session | undefined;
  let local: Session | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'deepframe-spark-sql-'));
  before(async () => {
    spark = await Session.builder().remote(cluster().connectUrl).create();
    local = await Session.builder().master('local[2]').create();
    for (const s of [spark, local]) {
      await s.createDataFrame(PEOPLE).createOrReplaceTempView('people');
      await s.createDataFrame(DEPTS).createOrReplaceTempView('depts');
    }
  });
  after(async () => {
    await spark?.stop();
    await local?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const both = async (run: (s: Session) => Promise<Row[]>) => {
    const [onSpark, embedded] = [await run(spark!), await run(local!)];
    const plain = (rows: Row[]) =>
      rows.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
      );
    assert.deepEqual(plain(onSpark), plain(embedded));
    return onSpark;
  };

  it('joins, filters and aggregates views', async () => {
    const rows = await both((s) =>
      s
        .sql(
          `SELECT d.dname, count(*) AS n, sum(p.age) AS total FROM people p JOIN depts d ON p.dept = d.dept
           WHERE p.age >= 18 GROUP BY d.dname ORDER BY d.dname`,
        )
        .collect(),
    );
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.dname, 'eng');
  });

  it('reads views with table(), makes views of queries, and takes SQL expressions', async () => {
    await both(async (s) => {
      await s.sql('SELECT * FROM people WHERE age > 30').createOrReplaceTempView('seniors');
      return s.table('seniors').selectExpr('name', 'age + 1 AS next').where('next > 40').collect();
    });
    await both((s) =>
      s.table('people').select('name', expr('age * 2').alias('twice')).orderBy('name').collect(),
    );
  });

  it('runs a model registered as a SQL function on the executors: the embedded engine’s values', async () => {
    const digits = await loadDigits();
    await writeDigitImages(digits, digits.test.slice(0, 30), join(dir, 'digits'));
    for (const s of [spark!, local!]) {
      await s.read
        .images(join(dir, 'digits'), { recursive: true, labelFromFolder: true })
        .createOrReplaceTempView('images');
      await s.udf.registerImageModel('classify', 'DigitsCNN', { decodePredictions: true, topK: 1 });
      await s.udf.registerImageModel('probs', 'DigitsCNN');
    }
    const probs = async (s: Session) =>
      (await s.sql('SELECT image.origin AS o, probs(image) AS p FROM images').collect())
        .map((r) => ({ o: basename(String(r.o)), p: Array.from(r.p as ArrayLike<number>) }))
        .sort((a, b) => a.o.localeCompare(b.o));
    const [onSpark, embedded] = [await probs(spark!), await probs(local!)];
    assert.equal(onSpark.length, 30);
    onSpark.forEach((r, i) => {
      assert.equal(r.o, embedded[i]?.o);
      for (const [k, v] of r.p.entries()) {
        assert.ok(Math.abs(v - (embedded[i]?.p[k] ?? Number.NaN)) < 1e-5, `${r.o}[${k}]`);
      }
    });
    // In WHERE and GROUP BY: the same counts on both engines (Spark indexes arrays from 0, DuckDB from 1).
    const first = (s: Session) => (s === spark ? 0 : 1);
    const right = await both((s) =>
      s.sql(`SELECT count(*) AS n FROM images WHERE classify(image)[${first(s)}].class = label`).collect(),
    );
    assert.ok(Number(right[0]?.n) >= 29, `${right[0]?.n} of 30`);
    await both((s) =>
      s
        .sql(
          `SELECT digit, count(*) AS n FROM (SELECT classify(image)[${first(s)}].class AS digit FROM images)
           GROUP BY digit ORDER BY digit`,
        )
        .collect(),
    );
    // In a join condition.
    const joined = await both(async (s) => {
      await s
        .createDataFrame([
          { digit: '0', word: 'zero' },
          { digit: '1', word: 'one' },
          { digit: '2', word: 'two' },
        ])
        .createOrReplaceTempView('words');
      return s
        .sql(
          `SELECT w.word, count(*) AS n FROM images i JOIN words w ON classify(i.image)[${first(s)}].class = w.digit
           GROUP BY w.word ORDER BY w.word`,
        )
        .collect();
    });
    assert.ok(joined.length > 0);
  });

  it('runs a PipelineModel registered as a SQL function on the executors', async () => {
    const images = local!.read.images(join(dir, 'digits'), { recursive: true, labelFromFolder: true });
    const model = await fitDigitLabeller(images);
    const rows = await both(async (s) => {
      await s.udf.registerModel('digit', model);
      return (await s.sql('SELECT image.origin AS o, digit(image) AS d FROM images').collect())
        .map((r) => ({ o: basename(String(r.o)), d: String(r.d) }))
        .sort((a, b) => a.o.localeCompare(b.o));
    });
    assert.equal(rows.length, 30);
  });

  it("fails a query whose model cannot use a row under onError 'fail', naming the function and the file", async () => {
    writeFileSync(join(dir, 'broken.png'), 'not a png');
    const s = spark!;
    await s.udf.registerImageModel('strict', 'DigitsCNN', { onError: 'fail' });
    await assert.rejects(
      s.sql(`SELECT strict('${join(dir, 'broken.png')}') AS p`).collect(),
      (e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        assert.match(message, /SQL function strict/);
        assert.match(message, /broken\.png/);
        return true;
      },
    );
  });

  it('runs a TypeScript function registered as a SQL function on the executors', async () => {
    const fixtures = fileURLToPath(new URL('../fixtures/sqlFunctions.js', import.meta.url));
    await both(async (s) => {
      await s.udf.register('shout', fixtures, 'shout', 'string');
      await s.udf.register('bmi', fixtures, 'bmi', 'double', { argTypes: ['double', 'double'] });
      return s
        .sql(
          'SELECT shout(name) AS loud, round(bmi(CAST(age AS DOUBLE), 1.8), 2) AS b FROM people WHERE bmi(CAST(age AS DOUBLE), 1.8) > 9 ORDER BY loud',
        )
        .collect();
    });
  });

  it('lists and drops temporary views, and names a missing one', async () => {
    const s = spark!;
    await s.createDataFrame(DEPTS).createOrReplaceTempView('scratch');
    assert.ok(await s.catalog.tableExists('scratch'));
    assert.ok((await s.catalog.listTables()).some((t) => t.name === 'scratch'));
    assert.equal(await s.catalog.dropTempView('scratch'), true);
    assert.equal(await s.catalog.dropTempView('scratch'), false);
    await assert.rejects(
      s.createDataFrame(DEPTS).createTempView('people'),
      /TEMP_TABLE_OR_VIEW_ALREADY_EXISTS|already exists/,
    );
    await assert.rejects(s.sql('SELECT * FROM peple').collect(), /TABLE_OR_VIEW_NOT_FOUND/);
  });
});
