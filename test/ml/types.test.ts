/**
 * Type-level tests: the lines marked @ts-expect-error must not compile (tsc fails with "unused directive" if they
 * do), the others must. Running the file checks only a few values.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DataFrame } from '../../src/frame/DataFrame.js';
import {
  type Param,
  ParamMap,
  type ParamValues,
  Pipeline,
  type PipelineModel,
  type StageOptions,
} from '../../src/ml/index.js';
import { MeanShift, type MeanShiftModel, Scaler, Tagger } from './fixtures/stages.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

describe('typed params', () => {
  it('options, getters and setters are typed by the declarations', () => {
    expectType<Equal<ParamValues<Scaler>, { inputCol?: string; outputCol?: string; factor?: number }>>();
    expectType<
      Equal<ParamValues<Tagger>, { outputCol?: string; layers?: readonly number[]; mode?: 'upper' | 'lower' }>
    >();
    expectType<Equal<Scaler['factor'], Param<number>>>();

    const s = new Scaler({ inputCol: 'x', factor: 2 });
    const factor: number = s.getOrDefault(s.factor);
    const input: string = s.getInputCol();
    const user: number | undefined = s.get(s.factor);
    const byName: unknown = s.getOrDefault('factor');
    assert.deepEqual([factor, input, user, byName], [2, 'x', 2, 2]);
    expectType<Equal<ReturnType<typeof s.setInputCol>, Scaler>>();

    // @ts-expect-error factor is a number
    assert.throws(() => new Scaler({ factor: 'big' }));
    // @ts-expect-error no such param
    assert.throws(() => new Scaler({ scale: 2 }));
    // @ts-expect-error a string param takes strings
    assert.throws(() => s.set(s.inputCol, 3));
    // @ts-expect-error mode is 'upper' | 'lower'
    assert.throws(() => new Tagger({ mode: 'sideways' }));
    const options: StageOptions<Scaler> = { uid: 'Scaler_0123456789ab', factor: 1 };
    assert.equal(new Scaler(options).uid, 'Scaler_0123456789ab');
  });

  it('ParamMap values are typed by the param', () => {
    const s = new Scaler();
    const m = new ParamMap().put(s.factor, 2);
    const v: number | undefined = m.get(s.factor);
    assert.equal(v, 2);
    // @ts-expect-error factor takes numbers
    assert.throws(() => m.put(s.factor, '2'));
  });

  it('fit, transform and load are typed', () => {
    const est = new MeanShift();
    type Fit = ReturnType<typeof est.fit>;
    expectType<Equal<Fit, Promise<MeanShiftModel>>>();
    expectType<Equal<ReturnType<Pipeline['fit']>, Promise<PipelineModel>>>();
    const loadPipeline = () => Pipeline.load('/models/p');
    const loadScaler = () => Scaler.load('/models/s');
    expectType<Equal<ReturnType<typeof loadPipeline>, Promise<Pipeline>>>();
    expectType<Equal<ReturnType<typeof loadScaler>, Promise<Scaler>>>();
    const typedFit = (df: DataFrame) => est.fit(df, { inputCol: 'a' });
    // @ts-expect-error inputCol is a string
    const badFit = (df: DataFrame) => est.fit(df, { inputCol: 1 });
    assert.equal(typeof typedFit, typeof badFit);
  });
});
