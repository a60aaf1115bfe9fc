/**
 * The feature-stage suite both engines must pass alike: fits, transforms, invalid-value handling and save/load of
 * StringIndexer, IndexToString, VectorAssembler, StandardScaler and OneHotEncoder, with exact values (the values
 * Spark ML 4.3's own stages give for the same data, except where a stage's TSDoc states a difference). Rows are
 * ordered by `id` before they are compared; vectors are compared as arrays of 32-bit floats.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DeepframeError } from '../../../src/errors.js';
import type { DataFrame } from '../../../src/frame/DataFrame.js';
import { col } from '../../../src/frame/functions.js';
import type { Session } from '../../../src/frame/Session.js';
import {
  IndexToString,
  OneHotEncoder,
  type OneHotEncoderModel,
  StandardScaler,
  StringIndexer,
  StringIndexerModel,
  VectorAssembler,
} from '../../../src/ml/feature/index.js';
import { Pipeline } from '../../../src/ml/Pipeline.js';
import { PipelineModel } from '../../../src/ml/PipelineModel.js';
import { DataTypes } from '../../../src/types/DataType.js';
import type { Row } from '../../../src/types/Value.js';

/** Labels with ties, nulls and NaNs, as strings, integers and doubles. */
const labelled = (s: Session) =>
  s.createDataFrame(
    [
      { id: 1, s: 'a', n: 1, x: 1.0 },
      { id: 2, s: 'b', n: 2, x: 2.5 },
      { id: 3, s: 'b', n: 2, x: Number.NaN },
      { id: 4, s: 'c', n: null, x: null },
      { id: 5, s: 'c', n: 3, x: 3.0 },
      { id: 6, s: 'd', n: 3, x: 2.5 },
      { id: 7, s: null, n: 1, x: 2.5 },
      { id: 8, s: 'a', n: 1, x: 1.0 },
    ],
    DataTypes.struct([
      DataTypes.field('id', DataTypes.integer),
      DataTypes.field('s', DataTypes.string),
      DataTypes.field('n', DataTypes.integer),
      DataTypes.field('x', DataTypes.double),
    ]),
  );

/** Numbers, booleans and vectors, some null or NaN. */
const mixed = (s: Session) =>
  s.createDataFrame(
    [
      { id: 1, x: 1.5, b: true, v: new Float32Array([1, 2]) },
      { id: 2, x: Number.NaN, b: false, v: new Float32Array([3, 4]) },
      { id: 3, x: null, b: true, v: new Float32Array([5, 6]) },
      { id: 4, x: 4, b: null, v: new Float32Array([0, Number.NaN]) },
      { id: 5, x: -2, b: false, v: null },
    ],
    DataTypes.struct([
      DataTypes.field('id', DataTypes.integer),
      DataTypes.field('x', DataTypes.double),
      DataTypes.field('b', DataTypes.boolean),
      DataTypes.field('v', DataTypes.vector(2)),
    ]),
  );

const vectors = (s: Session) =>
  s.createDataFrame(
    [
      { id: 1, v: new Float32Array([1, 5, 2]) },
      { id: 2, v: new Float32Array([3, 5, 4]) },
      { id: 3, v: new Float32Array([8, 5, 0]) },
    ],
    DataTypes.struct([DataTypes.field('id', DataTypes.integer), DataTypes.field('v', DataTypes.vector(3))]),
  );

const indices = (s: Session, rows: readonly { id: number; a: number | null; b: number | null }[]) =>
  s.createDataFrame(
    rows,
    DataTypes.struct([
      DataTypes.field('id', DataTypes.integer),
      DataTypes.field('a', DataTypes.double),
      DataTypes.field('b', DataTypes.double),
    ]),
  );

/** The rows ordered by id, with the named columns; vectors as plain arrays. */
async function rowsOf(df: DataFrame, ...columns: string[]): Promise<unknown[][]> {
  const rows = await df
    .orderBy('id')
    .select(...columns)
    .collect();
  return rows.map((row: Row) =>
    columns.map((c) => {
      const value = row[c];
      return value instanceof Float32Array ? Array.from(value) : value;
    }),
  );
}

