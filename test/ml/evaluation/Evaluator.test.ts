import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DataFrame } from '../../../src/frame/DataFrame.js';
import { avg } from '../../../src/frame/functions.js';
import { Evaluator } from '../../../src/ml/evaluation/index.js';
import {
  ParamMap,
  ParamValidators,
  SharedParams,
  type StageOptions,
  TypeConverters,
} from '../../../src/ml/index.js';
import { DataTypes } from '../../../src/types/index.js';
import { useSession } from '../../helpers/session.js';

/** The mean of `predictionCol`, times `scale`: an evaluator written as the base class's docs say. */
class ScaledMean extends Evaluator {
  readonly predictionCol = this.declareParam(SharedParams.predictionCol);
  readonly scale = this.declareParam({
    name: 'scale',
    doc: 'the factor (> 0).',
    converter: TypeConverters.toFloat,
    validator: ParamValidators.gt(0),
    default: 1,
  });
  constructor(options: StageOptions<ScaledMean> = {}) {
    super(options);
    this.applyOptions(options);
  }
  protected async _evaluate(df: DataFrame): Promise<number> {
    const [row] = await df.agg(avg(this.getOrDefault(this.predictionCol)).alias('m')).collect();
    return Number(row!.m) * this.getOrDefault(this.scale);
  }
}

describe('Evaluator', () => {
  const { session } = useSession();
  const frame = () =>
    session().createDataFrame(
      [{ prediction: 1 }, { prediction: 2 }, { prediction: 6 }],
      DataTypes.struct([DataTypes.field('prediction', DataTypes.double)]),
    );

  it('evaluates with its own params, and with overrides applied to a copy', async () => {
    const evaluator = new ScaledMean({ scale: 2 });
    assert.equal(await evaluator.evaluate(frame()), 6);
    assert.equal(await evaluator.evaluate(frame(), { scale: 0.5 }), 1.5);
    assert.equal(evaluator.getOrDefault(evaluator.scale), 2);
  });

  it("takes a ParamMap, using its own params' entries and leaving other stages' alone", async () => {
    const evaluator = new ScaledMean();
    const other = new ScaledMean();
    const map = new ParamMap().put(evaluator.scale, 3).put(other.scale, 100);
    assert.equal(await evaluator.evaluate(frame(), map), 9);
  });

  it('is larger-is-better by default, has a uid and params like every stage', () => {
    const evaluator = new ScaledMean();
    assert.equal(evaluator.isLargerBetter(), true);
    assert.match(evaluator.uid, /^ScaledMean_[0-9a-f]{12}$/);
    assert.deepEqual(
      evaluator.params.map((p) => p.name),
      ['predictionCol', 'scale'],
    );
  });
});
