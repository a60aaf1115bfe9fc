import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SchemaError } from '../../src/errors.js';
import type { DataFrame } from '../../src/frame/DataFrame.js';
import { Session } from '../../src/frame/Session.js';
import { ParamMap } from '../../src/ml/index.js';
import { DataTypes } from '../../src/types/index.js';
import { MeanShift, MeanShiftModel } from './fixtures/stages.js';

let session: Session;
let df: DataFrame;
before(async () => {
  session = await Session.builder().master('local[2]').getOrCreate();
  df = session.createDataFrame(
    [
      { a: 1, b: 10 },
      { a: 3, b: 30 },
    ],
    DataTypes.struct([DataTypes.field('a', DataTypes.double), DataTypes.field('b', DataTypes.double)]),
  );
});
after(async () => {
  await session.stop();
});
beforeEach(() => {
  MeanShift.fits = 0;
});

describe('Estimator.fit', () => {
  it('learns a model whose parent is the estimator', async () => {
    const est = new MeanShift({ inputCol: 'a', outputCol: 'c' });
    const model = await est.fit(df);
    assert.ok(model instanceof MeanShiftModel);
    assert.equal(model.mean, 2);
    assert.equal(model.parent, est);
    assert.equal(model.hasParent(), true);
    assert.deepEqual(
      (await (await model.transform(df)).collect()).map((r) => r.c),
      [-1, 1],
    );
  });

  it('applies overrides to a copy: the model and its parent have them, the estimator does not', async () => {
    const est = new MeanShift({ inputCol: 'a' });
    const model = await est.fit(df, { inputCol: 'b' });
    assert.equal(model.mean, 20);
    assert.equal(model.getInputCol(), 'b');
    assert.notEqual(model.parent, est);
    assert.equal(model.parent?.uid, est.uid);
    assert.equal(model.parent?.getOrDefault('inputCol'), 'b');
    assert.equal(est.getInputCol(), 'a');
  });

  it('checks the schema before fitting: a missing column', async () => {
    await assert.rejects(
      new MeanShift({ inputCol: 'zzz' }).fit(df),
      (e: unknown) => e instanceof SchemaError && e.errorClass === 'UNRESOLVED_COLUMN',
    );
    assert.equal(MeanShift.fits, 0);
  });

  it('checks the schema before fitting: an output column that exists', async () => {
    await assert.rejects(
      new MeanShift({ inputCol: 'a', outputCol: 'b' }).fit(df),
      (e: unknown) =>
        e instanceof SchemaError &&
        e.errorClass === 'COLUMN_ALREADY_EXISTS' &&
        e.messageParameters.column === 'b' &&
        e.messageParameters.stage !== undefined,
    );
    assert.equal(MeanShift.fits, 0);
  });
});

describe('Estimator.fitMultiple', () => {
  it('yields [index, model] for each param map, in order', async () => {
    const est = new MeanShift({ inputCol: 'a' });
    const seen: [number, number][] = [];
    for await (const [i, model] of est.fitMultiple(df, [
      { inputCol: 'b' },
      new ParamMap(),
      new ParamMap().put(est.inputCol, 'b'),
    ])) {
      seen.push([i, model.mean]);
    }
    assert.deepEqual(seen, [
      [0, 20],
      [1, 2],
      [2, 20],
    ]);
    assert.equal(MeanShift.fits, 3);
    assert.equal(est.getInputCol(), 'a');
  });

  it('yields nothing for no param maps', async () => {
    const seen: unknown[] = [];
    for await (const pair of new MeanShift({ inputCol: 'a' }).fitMultiple(df, [])) seen.push(pair);
    assert.deepEqual(seen, []);
  });
});