/** A check for `assert.rejects`: a failed check of the stage's input, whose message matches `pattern`. */
const invalidValue = (pattern: RegExp) => (e: unknown) => {
  assert.ok(e instanceof DeepframeError, String(e));
  assert.equal(e.errorClass, 'USER_RAISED_EXCEPTION');
  assert.match(e.messageParameters.errorMessage ?? '', pattern);
  return true;
};

const f = Math.fround;

/** Defines the shared feature-stage tests for the session `session()` returns; `dir()` is a scratch directory. */
export function defineFeatureSuite(engine: string, session: () => Session, dir: () => string): void {
  describe(`feature stages on the ${engine} engine`, () => {
    it('StringIndexer orders labels by frequency (ties alphabetically) or alphabetically, over strings and numbers', async () => {
      const df = labelled(session());
      const labels = async (order: 'frequencyDesc' | 'frequencyAsc' | 'alphabetDesc' | 'alphabetAsc') =>
        (
          await new StringIndexer({
            inputCols: ['s', 'n', 'x'],
            outputCols: ['si', 'ni', 'xi'],
            stringOrderType: order,
          }).fit(df)
        ).labelsArray;
      assert.deepEqual(await labels('frequencyDesc'), [
        ['a', 'b', 'c', 'd'],
        ['1', '2', '3'],
        ['2.5', '1.0', '3.0'],
      ]);
      assert.deepEqual(await labels('frequencyAsc'), [
        ['d', 'a', 'b', 'c'],
        ['2', '3', '1'],
        ['3.0', '1.0', '2.5'],
      ]);
      assert.deepEqual(await labels('alphabetDesc'), [
        ['d', 'c', 'b', 'a'],
        ['3', '2', '1'],
        ['3.0', '2.5', '1.0'],
      ]);
      assert.deepEqual(await labels('alphabetAsc'), [
        ['a', 'b', 'c', 'd'],
        ['1', '2', '3'],
        ['1.0', '2.5', '3.0'],
      ]);
    });

    it('StringIndexerModel keeps or skips nulls, NaNs and unseen labels', async () => {
      const df = labelled(session());
      const model = await new StringIndexer({
        inputCols: ['s', 'x'],
        outputCols: ['si', 'xi'],
        handleInvalid: 'keep',
      }).fit(df.filter(col('id').leq(6)));
      // Fitted without rows 7 and 8: 'a' and 'd' are seen once each; 2.5 twice.
      assert.deepEqual(model.labelsArray, [
        ['b', 'c', 'a', 'd'],
        ['2.5', '1.0', '3.0'],
      ]);
      const kept = await model.transform(df);
      assert.deepEqual(await kept.columns(), ['id', 's', 'n', 'x', 'si', 'xi']);
      assert.deepEqual(await rowsOf(kept, 'id', 'si', 'xi'), [
        [1, 2, 1],
        [2, 0, 0],
        [3, 0, 3],
        [4, 1, 3],
        [5, 1, 2],
        [6, 3, 0],
        [7, 4, 0],
        [8, 2, 1],
      ]);
      const skipped = await model.transform(df, { handleInvalid: 'skip' });
      assert.deepEqual(await rowsOf(skipped, 'id', 'si', 'xi'), [
        [1, 2, 1],
        [2, 0, 0],
        [5, 1, 2],
        [6, 3, 0],
        [8, 2, 1],
      ]);
    });

    it('StringIndexerModel fails on an unseen label or a null with handleInvalid error', async () => {
      const model = StringIndexerModel.fromLabels(['a', 'b'], { inputCol: 's', outputCol: 'si' });
      const df = labelled(session());
      await assert.rejects(
        async () => (await model.transform(df.filter(col('id').leq(4)))).collect(),
        invalidValue(/^Unseen label: c\. StringIndexer '.*' knows 2 label\(s\) for column 's'/),
      );
      await assert.rejects(
        async () => (await model.transform(df.filter(col('id').equalTo(7)))).collect(),
        invalidValue(/met a null value in column 's'/),
      );
    });

    it('StringIndexer sorts labels by code point, its model finds many labels, IndexToString maps them back', async () => {
      // More labels than one comparison leaf holds, so the lookup is a binary search. Spark sorts by code point
      // (UTF-8 bytes): 'ｚ' (U+FF5A) before '😀' (U+1F600), which JavaScript's UTF-16 sort puts the other way.
      const words = [
        '',
        'A',
        'Z',
        'a',
        'z',
        'é',
        '😀',
        'ｚ',
        'b',
        'c',
        'd',
        'e',
        'f',
        'g',
        'h',
        'i',
        'j',
        'k',
      ];
      const df = session().createDataFrame(words.map((w, i) => ({ id: i, w })));
      const model = await new StringIndexer({
        inputCol: 'w',
        outputCol: 'wi',
        stringOrderType: 'alphabetAsc',
      }).fit(df);
      const sorted = [
        '',
        'A',
        'Z',
        'a',
        'b',
        'c',
        'd',
        'e',
        'f',
        'g',
        'h',
        'i',
        'j',
        'k',
        'z',
        'é',
        'ｚ',
        '😀',
      ];
      assert.deepEqual(model.labels, sorted);
      const back = new IndexToString({ inputCol: 'wi', outputCol: 'back', labels: model.labels });
      const out = await back.transform(await model.transform(df));
      assert.deepEqual(
        await rowsOf(out, 'id', 'wi', 'back'),
        words.map((w, i) => [i, sorted.indexOf(w), w]),
      );
    });

    it('StringIndexerModel indexes hundreds of labels, keeping or failing on unseen ones', async () => {
      // More labels than Spark looks up with an expression: there a join finds them.
      const labels = Array.from({ length: 300 }, (_, i) => `w${(i * 7) % 300}`);
      const model = StringIndexerModel.fromLabels(labels, {
        inputCol: 'w',
        outputCol: 'wi',
        handleInvalid: 'keep',
      });
      const rows = [...labels.map((w, i) => ({ id: i, w })), { id: 300, w: 'unseen' }, { id: 301, w: null }];
      const df = session().createDataFrame(
        rows.reverse(),
        DataTypes.struct([DataTypes.field('id', DataTypes.integer), DataTypes.field('w', DataTypes.string)]),
      );
      const kept = await model.transform(df);
      assert.deepEqual(await kept.columns(), ['id', 'w', 'wi']);
      assert.deepEqual(await rowsOf(kept, 'id', 'wi'), [
        ...labels.map((_, i) => [i, i]),
        [300, 300],
        [301, 300],
      ]);
      await assert.rejects(
        async () =>
          (await model.transform(df.filter(col('id').leq(300)), { handleInvalid: 'error' })).collect(),
        invalidValue(/^Unseen label: unseen\. StringIndexer '.*' knows 300 label\(s\) for column 'w'/),
      );
    });

    it('IndexToString truncates indices and fails on one out of range', async () => {
      const back = new IndexToString({ inputCol: 'a', outputCol: 'label', labels: ['x', 'y'] });
      const ok = indices(session(), [
        { id: 1, a: 0, b: null },
        { id: 2, a: 1.9, b: null },
        { id: 3, a: -0.5, b: null },
      ]);
      assert.deepEqual(await rowsOf(await back.transform(ok), 'id', 'label'), [
        [1, 'x'],
        [2, 'y'],
        [3, 'x'],
      ]);
      const bad = indices(session(), [
        { id: 1, a: 1, b: null },
        { id: 2, a: 2, b: null },
      ]);
      await assert.rejects(
        async () => (await back.transform(bad)).collect(),
        invalidValue(/^Unseen index: 2\.0\. IndexToString '.*' has 2 label\(s\)/),
      );
    });

    it('VectorAssembler assembles numbers, booleans and vectors, and keeps, skips or fails on nulls and NaNs', async () => {
      const df = mixed(session());
      const assembler = new VectorAssembler({ inputCols: ['x', 'b', 'v'], outputCol: 'features' });
      const kept = await assembler.transform(df, { handleInvalid: 'keep' });
      assert.deepEqual((await kept.schema()).fields.at(-1)?.type, DataTypes.vector(4));
      assert.deepEqual(await rowsOf(kept, 'id', 'features'), [
        [1, [1.5, 1, 1, 2]],
        [2, [Number.NaN, 0, 3, 4]],
        [3, [Number.NaN, 1, 5, 6]],
        [4, [4, Number.NaN, 0, Number.NaN]],
        [5, [-2, 0, Number.NaN, Number.NaN]],
      ]);
      const skipped = await assembler.transform(df, { handleInvalid: 'skip' });
      assert.deepEqual(await rowsOf(skipped, 'id', 'features'), [[1, [1.5, 1, 1, 2]]]);
      await assert.rejects(
        async () => (await assembler.transform(df.filter(col('id').leq(3)))).collect(),
        invalidValue(/met a null or NaN value in column 'x' \(handleInvalid = "error"\)/),
      );
      await assert.rejects(
        async () =>
          (await assembler.transform(df.filter(col('id').equalTo(5)), { inputCols: ['b', 'v'] })).collect(),
        invalidValue(/met a null value in column 'v'/),
      );
    });

    it('StandardScaler learns the mean and the unbiased std, and scales with and without either', async () => {
      const df = vectors(session());
      const model = await new StandardScaler({ inputCol: 'v', outputCol: 'scaled' }).fit(df);
      assert.deepEqual(Array.from(model.mean), [4, 5, 2]);
      assert.deepEqual(Array.from(model.std), [Math.sqrt(13), 0, 2]);
      const out = await model.transform(df);
      const both = await model.copy({ withMean: true, outputCol: 'both' }).transform(out);
      const centered = await model
        .copy({ withMean: true, withStd: false, outputCol: 'centered' })
        .transform(both);
      const same = await model.copy({ withStd: false, outputCol: 'same' }).transform(centered);
      assert.deepEqual((await same.schema()).fields.at(-1)?.type, DataTypes.vector(3));
      const s = 1 / Math.sqrt(13);
      assert.deepEqual(await rowsOf(same, 'id', 'scaled', 'both', 'centered', 'same'), [
        [1, [f(s), 0, 1], [f(-3 * s), 0, 0], [-3, 0, 0], [1, 5, 2]],
        [2, [f(3 * s), 0, 2], [f(-s), 0, 1], [-1, 0, 2], [3, 5, 4]],
        [3, [f(8 * s), 0, 0], [f(4 * s), 0, -1], [4, 0, -2], [8, 5, 0]],
      ]);
    });

    it('OneHotEncoder learns category sizes and encodes with dropLast and handleInvalid', async () => {
      const train = indices(session(), [
        { id: 1, a: 0, b: 1 },
        { id: 2, a: 1, b: 0 },
        { id: 3, a: 2, b: 1 },
      ]);
      const model = await new OneHotEncoder({ inputCols: ['a', 'b'], outputCols: ['av', 'bv'] }).fit(train);
      assert.deepEqual(model.categorySizes, [3, 2]);
      const test = indices(session(), [
        { id: 1, a: 0, b: 1 },
        { id: 2, a: 1.5, b: 0 },
        { id: 3, a: 2, b: null },
        { id: 4, a: 3, b: 1 },
        { id: 5, a: -1, b: 0 },
        { id: 6, a: Number.NaN, b: 0 },
      ]);
      const keep = await model.transform(test, { handleInvalid: 'keep' });
      const all = await model
        .copy({ handleInvalid: 'keep', dropLast: false, outputCols: ['aw', 'bw'] })
        .transform(keep);
      assert.deepEqual(
        (await all.schema()).fields.slice(-4).map((field) => field.type),
        [DataTypes.vector(3), DataTypes.vector(2), DataTypes.vector(4), DataTypes.vector(3)],
      );
      assert.deepEqual(await rowsOf(all, 'id', 'av', 'bv', 'aw', 'bw'), [
        [1, [1, 0, 0], [0, 1], [1, 0, 0, 0], [0, 1, 0]],
        [2, [0, 1, 0], [1, 0], [0, 1, 0, 0], [1, 0, 0]],
        [3, [0, 0, 1], null, [0, 0, 1, 0], null],
        [4, [0, 0, 0], [0, 1], [0, 0, 0, 1], [0, 1, 0]],
        [5, [0, 0, 0], [1, 0], [0, 0, 0, 1], [1, 0, 0]],
        [6, [0, 0, 0], [1, 0], [0, 0, 0, 1], [1, 0, 0]],
      ]);
      const dropped = await model.transform(test.filter(col('id').leq(3)));
      assert.deepEqual(await rowsOf(dropped, 'id', 'av', 'bv'), [
        [1, [1, 0], [0]],
        [2, [0, 1], [1]],
        [3, [0, 0], null],
      ]);
      await assert.rejects(
        async () => (await model.transform(test)).collect(),
        invalidValue(/^Unseen value: 3\.0\. OneHotEncoderModel '.*' knows 3 categories/),
      );
      await assert.rejects(
        async () => (await model.transform(test.filter(col('id').equalTo(5)))).collect(),
        invalidValue(/^Negative value: -1\.0\./),
      );
    });

    it('a Pipeline of every stage fits, transforms, and transforms alike after a save and load', async () => {
      const df = labelled(session()).filter(col('s').isNotNull());
      const pipeline = new Pipeline({
        stages: [
          new StringIndexer({ inputCol: 's', outputCol: 'si' }),
          new OneHotEncoder({ inputCol: 'si', outputCol: 'sv', dropLast: false }),
          new VectorAssembler({ inputCols: ['sv', 'n', 'x'], outputCol: 'raw', handleInvalid: 'skip' }),
          new StandardScaler({ inputCol: 'raw', outputCol: 'features', withMean: true }),
          new IndexToString({ inputCol: 'si', outputCol: 'back', labels: ['a', 'b', 'c', 'd'] }),
        ],
      });
      const model = await pipeline.fit(df);
      const path = join(dir(), `pipeline-${engine}`);
      await model.save(path);
      const loaded = await PipelineModel.load(path);
      const expected = [
        [1, 0, [1, 0, 0, 0, 1, 1], 'a'],
        [2, 1, [0, 1, 0, 0, 2, 2.5], 'b'],
        [5, 2, [0, 0, 1, 0, 3, 3], 'c'],
        [6, 3, [0, 0, 0, 1, 3, 2.5], 'd'],
        [8, 0, [1, 0, 0, 0, 1, 1], 'a'],
      ];
      // Spark ML's features for the same pipeline, to 6 decimals (so compared within 2e-6).
      const features = [
        [1.095445, -0.447214, -0.447214, -0.447214, -1.0, -1.069045],
        [-0.730297, 1.788854, -0.447214, -0.447214, 0.0, 0.534522],
        [-0.730297, -0.447214, 1.788854, -0.447214, 1.0, 1.069045],
        [-0.730297, -0.447214, -0.447214, 1.788854, 1.0, 0.534522],
        [1.095445, -0.447214, -0.447214, -0.447214, -1.0, -1.069045],
      ];
      for (const fitted of [model, loaded]) {
        const rows = await rowsOf(await fitted.transform(df), 'id', 'si', 'raw', 'back', 'features');
        assert.deepEqual(
          rows.map((r) => r.slice(0, 4)),
          expected,
        );
        for (const [i, row] of rows.entries()) {
          const actual = row[4] as number[];
          for (const [j, value] of features[i]!.entries()) {
            assert.ok(
              Math.abs(actual[j]! - value) < 2e-6,
              `row ${i}, component ${j}: ${actual[j]} vs ${value}`,
            );
          }
        }
      }
      assert.deepEqual(
        (loaded.stages[1] as OneHotEncoderModel).categorySizes,
        (model.stages[1] as OneHotEncoderModel).categorySizes,
      );
    });
  });
}
