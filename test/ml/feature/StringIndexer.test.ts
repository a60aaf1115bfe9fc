import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DeepframeError, ParamError, SchemaError } from '../../../src/errors.js';
import type { DataFrame } from '../../../src/frame/DataFrame.js';
import { col } from '../../../src/frame/functions.js';
import type { Session } from '../../../src/frame/Session.js';
import { IndexToString, StringIndexer, StringIndexerModel } from '../../../src/ml/feature/index.js';
import { loadStage } from '../../../src/ml/loadStage.js';
import { Pipeline } from '../../../src/ml/Pipeline.js';
import { PipelineModel } from '../../../src/ml/PipelineModel.js';
import { DataTypes } from '../../../src/types/DataType.js';
import { useSession } from '../../helpers/session.js';

const { session, dir } = useSession();

const colors = (s: Session) =>
  s.createDataFrame([
    { id: 1, color: 'red', size: 'S' },
    { id: 2, color: 'blue', size: 'M' },
    { id: 3, color: 'red', size: 'M' },
    { id: 4, color: 'green', size: 'L' },
    { id: 5, color: 'red', size: 'M' },
    { id: 6, color: 'blue', size: 'S' },
  ]);

const column = async (df: Promise<DataFrame>, name: string) =>
  (await (await df).orderBy('id').collect()).map((r) => r[name]);

const paramError = (errorClass: string, pattern: RegExp) => (e: unknown) => {
  assert.ok(e instanceof ParamError, String(e));
  assert.equal(e.errorClass, errorClass);
  assert.match(e.message, pattern);
  return true;
};

