import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParamError } from '../../src/errors.js';
import { TypeConverters } from '../../src/ml/index.js';

function rejects(convert: (v: unknown) => unknown, value: unknown, expected: string): void {
  assert.throws(
    () => convert(value),
    (e: unknown) =>
      e instanceof ParamError &&
      e.errorClass === 'INVALID_PARAM_VALUE' &&
      e.messageParameters.expected === expected,
  );
}

describe('TypeConverters', () => {
  it('toInt takes integral numbers and safe bigints, nothing else', () => {
    assert.equal(TypeConverters.toInt(3), 3);
    assert.equal(TypeConverters.toInt(-2.0), -2);
    assert.equal(TypeConverters.toInt(9n), 9);
    rejects(TypeConverters.toInt, 3.5, 'an integer');
    rejects(TypeConverters.toInt, '3', 'an integer');
    rejects(TypeConverters.toInt, true, 'an integer');
    rejects(TypeConverters.toInt, Number.NaN, 'an integer');
    rejects(TypeConverters.toInt, 2n ** 64n, 'an integer');
  });

  it('toFloat takes any number but NaN', () => {
    assert.equal(TypeConverters.toFloat(0.1), 0.1);
    assert.equal(TypeConverters.toFloat(Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
    assert.equal(TypeConverters.toFloat(4n), 4);
    rejects(TypeConverters.toFloat, Number.NaN, 'a number');
    rejects(TypeConverters.toFloat, '0.1', 'a number');
    rejects(TypeConverters.toFloat, null, 'a number');
  });

  it('toString and toBoolean take only their own type', () => {
    assert.equal(TypeConverters.toString('x'), 'x');
    rejects(TypeConverters.toString, 1, 'a string');
    assert.equal(TypeConverters.toBoolean(false), false);
    rejects(TypeConverters.toBoolean, 0, 'a boolean');
    rejects(TypeConverters.toBoolean, 'true', 'a boolean');
  });

  it('list converters copy into a new frozen array', () => {
    const input = [784, 128, 10];
    const out = TypeConverters.toListInt(input);
    assert.deepEqual(out, [784, 128, 10]);
    assert.notEqual(out, input);
    assert.ok(Object.isFrozen(out));
    assert.deepEqual(TypeConverters.toListInt(new Int32Array([1, 2])), [1, 2]);
    assert.deepEqual(TypeConverters.toListFloat(new Float32Array([0.5, 0.25])), [0.5, 0.25]);
    assert.deepEqual(TypeConverters.toListString(['a', 'b']), ['a', 'b']);
    assert.deepEqual(TypeConverters.toListListFloat([[1, 2], [3]]), [[1, 2], [3]]);
    rejects(TypeConverters.toListInt, [1, 2.5], 'an array of integers');
    rejects(TypeConverters.toListInt, 5, 'an array of integers');
    rejects(TypeConverters.toListFloat, ['1'], 'an array of numbers');
    rejects(TypeConverters.toListString, ['a', 1], 'an array of strings');
    rejects(TypeConverters.toListListFloat, [1, 2], 'an array of arrays of numbers');
  });

  it('toOneOf takes exactly the listed values', () => {
    const toMode = TypeConverters.toOneOf(['error', 'skip', 'keep'] as const);
    const mode: 'error' | 'skip' | 'keep' = toMode('skip');
    assert.equal(mode, 'skip');
    rejects(toMode, 'drop', 'one of ["error", "skip", "keep"]');
    rejects(toMode, 'SKIP', 'one of ["error", "skip", "keep"]');
  });
});
