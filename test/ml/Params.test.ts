import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParamError } from '../../src/errors.js';
import {
  Param,
  ParamMap,
  type ParamValues,
  SharedParams,
  type StageOptions,
  Transformer,
} from '../../src/ml/index.js';
import type { StructType } from '../../src/types/index.js';
import { MeanShift, MeanShiftModel, Scaler, Tagger } from './fixtures/stages.js';

function paramError(errorClass: string, check: (e: ParamError) => void = () => {}) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof ParamError, `expected a ParamError, got ${String(e)}`);
    assert.equal(e.errorClass, errorClass);
    check(e);
    return true;
  };
}

/** A stage with the shared `seed` param, to check its class-derived default. */
class Seeded extends Transformer {
  readonly seed = this.declareParam(SharedParams.seed);
  constructor(options: StageOptions<Seeded> = {}) {
    super(options);
    this.applyOptions(options);
  }
  transformSchema(schema: StructType): StructType {
    return schema;
  }
  protected async _transform(): Promise<never> {
    throw new TypeError('not used');
  }
}

describe('Params: uid', () => {
  it('is the class name, an underscore and 12 lowercase hex digits, different for each instance', () => {
    const a = new Scaler();
    const b = new Scaler();
    assert.match(a.uid, /^Scaler_[0-9a-f]{12}$/);
    assert.match(new MeanShift().uid, /^MeanShift_[0-9a-f]{12}$/);
    assert.notEqual(a.uid, b.uid);
  });

  it('can be given, and every param has it as parent', () => {
    const s = new Scaler({ uid: 'Scaler_000000000001' });
    assert.equal(s.uid, 'Scaler_000000000001');
    assert.deepEqual(
      s.params.map((p) => String(p)),
      ['Scaler_000000000001__factor', 'Scaler_000000000001__inputCol', 'Scaler_000000000001__outputCol'],
    );
  });

  it('must be a non-empty string', () => {
    assert.throws(() => new Scaler({ uid: '' }), paramError('INVALID_UID'));
  });
});

