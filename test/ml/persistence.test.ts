import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IOError, ParamError } from '../../src/errors.js';
import {
  deepframeVersion,
  loadStage,
  Pipeline,
  PipelineModel,
  PipelineStage,
  readMetadata,
  registerStage,
  type StageOptions,
  stageDirName,
  Transformer,
} from '../../src/ml/index.js';
import type { StructType } from '../../src/types/index.js';
import { MeanShift, MeanShiftModel, Scaler, Tagger } from './fixtures/stages.js';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'deepframe-ml-persistence-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

function ioError(errorClass: string, check: (e: IOError) => void = () => {}) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof IOError, `expected an IOError, got ${String(e)}`);
    assert.equal(e.errorClass, errorClass);
    check(e);
    return true;
  };
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}

/** A stage whose saveImpl fails after writing a file, to check that a failed save leaves no trace. */
class FailingSave extends Transformer {
  constructor(options: StageOptions<FailingSave> = {}) {
    super(options);
    this.applyOptions(options);
  }
  transformSchema(schema: StructType): StructType {
    return schema;
  }
  protected async _transform(): Promise<never> {
    throw new TypeError('not used');
  }
  override async saveImpl(dir: string): Promise<void> {
    await writeFile(join(dir, 'partial.bin'), 'half');
    throw new IOError('DISK_FULL', 'no space left (simulated)');
  }
}
registerStage(FailingSave);

describe('save and load: params', () => {
  it('writes metadata.json with class, uid, timestamp, version and both param maps', async () => {
    const dir = join(root, 'scaler');
    const s = new Scaler({ uid: 'Scaler_0123456789ab', inputCol: 'x', factor: 2 });
    const t0 = Date.now();
    await s.save(dir);
    const meta = (await readJson(join(dir, 'metadata.json'))) as Record<string, unknown>;
    assert.equal(typeof meta.timestamp, 'number');
    assert.ok((meta.timestamp as number) >= t0 && (meta.timestamp as number) <= Date.now());
    assert.deepEqual(
      { ...meta, timestamp: 0 },
      {
        class: 'Scaler',
        uid: 'Scaler_0123456789ab',
        timestamp: 0,
        deepframeVersion: '0.1.0',
        paramMap: { factor: 2, inputCol: 'x' },
        defaultParamMap: { factor: 1, outputCol: 'Scaler_0123456789ab__output' },
      },
    );
    assert.deepEqual(await readdir(dir), ['metadata.json']);
    assert.equal(deepframeVersion(), '0.1.0');
  });

  it('loads back the same class, uid, user values and defaults', async () => {
    const dir = join(root, 'scaler-roundtrip');
    const s = new Scaler({ inputCol: 'x', factor: 2 });
    await s.save(dir);
    const loaded = await Scaler.load(dir);
    assert.ok(loaded instanceof Scaler);
    assert.equal(loaded.uid, s.uid);
    assert.equal(loaded.explainParams(), s.explainParams());
    assert.deepEqual(loaded.paramsToJson(), s.paramsToJson());
    assert.equal(loaded.isSet('outputCol'), false);
    assert.equal(loaded.getOutputCol(), `${s.uid}__output`);
    const any = await loadStage(dir);
    assert.ok(any instanceof Scaler);
  });

  it('a saved default wins over the class default, as in Spark', async () => {
    const dir = join(root, 'scaler-defaults');
    await mkdir(dir);
    await writeFile(
      join(dir, 'metadata.json'),
      JSON.stringify({
        class: 'Scaler',
        uid: 'Scaler_00000000000a',
        timestamp: 0,
        deepframeVersion: '0.0.1',
        paramMap: {},
        defaultParamMap: { factor: 5 },
      }),
    );
    const loaded = await Scaler.load(dir);
    assert.equal(loaded.getFactor(), 5);
    assert.equal(loaded.isSet('factor'), false);
  });

  it('Class.load of another class fails naming both', async () => {
    const dir = join(root, 'scaler-wrong-class');
    await new Scaler().save(dir);
    await assert.rejects(
      Pipeline.load(dir),
      ioError('WRONG_STAGE_CLASS', (e) => {
        assert.equal(e.messageParameters.expected, 'Pipeline');
        assert.equal(e.messageParameters.actual, 'Scaler');
      }),
    );
    assert.ok((await PipelineStage.load(dir)) instanceof Scaler);
  });

  it('a stage with its own files: saveImpl, extraMetadata and loadImpl', async () => {
    const dir = join(root, 'tagger');
    const t = new Tagger({ layers: [3, 1] });
    t.tag = 'hello';
    await t.save(dir);
    assert.deepEqual((await readdir(dir)).sort(), ['metadata.json', 'tag.txt']);
    const meta = await readMetadata(dir);
    assert.deepEqual(meta.extra, { tagLength: 5 });
    const loaded = await Tagger.load(dir);
    assert.equal(loaded.tag, 'hello');
    assert.deepEqual(loaded.getOrDefault(loaded.layers), [3, 1]);
  });

  it('a model with a loader of its own', async () => {
    const dir = join(root, 'meanshift-model');
    await new MeanShiftModel({ mean: 2.5, inputCol: 'x' }).save(dir);
    const loaded = await MeanShiftModel.load(dir);
    assert.equal(loaded.mean, 2.5);
    assert.equal(loaded.getInputCol(), 'x');
  });
});

