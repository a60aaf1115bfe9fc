import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeepframeError, ParamError } from '../../../src/errors.js';
import { LogisticRegression } from '../../../src/ml/classification/LogisticRegression.js';
import { ParamMap } from '../../../src/ml/ParamMap.js';
import { ParamGridBuilder } from '../../../src/ml/tuning/ParamGridBuilder.js';

describe('ParamGridBuilder', () => {
  it('builds the Cartesian product in pyspark order: the last param varies fastest', () => {
    const grid = new ParamGridBuilder<LogisticRegression>()
      .addGrid('regParam', [0.1, 0.01])
      .addGrid('maxIter', [5, 10, 20])
      .build();
    assert.deepEqual(grid, [
      { regParam: 0.1, maxIter: 5 },
      { regParam: 0.1, maxIter: 10 },
      { regParam: 0.1, maxIter: 20 },
      { regParam: 0.01, maxIter: 5 },
      { regParam: 0.01, maxIter: 10 },
      { regParam: 0.01, maxIter: 20 },
    ]);
  });

  it('baseOn adds a one-value grid; adding a param again replaces its values in place', () => {
    const grid = new ParamGridBuilder<LogisticRegression>()
      .baseOn({ maxIter: 7 })
      .addGrid('regParam', [1, 2])
      .addGrid('maxIter', [3, 4])
      .build();
    assert.deepEqual(grid, [
      { maxIter: 3, regParam: 1 },
      { maxIter: 3, regParam: 2 },
      { maxIter: 4, regParam: 1 },
      { maxIter: 4, regParam: 2 },
    ]);
  });

  it('an empty builder gives one empty map; a param with no values gives none', () => {
    assert.deepEqual(new ParamGridBuilder().build(), [{}]);
    assert.deepEqual(new ParamGridBuilder<LogisticRegression>().addGrid('regParam', []).build(), []);
  });

  it('with Param objects, builds ParamMaps whose values are converted', () => {
    const lr = new LogisticRegression();
    const grid = new ParamGridBuilder()
      .addGrid(lr.regParam, [0.5, 0.25])
      .baseOn([lr.elasticNetParam, 1])
      .build();
    assert.equal(grid.length, 2);
    assert.ok(grid.every((m) => m instanceof ParamMap));
    const maps = grid as ParamMap[];
    assert.deepEqual(
      maps.map((m) => [m.get(lr.regParam), m.get(lr.elasticNetParam)]),
      [
        [0.5, 1],
        [0.25, 1],
      ],
    );
    assert.throws(
      () => new ParamGridBuilder().addGrid(lr.maxIter, [-1]).build(),
      (e: unknown) => e instanceof ParamError && e.errorClass === 'INVALID_PARAM_VALUE',
    );
  });

  it('refuses to mix names and Param objects', () => {
    const lr = new LogisticRegression();
    assert.throws(
      () => new ParamGridBuilder<LogisticRegression>().addGrid('regParam', [1]).addGrid(lr.maxIter, [1]),
      (e: unknown) => e instanceof DeepframeError && e.errorClass === 'MIXED_PARAM_GRID',
    );
  });

  it('checks names and value types at compile time', () => {
    const builder = new ParamGridBuilder<LogisticRegression>();
    // @ts-expect-error: LogisticRegression has no param 'regParams'.
    builder.addGrid('regParams', [0.1]);
    // @ts-expect-error: regParam takes numbers.
    builder.addGrid('regParam', ['0.1']);
    // @ts-expect-error: family takes one of its names.
    builder.addGrid('family', ['gaussian']);
    builder.addGrid('family', ['binomial', 'multinomial']);
    assert.ok(builder);
  });
});
