import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParamError } from '../../src/errors.js';
import { formatParamValue, ParamMap } from '../../src/ml/index.js';
import { Scaler, Tagger } from './fixtures/stages.js';

describe('ParamMap', () => {
  it('holds values by param, for params of several stages', () => {
    const a = new Scaler({ uid: 'Scaler_00000000000a' });
    const b = new Scaler({ uid: 'Scaler_00000000000b' });
    const m = new ParamMap().put(a.factor, 2).put(b.factor, 3).put(a.inputCol, 'x');
    assert.equal(m.size, 3);
    assert.equal(m.get(a.factor), 2);
    assert.equal(m.get(b.factor), 3);
    assert.equal(m.has(b.inputCol), false);
    assert.equal(m.get(b.inputCol), undefined);
    assert.equal(
      String(m),
      [
        'Scaler_00000000000a__factor: 2',
        'Scaler_00000000000b__factor: 3',
        'Scaler_00000000000a__inputCol: x',
      ].join('\n'),
    );
  });

  it('a later put replaces, keeping the first position', () => {
    const s = new Scaler();
    const m = new ParamMap().put(s.factor, 2).put(s.inputCol, 'x').put(s.factor, 4);
    assert.deepEqual(
      [...m].map(([p, v]) => [p.name, v]),
      [
        ['factor', 4],
        ['inputCol', 'x'],
      ],
    );
  });

  it('validates values when they are put', () => {
    const s = new Scaler();
    assert.throws(
      () => new ParamMap().put(s.factor, -1),
      (e: unknown) =>
        e instanceof ParamError &&
        e.errorClass === 'INVALID_PARAM_VALUE' &&
        e.messageParameters.stage === s.uid,
    );
  });

  it('merge gives a new map in which the other map wins', () => {
    const s = new Scaler();
    const base = new ParamMap([[s.factor, 2]]).put(s.inputCol, 'x');
    const merged = base.merge(new ParamMap().put(s.factor, 5));
    assert.equal(merged.get(s.factor), 5);
    assert.equal(merged.get(s.inputCol), 'x');
    assert.equal(base.get(s.factor), 2);
  });

  it('delete removes an entry', () => {
    const s = new Scaler();
    const m = new ParamMap().put(s.factor, 2);
    assert.equal(m.delete(s.factor), true);
    assert.equal(m.delete(s.factor), false);
    assert.equal(m.size, 0);
  });
});

describe('formatParamValue', () => {
  it('prints values as explainParams does', () => {
    assert.equal(formatParamValue('features'), 'features');
    assert.equal(formatParamValue(0.5), '0.5');
    assert.equal(formatParamValue(true), 'true');
    assert.equal(formatParamValue([784, 10]), '[784, 10]');
    assert.equal(formatParamValue(['a', 'b']), '["a", "b"]');
    assert.equal(formatParamValue([[1], [2, 3]]), '[[1], [2, 3]]');
    const t = new Tagger();
    assert.equal(formatParamValue([t]), `[${t.uid}]`);
  });
});