describe('save: overwrite', () => {
  it('will not replace an existing path without overwrite, and leaves it as it was', async () => {
    const dir = join(root, 'exists');
    const first = new Scaler({ factor: 2 });
    await first.save(dir);
    const before = await readFile(join(dir, 'metadata.json'), 'utf8');
    await assert.rejects(
      new Scaler({ factor: 3 }).save(dir),
      ioError('PATH_ALREADY_EXISTS', (e) => {
        assert.equal(e.messageParameters.path, dir);
        assert.match(e.message, /Pass \{ overwrite: true \} to replace it/);
      }),
    );
    assert.equal(await readFile(join(dir, 'metadata.json'), 'utf8'), before);
  });

  it('replaces the directory with overwrite, leaving no temporary siblings', async () => {
    const parent = join(root, 'overwrite');
    const dir = join(parent, 'stage');
    await new Tagger({ layers: [2, 2] }).save(dir);
    const second = new Scaler({ factor: 3 });
    await second.save(dir, { overwrite: true });
    assert.deepEqual(await readdir(parent), ['stage']);
    assert.deepEqual(await readdir(dir), ['metadata.json'], 'tag.txt of the old stage is gone');
    const loaded = await Scaler.load(dir);
    assert.equal(loaded.uid, second.uid);
    assert.equal(loaded.getFactor(), 3);
  });

  it('a failed save leaves the old directory in place and nothing else', async () => {
    const parent = join(root, 'failed');
    const dir = join(parent, 'stage');
    const old = new Scaler({ factor: 2 });
    await old.save(dir);
    await assert.rejects(new FailingSave().save(dir, { overwrite: true }), ioError('DISK_FULL'));
    assert.deepEqual(await readdir(parent), ['stage']);
    assert.equal((await Scaler.load(dir)).uid, old.uid);
  });

  it('a failed first save leaves nothing', async () => {
    const parent = join(root, 'failed-first');
    await assert.rejects(new FailingSave().save(join(parent, 'stage')), ioError('DISK_FULL'));
    assert.deepEqual(await readdir(parent), []);
  });

  it('a class that is not registered cannot be saved', async () => {
    class Unregistered extends Transformer {
      transformSchema(schema: StructType): StructType {
        return schema;
      }
      protected async _transform(): Promise<never> {
        throw new TypeError('not used');
      }
    }
    await assert.rejects(
      new Unregistered().save(join(root, 'unregistered')),
      ioError('UNREGISTERED_STAGE_CLASS', (e) => assert.equal(e.messageParameters.className, 'Unregistered')),
    );
  });
});