describe('StringIndexer', () => {
  it("has Spark's params and defaults", () => {
    const indexer = new StringIndexer({ inputCol: 'color' });
    assert.equal(indexer.getHandleInvalid(), 'error');
    assert.equal(indexer.getStringOrderType(), 'frequencyDesc');
    assert.equal(indexer.getOutputCol(), `${indexer.uid}__output`);
    assert.match(indexer.uid, /^StringIndexer_[0-9a-f]{12}$/);
    assert.deepEqual(
      indexer.params.map((p) => p.name),
      ['handleInvalid', 'inputCol', 'inputCols', 'outputCol', 'outputCols', 'stringOrderType'],
    );
    assert.match(
      indexer.explainParam('stringOrderType'),
      /further sorted alphabetically\. \(default: frequencyDesc\)/,
    );
    indexer.setHandleInvalid('keep').setStringOrderType('alphabetAsc').setOutputCol('ci');
    assert.deepEqual(
      [indexer.getHandleInvalid(), indexer.getStringOrderType(), indexer.getOutputCol()],
      ['keep', 'alphabetAsc', 'ci'],
    );
  });

  it('rejects unknown handleInvalid and stringOrderType values and empty column lists when they are set', () => {
    assert.throws(
      () => new StringIndexer({ handleInvalid: 'drop' as 'skip' }),
      paramError(
        'INVALID_PARAM_VALUE',
        /param 'handleInvalid'.*got "drop"; expected one of \["skip", "error", "keep"\]/,
      ),
    );
    assert.throws(
      () => new StringIndexer().setStringOrderType('random' as 'alphabetAsc'),
      paramError('INVALID_PARAM_VALUE', /stringOrderType.*"random"/),
    );
    assert.throws(
      () => new StringIndexer({ inputCols: [] }),
      paramError('INVALID_PARAM_VALUE', /inputCols.*expected an array of more than 0 elements/),
    );
    assert.throws(
      () => new StringIndexer({ outputCols: [] }),
      paramError('INVALID_PARAM_VALUE', /outputCols/),
    );
  });

  it("checks Spark's single-or-several column rules before any work", async () => {
    const df = colors(session());
    const fails = async (indexer: StringIndexer, pattern: RegExp) =>
      assert.rejects(indexer.fit(df), paramError('INVALID_COLUMN_PARAMS', pattern));
    await fails(
      new StringIndexer({ inputCol: 'color', inputCols: ['size'] }),
      /either inputCol .* but both are set/,
    );
    await fails(new StringIndexer(), /has no input column: set inputCol/);
    await fails(new StringIndexer({ inputCols: ['color', 'size'] }), /no outputCols/);
    await fails(
      new StringIndexer({ inputCols: ['color', 'size'], outputCols: ['ci'] }),
      /has 2 inputCols .* but 1 outputCols/,
    );
    await fails(
      new StringIndexer({ inputCols: ['color', 'size'], outputCols: ['x', 'x'] }),
      /names output column 'x' twice/,
    );
    await fails(new StringIndexer({ inputCol: 'color', outputCols: ['ci'] }), /outputCols is set too/);
    await fails(
      new StringIndexer({ inputCols: ['color'], outputCols: ['ci'], outputCol: 'c' }),
      /outputCol is set too/,
    );
  });

  it('checks the input and output columns before any work', async () => {
    const df = colors(session()).withColumn('flag', col('id').gt(2));
    await assert.rejects(new StringIndexer({ inputCol: 'colour', outputCol: 'ci' }).fit(df), (e: unknown) => {
      assert.ok(e instanceof SchemaError && e.errorClass === 'UNRESOLVED_COLUMN');
      assert.match(e.message, /'colour'.*Available columns: 'id', 'color', 'size', 'flag'/);
      return true;
    });
    await assert.rejects(new StringIndexer({ inputCol: 'flag', outputCol: 'fi' }).fit(df), (e: unknown) => {
      assert.ok(e instanceof SchemaError && e.errorClass === 'COLUMN_TYPE_MISMATCH');
      assert.match(e.message, /Column 'flag' .* must be of type string or numeric, but is boolean/);
      return true;
    });
    await assert.rejects(
      new StringIndexer({ inputCol: 'color', outputCol: 'size' }).fit(df),
      (e: unknown) => e instanceof SchemaError && e.errorClass === 'COLUMN_ALREADY_EXISTS',
    );
    const schema = new StringIndexer({
      inputCols: ['color', 'id'],
      outputCols: ['ci', 'ii'],
    }).transformSchema(await df.schema());
    assert.deepEqual(schema.fields.slice(-2), [
      DataTypes.field('ci', DataTypes.double),
      DataTypes.field('ii', DataTypes.double),
    ]);
  });

  it('fits a model that shares its uid and params, and indexes labels as doubles', async () => {
    const df = colors(session());
    const indexer = new StringIndexer({ inputCol: 'color', outputCol: 'ci', handleInvalid: 'skip' });
    const model = await indexer.fit(df);
    assert.equal(model.uid, indexer.uid);
    assert.equal(model.parent?.uid, indexer.uid);
    assert.equal(model.getHandleInvalid(), 'skip');
    assert.equal(model.getInputCol(), 'color');
    assert.deepEqual(model.labels, ['red', 'blue', 'green']);
    assert.deepEqual(model.labelsArray, [['red', 'blue', 'green']]);
    const out = await model.transform(df);
    assert.deepEqual((await out.schema()).fields.at(-1), DataTypes.field('ci', DataTypes.double));
    assert.deepEqual(await column(Promise.resolve(out), 'ci'), [0, 1, 0, 2, 0, 1]);
    const byName = await indexer.fit(df, { stringOrderType: 'alphabetDesc' });
    assert.deepEqual(byName.labels, ['red', 'green', 'blue']);
  });

  it('indexes several columns, each with its own labels', async () => {
    const df = colors(session());
    const model = await new StringIndexer({ inputCols: ['color', 'size'], outputCols: ['ci', 'si'] }).fit(df);
    assert.deepEqual(model.labelsArray, [
      ['red', 'blue', 'green'],
      ['M', 'S', 'L'],
    ]);
    assert.throws(() => model.labels, paramError('MULTIPLE_COLUMNS', /labels for 2 columns.*labelsArray/));
    const rows = await (await model.transform(df)).orderBy('id').select('ci', 'si').collect();
    assert.deepEqual(
      rows.map((r) => [r.ci, r.si]),
      [
        [0, 1],
        [1, 0],
        [0, 0],
        [2, 2],
        [0, 0],
        [1, 1],
      ],
    );
  });

  it('casts numeric columns to string as the engine does, leaving out nulls and NaNs', async () => {
    const df = session().createDataFrame(
      [
        { id: 1, i: 3, l: 12345678901234n, f: 0.5, d: 1e10 },
        { id: 2, i: -1, l: -1n, f: 2, d: Number.NaN },
        { id: 3, i: 3, l: 0n, f: null, d: 0.25 },
        { id: 4, i: null, l: 0n, f: 0.5, d: 1e-5 },
      ],
      DataTypes.struct([
        DataTypes.field('id', DataTypes.integer),
        DataTypes.field('i', DataTypes.integer),
        DataTypes.field('l', DataTypes.long),
        DataTypes.field('f', DataTypes.float),
        DataTypes.field('d', DataTypes.double),
      ]),
    );
    const model = await new StringIndexer({
      inputCols: ['i', 'l', 'f', 'd'],
      outputCols: ['ii', 'li', 'fi', 'di'],
      handleInvalid: 'keep',
    }).fit(df);
    // Doubles of 1e7 and more or under 1e-3 read as the embedded engine writes them (Spark: 1.0E10, 1.0E-5).
    assert.deepEqual(model.labelsArray, [
      ['3', '-1'],
      ['0', '-1', '12345678901234'],
      ['0.5', '2.0'],
      ['0.25', '10000000000.0', '1e-05'],
    ]);
    const rows = await (await model.transform(df)).orderBy('id').select('ii', 'li', 'fi', 'di').collect();
    assert.deepEqual(
      rows.map((r) => Object.values(r)),
      [
        [0, 2, 0, 1],
        [1, 1, 1, 3],
        [0, 0, 2, 0],
        [2, 0, 0, 2],
      ],
    );
  });

  it('fits no labels on an empty DataFrame; every value is then unseen', async () => {
    const empty = colors(session()).filter(col('id').gt(100));
    const model = await new StringIndexer({ inputCol: 'color', outputCol: 'ci', handleInvalid: 'keep' }).fit(
      empty,
    );
    assert.deepEqual(model.labels, []);
    assert.deepEqual(await column(model.transform(colors(session()).limit(2)), 'ci'), [0, 0]);
  });

  it('fails transform on the embedded engine, before returning, on an unseen label or a null', async () => {
    const model = StringIndexerModel.fromLabels(['red', 'blue'], { inputCol: 'color', outputCol: 'ci' });
    const df = colors(session());
    await assert.rejects(model.transform(df), (e: unknown) => {
      assert.ok(e instanceof DeepframeError);
      assert.equal(e.errorClass, 'USER_RAISED_EXCEPTION');
      assert.equal(
        e.messageParameters.errorMessage,
        `Unseen label: green. StringIndexer '${model.uid}' knows 2 label(s) for column 'color'. To handle unseen ` +
          "labels, set handleInvalid to 'keep' (index 2) or 'skip' (drop the row).",
      );
      return true;
    });
    const withNull = session().createDataFrame(
      [{ color: 'red' }, { color: null }],
      DataTypes.struct([DataTypes.field('color', DataTypes.string)]),
    );
    await assert.rejects(model.transform(withNull), /met a null value in column 'color'.*'keep' or 'skip'/);
    assert.equal(await (await model.transform(df.filter(col('color').notEqual('green')))).count(), 5);
  });

  it('makes models from labels, gives a label listed twice its last index, and checks the label count', async () => {
    const df = colors(session());
    const model = StringIndexerModel.fromLabels(['green', 'red', 'blue', 'red'], {
      inputCol: 'color',
      outputCol: 'ci',
    });
    assert.deepEqual(await column(model.transform(df), 'ci'), [3, 2, 3, 0, 3, 2]);
    const two = StringIndexerModel.fromArraysOfLabels([['red'], ['S', 'M']], {
      inputCols: ['color', 'size'],
      outputCols: ['ci', 'si'],
      handleInvalid: 'keep',
    });
    assert.deepEqual(await column(two.transform(df), 'si'), [0, 1, 1, 2, 1, 0]);
    await assert.rejects(
      two.transform(df, { inputCols: ['color'], outputCols: ['ci'] }),
      paramError('LABELS_MISMATCH', /labels for 2 column\(s\) but 1 input column\(s\)/),
    );
    assert.throws(
      () => new StringIndexerModel({ labelsArray: [['a', 1 as unknown as string]] }),
      paramError('INVALID_PARAM_VALUE', /Invalid labels for StringIndexerModel/),
    );
  });

  it('finds each of a thousand labels', async () => {
    const labels = Array.from({ length: 1000 }, (_, i) => `label-${(i * 7919) % 1000}`);
    const model = StringIndexerModel.fromLabels(labels, { inputCol: 'w', outputCol: 'wi' });
    const df = session().createDataFrame(labels.map((w, i) => ({ id: i, w })).reverse());
    const rows = await (await model.transform(df)).orderBy('id').collect();
    assert.deepEqual(
      rows.map((r) => r.wi),
      labels.map((_, i) => i),
    );
  });

  it('saves and loads the estimator and the model, which transforms alike after the round trip', async () => {
    const df = colors(session());
    const indexer = new StringIndexer({
      inputCols: ['color', 'size'],
      outputCols: ['ci', 'si'],
      stringOrderType: 'frequencyAsc',
    });
    await indexer.save(join(dir(), 'indexer'));
    const again = await StringIndexer.load(join(dir(), 'indexer'));
    assert.equal(again.uid, indexer.uid);
    assert.equal(again.getStringOrderType(), 'frequencyAsc');
    assert.deepEqual(again.getInputCols(), ['color', 'size']);
    const model = await again.fit(df);
    await model.save(join(dir(), 'indexer-model'));
    const data = JSON.parse(await readFile(join(dir(), 'indexer-model', 'data.json'), 'utf8')) as unknown;
    assert.deepEqual(data, { labelsArray: model.labelsArray });
    const loaded = await loadStage(join(dir(), 'indexer-model'));
    assert.ok(loaded instanceof StringIndexerModel);
    assert.deepEqual(loaded.labelsArray, [
      ['green', 'blue', 'red'],
      ['L', 'S', 'M'],
    ]);
    assert.equal(loaded.getStringOrderType(), 'frequencyAsc');
    const rows = async (m: StringIndexerModel) =>
      (await (await m.transform(df)).orderBy('id').collect()).map((r) => [r.ci, r.si]);
    assert.deepEqual(await rows(loaded), await rows(model));
  });

  it('works in a Pipeline with IndexToString, before and after a save and load', async () => {
    const df = colors(session());
    const indexer = new StringIndexer({ inputCol: 'color', outputCol: 'ci' });
    const back = new IndexToString({ inputCol: 'ci', outputCol: 'back', labels: ['red', 'blue', 'green'] });
    const model = await new Pipeline({ stages: [indexer, back] }).fit(df);
    await model.save(join(dir(), 'pipeline'));
    for (const fitted of [model, await PipelineModel.load(join(dir(), 'pipeline'))]) {
      const rows = await (await fitted.transform(df)).orderBy('id').collect();
      assert.deepEqual(
        rows.map((r) => [r.color, r.ci, r.back]),
        [
          ['red', 0, 'red'],
          ['blue', 1, 'blue'],
          ['red', 0, 'red'],
          ['green', 2, 'green'],
          ['red', 0, 'red'],
          ['blue', 1, 'blue'],
        ],
      );
    }
  });
});
