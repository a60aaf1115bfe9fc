import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DeepframeError, ParamError, SchemaError } from '../../../src/errors.js';
import type { DataFrame } from '../../../src/frame/DataFrame.js';
import { col } from '../../../src/frame/functions.js';
import type { Session } from '../../../src/frame/Session.js';
import { StandardScaler, VectorAssembler } from '../../../src/ml/feature/index.js';
import { Pipeline } from '../../../src/ml/Pipeline.js';
import { PipelineModel } from '../../../src/ml/PipelineModel.js';
import { DataTypes } from '../../../src/types/DataType.js';
import { useSession } from '../../helpers/session.js';

const { session, dir } = useSession();

const numbers = (s: Session) =>
  s.createDataFrame(
    [
      { id: 1, b: 1, sh: 2, i: 3, l: 2n ** 40n, f: 0.5, d: 0.1, t: true, v: new Float32Array([1, 2, 3]) },
      {
        id: 2,
        b: -1,
        sh: 0,
        i: -7,
        l: -1n,
        f: Number.NaN,
        d: 1e30,
        t: false,
        v: new Float32Array([0, 0, 0]),
      },
    ],
    DataTypes.struct([
      DataTypes.field('id', DataTypes.integer),
      DataTypes.field('b', DataTypes.byte),
      DataTypes.field('sh', DataTypes.short),
      DataTypes.field('i', DataTypes.integer),
      DataTypes.field('l', DataTypes.long),
      DataTypes.field('f', DataTypes.float),
      DataTypes.field('d', DataTypes.double),
      DataTypes.field('t', DataTypes.boolean),
      DataTypes.field('v', DataTypes.vector(3)),
    ]),
  );

const vectorsOf = async (df: Promise<DataFrame>, name: string) =>
  (await (await df).orderBy('id').collect()).map((r) => {
    const value = r[name];
    return value instanceof Float32Array ? Array.from(value) : value;
  });

