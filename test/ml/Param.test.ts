import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParamError } from '../../src/errors.js';
import { describeValue, invalidValue, Param, ParamValidators, TypeConverters } from '../../src/ml/index.js';

const STAGE = 'MyStage_0123456789ab';

describe('Param', () => {
  const maxIter = new Param(STAGE, {
    name: 'maxIter',
    doc: 'max number of iterations (>= 0).',
    converter: TypeConverters.toInt,
    validator: ParamValidators.gtEq(0),
  });

  it('has its parent uid, name and doc, and prints as <parent>__<name>', () => {
    assert.equal(maxIter.parent, STAGE);
    assert.equal(maxIter.name, 'maxIter');
    assert.equal(maxIter.doc, 'max number of iterations (>= 0).');
    assert.equal(maxIter.persist, true);
    assert.equal(String(maxIter), 'MyStage_0123456789ab__maxIter');
  });

  it('converts values that fit', () => {
    assert.equal(maxIter.convert(10), 10);
    assert.equal(maxIter.convert(3.0), 3);
    assert.equal(maxIter.convert(7n), 7);
  });

  it('rejects a value of the wrong type, naming stage, param, value and what was expected', () => {
    assert.throws(
      () => maxIter.convert('10'),
      (e: unknown) => {
        assert.ok(e instanceof ParamError);
        assert.equal(e.errorClass, 'INVALID_PARAM_VALUE');
        assert.deepEqual(e.messageParameters, {
          stage: STAGE,
          param: 'maxIter',
          value: '"10"',
          expected: 'an integer',
        });
        assert.equal(
          e.message,
          `[INVALID_PARAM_VALUE] Invalid value for param 'maxIter' of stage '${STAGE}': got "10"; expected an integer.`,
        );
        return true;
      },
    );
  });

  it("rejects a value that the validator refuses, quoting the validator's words", () => {
    assert.throws(
      () => maxIter.convert(-1),
      (e: unknown) =>
        e instanceof ParamError &&
        e.errorClass === 'INVALID_PARAM_VALUE' &&
        e.messageParameters.value === '-1' &&
        e.messageParameters.expected === 'a value >= 0' &&
        e.message.includes("param 'maxIter' of stage 'MyStage_0123456789ab': got -1; expected a value >= 0"),
    );
  });

  it("wraps a custom converter's own error, keeping it as the cause", () => {
    const odd = new Param<number>(STAGE, {
      name: 'odd',
      doc: 'an odd number.',
      converter: (value) => {
        const n = TypeConverters.toInt(value);
        if (n % 2 === 0) throw invalidValue(value, 'an odd integer');
        return n;
      },
    });
    assert.equal(odd.convert(3), 3);
    assert.throws(
      () => odd.convert(4),
      (e: unknown) =>
        e instanceof ParamError &&
        e.messageParameters.param === 'odd' &&
        e.messageParameters.expected === 'an odd integer' &&
        e.cause instanceof ParamError,
    );
  });

  it('encodes to and decodes from JSON, validating on the way back', () => {
    assert.equal(maxIter.jsonEncode(5), 5);
    assert.equal(maxIter.jsonDecode(5), 5);
    assert.throws(
      () => maxIter.jsonDecode(-5),
      (e: unknown) => e instanceof ParamError,
    );
    const when = new Param<Date>(STAGE, {
      name: 'when',
      doc: 'a date.',
      converter: (v) => {
        if (v instanceof Date) return v;
        throw invalidValue(v, 'a Date');
      },
      toJson: (d) => d.toISOString(),
      fromJson: (j) => new Date(String(j)),
    });
    const d = new Date('2024-01-02T03:04:05.000Z');
    assert.equal(when.jsonEncode(d), '2024-01-02T03:04:05.000Z');
    assert.deepEqual(when.jsonDecode('2024-01-02T03:04:05.000Z'), d);
  });
});

describe('describeValue', () => {
  it('describes values briefly for messages', () => {
    assert.equal(describeValue('a'), '"a"');
    assert.equal(describeValue(1.5), '1.5');
    assert.equal(describeValue(2n), '2n');
    assert.equal(describeValue(null), 'null');
    assert.equal(describeValue(undefined), 'undefined');
    assert.equal(describeValue([1, 'b']), '[1,"b"]');
    assert.equal(describeValue(new Float32Array([0.5])), '[0.5]');
    assert.equal(describeValue(new Map()), 'a Map');
    assert.equal(describeValue({ a: 1 }), 'an object');
    assert.equal(describeValue({ uid: 'Scaler_0123456789ab' }), 'Scaler_0123456789ab');
    assert.equal(describeValue(Array.from({ length: 100 }, (_, i) => i)).length, 100);
  });
});
