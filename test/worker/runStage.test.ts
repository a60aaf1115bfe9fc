import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DeepframeError, ExecutionError, ParamError } from '../../src/errors.js';
import {
  createStageContext,
  moduleSpecifier,
  registerStageHandler,
  runStage,
  type StageSpec,
  stageKinds,
} from '../../src/worker/index.js';
import { BASIC_STAGES, basicStage, batchOf, column } from '../fixtures/stages/helpers.js';

function context() {
  return createStageContext({ partitionIndex: 2, batchIndex: 5 });
}

describe('runStage', () => {
  it('runs a module stage: the export called with the batch and the options', async () => {
    const out = await runStage(basicStage('scale', { factor: 3 }), batchOf([1, 2, 3.5]), context());
    assert.deepEqual(out.schema.names, ['x', 'y']);
    assert.deepEqual(column(out, 'x'), [1, 2, 3.5]);
    assert.deepEqual(column(out, 'y'), [3, 6, 10.5]);
  });

  it('accepts a file URL as well as an absolute path', async () => {
    const spec = { ...basicStage('double'), modulePath: pathToFileURL(BASIC_STAGES).href };
    const out = await runStage(spec, batchOf([4]), context());
    assert.deepEqual(column(out, 'y'), [8]);
  });

  it('gives the stage its context, with a cache that outlives the call', async () => {
    const ctx = createStageContext({ partitionIndex: 2, batchIndex: 5, workerId: 9 });
    const first = await runStage(basicStage('contextInfo'), batchOf([1]), ctx);
    const second = await runStage(basicStage('contextInfo'), batchOf([1]), ctx);
    assert.deepEqual(column(first, 'calls'), [1]);
    assert.deepEqual(column(second, 'calls'), [2]);
    assert.deepEqual(column(second, 'partitionIndex'), [2]);
    assert.deepEqual(column(second, 'batchIndex'), [5]);
    assert.deepEqual(column(second, 'workerId'), [9]);
  });

  it('fails on an unknown kind with UNKNOWN_STAGE_KIND listing the known kinds', async () => {
    const spec = { kind: 'teleport', options: null } as unknown as StageSpec;
    await assert.rejects(runStage(spec, batchOf([1]), context()), (e: unknown) => {
      assert.ok(e instanceof DeepframeError);
      assert.equal(e.errorClass, 'UNKNOWN_STAGE_KIND');
      assert.equal(e.messageParameters.kind, 'teleport');
      assert.equal(e.messageParameters.knownKinds, stageKinds().join(', '));
      assert.ok(stageKinds().includes('module'));
      assert.match(e.message, /'teleport'.*'module'/);
      return true;
    });
  });

  it('fails on a spec that is not an object with a kind', async () => {
    for (const spec of [null, 'module', { modulePath: BASIC_STAGES }]) {
      await assert.rejects(runStage(spec as unknown as StageSpec, batchOf([1]), context()), (e: unknown) => {
        assert.ok(e instanceof ParamError);
        assert.equal(e.errorClass, 'INVALID_STAGE_SPEC');
        return true;
      });
    }
  });

  it('fails on a module spec without exportName, naming the field', async () => {
    const spec = { kind: 'module', modulePath: BASIC_STAGES, options: null } as unknown as StageSpec;
    await assert.rejects(runStage(spec, batchOf([1]), context()), (e: unknown) => {
      assert.ok(e instanceof ParamError);
      assert.equal(e.errorClass, 'INVALID_STAGE_SPEC');
      assert.equal(e.messageParameters.field, 'exportName');
      return true;
    });
  });

  it('fails on a missing export with STAGE_EXPORT_NOT_FOUND naming module, export and the exports there are', async () => {
    await assert.rejects(runStage(basicStage('triple'), batchOf([1]), context()), (e: unknown) => {
      assert.ok(e instanceof ExecutionError);
      assert.equal(e.errorClass, 'STAGE_EXPORT_NOT_FOUND');
      assert.equal(e.messageParameters.modulePath, BASIC_STAGES);
      assert.equal(e.messageParameters.exportName, 'triple');
      assert.match(e.messageParameters.availableExports ?? '', /\bdouble\b/);
      assert.match(e.message, /triple/);
      assert.ok(e.message.includes(BASIC_STAGES));
      return true;
    });
  });

  it('fails on an export that is not a function', async () => {
    await assert.rejects(runStage(basicStage('notAFunction'), batchOf([1]), context()), (e: unknown) => {
      assert.ok(e instanceof ExecutionError);
      assert.equal(e.errorClass, 'STAGE_EXPORT_NOT_A_FUNCTION');
      assert.equal(e.messageParameters.actualType, 'number');
      return true;
    });
  });

  it('fails on a module that cannot be imported, naming its path and keeping the cause', async () => {
    const missing = resolve(BASIC_STAGES, '..', 'no-such-module.js');
    const spec: StageSpec = { kind: 'module', modulePath: missing, exportName: 'double', options: null };
    await assert.rejects(runStage(spec, batchOf([1]), context()), (e: unknown) => {
      assert.ok(e instanceof ExecutionError);
      assert.equal(e.errorClass, 'STAGE_MODULE_IMPORT_FAILED');
      assert.equal(e.messageParameters.modulePath, missing);
      assert.ok(e.message.includes(missing));
      assert.ok(e.cause instanceof Error);
      return true;
    });
  });

  it('wraps an error thrown by the stage in STAGE_FAILED, naming stage, partition and batch', async () => {
    await assert.rejects(runStage(basicStage('throwing'), batchOf([1]), context()), (e: unknown) => {
      assert.ok(e instanceof ExecutionError);
      assert.equal(e.errorClass, 'STAGE_FAILED');
      assert.match(e.message, /module stage 'throwing'.* on partition 2, batch 5: boom/);
      assert.equal(e.messageParameters.partitionIndex, '2');
      assert.ok(e.cause instanceof TypeError);
      return true;
    });
  });

  it('fails when the stage returns something other than a RecordBatch', async () => {
    await assert.rejects(runStage(basicStage('notABatch'), batchOf([1]), context()), (e: unknown) => {
      assert.ok(e instanceof ExecutionError);
      assert.equal(e.errorClass, 'STAGE_RESULT_NOT_RECORD_BATCH');
      assert.equal(e.messageParameters.actualType, 'number');
      return true;
    });
  });

  it('refuses a second handler for a registered kind', () => {
    assert.throws(
      () => registerStageHandler('module', { validate() {}, run: (_spec, batch) => batch }),
      (e: unknown) => e instanceof DeepframeError && e.errorClass === 'STAGE_KIND_ALREADY_REGISTERED',
    );
  });
});

describe('moduleSpecifier', () => {
  it('keeps URLs and bare specifiers, turns paths into file URLs', () => {
    assert.equal(moduleSpecifier('file:///a/b.js'), 'file:///a/b.js');
    assert.equal(
      moduleSpecifier('data:text/javascript,export default 1'),
      'data:text/javascript,export default 1',
    );
    assert.equal(moduleSpecifier('some-package/stages'), 'some-package/stages');
    assert.equal(moduleSpecifier('/a/b.js'), pathToFileURL('/a/b.js').href);
    assert.equal(moduleSpecifier('./b.js'), pathToFileURL(resolve('b.js')).href);
    assert.equal(moduleSpecifier('../b.js'), pathToFileURL(resolve('..', 'b.js')).href);
  });
});
