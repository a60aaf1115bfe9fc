/**
 * Type-level tests of the feature stages: the lines marked @ts-expect-error must not compile (tsc fails with
 * "unused directive" if they do), the others must. Running the file checks only a few values.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DataFrame } from '../../../src/frame/DataFrame.js';
import {
  IndexToString,
  OneHotEncoder,
  type OneHotEncoderModel,
  type ParamValues,
  StandardScalerModel as ScalerModel,
  StandardScaler,
  type StandardScalerModel,
  StringIndexer,
  StringIndexerModel,
  VectorAssembler,
} from '../../../src/ml/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

describe('feature stage types', () => {
  it("options are typed by Spark's params", () => {
    expectType<
      Equal<
        ParamValues<StringIndexer>,
        {
          inputCol?: string;
          inputCols?: readonly string[];
          outputCol?: string;
          outputCols?: readonly string[];
          handleInvalid?: 'error' | 'skip' | 'keep';
          stringOrderType?: 'frequencyDesc' | 'frequencyAsc' | 'alphabetDesc' | 'alphabetAsc';
        }
      >
    >();
    expectType<
      Equal<
        ParamValues<VectorAssembler>,
        { inputCols?: readonly string[]; outputCol?: string; handleInvalid?: 'error' | 'skip' | 'keep' }
      >
    >();
    expectType<Equal<ParamValues<OneHotEncoder>['handleInvalid'], 'error' | 'keep' | undefined>>();
    expectType<Equal<ParamValues<StandardScaler>['withMean'], boolean | undefined>>();
    expectType<Equal<ParamValues<IndexToString>['labels'], readonly string[] | undefined>>();

    // @ts-expect-error OneHotEncoder has no 'skip'
    assert.throws(() => new OneHotEncoder({ handleInvalid: 'skip' }));
    // @ts-expect-error stringOrderType is one of four names
    assert.throws(() => new StringIndexer({ stringOrderType: 'random' }));
    // @ts-expect-error labels are strings
    assert.throws(() => new IndexToString({ labels: [1, 2] }));
    // @ts-expect-error VectorAssembler has no inputCol
    assert.throws(() => new VectorAssembler({ inputCol: 'x' }));
  });

  it('fit gives the model type, and models take their data in their options', () => {
    const fit = (df: DataFrame) => ({
      indexer: new StringIndexer({ inputCol: 's' }).fit(df),
      encoder: new OneHotEncoder({ inputCol: 'i' }).fit(df),
      scaler: new StandardScaler({ inputCol: 'v' }).fit(df),
    });
    expectType<Equal<Awaited<ReturnType<typeof fit>['indexer']>, StringIndexerModel>>();
    expectType<Equal<Awaited<ReturnType<typeof fit>['encoder']>, OneHotEncoderModel>>();
    expectType<Equal<Awaited<ReturnType<typeof fit>['scaler']>, StandardScalerModel>>();

    const model = StringIndexerModel.fromLabels(['a', 'b'], { inputCol: 's', handleInvalid: 'keep' });
    const labels: readonly string[] = model.labels;
    const scaler = new ScalerModel({ mean: new Float64Array([1]), std: [2], withMean: true });
    const mean: Float64Array = scaler.mean;
    assert.deepEqual([labels, Array.from(mean)], [['a', 'b'], [1]]);
    // @ts-expect-error labelsArray is an array of arrays
    assert.throws(() => new StringIndexerModel({ labelsArray: ['a'] }));
  });
});
