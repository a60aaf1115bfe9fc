import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParamValidators } from '../../src/ml/index.js';

describe('ParamValidators', () => {
  it('compare with a bound and say so', () => {
    assert.deepEqual([ParamValidators.gt(0)(0), ParamValidators.gt(0)(0.1)], [false, true]);
    assert.deepEqual([ParamValidators.gtEq(0)(0), ParamValidators.gtEq(0)(-1)], [true, false]);
    assert.deepEqual([ParamValidators.lt(1)(1), ParamValidators.lt(1)(0.9)], [false, true]);
    assert.deepEqual([ParamValidators.ltEq(1)(1), ParamValidators.ltEq(1)(1.1)], [true, false]);
    assert.equal(ParamValidators.gt(0).expected, 'a value > 0');
    assert.equal(ParamValidators.gtEq(0).expected, 'a value >= 0');
    assert.equal(ParamValidators.lt(1).expected, 'a value < 1');
    assert.equal(ParamValidators.ltEq(1).expected, 'a value <= 1');
  });

  it('inRange includes both ends unless told otherwise', () => {
    const closed = ParamValidators.inRange(0, 1);
    assert.deepEqual([closed(0), closed(1), closed(1.01)], [true, true, false]);
    assert.equal(closed.expected, 'a value in [0, 1]');
    const halfOpen = ParamValidators.inRange(0, 1, false, true);
    assert.deepEqual([halfOpen(0), halfOpen(1)], [false, true]);
    assert.equal(halfOpen.expected, 'a value in (0, 1]');
    assert.equal(ParamValidators.inRange(0, 1, true, false).expected, 'a value in [0, 1)');
  });

  it('inArray, arrayLengthGt, each and all', () => {
    const family = ParamValidators.inArray(['auto', 'binomial']);
    assert.deepEqual([family('auto'), family('multinomial')], [true, false]);
    assert.equal(family.expected, 'one of ["auto", "binomial"]');
    assert.equal(ParamValidators.arrayLengthGt(1)([1]), false);
    const layers = ParamValidators.all(
      ParamValidators.arrayLengthGt(1),
      ParamValidators.each(ParamValidators.gt(0)),
    );
    assert.deepEqual([layers([784, 10]), layers([784]), layers([784, 0])], [true, false, false]);
    assert.equal(
      layers.expected,
      'an array of more than 1 elements and an array of elements that are each a value > 0',
    );
  });
});
