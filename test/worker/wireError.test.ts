import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeepframeError, ExecutionError, ParamError } from '../../src/errors.js';
import { errorFromWire, errorToWire, isWireError } from '../../src/worker/index.js';

describe('errorToWire / errorFromWire', () => {
  it('carries a deepframe error across as the same class, code, message and parameters', () => {
    const error = new ParamError('INVALID_STAGE_SPEC', 'A bad spec.', { field: 'kind' });
    const wire = JSON.parse(JSON.stringify(errorToWire(error))) as unknown;
    assert.ok(isWireError(wire));
    assert.equal(wire.message, 'A bad spec.');
    const again = errorFromWire(wire);
    assert.ok(again instanceof ParamError);
    assert.equal(again.errorClass, 'INVALID_STAGE_SPEC');
    assert.equal(again.message, '[INVALID_STAGE_SPEC] A bad spec.');
    assert.deepEqual(again.messageParameters, { field: 'kind' });
    assert.equal(again.stack, error.stack);
  });

  it('turns any other error into an ExecutionError WORKER_ERROR', () => {
    const again = errorFromWire(errorToWire(new RangeError('out of range')));
    assert.ok(again instanceof ExecutionError);
    assert.equal(again.errorClass, 'WORKER_ERROR');
    assert.match(again.message, /out of range/);
  });

  it('rebuilds an unknown class name as an ExecutionError', () => {
    const again = errorFromWire({ errorClass: 'X', message: 'm', messageParameters: {}, name: 'Object' });
    assert.ok(again instanceof DeepframeError);
    assert.ok(again instanceof ExecutionError);
  });
});
