import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParamError } from '../../src/errors.js';
import { type ParamSpec, SharedParams } from '../../src/ml/index.js';

describe('SharedParams', () => {
  it('each spec is named after its key', () => {
    for (const [key, spec] of Object.entries(SharedParams))
      assert.equal((spec as ParamSpec<unknown>).name, key);
  });

  it("has Spark ML's defaults", () => {
    assert.equal(SharedParams.labelCol.default, 'label');
    assert.equal(SharedParams.featuresCol.default, 'features');
    assert.equal(SharedParams.predictionCol.default, 'prediction');
    assert.equal(SharedParams.probabilityCol.default, 'probability');
    assert.equal(SharedParams.rawPredictionCol.default, 'rawPrediction');
    assert.equal(
      SharedParams.outputCol.defaultFromUid('Tokenizer_0123456789ab'),
      'Tokenizer_0123456789ab__output',
    );
    assert.equal(
      SharedParams.seed.defaultFromUid('hello_0123456789ab'),
      99162322,
      "Java's 'hello'.hashCode()",
    );
    assert.equal(SharedParams.parallelism.default, 1);
    assert.equal(SharedParams.elasticNetParam.default, 0);
    assert.equal(SharedParams.fitIntercept.default, true);
    assert.equal(SharedParams.collectSubModels.default, false);
    assert.equal('default' in SharedParams.inputCol, false);
    assert.equal('default' in SharedParams.maxIter, false);
  });

  it('validates ranges', () => {
    assert.equal(SharedParams.maxIter.validator(0), true);
    assert.equal(SharedParams.maxIter.validator(-1), false);
    assert.equal(SharedParams.stepSize.validator(0), false);
    assert.equal(SharedParams.elasticNetParam.validator(1), true);
    assert.equal(SharedParams.elasticNetParam.validator(1.5), false);
    assert.equal(SharedParams.batchSize.validator(0), false);
    assert.throws(() => SharedParams.maxIter.converter(1.5), ParamError);
  });
});