describe('load: missing and malformed directories', () => {
  async function stageDir(name: string, metadata?: string): Promise<string> {
    const dir = join(root, name);
    await mkdir(dir, { recursive: true });
    if (metadata !== undefined) await writeFile(join(dir, 'metadata.json'), metadata);
    return dir;
  }
  const valid = {
    class: 'Scaler',
    uid: 'Scaler_0123456789ab',
    timestamp: 1,
    deepframeVersion: '0.1.0',
    paramMap: {},
    defaultParamMap: {},
  };

  it('a missing path: PATH_NOT_FOUND, naming it and what was expected', async () => {
    const dir = join(root, 'nothing-here');
    await assert.rejects(
      loadStage(dir),
      ioError('PATH_NOT_FOUND', (e) => {
        assert.equal(e.messageParameters.path, dir);
        assert.equal(e.messageParameters.expected, 'a directory written by save(), holding metadata.json');
      }),
    );
  });

  it('a file: NOT_A_DIRECTORY', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'x');
    await assert.rejects(Scaler.load(file), ioError('NOT_A_DIRECTORY'));
  });

  it('no metadata.json: METADATA_NOT_FOUND', async () => {
    const dir = await stageDir('no-metadata');
    await assert.rejects(
      loadStage(dir),
      ioError('METADATA_NOT_FOUND', (e) =>
        assert.equal(e.messageParameters.path, join(dir, 'metadata.json')),
      ),
    );
  });

  it('bad JSON: INVALID_METADATA', async () => {
    const dir = await stageDir('bad-json', '{"class": ');
    await assert.rejects(
      loadStage(dir),
      ioError('INVALID_METADATA', (e) => {
        assert.equal(e.messageParameters.path, join(dir, 'metadata.json'));
        assert.match(e.message, /is not valid JSON/);
      }),
    );
  });

  it('a missing or mistyped field: INVALID_METADATA naming the field', async () => {
    const { uid: _uid, ...noUid } = valid;
    const dir = await stageDir('no-uid', JSON.stringify(noUid));
    await assert.rejects(
      loadStage(dir),
      ioError('INVALID_METADATA', (e) => assert.equal(e.messageParameters.problem, "has no 'uid' field")),
    );
    const dir2 = await stageDir('bad-parammap', JSON.stringify({ ...valid, paramMap: [] }));
    await assert.rejects(
      loadStage(dir2),
      ioError('INVALID_METADATA', (e) =>
        assert.equal(e.messageParameters.problem, "has a 'paramMap' that is not an object"),
      ),
    );
    const dir3 = await stageDir('not-object', '[]');
    await assert.rejects(loadStage(dir3), ioError('INVALID_METADATA'));
  });

  it('an unknown class: UNKNOWN_STAGE_CLASS listing the registered ones', async () => {
    const dir = await stageDir('unknown-class', JSON.stringify({ ...valid, class: 'NoSuchStage' }));
    await assert.rejects(
      loadStage(dir),
      ioError('UNKNOWN_STAGE_CLASS', (e) => {
        assert.equal(e.messageParameters.className, 'NoSuchStage');
        assert.ok(e.messageParameters.registered?.split(',').includes('Pipeline'));
        assert.ok(e.messageParameters.registered?.split(',').includes('Scaler'));
      }),
    );
  });

  it('an unknown param: ParamError UNKNOWN_PARAM', async () => {
    const dir = await stageDir('unknown-param', JSON.stringify({ ...valid, paramMap: { scale: 2 } }));
    await assert.rejects(
      loadStage(dir),
      (e: unknown) =>
        e instanceof ParamError && e.errorClass === 'UNKNOWN_PARAM' && e.messageParameters.param === 'scale',
    );
  });

  it('a loader that makes a stage with another uid: INVALID_METADATA', async () => {
    registerStage('Liar', () => new Scaler());
    const dir = await stageDir('liar', JSON.stringify({ ...valid, class: 'Liar' }));
    await assert.rejects(loadStage(dir), ioError('INVALID_METADATA'));
  });
});

