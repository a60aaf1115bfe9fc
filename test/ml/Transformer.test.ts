import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SchemaError } from '../../src/errors.js';
import type { DataFrame } from '../../src/frame/DataFrame.js';
import { Session } from '../../src/frame/Session.js';
import { ParamMap } from '../../src/ml/index.js';
import { DataTypes } from '../../src/types/index.js';
import { MeanShift, MeanShiftModel, Scaler, Tripwire } from './fixtures/stages.js';

let session: Session;
let df: DataFrame;
before(async () => {
  session = await Session.builder().master('local[2]').getOrCreate();
  df = session.createDataFrame(
    [
      { x: 1.5, name: 'a' },
      { x: -2, name: 'b' },
    ],
    DataTypes.struct([DataTypes.field('x', DataTypes.double), DataTypes.field('name', DataTypes.string)]),
  );
});
after(async () => {
  await session.stop();
});
beforeEach(() => {
  Tripwire.runs = 0;
});

describe('Transformer.transform', () => {
  it('adds the output column', async () => {
    const out = await new Scaler({ inputCol: 'x', outputCol: 'y', factor: 2 }).transform(df);
    assert.deepEqual(await out.collect(), [
      { x: 1.5, name: 'a', y: 3 },
      { x: -2, name: 'b', y: -4 },
    ]);
  });

  it('applies overrides to this call only', async () => {
    const s = new Scaler({ inputCol: 'x', outputCol: 'y', factor: 2 });
    const byName = await s.transform(df, { factor: 10, outputCol: 'z' });
    assert.deepEqual(
      (await byName.collect()).map((r) => r.z),
      [15, -20],
    );
    const byMap = await s.transform(df, new ParamMap().put(s.factor, 3));
    assert.deepEqual(
      (await byMap.collect()).map((r) => r.y),
      [4.5, -6],
    );
    assert.equal(s.getFactor(), 2);
    assert.equal(s.getOutputCol(), 'y');
  });

  it('rejects an input column of the wrong type before running, naming column, stage and types', async () => {
    const s = new Scaler({ inputCol: 'name', outputCol: 'y' });
    await assert.rejects(s.transform(df), (e: unknown) => {
      assert.ok(e instanceof SchemaError);
      assert.equal(e.errorClass, 'COLUMN_TYPE_MISMATCH');
      assert.deepEqual(e.messageParameters, {
        column: 'name',
        stage: s.uid,
        expected: 'a numeric type',
        actual: 'string',
      });
      return true;
    });
  });

  it('rejects an output column that exists already', async () => {
    await assert.rejects(
      new Scaler({ inputCol: 'x', outputCol: 'name' }).transform(df),
      (e: unknown) => e instanceof SchemaError && e.errorClass === 'COLUMN_ALREADY_EXISTS',
    );
  });

  it('runs _transform only once the schema is accepted', async () => {
    await new Tripwire().transform(df);
    assert.equal(Tripwire.runs, 1);
  });

  it('a model made directly has no parent; a copy keeps the parent', async () => {
    const direct = new MeanShiftModel({ mean: 1, inputCol: 'x' });
    assert.equal(direct.parent, undefined);
    assert.equal(direct.hasParent(), false);
    const fitted = await new MeanShift({ inputCol: 'x' }).fit(df);
    assert.equal(fitted.copy().parent, fitted.parent);
  });
});
