import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type * as arrow from 'apache-arrow';
import { type ExecuteEvent, SparkConnectClient } from '../../../src/engine/spark/connect/index.js';
import type * as proto from '../../../src/engine/spark/proto/index.js';
import { SparkError } from '../../../src/errors.js';
import { useSparkCluster } from '../helpers/cluster.js';

const col = (name: string): proto.Expression => ({ unresolvedAttribute: { unparsedIdentifier: name } });

/** `range(0, n)` in `partitions` partitions: rows come back in order, a batch or more per partition. */
const rangeRelation = (n: number, partitions: number): proto.Relation => ({
  range: { start: 0, end: n, step: 1, numPartitions: partitions },
});
const range = (n: number, partitions: number): proto.Plan => ({ root: rangeRelation(n, partitions) });

/** A query that runs for many minutes: counting a trillion rows. */
const longQuery: proto.Plan = {
  root: {
    aggregate: {
      input: { range: { end: 1e12, step: 1 } },
      groupType: 'GROUP_TYPE_GROUPBY',
      aggregateExpressions: [{ unresolvedFunction: { functionName: 'count', arguments: [col('id')] } }],
    },
  },
};

/** The `id` column of batches, as numbers. */
function ids(batches: readonly arrow.RecordBatch[]): number[] {
  return batches.flatMap((b) => [...(b.getChild('id') ?? [])].map(Number));
}

describe('SparkExecution', () => {
  // As Spark's own client tests do: the server ends every response stream after 1 s or 123 bytes, so that reading
  // any result of more than one response needs reattaching.
  const cluster = useSparkCluster('local', {
    extraConf: {
      'spark.connect.execute.reattachable.senderMaxStreamDuration': '1s',
      'spark.connect.execute.reattachable.senderMaxStreamSize': '123',
    },
  });
  let client: SparkConnectClient;
  let dir: string;
  before(async () => {
    client = await SparkConnectClient.connect(cluster().connectUrl);
    dir = mkdtempSync(join(tmpdir(), 'deepframe-spark-execution-'));
  });
  after(async () => {
    await client?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('reattaches when the server ends the stream before the result is complete, and loses nothing', async () => {
    const execution = client.executePlan(range(50_000, 6));
    const batches: arrow.RecordBatch[] = [];
    for await (const batch of execution) batches.push(batch);
    assert.deepEqual(
      ids(batches),
      Array.from({ length: 50_000 }, (_, i) => i),
    );
    assert.ok(execution.reattachments >= 5, `reattached ${execution.reattachments} times`);
  });

  it('reports the schema, the batches and the metrics as events', async () => {
    const kinds: ExecuteEvent['kind'][] = [];
    const execution = client.executePlan(range(10, 1));
    for await (const event of execution.events()) {
      // Progress reports come whenever the server's timer fires; the rest comes in this order.
      if (event.kind !== 'progress' && kinds.at(-1) !== event.kind) kinds.push(event.kind);
    }
    assert.deepEqual(kinds, ['schema', 'arrow', 'metrics']);
    assert.deepEqual(execution.schema, {
      struct: { fields: [{ name: 'id', dataType: { long: {} } }] },
    });
    await assert.rejects(
      async () => {
        for await (const _ of execution) {
          // a second read
        }
      },
      (e: unknown) => e instanceof SparkError && e.errorClass === 'EXECUTION_ALREADY_READ',
    );
  });

  it('gives an empty result as one empty batch that carries the schema', async () => {
    const table = await client
      .executePlan({
        root: { filter: { input: rangeRelation(10, 1), condition: { literal: { boolean: false } } } },
      })
      .toTable();
    assert.equal(table.numRows, 0);
    assert.deepEqual(
      table.schema.fields.map((f) => f.name),
      ['id'],
    );
  });

  it('cancels a long query through an AbortSignal: the operation stops on the server', async () => {
    const controller = new AbortController();
    const execution = client.executePlan(longQuery, { signal: controller.signal, tags: ['long'] });
    await assert.rejects(
      async () => {
        for await (const event of execution.events()) {
          // Progress with tasks in flight: the query is running on the cluster.
          if (event.kind === 'progress' && Number(event.progress.numInflightTasks ?? 0) > 0)
            controller.abort();
        }
      },
      (e: unknown) =>
        e instanceof SparkError &&
        e.errorClass === 'OPERATION_CANCELED' &&
        e.messageParameters.operationId === execution.operationId &&
        e.message === `[OPERATION_CANCELED] Execution ${execution.operationId} was canceled.`,
    );
    // Interrupted and released before the error surfaced: nothing of it is left to interrupt.
    assert.deepEqual(await client.interrupt({ tag: 'long' }), []);
  });

  it('refuses to start when the signal is already aborted', async () => {
    const reason = new Error('the user closed the tab');
    await assert.rejects(
      () => client.executePlan(range(10, 1), { signal: AbortSignal.abort(reason) }).toTable(),
      (e: unknown) =>
        e instanceof SparkError &&
        e.errorClass === 'OPERATION_CANCELED' &&
        e.message.endsWith('was canceled: the user closed the tab.') &&
        e.cause === reason,
    );
  });

  it('runs commands: a SQL statement, a temporary view, a write and a read back', async () => {
    const created = client.executePlan({
      command: {
        sqlCommand: {
          input: {
            sql: {
              query: 'CREATE OR REPLACE TEMPORARY VIEW squares AS SELECT id, id * id AS sq FROM range(4)',
            },
          },
        },
      },
    });
    await created.toTable();
    assert.ok(created.sqlCommandResult !== undefined);

    const path = join(dir, 'squares.parquet');
    await client
      .executePlan({
        command: {
          writeOperation: {
            input: { read: { namedTable: { unparsedIdentifier: 'squares' } } },
            source: 'parquet',
            path,
            mode: 'SAVE_MODE_OVERWRITE',
          },
        },
      })
      .toTable();
    const read = await client
      .executePlan({
        root: {
          sort: {
            input: { read: { dataSource: { format: 'parquet', paths: [path] } } },
            order: [
              { child: col('id'), direction: 'SORT_DIRECTION_ASCENDING', nullOrdering: 'SORT_NULLS_FIRST' },
            ],
            isGlobal: true,
          },
        },
      })
      .toTable();
    assert.deepEqual(
      read.toArray().map((r: arrow.StructRowProxy) => [Number(r.id), Number(r.sq)]),
      [
        [0, 0],
        [1, 1],
        [2, 4],
        [3, 9],
      ],
    );
  });
});