describe('save and load: pipelines', () => {
  it('writes each stage under stages/<index>_<uid> and lists them in the metadata', async () => {
    const dir = join(root, 'pipeline');
    const scaler = new Scaler({ inputCol: 'x', outputCol: 'y', factor: 2 });
    const shift = new MeanShift({ inputCol: 'y', outputCol: 'z' });
    const tagger = new Tagger({ layers: [2, 1] });
    tagger.tag = 'done';
    const pipeline = new Pipeline({ stages: [scaler, shift, tagger] });
    await pipeline.save(dir);

    const names = [`0_${scaler.uid}`, `1_${shift.uid}`, `2_${tagger.uid}`];
    assert.deepEqual((await readdir(join(dir, 'stages'))).sort(), names);
    const meta = await readMetadata(dir);
    assert.equal(meta.class, 'Pipeline');
    assert.deepEqual(meta.paramMap, {}, 'stages are not in the paramMap');
    assert.deepEqual(meta.extra, {
      stages: names.map((name, i) => ({ uid: [scaler, shift, tagger][i]?.uid, path: `stages/${name}` })),
    });
    assert.equal((await readMetadata(join(dir, 'stages', names[1] ?? ''))).class, 'MeanShift');

    const loaded = await Pipeline.load(dir);
    assert.equal(loaded.uid, pipeline.uid);
    const stages = loaded.getStages();
    assert.deepEqual(
      stages.map((s) => [s.constructor.name, s.uid]),
      [
        ['Scaler', scaler.uid],
        ['MeanShift', shift.uid],
        ['Tagger', tagger.uid],
      ],
    );
    assert.equal(stages[0]?.explainParams(), scaler.explainParams());
    assert.equal((stages[2] as Tagger).tag, 'done');
  });

  it('a PipelineModel round-trips its transformers, models included', async () => {
    const dir = join(root, 'pipeline-model');
    const model = new PipelineModel({
      stages: [new Scaler({ inputCol: 'x', outputCol: 'y' }), new MeanShiftModel({ mean: 4, inputCol: 'y' })],
    });
    await model.save(dir);
    const loaded = await PipelineModel.load(dir);
    assert.equal(loaded.uid, model.uid);
    assert.deepEqual(
      loaded.stages.map((s) => s.uid),
      model.stages.map((s) => s.uid),
    );
    assert.equal((loaded.stages[1] as MeanShiftModel).mean, 4);
  });

  it('nested pipelines nest their directories', async () => {
    const dir = join(root, 'nested');
    const inner = new Pipeline({ stages: [new Scaler({ inputCol: 'x', outputCol: 'y' })] });
    const outer = new Pipeline({ stages: [inner, new Tagger()] });
    await outer.save(dir);
    const innerDir = join(dir, 'stages', `0_${inner.uid}`);
    assert.deepEqual(await readdir(join(innerDir, 'stages')), [`0_${inner.getStages()[0]?.uid}`]);
    const loaded = await Pipeline.load(dir);
    const loadedInner = loaded.getStages()[0];
    assert.ok(loadedInner instanceof Pipeline);
    assert.equal(loadedInner.getStages()[0]?.uid, inner.getStages()[0]?.uid);
  });

  it('a listed stage directory with another uid: INVALID_METADATA', async () => {
    const dir = join(root, 'pipeline-tampered');
    const scaler = new Scaler({ inputCol: 'x' });
    await new Pipeline({ stages: [scaler] }).save(dir);
    const file = join(dir, 'metadata.json');
    const meta = (await readJson(file)) as { extra: { stages: { uid: string }[] } };
    meta.extra.stages[0] = { ...meta.extra.stages[0], uid: 'Scaler_ffffffffffff' };
    await writeFile(file, JSON.stringify(meta));
    await assert.rejects(Pipeline.load(dir), ioError('INVALID_METADATA'));
  });

  it('stage directory names are zero-padded to the width of the last index', () => {
    assert.equal(stageDirName(3, 12, 'Tokenizer_3f9a0c12be7d'), '03_Tokenizer_3f9a0c12be7d');
    assert.equal(stageDirName(0, 1, 'A_1'), '0_A_1');
    assert.equal(stageDirName(9, 10, 'A_1'), '9_A_1');
    assert.equal(stageDirName(10, 11, 'A_1'), '10_A_1');
  });
});
