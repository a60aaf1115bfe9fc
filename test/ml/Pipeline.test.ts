import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ParamError, SchemaError } from '../../src/errors.js';
import type { DataFrame } from '../../src/frame/DataFrame.js';
import { Session } from '../../src/frame/Session.js';
import { ParamMap, Pipeline, PipelineModel, type PipelineStage } from '../../src/ml/index.js';
import { DataTypes } from '../../src/types/index.js';
import { MeanShift, MeanShiftModel, Scaler, Tripwire } from './fixtures/stages.js';

let session: Session;
let df: DataFrame;
before(async () => {
  session = await Session.builder().master('local[2]').getOrCreate();
  df = session.createDataFrame(
    [{ x: 1 }, { x: 2 }, { x: 3 }],
    DataTypes.struct([DataTypes.field('x', DataTypes.double)]),
  );
});
after(async () => {
  await session.stop();
});
beforeEach(() => {
  MeanShift.fits = 0;
  Tripwire.runs = 0;
});

async function column(frame: DataFrame, name: string): Promise<unknown[]> {
  return (await frame.collect()).map((row) => row[name]);
}

/** x → y = 2x → z = y - mean(y) → w = 10z: y = [2, 4, 6], mean 4, z = [-2, 0, 2], w = [-20, 0, 20]. */
function threeStages(): { scale: Scaler; shift: MeanShift; rescale: Scaler; pipeline: Pipeline } {
  const scale = new Scaler({ inputCol: 'x', outputCol: 'y', factor: 2 });
  const shift = new MeanShift({ inputCol: 'y', outputCol: 'z' });
  const rescale = new Scaler({ inputCol: 'z', outputCol: 'w', factor: 10 });
  return { scale, shift, rescale, pipeline: new Pipeline({ stages: [scale, shift, rescale] }) };
}

describe('Pipeline.fit', () => {
  it('fits each estimator on the data transformed by the stages before it, and passes transformers through', async () => {
    const { scale, shift, rescale, pipeline } = threeStages();
    const model = await pipeline.fit(df);
    assert.ok(model instanceof PipelineModel);
    assert.equal(model.uid, pipeline.uid);
    assert.equal(model.parent, pipeline);
    assert.equal(model.stages.length, 3);
    assert.equal(model.stages[0], scale, 'a transformer is passed through as it is');
    const shiftModel = model.stages[1];
    assert.ok(shiftModel instanceof MeanShiftModel);
    assert.equal(shiftModel.mean, 4, 'fit on y = 2x, not on x');
    assert.equal(shiftModel.uid, shift.uid);
    assert.equal(shiftModel.parent?.uid, shift.uid);
    assert.equal(shiftModel.getInputCol(), 'y', 'the estimator gave its model its params');
    assert.equal(model.stages[2], rescale);
    assert.equal(MeanShift.fits, 1);
  });

  it('does not run the stages after the last estimator while fitting', async () => {
    const pipeline = new Pipeline({
      stages: [new Tripwire(), new MeanShift({ inputCol: 'x', outputCol: 'z' }), new Tripwire()],
    });
    const model = await pipeline.fit(df);
    assert.equal(Tripwire.runs, 1, 'only the stage before the estimator ran');
    await model.transform(df);
    assert.equal(Tripwire.runs, 3);
  });

  it('a pipeline of transformers only runs none of them while fitting', async () => {
    const model = await new Pipeline({ stages: [new Tripwire(), new Tripwire()] }).fit(df);
    assert.equal(Tripwire.runs, 0);
    assert.equal(model.stages.length, 2);
  });

  it('an empty pipeline gives a model that returns its input', async () => {
    const model = await new Pipeline().fit(df);
    assert.deepEqual(model.stages, []);
    assert.deepEqual(await column(await model.transform(df), 'x'), [1, 2, 3]);
  });

  it('checks every stage against the schema before anything runs', async () => {
    const pipeline = new Pipeline({
      stages: [
        new Tripwire(),
        new Scaler({ inputCol: 'x', outputCol: 'y' }),
        new MeanShift({ inputCol: 'nope' }),
      ],
    });
    await assert.rejects(pipeline.fit(df), (e: unknown) => {
      assert.ok(e instanceof SchemaError);
      assert.equal(e.errorClass, 'UNRESOLVED_COLUMN');
      assert.equal(e.messageParameters.column, 'nope');
      assert.deepEqual(e.messageParameters.available, 'x,y', 'the columns there are at that stage');
      return true;
    });
    assert.equal(Tripwire.runs, 0);
    assert.equal(MeanShift.fits, 0);
  });

  it('an output column that exists at that point of the pipeline fails before anything runs', async () => {
    const pipeline = new Pipeline({
      stages: [
        new Tripwire(),
        new Scaler({ inputCol: 'x', outputCol: 'y' }),
        new MeanShift({ inputCol: 'x', outputCol: 'y' }),
      ],
    });
    await assert.rejects(
      pipeline.fit(df),
      (e: unknown) =>
        e instanceof SchemaError &&
        e.errorClass === 'COLUMN_ALREADY_EXISTS' &&
        e.messageParameters.column === 'y',
    );
    assert.equal(Tripwire.runs, 0);
  });

  it("applies a ParamMap's entries to the stages they belong to, on copies", async () => {
    const { scale, pipeline } = threeStages();
    const model = await pipeline.fit(df, new ParamMap().put(scale.factor, 3));
    const fittedScale = model.stages[0];
    assert.ok(fittedScale instanceof Scaler);
    assert.notEqual(fittedScale, scale);
    assert.equal(fittedScale.getFactor(), 3);
    assert.equal(scale.getFactor(), 2, 'the pipeline given is unchanged');
    assert.equal((model.stages[1] as MeanShiftModel).mean, 6, 'y = 3x: [3, 6, 9]');
  });

  it('fits a pipeline nested in a pipeline', async () => {
    const { pipeline } = threeStages();
    const outer = new Pipeline({
      stages: [pipeline, new Scaler({ inputCol: 'w', outputCol: 'v', factor: 0.5 })],
    });
    const model = await outer.fit(df);
    assert.ok(model.stages[0] instanceof PipelineModel);
    assert.deepEqual(await column(await model.transform(df), 'v'), [-10, 0, 10]);
  });
});