describe('Params: declared params', () => {
  it('lists the params sorted by name, each with its doc', () => {
    const s = new Scaler();
    assert.deepEqual(
      s.params.map((p) => [p.name, p.doc]),
      [
        ['factor', 'the multiplier (> 0).'],
        ['inputCol', 'input column name.'],
        ['outputCol', 'output column name.'],
      ],
    );
    assert.equal(s.hasParam('factor'), true);
    assert.equal(s.hasParam('nope'), false);
    assert.equal(s.getParam('factor'), s.factor);
  });

  it('keeps user values and defaults apart', () => {
    const s = new Scaler({ factor: 2 });
    assert.equal(s.isSet(s.factor), true);
    assert.equal(s.hasDefault(s.factor), true);
    assert.equal(s.get(s.factor), 2);
    assert.equal(s.getDefault(s.factor), 1);
    assert.equal(s.getOrDefault(s.factor), 2);

    assert.equal(s.isSet('outputCol'), false);
    assert.equal(s.isDefined('outputCol'), true);
    assert.equal(s.get(s.outputCol), undefined);
    assert.equal(s.getOrDefault(s.outputCol), `${s.uid}__output`);

    assert.equal(s.isDefined('inputCol'), false);
    assert.equal(s.hasDefault('inputCol'), false);
  });

  it('getOrDefault of a param with no value names it and says how to set it', () => {
    const s = new Scaler();
    assert.throws(
      () => s.getInputCol(),
      paramError('PARAM_NOT_DEFINED', (e) => {
        assert.deepEqual(e.messageParameters, { stage: s.uid, param: 'inputCol' });
        assert.equal(
          e.message,
          `[PARAM_NOT_DEFINED] Param 'inputCol' of stage '${s.uid}' is not set and has no default. ` +
            'Set it with setInputCol(…) or the constructor option { inputCol: … }.',
        );
      }),
    );
  });

  it('typed setters and getters convert and validate when set', () => {
    const s = new Scaler().setInputCol('x').setFactor(3);
    assert.equal(s.getInputCol(), 'x');
    assert.equal(s.getFactor(), 3);
    assert.throws(
      () => s.setFactor(0),
      paramError('INVALID_PARAM_VALUE', (e) => {
        assert.deepEqual(e.messageParameters, {
          stage: s.uid,
          param: 'factor',
          value: '0',
          expected: 'a value > 0',
        });
      }),
    );
    assert.equal(s.getFactor(), 3, 'a rejected value leaves the old one');
  });

  it('constructor options are checked like setters', () => {
    assert.throws(
      () => new Scaler({ factor: -1 }),
      paramError('INVALID_PARAM_VALUE', (e) => assert.equal(e.messageParameters.param, 'factor')),
    );
    const t = new Tagger({ layers: [4, 2], mode: 'upper' });
    assert.deepEqual(t.getOrDefault(t.layers), [4, 2]);
    assert.equal(t.getOrDefault(t.mode), 'upper');
    assert.throws(
      () => new Tagger({ layers: [4] }),
      paramError('INVALID_PARAM_VALUE', (e) =>
        assert.equal(
          e.messageParameters.expected,
          'an array of more than 1 elements and an array of elements that are each a value > 0',
        ),
      ),
    );
  });

  it('an unknown name by string lists the params the stage has', () => {
    const options = { inputcol: 'x' } as unknown as StageOptions<Scaler>;
    assert.throws(
      () => new Scaler(options),
      paramError('UNKNOWN_PARAM', (e) => {
        assert.equal(e.messageParameters.param, 'inputcol');
        assert.equal(e.messageParameters.available, 'factor,inputCol,outputCol');
        assert.match(
          e.message,
          /has no param named 'inputcol'\. Did you mean 'inputCol'\? Its params are: factor, inputCol, outputCol\.$/,
        );
      }),
    );
    assert.throws(() => new Scaler().getParam('nope'), paramError('UNKNOWN_PARAM'));
    assert.throws(() => new Scaler().isSet('nope'), paramError('UNKNOWN_PARAM'));
  });

  it("another stage's param is not this stage's", () => {
    const a = new Scaler();
    const b = new Scaler();
    assert.throws(
      () => a.set(b.factor, 2),
      paramError('UNKNOWN_PARAM', (e) => assert.equal(e.messageParameters.param, `${b.uid}__factor`)),
    );
    assert.throws(() => a.getOrDefault(b.factor), paramError('UNKNOWN_PARAM'));
  });

  it('setParams sets several by name; undefined values are skipped', () => {
    const s = new Scaler().setParams({ inputCol: 'a', outputCol: 'b' });
    assert.deepEqual([s.getInputCol(), s.getOutputCol(), s.isSet('factor')], ['a', 'b', false]);
  });

  it('clear removes the user value so the default applies again', () => {
    const s = new Scaler({ factor: 2, inputCol: 'x' }).clear('factor').clear(new Scaler().inputCol.name);
    assert.equal(s.getFactor(), 1);
    assert.equal(s.isSet('factor'), false);
    assert.equal(s.isDefined('inputCol'), false);
  });

  it('a param declared twice is an error', () => {
    class Twice extends Seeded {
      readonly again = this.declareParam(SharedParams.seed);
    }
    assert.throws(() => new Twice(), paramError('DUPLICATE_PARAM'));
  });

  it("seed's default is the Java hashCode of the class name, as in Spark", () => {
    const s = new Seeded();
    assert.equal(s.getOrDefault(s.seed), -1822363920);
    assert.equal(new Seeded().getOrDefault('seed'), -1822363920);
  });
});

describe('Params: explainParams', () => {
  it('prints name: doc (default: x, current: y) per param, sorted, as pyspark does', () => {
    const s = new Scaler({ uid: 'Scaler_0123456789ab', inputCol: 'x', factor: 2 });
    assert.equal(
      s.explainParams(),
      [
        'factor: the multiplier (> 0). (default: 1, current: 2)',
        'inputCol: input column name. (current: x)',
        'outputCol: output column name. (default: Scaler_0123456789ab__output)',
      ].join('\n'),
    );
    assert.equal(new Scaler().explainParam('inputCol'), 'inputCol: input column name. (undefined)');
  });

  it('prints lists in brackets', () => {
    const t = new Tagger({ layers: [4, 2] });
    assert.equal(t.explainParam(t.layers), 'layers: layer sizes. (current: [4, 2])');
    assert.equal(t.explainParam('mode'), 'mode: how to tag. (default: lower)');
  });
});

describe('Params: extractParamMap', () => {
  it('takes defaults, then user values, then extra', () => {
    const s = new Scaler({ inputCol: 'x' });
    const fromDefaults = s.extractParamMap();
    assert.equal(fromDefaults.get(s.factor), 1);
    assert.equal(fromDefaults.get(s.inputCol), 'x');
    assert.equal(fromDefaults.get(s.outputCol), `${s.uid}__output`);
    assert.equal(fromDefaults.size, 3);

    s.setFactor(2);
    assert.equal(s.extractParamMap().get(s.factor), 2);
    assert.equal(s.extractParamMap({ factor: 3 }).get(s.factor), 3);
    assert.equal(s.extractParamMap(new ParamMap().put(s.factor, 4)).get(s.factor), 4);
    assert.equal(s.getFactor(), 2, 'extra does not change the stage');
  });

  it("keeps a ParamMap's entries for other stages", () => {
    const s = new Scaler();
    const other = new Scaler();
    const map = s.extractParamMap(new ParamMap().put(other.factor, 5));
    assert.equal(map.get(other.factor), 5);
    assert.equal(map.get(s.factor), 1);
  });

  it('rejects unknown names in extra given by name', () => {
    const extra = { nope: 1 } as unknown as ParamValues<Scaler>;
    assert.throws(() => new Scaler().extractParamMap(extra), paramError('UNKNOWN_PARAM'));
  });
});

