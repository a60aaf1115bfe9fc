import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ParamError } from '../../src/errors.js';
import { col } from '../../src/frame/functions.js';
import { Session } from '../../src/frame/Session.js';
import { LogisticRegression } from '../../src/ml/classification/LogisticRegression.js';
import { binaryFrame } from '../ml/tuning/data.js';

describe("deepframe.local.stageThreads = '0'", () => {
  let pooled: Session;
  let inline: Session;
  before(async () => {
    pooled = await Session.builder().master('local[2]').create();
    inline = await Session.builder().master('local[1]').config('deepframe.local.stageThreads', '0').create();
  });
  after(async () => {
    await pooled.stop();
    await inline.stop();
  });

  it('runs tensor stages on the session’s thread with the same results as the worker pool', async () => {
    const model = await new LogisticRegression({ maxIter: 20, showProgress: false }).fit(binaryFrame(pooled));
    const columns = ['id', 'rawPrediction', 'probability', 'prediction'];
    const here = await (await model.transform(binaryFrame(inline)))
      .select(...columns)
      .orderBy(col('id'))
      .collect();
    const there = await (await model.transform(binaryFrame(pooled)))
      .select(...columns)
      .orderBy(col('id'))
      .collect();
    assert.equal(here.length, 240);
    assert.deepEqual(here, there);
  });

  it('takes no other value', async () => {
    await assert.rejects(
      Session.builder().master('local[1]').config('deepframe.local.stageThreads', '2').create(),
      (e) => e instanceof ParamError && /stageThreads may only be '0'/.test(e.message),
    );
  });
});
