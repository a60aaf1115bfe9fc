import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ExecutionError, IOError, ParamError, SchemaError } from '../../../src/errors.js';
import type { DataFrame } from '../../../src/frame/DataFrame.js';
import { col } from '../../../src/frame/functions.js';
import type { Session } from '../../../src/frame/Session.js';
import { StandardScaler, StandardScalerModel, VectorAssembler } from '../../../src/ml/feature/index.js';
import { Pipeline } from '../../../src/ml/Pipeline.js';
import { PipelineModel } from '../../../src/ml/PipelineModel.js';
import { DataTypes } from '../../../src/types/DataType.js';
import { useSession } from '../../helpers/session.js';

const { session, dir } = useSession();

const vectors = (s: Session, rows: readonly (readonly number[] | null)[], size = rows[0]?.length ?? 1) =>
  s.createDataFrame(
    rows.map((v, id) => ({ id, v: v === null ? null : Float32Array.from(v) })),
    DataTypes.struct([
      DataTypes.field('id', DataTypes.integer),
      DataTypes.field('v', DataTypes.vector(size)),
    ]),
  );

const vectorsOf = async (df: Promise<DataFrame>, name: string) =>
  (await (await df).orderBy('id').collect()).map((r) => {
    const value = r[name];
    return value instanceof Float32Array ? Array.from(value) : value;
  });

const f = Math.fround;