describe('VectorAssembler', () => {
  it("has Spark's params and defaults, and rejects an empty or unknown setting", () => {
    const assembler = new VectorAssembler({ inputCols: ['a'] });
    assert.deepEqual(
      assembler.params.map((p) => p.name),
      ['handleInvalid', 'inputCols', 'outputCol'],
    );
    assert.equal(assembler.getHandleInvalid(), 'error');
    assert.equal(assembler.getOutputCol(), `${assembler.uid}__output`);
    assert.deepEqual(assembler.setInputCols(['x', 'y']).getInputCols(), ['x', 'y']);
    assert.equal(assembler.setOutputCol('features').setHandleInvalid('keep').getHandleInvalid(), 'keep');
    assert.throws(
      () => new VectorAssembler({ inputCols: [] }),
      (e: unknown) => e instanceof ParamError && /inputCols.*more than 0 elements/.test(e.message),
    );
    assert.throws(
      () => assembler.setHandleInvalid('nan' as 'keep'),
      (e: unknown) => e instanceof ParamError && /handleInvalid.*"nan"/.test(e.message),
    );
  });

  it('assembles every numeric type, booleans and vectors, in order, as 32-bit floats', async () => {
    const df = numbers(session());
    const assembler = new VectorAssembler({
      inputCols: ['b', 'v', 'sh', 'i', 'l', 'f', 'd', 't'],
      outputCol: 'features',
      handleInvalid: 'keep',
    });
    const out = await assembler.transform(df);
    assert.deepEqual((await out.schema()).fields.at(-1), DataTypes.field('features', DataTypes.vector(10)));
    assert.deepEqual(await vectorsOf(Promise.resolve(out), 'features'), [
      [1, 1, 2, 3, 2, 3, 2 ** 40, 0.5, Math.fround(0.1), 1],
      [-1, 0, 0, 0, 0, -7, -1, Number.NaN, Math.fround(1e30), 0],
    ]);
    assert.deepEqual(
      await vectorsOf(assembler.transform(df, { inputCols: ['v'], outputCol: 'copy' }), 'copy'),
      [
        [1, 2, 3],
        [0, 0, 0],
      ],
    );
  });

  it('fails on a NaN in a numeric column, not in a vector, with handleInvalid error', async () => {
    const df = numbers(session());
    const assembler = new VectorAssembler({ inputCols: ['i', 'f'], outputCol: 'features' });
    await assert.rejects(assembler.transform(df), (e: unknown) => {
      assert.ok(e instanceof DeepframeError && e.errorClass === 'USER_RAISED_EXCEPTION');
      assert.equal(
        e.messageParameters.errorMessage,
        `VectorAssembler '${assembler.uid}' met a null or NaN value in column 'f' (handleInvalid = "error"). ` +
          "Remove such rows, or set handleInvalid to 'skip' (drop them) or 'keep' (NaN in the output).",
      );
      return true;
    });
    const nanInVector = session().createDataFrame([{ id: 1, v: new Float32Array([Number.NaN, 1]) }]);
    const out = await assembler.transform(nanInVector, { inputCols: ['v'] });
    assert.deepEqual(await vectorsOf(Promise.resolve(out), 'features'), [[Number.NaN, 1]]);
    assert.deepEqual(await vectorsOf(assembler.transform(df, { handleInvalid: 'skip' }), 'features'), [
      [3, 0.5],
    ]);
  });

  it('checks its input and output columns before any work', async () => {
    const df = numbers(session())
      .withColumn('s', col('id').cast('string'))
      .withColumn('a', col('v').cast(DataTypes.array(DataTypes.double)))
      .withColumn('af', col('v').cast(DataTypes.array(DataTypes.float)));
    const assembler = new VectorAssembler({ inputCols: ['i'], outputCol: 'features' });
    const mismatch = (pattern: RegExp) => (e: unknown) => {
      assert.ok(e instanceof SchemaError && e.errorClass === 'COLUMN_TYPE_MISMATCH', String(e));
      assert.match(e.message, pattern);
      return true;
    };
    await assert.rejects(
      assembler.transform(df, { inputCols: ['i', 's'] }),
      mismatch(/Column 's' .* must be numeric, boolean or vector<N>, but is string\.$/),
    );
    await assert.rejects(
      assembler.transform(df, { inputCols: ['a'] }),
      mismatch(/but is array<double>\. An array column has no fixed size: cast it to vector<N>/),
    );
    // An array of floats may be a vector whose size a fit decides: transformSchema lets it through, transform not.
    const unsized = assembler.copy({ inputCols: ['i', 'af'] }).transformSchema(await df.schema());
    assert.deepEqual(
      unsized.fields.at(-1),
      DataTypes.field('features', DataTypes.array(DataTypes.float, false)),
    );
    await assert.rejects(assembler.transform(df, { inputCols: ['af'] }), (e: unknown) => {
      assert.ok(e instanceof SchemaError && e.errorClass === 'UNKNOWN_VECTOR_SIZE');
      assert.match(e.message, /Column 'af' .* is array<float>, whose size is not known/);
      return true;
    });
    await assert.rejects(
      assembler.transform(df, { inputCols: ['i', 'nope'] }),
      (e: unknown) => e instanceof SchemaError && e.errorClass === 'UNRESOLVED_COLUMN',
    );
    await assert.rejects(
      assembler.transform(df, { outputCol: 'v' }),
      (e: unknown) => e instanceof SchemaError && e.errorClass === 'COLUMN_ALREADY_EXISTS',
    );
    await assert.rejects(
      assembler.transform(df, { inputCols: ['i', 'i'] }),
      (e: unknown) => e instanceof ParamError && e.errorClass === 'INVALID_COLUMN_PARAMS',
    );
  });

  it('saves and loads, and feeds a StandardScaler in a Pipeline', async () => {
    const assembler = new VectorAssembler({ inputCols: ['i', 'd'], outputCol: 'raw', handleInvalid: 'skip' });
    await assembler.save(join(dir(), 'assembler'));
    const again = await VectorAssembler.load(join(dir(), 'assembler'));
    assert.deepEqual(
      [again.uid, again.getInputCols(), again.getHandleInvalid()],
      [assembler.uid, ['i', 'd'], 'skip'],
    );
    const df = session().createDataFrame([
      { id: 1, i: 1, d: 10 },
      { id: 2, i: 3, d: 30 },
    ]);
    const pipeline = new Pipeline({
      stages: [again, new StandardScaler({ inputCol: 'raw', outputCol: 'scaled', withMean: true })],
    });
    const model = await pipeline.fit(df);
    await model.save(join(dir(), 'assembled'));
    const loaded = await PipelineModel.load(join(dir(), 'assembled'));
    const h = Math.fround(1 / Math.SQRT2);
    for (const fitted of [model, loaded]) {
      assert.deepEqual(await vectorsOf(fitted.transform(df), 'scaled'), [
        [-h, -h],
        [h, h],
      ]);
    }
  });
});