describe('Params: copy', () => {
  it('makes a new instance of the same class with the same uid and values', () => {
    const s = new Scaler({ inputCol: 'x', factor: 2 });
    const c = s.copy();
    assert.notEqual(c, s);
    assert.ok(c instanceof Scaler);
    assert.equal(c.uid, s.uid);
    assert.equal(c.factor, s.factor, 'params are shared: same parent uid');
    assert.deepEqual([c.getInputCol(), c.getFactor(), c.getOutputCol()], ['x', 2, `${s.uid}__output`]);
  });

  it('applies extra to the copy only, by name or by ParamMap', () => {
    const s = new Scaler({ inputCol: 'x', factor: 2 });
    const byName = s.copy({ factor: 3 });
    const byMap = s.copy(new ParamMap().put(s.factor, 4).put(new Scaler().factor, 9));
    assert.equal(byName.getFactor(), 3);
    assert.equal(byMap.getFactor(), 4);
    assert.equal(s.getFactor(), 2);
  });

  it('has maps of its own: changing one leaves the other', () => {
    const s = new Scaler({ factor: 2 });
    const c = s.copy();
    c.setFactor(5).setInputCol('y');
    s.clear('factor');
    assert.equal(c.getFactor(), 5);
    assert.equal(s.getFactor(), 1);
    assert.equal(s.isSet('inputCol'), false);
  });

  it('keeps other state (shallow), such as a model’s learned values', () => {
    const m = new MeanShiftModel({ mean: 2.5, inputCol: 'x' });
    const c = m.copy({ outputCol: 'centered' });
    assert.equal(c.mean, 2.5);
    assert.equal(c.getOutputCol(), 'centered');
    assert.equal(m.getOutputCol(), `${m.uid}__output`);
  });

  it('rejects unknown names and bad values in extra', () => {
    assert.throws(
      () => new Scaler().copy({ nope: 1 } as unknown as ParamValues<Scaler>),
      paramError('UNKNOWN_PARAM'),
    );
    assert.throws(() => new Scaler().copy({ factor: 0 }), paramError('INVALID_PARAM_VALUE'));
  });
});

describe('Params: copyValues', () => {
  class Exposed extends MeanShift {
    copyTo<P extends MeanShiftModel>(to: P, extra?: ParamMap): P {
      return this.copyValues(to, extra);
    }
  }

  it('gives the target the user values and defaults of the params it shares by name', () => {
    const est = new Exposed({ inputCol: 'x' });
    const model = est.copyTo(new MeanShiftModel({ uid: est.uid, mean: 0 }));
    assert.equal(model.getInputCol(), 'x');
    assert.equal(model.isSet('inputCol'), true);
    assert.equal(model.isSet('outputCol'), false);
    assert.equal(model.getOutputCol(), `${est.uid}__output`);
  });

  it("applies extra's values for the source's own params", () => {
    const est = new Exposed({ inputCol: 'x' });
    const model = est.copyTo(new MeanShiftModel({ mean: 0 }), new ParamMap().put(est.outputCol, 'o'));
    assert.equal(model.getOutputCol(), 'o');
  });
});

describe('Params: JSON form', () => {
  it('paramsToJson has the user values and the defaults by name', () => {
    const s = new Scaler({ uid: 'Scaler_0123456789ab', inputCol: 'x', factor: 2 });
    assert.deepEqual(s.paramsToJson(), {
      paramMap: { factor: 2, inputCol: 'x' },
      defaultParamMap: { factor: 1, outputCol: 'Scaler_0123456789ab__output' },
    });
  });

  it('setParamsFromJson applies both maps, checking names and values', () => {
    const s = new Scaler().setParamsFromJson({ paramMap: { inputCol: 'y' }, defaultParamMap: { factor: 7 } });
    assert.equal(s.getInputCol(), 'y');
    assert.equal(s.isSet('factor'), false);
    assert.equal(s.getFactor(), 7);
    assert.throws(
      () => new Scaler().setParamsFromJson({ paramMap: { bogus: 1 }, defaultParamMap: {} }),
      paramError('UNKNOWN_PARAM'),
    );
    assert.throws(
      () => new Scaler().setParamsFromJson({ paramMap: { factor: 'big' }, defaultParamMap: {} }),
      paramError('INVALID_PARAM_VALUE'),
    );
  });

  it('Param objects of a stage are instances of Param', () => {
    assert.ok(new Scaler().factor instanceof Param);
  });
});
