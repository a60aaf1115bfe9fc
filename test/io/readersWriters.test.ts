import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { IOError } from '../../src/errors.js';
import { col, lit } from '../../src/frame/functions.js';
import { DataTypes } from '../../src/types/DataType.js';
import type { Row } from '../../src/types/Value.js';
import { useSession } from '../helpers/session.js';

const { session, dir } = useSession();

const rows = [
  { id: 1, name: 'ann', score: 0.5, tag: 'a', v: new Float32Array([1, 2]) },
  { id: 2, name: null, score: 1.5, tag: 'b', v: new Float32Array([3, 4]) },
  { id: 3, name: 'cy', score: null, tag: 'a', v: null },
];
const frame = () => session().createDataFrame(rows);
const byId = (a: Row, b: Row) => Number(a.id) - Number(b.id);

describe('Parquet', () => {
  it('round-trips every value, nulls and vectors included, as a directory of part files with _SUCCESS', async () => {
    const path = join(dir(), 'rt.parquet');
    await frame().write.parquet(path);
    const files = readdirSync(path);
    assert.ok(files.includes('_SUCCESS'));
    assert.ok(
      files.some((f) => /^part-00000-[0-9a-f-]+\.parquet$/.test(f)),
      files.join(','),
    );
    const back = session().read.parquet(path);
    assert.deepEqual(await back.schema(), await frame().schema());
    assert.deepEqual((await back.collect()).sort(byId), rows);
  });

  it('partitionBy writes key=value folders and reading them back restores the column', async () => {
    const path = join(dir(), 'parts');
    await frame().write.partitionBy('tag').parquet(path);
    assert.deepEqual(
      readdirSync(path)
        .filter((f) => f.startsWith('tag='))
        .sort(),
      ['tag=a', 'tag=b'],
    );
    const back = await session().read.parquet(path).orderBy('id').collect();
    assert.deepEqual(
      back.map((r) => [r.id, r.tag]),
      [
        [1, 'a'],
        [2, 'b'],
        [3, 'a'],
      ],
    );
    await assert.rejects(
      frame().write.partitionBy('nope').parquet(join(dir(), 'bad')),
      /'nope' cannot be resolved in partitionBy/,
    );
  });

  it('save modes: error refuses, ignore keeps, overwrite replaces, append adds', async () => {
    const path = join(dir(), 'modes');
    await frame().write.parquet(path);
    await assert.rejects(frame().write.parquet(path), (e: IOError) => e.errorClass === 'PATH_ALREADY_EXISTS');
    await frame().limit(1).write.mode('ignore').parquet(path);
    assert.equal(await session().read.parquet(path).count(), 3);
    await frame().limit(1).write.mode('overwrite').parquet(path);
    assert.equal(await session().read.parquet(path).count(), 1);
    await frame().write.mode('append').parquet(path);
    assert.equal(await session().read.parquet(path).count(), 4);
    assert.throws(() => frame().write.mode('sometimes'), /Unknown save mode 'sometimes'/);
  });

  it('a failed overwrite leaves the old data in place and no staging folder behind', async () => {
    const path = join(dir(), 'keep');
    await frame().write.parquet(path);
    const failing = frame()
      .select(col('name').cast('int').divide(0).cast('string').alias('x'), lit(1).alias('y'))
      .withColumn('boom', col('x').plus(col('y').cast('string')));
    await assert.rejects(failing.write.mode('overwrite').parquet(path));
    assert.equal(await session().read.parquet(path).count(), 3);
    assert.deepEqual(
      readdirSync(dir()).filter((f) => f.includes('staging')),
      [],
    );
  });
});

describe('CSV and JSON', () => {
  it('CSV follows Spark: no header and string columns _c0… by default; header and inferSchema on request', async () => {
    const path = join(dir(), 'csv');
    await frame().select('id', 'name', 'score').write.option('header', true).csv(path);
    const raw = session().read.csv(path);
    assert.deepEqual(await raw.columns(), ['_c0', '_c1', '_c2']);
    assert.deepEqual((await raw.first())?._c0, 'id');
    const typed = session().read.option('header', true).option('inferSchema', true).csv(path);
    assert.deepEqual(
      await typed.orderBy('id').collect(),
      rows.map(({ id, name, score }) => ({ id: BigInt(id), name, score })),
    );
    const headerOnly = session().read.option('header', 'true').csv(path);
    assert.deepEqual(
      (await headerOnly.schema()).fields.map((f) => f.type.kind),
      ['string', 'string', 'string'],
    );
  });

  it('CSV with a schema and a separator', async () => {
    const file = join(dir(), 'semi.csv');
    writeFileSync(file, '1;x\n2;y\n');
    const schema = DataTypes.struct([
      DataTypes.field('n', DataTypes.integer),
      DataTypes.field('s', DataTypes.string),
    ]);
    const df = session().read.schema(schema).option('sep', ';').csv(file);
    assert.deepEqual(await df.collect(), [
      { n: 1, s: 'x' },
      { n: 2, s: 'y' },
    ]);
    await assert.rejects(
      session().read.option('colour', 'red').csv(file).collect(),
      /does not know option 'colour'/,
    );
  });

  it('JSON lines round-trip', async () => {
    const path = join(dir(), 'json');
    await frame().select('id', 'name', 'score').write.json(path);
    const text = readFileSync(join(path, readdirSync(path).find((f) => f.endsWith('.json'))!), 'utf8');
    assert.equal(text.trim().split('\n').length, 3);
    const back = await session().read.json(path).orderBy('id').collect();
    assert.deepEqual(
      back,
      rows.map(({ id, name, score }) => ({ id: BigInt(id), name, score })),
    );
  });
});

describe('Arrow IPC', () => {
  it('writes Arrow files and reads them back, and exposes batches and IPC bytes', async () => {
    const path = join(dir(), 'arrow');
    await frame().write.arrow(path);
    assert.ok(readdirSync(path).some((f) => f.endsWith('.arrow')));
    assert.deepEqual((await session().read.arrow(path).collect()).sort(byId), rows);
    const table = await frame().toArrow();
    const again = session().createDataFrame(table);
    assert.deepEqual((await again.collect()).sort(byId), rows);
    assert.ok((await frame().toArrowIPC()).byteLength > 0);
  });
});

describe('reader errors', () => {
  it('a missing path names the path', async () => {
    const missing = join(dir(), 'no-such-thing');
    await assert.rejects(session().read.parquet(missing).collect(), (e: IOError) => {
      assert.equal(e.errorClass, 'PATH_NOT_FOUND');
      assert.match(e.message, /no-such-thing/);
      return true;
    });
    assert.throws(() => session().read.arrow(missing), /path does not exist/);
    assert.throws(() => session().read.images(missing), /path does not exist/);
    assert.equal(existsSync(missing), false);
  });

  it('a corrupt Parquet file is reported with the engine reason', async () => {
    const file = join(dir(), 'corrupt.parquet');
    writeFileSync(file, 'PAR1 this is not parquet');
    await assert.rejects(session().read.parquet(file).collect(), (e: IOError) =>
      /corrupt\.parquet/.test(e.message),
    );
  });
});
