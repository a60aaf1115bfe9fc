import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { threadId } from 'node:worker_threads';
import type * as arrow from 'apache-arrow';
import { WorkerPool } from '../../../src/engine/local/WorkerPool.js';
import { DeepframeError, ExecutionError } from '../../../src/errors.js';
import type { StageSpec } from '../../../src/worker/index.js';
import { doubleInline } from '../../fixtures/stages/basic.js';
import { BASIC_STAGES, basicStage, batchOf, column, seededRandom } from '../../fixtures/stages/helpers.js';

async function collect(results: AsyncIterable<arrow.RecordBatch>): Promise<arrow.RecordBatch[]> {
  const out: arrow.RecordBatch[] = [];
  for await (const batch of results) out.push(batch);
  return out;
}

function rejectsWith(errorClass: string) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof DeepframeError, String(e));
    assert.equal(e.errorClass, errorClass, e.message);
    return true;
  };
}

describe('WorkerPool', () => {
  let scratch = '';
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'deepframe-pool-'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('runs a stage on a worker thread with the same result as running it inline', async () => {
    await using pool = await WorkerPool.create({ size: 2 });
    const batch = batchOf([1, 2.5, -3]);
    const out = await pool.run(basicStage('double'), batch);
    const inline = doubleInline(batch);
    assert.deepEqual(out.schema.names, inline.schema.names);
    assert.deepEqual(column(out, 'y'), column(inline, 'y'));
    assert.deepEqual(column(batch, 'x'), [1, 2.5, -3], "the caller's batch is left as it was");
  });

  it('maps many batches in input order, over every worker, with seeded random delays', async () => {
    const random = seededRandom(20240611);
    const inputs = Array.from({ length: 40 }, (_, i) => batchOf([i, i + 0.5, -i], Math.floor(random() * 15)));
    await using pool = await WorkerPool.create({ size: 4 });
    const outputs = await collect(pool.map(basicStage('delayedDouble'), inputs, { maxInFlight: 8 }));
    assert.equal(outputs.length, inputs.length);
    outputs.forEach((out, i) => {
      assert.deepEqual(column(out, 'x'), column(inputs[i]!, 'x'), `batch ${i} in its place`);
      assert.deepEqual(column(out, 'y'), column(doubleInline(inputs[i]!), 'y'));
    });
    const threads = new Set(outputs.map((out) => column(out, 'threadId')[0]));
    assert.equal(threads.size, 4, `four threads ran batches: ${[...threads].join(', ')}`);
    assert.ok(!threads.has(threadId), 'none of them the main thread');
    assert.equal(pool.workerCount, 4);
  });

  it('reads no further ahead than maxInFlight', async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<arrow.RecordBatch> {
      for (let i = 0; i < 30; i += 1) {
        pulled += 1;
        yield batchOf([i]);
      }
    }
    await using pool = await WorkerPool.create({ size: 2 });
    let taken = 0;
    for await (const out of pool.map(basicStage('double'), source(), { maxInFlight: 3 })) {
      assert.ok(pulled <= taken + 3, `${pulled} batches read when result ${taken} came out`);
      assert.deepEqual(column(out, 'x'), [taken]);
      taken += 1;
    }
    assert.equal(taken, 30);
  });

  it('gives the stage its partition, batch positions, and a per-worker cache that survives batches', async () => {
    await using pool = await WorkerPool.create({ size: 1 });
    const inputs = [batchOf([1]), batchOf([2]), batchOf([3])];
    const outputs = await collect(pool.map(basicStage('contextInfo'), inputs, { partitionIndex: 4 }));
    assert.deepEqual(
      outputs.map((o) => [column(o, 'partitionIndex')[0], column(o, 'batchIndex')[0], column(o, 'calls')[0]]),
      [
        [4, 0, 1],
        [4, 1, 2],
        [4, 2, 3],
      ],
    );
  });

  it('retries the task of a worker that died once on a fresh worker, and completes', async () => {
    const marker = join(scratch, 'exit-once');
    await using pool = await WorkerPool.create({ size: 2 });
    const inputs = Array.from({ length: 10 }, (_, i) => batchOf([i]));
    const outputs = await collect(pool.map(basicStage('exitOnce', { marker }), inputs));
    assert.ok(existsSync(marker), 'the first attempt did die');
    assert.deepEqual(
      outputs.map((o) => column(o, 'y')[0]),
      inputs.map((_, i) => 2 * i),
    );
  });

  it('fails with WORKER_DIED naming the stage and exit code when the retry dies too, and recovers', async () => {
    await using pool = await WorkerPool.create({ size: 2 });
    await assert.rejects(
      pool.run(basicStage('alwaysExit'), batchOf([1]), { partitionIndex: 3, batchIndex: 1 }),
      (e) => {
        rejectsWith('WORKER_DIED')(e);
        assert.ok(e instanceof ExecutionError);
        assert.equal(e.messageParameters.exitCode, '7');
        assert.equal(e.messageParameters.attempts, '2');
        assert.match(e.message, /module stage 'alwaysExit'/);
        assert.match(e.message, /partition 3, batch 1/);
        return true;
      },
    );
    const out = await pool.run(basicStage('double'), batchOf([21]));
    assert.deepEqual(column(out, 'y'), [42], 'dead workers are replaced');
  });

  it('counts an uncaught error in a worker as a death, with the error in the reason', async () => {
    await using pool = await WorkerPool.create({ size: 1 });
    await assert.rejects(pool.run(basicStage('uncaughtFromTimer'), batchOf([1])), (e) => {
      rejectsWith('WORKER_DIED')(e);
      assert.match(String((e as ExecutionError).messageParameters.reasons), /thrown from a timer/);
      return true;
    });
  });

  it('returns a stage error as thrown on the worker, without retrying it', async () => {
    await using pool = await WorkerPool.create({ size: 1 });
    await assert.rejects(pool.run(basicStage('throwing'), batchOf([1])), (e) => {
      rejectsWith('STAGE_FAILED')(e);
      assert.ok(e instanceof ExecutionError);
      assert.match(e.message, /boom/);
      assert.match(e.stack ?? '', /basic\.js/, "the worker's stack");
      return true;
    });
    const unknown = { kind: 'teleport' } as unknown as StageSpec;
    await assert.rejects(pool.run(unknown, batchOf([1])), rejectsWith('UNKNOWN_STAGE_KIND'));
    await assert.rejects(pool.run(basicStage('nope'), batchOf([1])), rejectsWith('STAGE_EXPORT_NOT_FOUND'));
  });

  it('ends a map with the first failure', async () => {
    await using pool = await WorkerPool.create({ size: 2 });
    const inputs = [batchOf([1]), batchOf([2])];
    await assert.rejects(collect(pool.map(basicStage('throwing'), inputs)), rejectsWith('STAGE_FAILED'));
  });

  it('stops reading the input when the consumer stops early', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<arrow.RecordBatch> {
      try {
        for (let i = 0; ; i += 1) yield batchOf([i]);
      } finally {
        closed = true;
      }
    }
    await using pool = await WorkerPool.create({ size: 2 });
    let taken = 0;
    for await (const _ of pool.map(basicStage('double'), source(), { maxInFlight: 4 })) {
      taken += 1;
      if (taken === 3) break;
    }
    assert.ok(closed);
  });

  it('rejects a run whose signal aborts while it waits', async () => {
    await using pool = await WorkerPool.create({ size: 1 });
    const busy = pool.run(basicStage('hang'), batchOf([1]));
    busy.catch(() => {});
    const controller = new AbortController();
    const waiting = pool.run(basicStage('double'), batchOf([1]), { signal: controller.signal });
    controller.abort(new Error('not needed any more'));
    await assert.rejects(waiting, /not needed any more/);
  });

  it('finishes a batch queued behind a running batch whose caller gave up on it', async () => {
    await using pool = await WorkerPool.create({ size: 1 });
    const controller = new AbortController();
    const abandoned = pool.run(basicStage('delayedDouble'), batchOf([1], 20), { signal: controller.signal });
    const queued = pool.run(basicStage('double'), batchOf([5]));
    controller.abort(new Error('given up'));
    await assert.rejects(abandoned, /given up/);
    assert.deepEqual(column(await queued, 'y'), [10]);
  });

  it('close() fails what is queued or running, terminates every worker, and refuses new work', async () => {
    const pool = await WorkerPool.create({ size: 2 });
    const running = [1, 2, 3].map((i) => pool.run(basicStage('hang'), batchOf([i])).catch((e: unknown) => e));
    assert.equal(pool.workerCount, 2);
    await pool.close();
    for (const error of await Promise.all(running)) rejectsWith('POOL_CLOSED')(error);
    assert.equal(pool.workerCount, 0);
    assert.ok(pool.closed);
    await assert.rejects(pool.run(basicStage('double'), batchOf([1])), rejectsWith('POOL_CLOSED'));
    await pool.close();
  });

  it('does not keep the process alive when it is never closed', () => {
    const poolUrl = new URL('../../../src/engine/local/WorkerPool.js', import.meta.url).href;
    const helpersUrl = new URL('../../fixtures/stages/helpers.js', import.meta.url).href;
    const script = `
      import { WorkerPool } from ${JSON.stringify(poolUrl)};
      import { basicStage, batchOf } from ${JSON.stringify(helpersUrl)};
      const pool = await WorkerPool.create({ size: 2 });
      const out = await pool.run(basicStage('double'), batchOf([1, 2]));
      console.log(out.numRows, pool.workerCount);
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(child.signal, null, 'the process ended by itself');
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout.trim(), '2 1');
  });

  it('checks its options', async () => {
    await assert.rejects(WorkerPool.create({ size: 0 }), rejectsWith('INVALID_PARAM_VALUE'));
    await using pool = await WorkerPool.create({ size: 1 });
    await assert.rejects(
      collect(pool.map(basicStage('double'), [], { maxInFlight: 0 })),
      rejectsWith('INVALID_PARAM_VALUE'),
    );
    assert.ok(BASIC_STAGES.endsWith('basic.js'));
  });
});