describe('StandardScaler', () => {
  it("has Spark's params and defaults", () => {
    const scaler = new StandardScaler({ inputCol: 'v' });
    assert.deepEqual(
      scaler.params.map((p) => p.name),
      ['inputCol', 'outputCol', 'withMean', 'withStd'],
    );
    assert.deepEqual([scaler.getWithMean(), scaler.getWithStd()], [false, true]);
    assert.equal(scaler.getOutputCol(), `${scaler.uid}__output`);
    scaler.setWithMean(true).setWithStd(false).setInputCol('w').setOutputCol('o');
    assert.deepEqual(
      [scaler.getWithMean(), scaler.getWithStd(), scaler.getInputCol(), scaler.getOutputCol()],
      [true, false, 'w', 'o'],
    );
    assert.throws(
      () => scaler.setWithMean(1 as unknown as boolean),
      (e: unknown) => e instanceof ParamError && e.errorClass === 'INVALID_PARAM_VALUE',
    );
  });

  it('learns the mean and the unbiased standard deviation; a constant component scales to 0', async () => {
    const df = vectors(session(), [
      [2, 7, -1],
      [4, 7, 1],
      [9, 7, 3],
      [1, 7, 5],
    ]);
    const model = await new StandardScaler({ inputCol: 'v', outputCol: 's' }).fit(df);
    assert.deepEqual(Array.from(model.mean), [4, 7, 2]);
    // Sample variances: (4 + 0 + 25 + 9) / 3 and (9 + 1 + 1 + 9) / 3.
    const std = [Math.sqrt(38 / 3), 0, Math.sqrt(20 / 3)];
    for (const [i, s] of model.std.entries()) assert.ok(Math.abs(s - std[i]!) < 1e-12, `std ${i}: ${s}`);
    const scaled = (await vectorsOf(model.transform(df), 's')) as number[][];
    const expected = [
      [2, 7, -1],
      [4, 7, 1],
      [9, 7, 3],
      [1, 7, 5],
    ].map((row) => row.map((x, i) => (std[i] === 0 ? 0 : x * (1 / std[i]!))));
    for (const [r, row] of scaled.entries()) {
      for (const [i, x] of row.entries()) {
        assert.ok(Math.abs(x - expected[r]![i]!) < 1e-6, `row ${r}, component ${i}: ${x}`);
      }
    }
    model.mean[0] = 99;
    assert.equal(model.mean[0], 4, 'mean is a copy');
  });

  it('scales a single row to zeros, keeps NaNs, and gives a null vector null', async () => {
    const one = await new StandardScaler({ inputCol: 'v', outputCol: 's' }).fit(
      vectors(session(), [[3, -2]]),
    );
    assert.deepEqual(
      [Array.from(one.mean), Array.from(one.std)],
      [
        [3, -2],
        [0, 0],
      ],
    );
    // x * 0, as Spark computes it: -0 for a negative x.
    assert.deepEqual(await vectorsOf(one.transform(vectors(session(), [[3, -2], null, [1, 1]], 2)), 's'), [
      [0, -0],
      null,
      [0, 0],
    ]);
    const withNaN = await new StandardScaler({ inputCol: 'v', outputCol: 's' }).fit(
      vectors(session(), [
        [1, Number.NaN],
        [3, 1],
      ]),
    );
    assert.deepEqual(Array.from(withNaN.mean), [2, Number.NaN]);
    assert.deepEqual(Array.from(withNaN.std), [Math.SQRT2, Number.NaN]);
  });

  it('fails to fit on null vectors or no rows, saying why', async () => {
    const scaler = new StandardScaler({ inputCol: 'v', outputCol: 's' });
    await assert.rejects(scaler.fit(vectors(session(), [[1], null, [2]])), (e: unknown) => {
      assert.ok(e instanceof ExecutionError && e.errorClass === 'NULL_VECTOR');
      assert.match(e.message, /column 'v' has 1 null vector\(s\) in 3 rows\. Filter them out first/);
      return true;
    });
    await assert.rejects(
      scaler.fit(vectors(session(), [[1]]).filter(col('id').gt(5))),
      (e: unknown) => e instanceof ExecutionError && e.errorClass === 'EMPTY_DATASET',
    );
  });

  it('checks its columns before any work', async () => {
    const df = vectors(session(), [[1, 2]])
      .withColumn('x', col('id').cast('double'))
      .withColumn('a', col('v').cast(DataTypes.array(DataTypes.float)));
    const scaler = new StandardScaler({ inputCol: 'x', outputCol: 's' });
    await assert.rejects(scaler.fit(df), (e: unknown) => {
      assert.ok(e instanceof SchemaError && e.errorClass === 'COLUMN_TYPE_MISMATCH');
      assert.match(
        e.message,
        /Column 'x' .* must be of type vector<N>, but is double\. Assemble numeric columns/,
      );
      return true;
    });
    await assert.rejects(
      scaler.fit(df, { inputCol: 'v', outputCol: 'x' }),
      (e: unknown) => e instanceof SchemaError && e.errorClass === 'COLUMN_ALREADY_EXISTS',
    );
    // An array of floats passes transformSchema (a vector whose size a fit decides) but not the fit itself.
    assert.deepEqual(
      scaler
        .copy({ inputCol: 'a' })
        .transformSchema(await df.schema())
        .fields.at(-1),
      DataTypes.field('s', DataTypes.array(DataTypes.float)),
    );
    await assert.rejects(scaler.fit(df, { inputCol: 'a' }), /must be of type vector<N>, but is array<float>/);
    const model = new StandardScalerModel({ mean: [0, 0, 0], std: [1, 1, 1], inputCol: 'v', outputCol: 's' });
    await assert.rejects(model.transform(df), (e: unknown) => {
      assert.ok(e instanceof SchemaError && e.errorClass === 'COLUMN_TYPE_MISMATCH');
      assert.match(e.message, /must be of type vector<3>, but is vector<2>/);
      return true;
    });
    assert.throws(
      () => new StandardScalerModel({ mean: [0, 0], std: [1] }),
      (e: unknown) => e instanceof ParamError && /2 means and 1 standard deviations/.test(e.message),
    );
  });

  it('makes models from statistics, and saves and loads them (NaNs included)', async () => {
    const model = new StandardScalerModel({
      mean: [1, Number.NaN],
      std: [2, Number.POSITIVE_INFINITY],
      inputCol: 'v',
      outputCol: 's',
      withMean: true,
    });
    const df = vectors(session(), [[5, 1]]);
    assert.deepEqual(await vectorsOf(model.transform(df), 's'), [[2, Number.NaN]]);
    await model.save(join(dir(), 'scaler-model'));
    const data = JSON.parse(await readFile(join(dir(), 'scaler-model', 'data.json'), 'utf8')) as unknown;
    assert.deepEqual(data, { mean: [1, 'NaN'], std: [2, 'Infinity'] });
    const loaded = await StandardScalerModel.load(join(dir(), 'scaler-model'));
    assert.deepEqual(
      [Array.from(loaded.mean), Array.from(loaded.std), loaded.getWithMean()],
      [[1, Number.NaN], [2, Number.POSITIVE_INFINITY], true],
    );
    assert.deepEqual(await vectorsOf(loaded.transform(df), 's'), [[2, Number.NaN]]);
    await writeFile(join(dir(), 'scaler-model', 'data.json'), '{"mean": [1, 2], "std": [1]}');
    await assert.rejects(StandardScalerModel.load(join(dir(), 'scaler-model')), (e: unknown) => {
      assert.ok(e instanceof IOError && e.errorClass === 'INVALID_METADATA');
      assert.match(e.message, /has no valid 'std' \(expected an array of numbers as long as mean\)/);
      return true;
    });
  });

  it('standardizes wide vectors in a Pipeline, alike after a save and load', async () => {
    const size = 64;
    const rows = Array.from({ length: 5 }, (_, r) =>
      Array.from({ length: size }, (_, i) => (r * 7 + i * 3) % 11),
    );
    const df = vectors(session(), rows);
    const pipeline = new Pipeline({
      stages: [
        new VectorAssembler({ inputCols: ['v', 'id'], outputCol: 'raw' }),
        new StandardScaler({ inputCol: 'raw', outputCol: 'scaled', withMean: true }),
      ],
    });
    const model = await pipeline.fit(df);
    await model.save(join(dir(), 'wide'));
    const loaded = await PipelineModel.load(join(dir(), 'wide'));
    const scaler = model.stages[1] as StandardScalerModel;
    const expected = rows.map((row, id) =>
      [...row, id].map((x, i) => f((x - scaler.mean[i]!) * (1 / scaler.std[i]!))),
    );
    for (const fitted of [model, loaded]) {
      assert.deepEqual(await vectorsOf(fitted.transform(df), 'scaled'), expected);
    }
  });
});