describe('PipelineModel', () => {
  it('transform chains the transformers', async () => {
    const model = await threeStages().pipeline.fit(df);
    const out = await model.transform(df);
    assert.deepEqual(await out.collect(), [
      { x: 1, y: 2, z: -2, w: -20 },
      { x: 2, y: 4, z: 0, w: 0 },
      { x: 3, y: 6, z: 2, w: 20 },
    ]);
  });

  it('transformSchema chains too', async () => {
    const model = await threeStages().pipeline.fit(df);
    const field = (name: string) => DataTypes.field(name, DataTypes.double);
    assert.deepEqual(
      model.transformSchema(await df.schema()),
      DataTypes.struct([field('x'), field('y'), field('z'), field('w')]),
    );
    assert.deepEqual(await out(model), model.transformSchema(await df.schema()));
    async function out(m: PipelineModel) {
      return (await m.transform(df)).schema();
    }
  });

  it('copy copies the transformers, applying a ParamMap to each', async () => {
    const model = await threeStages().pipeline.fit(df);
    const scale = model.stages[0] as Scaler;
    const copy = model.copy(new ParamMap().put(scale.factor, 1));
    assert.equal(copy.uid, model.uid);
    assert.notEqual(copy.stages[0], scale);
    assert.equal((copy.stages[0] as Scaler).getFactor(), 1);
    assert.equal(scale.getFactor(), 2);
    assert.equal(copy.parent, model.parent);
  });

  it('accepts only transformers, with distinct uids', () => {
    const shift = new MeanShift({ inputCol: 'x' });
    assert.throws(
      () => new PipelineModel({ stages: [shift as unknown as Scaler] }),
      (e: unknown) => e instanceof ParamError && e.errorClass === 'INVALID_PARAM_VALUE',
    );
    const s = new Scaler();
    assert.throws(
      () => new PipelineModel({ stages: [s, s] }),
      (e: unknown) => e instanceof ParamError && e.errorClass === 'DUPLICATE_STAGE_UID',
    );
  });

  it('a saved and loaded model transforms as the original', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'deepframe-ml-pipeline-'));
    try {
      const model = await threeStages().pipeline.fit(df);
      await model.save(join(dir, 'model'));
      const loaded = await PipelineModel.load(join(dir, 'model'));
      assert.deepEqual(
        await (await loaded.transform(df)).collect(),
        await (await model.transform(df)).collect(),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('Pipeline: stages', () => {
  it('rejects a stage that appears twice, naming it and both positions', () => {
    const s = new Scaler();
    assert.throws(
      () => new Pipeline({ stages: [s, new Tripwire(), s] }),
      (e: unknown) => {
        assert.ok(e instanceof ParamError);
        assert.equal(e.errorClass, 'DUPLICATE_STAGE_UID');
        assert.deepEqual(e.messageParameters, { uid: s.uid, positions: '0,2' });
        return true;
      },
    );
    assert.throws(
      () => new Pipeline().setStages([s, s.copy()]),
      (e: unknown) => e instanceof ParamError && e.errorClass === 'DUPLICATE_STAGE_UID',
    );
  });

  it('rejects what is not a stage', () => {
    assert.throws(
      () => new Pipeline({ stages: [new Scaler(), 'tokenizer' as unknown as PipelineStage] }),
      (e: unknown) =>
        e instanceof ParamError &&
        e.errorClass === 'INVALID_PARAM_VALUE' &&
        e.messageParameters.param === 'stages' &&
        /element 1 is "tokenizer"/.test(e.messageParameters.expected ?? ''),
    );
  });

  it('getStages, setStages and explainParams', () => {
    const s = new Scaler();
    const p = new Pipeline({ uid: 'Pipeline_0123456789ab' }).setStages([s]);
    assert.deepEqual(p.getStages(), [s]);
    assert.equal(p.explainParams(), `stages: a list of pipeline stages. (default: [], current: [${s.uid}])`);
  });

  it('copy copies the stages, keeping their uids', () => {
    const { scale, pipeline } = threeStages();
    const copy = pipeline.copy();
    assert.equal(copy.uid, pipeline.uid);
    assert.notEqual(copy.getStages()[0], scale);
    assert.deepEqual(
      copy.getStages().map((s) => s.uid),
      pipeline.getStages().map((s) => s.uid),
    );
  });

  it('transformSchema chains the stages', async () => {
    const field = (name: string) => DataTypes.field(name, DataTypes.double);
    assert.deepEqual(
      threeStages().pipeline.transformSchema(await df.schema()),
      DataTypes.struct([field('x'), field('y'), field('z'), field('w')]),
    );
  });
});
