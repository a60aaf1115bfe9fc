import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DeepframeError, ExecutionError, ParamError, SchemaError } from '../../../src/errors.js';
import type { DataFrame } from '../../../src/frame/DataFrame.js';
import { col } from '../../../src/frame/functions.js';
import type { Session } from '../../../src/frame/Session.js';
import {
  MAX_CATEGORIES,
  OneHotEncoder,
  OneHotEncoderModel,
  StringIndexer,
  VectorAssembler,
} from '../../../src/ml/feature/index.js';
import { Pipeline } from '../../../src/ml/Pipeline.js';
import { PipelineModel } from '../../../src/ml/PipelineModel.js';
import { DataTypes } from '../../../src/types/DataType.js';
import { useSession } from '../../helpers/session.js';

const { session, dir } = useSession();

const categories = (s: Session, values: readonly (number | null)[]) =>
  s.createDataFrame(
    values.map((c, id) => ({ id, c, i: c === null || !Number.isInteger(c) ? null : c })),
    DataTypes.struct([
      DataTypes.field('id', DataTypes.integer),
      DataTypes.field('c', DataTypes.double),
      DataTypes.field('i', DataTypes.integer),
    ]),
  );

const vectorsOf = async (df: Promise<DataFrame>, name: string) =>
  (await (await df).orderBy('id').collect()).map((r) => {
    const value = r[name];
    return value instanceof Float32Array ? Array.from(value) : value;
  });

const fitError = (pattern: RegExp) => (e: unknown) => {
  assert.ok(e instanceof ExecutionError && e.errorClass === 'INVALID_CATEGORY_INDEX', String(e));
  assert.match(e.message, pattern);
  return true;
};

