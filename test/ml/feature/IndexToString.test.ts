import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DeepframeError, ParamError, SchemaError } from '../../../src/errors.js';
import { col } from '../../../src/frame/functions.js';
import type { Session } from '../../../src/frame/Session.js';
import { IndexToString, StringIndexer } from '../../../src/ml/feature/index.js';
import { Pipeline } from '../../../src/ml/Pipeline.js';
import { PipelineModel } from '../../../src/ml/PipelineModel.js';
import { DataTypes } from '../../../src/types/DataType.js';
import { useSession } from '../../helpers/session.js';

const { session, dir } = useSession();

const indices = (s: Session, values: readonly (number | null)[]) =>
  s.createDataFrame(
    values.map((i, id) => ({ id, i, n: id, s: String(id) })),
    DataTypes.struct([
      DataTypes.field('id', DataTypes.integer),
      DataTypes.field('i', DataTypes.double),
      DataTypes.field('n', DataTypes.long),
      DataTypes.field('s', DataTypes.string),
    ]),
  );

const unseen = (pattern: RegExp) => (e: unknown) => {
  assert.ok(e instanceof DeepframeError, String(e));
  assert.equal(e.errorClass, 'USER_RAISED_EXCEPTION');
  assert.match(e.messageParameters.errorMessage ?? '', pattern);
  return true;
};

describe('IndexToString', () => {
  it("has Spark's params", () => {
    const back = new IndexToString({ inputCol: 'i', labels: ['a'] });
    assert.deepEqual(
      back.params.map((p) => p.name),
      ['inputCol', 'labels', 'outputCol'],
    );
    assert.equal(back.getOutputCol(), `${back.uid}__output`);
    assert.deepEqual(back.setLabels(['x', 'y']).getLabels(), ['x', 'y']);
    assert.equal(back.setInputCol('j').setOutputCol('o').getInputCol(), 'j');
    assert.throws(
      () => back.setLabels([1] as unknown as string[]),
      (e: unknown) => e instanceof ParamError && e.errorClass === 'INVALID_PARAM_VALUE',
    );
  });

  it('maps indices of any numeric type to labels, truncating fractions toward zero', async () => {
    const df = indices(session(), [0, 2, 1.99, -0.99, 1]);
    const back = new IndexToString({ inputCol: 'i', outputCol: 'label', labels: ['a', 'b', 'c'] });
    const out = await back.transform(df);
    assert.deepEqual((await out.schema()).fields.at(-1), DataTypes.field('label', DataTypes.string));
    const rows = await out.orderBy('id').collect();
    assert.deepEqual(
      rows.map((r) => r.label),
      ['a', 'c', 'b', 'a', 'b'],
    );
    // Column n holds the row numbers 0 … 4 as longs.
    const fromLongs = await back.transform(df.filter(col('n').lt(3)), { inputCol: 'n' });
    assert.deepEqual(
      (await fromLongs.orderBy('id').collect()).map((r) => r.label),
      ['a', 'b', 'c'],
    );
  });

  it('fails on an index out of range, a NaN or a null, before returning on the embedded engine', async () => {
    const back = new IndexToString({ inputCol: 'i', outputCol: 'label', labels: ['a', 'b'] });
    const message = (seen: string) =>
      `Unseen index: ${seen}. IndexToString '${back.uid}' has 2 label(s), so column 'i' must hold indices in [0, 2).`;
    await assert.rejects(
      back.transform(indices(session(), [0, 2])),
      unseen(new RegExp(`^${escapeRegExp(message('2.0'))}$`)),
    );
    await assert.rejects(back.transform(indices(session(), [-1])), unseen(/^Unseen index: -1\.0\./));
    await assert.rejects(back.transform(indices(session(), [Number.NaN])), unseen(/^Unseen index: nan\./));
    await assert.rejects(back.transform(indices(session(), [null])), unseen(/^Unseen index: null\./));
  });

  it('needs labels, and checks its columns before any work', async () => {
    const df = indices(session(), [0]);
    for (const back of [
      new IndexToString({ inputCol: 'i' }),
      new IndexToString({ inputCol: 'i', labels: [] }),
    ]) {
      await assert.rejects(back.transform(df), (e: unknown) => {
        assert.ok(e instanceof ParamError && e.errorClass === 'MISSING_LABELS');
        assert.match(
          e.message,
          /has no labels\. Spark reads them from the input column's ML attribute metadata/,
        );
        return true;
      });
    }
    const back = new IndexToString({ inputCol: 's', outputCol: 'label', labels: ['a'] });
    await assert.rejects(back.transform(df), (e: unknown) => {
      assert.ok(e instanceof SchemaError && e.errorClass === 'COLUMN_TYPE_MISMATCH');
      assert.match(e.message, /Column 's' .* must be of type a numeric type, but is string/);
      return true;
    });
    await assert.rejects(
      back.transform(df, { inputCol: 'missing' }),
      (e: unknown) => e instanceof SchemaError && e.errorClass === 'UNRESOLVED_COLUMN',
    );
    await assert.rejects(
      back.transform(df, { inputCol: 'i', outputCol: 's' }),
      (e: unknown) => e instanceof SchemaError && e.errorClass === 'COLUMN_ALREADY_EXISTS',
    );
  });

  it('saves and loads, and inverts a StringIndexer in a Pipeline', async () => {
    const back = new IndexToString({ inputCol: 'i', outputCol: 'label', labels: ['a', 'b'] });
    await back.save(join(dir(), 'back'));
    const again = await IndexToString.load(join(dir(), 'back'));
    assert.equal(again.uid, back.uid);
    assert.deepEqual(again.getLabels(), ['a', 'b']);
    const words = session().createDataFrame([
      { id: 1, w: 'x' },
      { id: 2, w: 'y' },
      { id: 3, w: 'y' },
    ]);
    const pipeline = new Pipeline({
      stages: [
        new StringIndexer({ inputCol: 'w', outputCol: 'wi' }),
        new IndexToString({ inputCol: 'wi', outputCol: 'back', labels: ['y', 'x'] }),
      ],
    });
    const model = await pipeline.fit(words);
    await model.save(join(dir(), 'inverse'));
    const loaded = await PipelineModel.load(join(dir(), 'inverse'));
    const rows = await (await loaded.transform(words)).orderBy('id').collect();
    assert.deepEqual(
      rows.map((r) => [r.w, r.wi, r.back]),
      [
        ['x', 1, 'x'],
        ['y', 0, 'y'],
        ['y', 0, 'y'],
      ],
    );
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