describe('OneHotEncoder', () => {
  it("has Spark's params and defaults", () => {
    const encoder = new OneHotEncoder({ inputCol: 'c' });
    assert.deepEqual(
      encoder.params.map((p) => p.name),
      ['dropLast', 'handleInvalid', 'inputCol', 'inputCols', 'outputCol', 'outputCols'],
    );
    assert.deepEqual([encoder.getDropLast(), encoder.getHandleInvalid()], [true, 'error']);
    encoder.setDropLast(false).setHandleInvalid('keep').setOutputCol('v');
    assert.deepEqual(
      [encoder.getDropLast(), encoder.getHandleInvalid(), encoder.getOutputCol()],
      [false, 'keep', 'v'],
    );
    assert.throws(
      () => encoder.setHandleInvalid('skip' as 'keep'),
      (e: unknown) => e instanceof ParamError && /expected one of \["keep", "error"\]/.test(e.message),
    );
  });

  it('learns the largest index plus one per column, from integer and double columns', async () => {
    const df = categories(session(), [0, 3, 1, 3]);
    const model = await new OneHotEncoder({ inputCols: ['c', 'i'], outputCols: ['cv', 'iv'] }).fit(df);
    assert.deepEqual(model.categorySizes, [4, 4]);
    assert.equal(model.uid, model.parent?.uid);
    const out = await model.transform(df);
    assert.deepEqual((await out.schema()).fields.slice(-2), [
      DataTypes.field('cv', DataTypes.vector(3)),
      DataTypes.field('iv', DataTypes.vector(3)),
    ]);
    assert.deepEqual(await vectorsOf(Promise.resolve(out), 'iv'), [
      [1, 0, 0],
      [0, 0, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]);
    const single = await new OneHotEncoder({ inputCol: 'c', outputCol: 'v', dropLast: false }).fit(df);
    assert.deepEqual(await vectorsOf(single.transform(df), 'v'), [
      [1, 0, 0, 0],
      [0, 0, 0, 1],
      [0, 1, 0, 0],
      [0, 0, 0, 1],
    ]);
  });

  it('fails to fit on a null, a negative, a fractional, a NaN or a too large index', async () => {
    const encoder = new OneHotEncoder({ inputCol: 'c', outputCol: 'v', handleInvalid: 'keep' });
    await assert.rejects(
      encoder.fit(categories(session(), [0, null, 1])),
      fitError(/column 'c' has 1 null value/),
    );
    await assert.rejects(
      encoder.fit(categories(session(), [0, -1])),
      fitError(/column 'c' must hold category indices \(whole numbers >= 0\), but has -1/),
    );
    await assert.rejects(encoder.fit(categories(session(), [1.5, 0])), fitError(/but has 1\.5/));
    await assert.rejects(encoder.fit(categories(session(), [Number.NaN])), fitError(/but has NaN/));
    await assert.rejects(
      encoder.fit(categories(session(), [MAX_CATEGORIES])),
      fitError(/has the index 100000, but deepframe's one-hot vectors are dense and take at most 100000/),
    );
  });

  it('fits one category on an empty DataFrame; a vector of size 0 is refused before any work', async () => {
    const empty = categories(session(), [0]).filter(col('id').gt(0));
    const model = await new OneHotEncoder({ inputCol: 'c', outputCol: 'v' }).fit(empty);
    assert.deepEqual(model.categorySizes, [1]);
    await assert.rejects(model.transform(categories(session(), [0])), (e: unknown) => {
      assert.ok(e instanceof SchemaError && e.errorClass === 'EMPTY_VECTOR');
      assert.match(
        e.message,
        /single category, as vectors of size 0.*set dropLast to false, or handleInvalid to 'keep'/,
      );
      return true;
    });
    assert.deepEqual(await vectorsOf(model.transform(categories(session(), [0]), { dropLast: false }), 'v'), [
      [1],
    ]);
  });

  it('fails transform on the embedded engine, before returning, on an invalid index', async () => {
    const model = new OneHotEncoderModel({ categorySizes: [2], inputCol: 'c', outputCol: 'v' });
    await assert.rejects(model.transform(categories(session(), [0, 2])), (e: unknown) => {
      assert.ok(e instanceof DeepframeError && e.errorClass === 'USER_RAISED_EXCEPTION');
      assert.equal(
        e.messageParameters.errorMessage,
        `Unseen value: 2.0. OneHotEncoderModel '${model.uid}' knows 2 categories (0 to 1) for column 'c'. To ` +
          "handle invalid values, set handleInvalid to 'keep'.",
      );
      return true;
    });
    await assert.rejects(model.transform(categories(session(), [-0.5])), /Negative value: -0\.5\./);
    assert.deepEqual(await vectorsOf(model.transform(categories(session(), [null, 1])), 'v'), [null, [0]]);
  });

  it('checks its columns and category sizes before any work', async () => {
    const df = categories(session(), [0]).withColumn('s', col('id').cast('string'));
    const encoder = new OneHotEncoder({ inputCol: 's', outputCol: 'v' });
    await assert.rejects(encoder.fit(df), (e: unknown) => {
      assert.ok(e instanceof SchemaError && e.errorClass === 'COLUMN_TYPE_MISMATCH');
      assert.match(e.message, /Column 's' .* must be of type a numeric type, but is string/);
      return true;
    });
    await assert.rejects(
      encoder.fit(df, { inputCol: 'c', outputCol: 'i' }),
      (e: unknown) => e instanceof SchemaError && e.errorClass === 'COLUMN_ALREADY_EXISTS',
    );
    await assert.rejects(
      encoder.fit(df, { inputCols: ['c'] }),
      (e: unknown) => e instanceof ParamError && e.errorClass === 'INVALID_COLUMN_PARAMS',
    );
    assert.deepEqual(
      encoder
        .copy({ inputCol: 'c' })
        .transformSchema(await df.schema())
        .fields.at(-1),
      DataTypes.field('v', DataTypes.array(DataTypes.float, false)),
    );
    const model = new OneHotEncoderModel({ categorySizes: [2, 3], inputCol: 'c', outputCol: 'v' });
    await assert.rejects(model.transform(df), (e: unknown) => {
      assert.ok(e instanceof ParamError && e.errorClass === 'CATEGORY_SIZES_MISMATCH');
      assert.match(e.message, /category sizes for 2 column\(s\) but 1 input column\(s\)/);
      return true;
    });
    for (const sizes of [[0], [1.5], [MAX_CATEGORIES + 1], 'x']) {
      assert.throws(
        () => new OneHotEncoderModel({ categorySizes: sizes as number[] }),
        (e: unknown) => e instanceof ParamError && /Invalid category sizes/.test(e.message),
      );
    }
  });

  it("saves and loads, and encodes a StringIndexer's output in a Pipeline", async () => {
    const df = session().createDataFrame([
      { id: 1, color: 'red', x: 0.5 },
      { id: 2, color: 'blue', x: 1.5 },
      { id: 3, color: 'red', x: 2.5 },
      { id: 4, color: 'green', x: 3.5 },
    ]);
    const pipeline = new Pipeline({
      stages: [
        new StringIndexer({ inputCol: 'color', outputCol: 'ci' }),
        new OneHotEncoder({ inputCol: 'ci', outputCol: 'cv' }),
        new VectorAssembler({ inputCols: ['cv', 'x'], outputCol: 'features' }),
      ],
    });
    // The encoder's vector size is known only once it is fitted: the pipeline's schema says array<float>.
    assert.deepEqual(
      pipeline.transformSchema(await df.schema()).fields.at(-1),
      DataTypes.field('features', DataTypes.array(DataTypes.float, false)),
    );
    const model = await pipeline.fit(df);
    assert.deepEqual(
      model.transformSchema(await df.schema()).fields.at(-1),
      DataTypes.field('features', DataTypes.vector(3)),
    );
    await model.save(join(dir(), 'encoded'));
    const encoder = model.stages[1] as OneHotEncoderModel;
    const data = JSON.parse(
      await readFile(join(dir(), 'encoded', 'stages', `1_${encoder.uid}`, 'data.json'), 'utf8'),
    ) as unknown;
    assert.deepEqual(data, { categorySizes: [3] });
    const loaded = await PipelineModel.load(join(dir(), 'encoded'));
    for (const fitted of [model, loaded]) {
      assert.deepEqual(await vectorsOf(fitted.transform(df), 'features'), [
        [1, 0, 0.5],
        [0, 1, 1.5],
        [1, 0, 2.5],
        [0, 0, 3.5],
      ]);
    }
    const again = await OneHotEncoderModel.load(join(dir(), 'encoded', 'stages', `1_${encoder.uid}`));
    assert.deepEqual([again.categorySizes, again.getInputCol(), again.getDropLast()], [[3], 'ci', true]);
  });
});
