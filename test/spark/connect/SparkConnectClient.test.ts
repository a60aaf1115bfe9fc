import assert from 'node:assert/strict';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as arrow from 'apache-arrow';
import {
  cacheArtifactName,
  SparkConnectClient,
  SparkConnectError,
} from '../../../src/engine/spark/connect/index.js';
import type * as proto from '../../../src/engine/spark/proto/index.js';
import type { ConnectClientLike } from '../../../src/engine/spark/SparkEngine.js';
import { SparkError } from '../../../src/errors.js';
import { DataTypes } from '../../../src/types/DataType.js';
import { useSparkCluster } from '../helpers/cluster.js';

let client: SparkConnectClient;

/** A TCP relay to the server whose connections the test can cut, as a failing network would. */
interface Relay {
  readonly url: string;
  /** Destroys every open connection (the relay keeps accepting new ones). */
  cut(): void;
  close(): Promise<void>;
}

function relay(targetPort: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(targetPort, '127.0.0.1');
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(a);
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        sockets.delete(a);
        b.destroy();
      });
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({
        url: `sc://127.0.0.1:${port}`,
        cut: () => {
          for (const s of sockets) s.destroy();
        },
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

const col = (name: string): proto.Expression => ({ unresolvedAttribute: { unparsedIdentifier: name } });
const call = (functionName: string, ...args: proto.Expression[]): proto.Expression => ({
  unresolvedFunction: { functionName, arguments: args },
});
const int = (value: number): proto.Expression => ({ literal: { integer: value } });

/** A result's rows as plain objects, 64-bit integers as numbers. */
async function rows(plan: proto.Plan): Promise<Record<string, unknown>[]> {
  const table = await client.executePlan(plan).toTable();
  return table
    .toArray()
    .map((row: arrow.StructRowProxy) =>
      Object.fromEntries(
        Object.entries(row.toJSON()).map(([k, v]) => [
          k,
          typeof v === 'bigint' ? Number(v) : v instanceof arrow.Vector ? [...v] : v,
        ]),
      ),
    );
}

/** Whether `e` is a SparkError of `errorClass` whose message matches `message`. */
const sparkError = (errorClass: string, message: RegExp) => (e: unknown) =>
  e instanceof SparkError && e.errorClass === errorClass && message.test(e.message);

describe('SparkConnectClient', () => {
  const cluster = useSparkCluster('local');
  before(async () => {
    client = await SparkConnectClient.connect(cluster().connectUrl);
  });
  after(async () => {
    await client?.close();
  });

  it("connects to a supported Spark and reports the server's version", async () => {
    assert.equal(await client.sparkVersion(), cluster().version);
    assert.match(client.sessionId, /^[0-9a-f-]{36}$/);
  });

  it('streams a range, projected and filtered, as Arrow record batches', async () => {
    const plan: proto.Plan = {
      root: {
        filter: {
          input: {
            project: {
              input: { range: { start: 0, end: 20, step: 1, numPartitions: 3 } },
              expressions: [
                col('id'),
                { alias: { expr: call('*', col('id'), col('id')), name: ['square'] } },
              ],
            },
          },
          condition: call('==', call('%', col('id'), int(5)), int(0)),
        },
      },
    };
    assert.deepEqual(await rows(plan), [
      { id: 0, square: 0 },
      { id: 5, square: 25 },
      { id: 10, square: 100 },
      { id: 15, square: 225 },
    ]);
    assert.deepEqual(
      await client.analyzeSchema(plan),
      DataTypes.struct([
        DataTypes.field('id', DataTypes.long, false),
        DataTypes.field('square', DataTypes.long, false),
      ]),
    );
  });

  it('sends local rows as an Arrow IPC LocalRelation and reads them back unchanged', async () => {
    // Plain Utf8 strings: Spark reads dictionary-encoded columns (tableFromArrays' default for strings) wrongly.
    const withList = new arrow.Table({
      n: arrow.vectorFromArray(Int32Array.from([1, 2, 3])),
      x: arrow.vectorFromArray(Float64Array.from([0.5, -1.25, 1e10])),
      s: arrow.vectorFromArray(['a', 'ü', ''], new arrow.Utf8()),
      v: arrow.vectorFromArray(
        [[1, 2], [], [0.5]],
        new arrow.List(new arrow.Field('element', new arrow.Float32(), true)),
      ),
    });
    const plan: proto.Plan = {
      root: {
        localRelation: {
          data: arrow.tableToIPC(withList, 'stream'),
          schema: 'n int, x double, s string, v array<float>',
        },
      },
    };
    assert.deepEqual(await rows(plan), [
      { n: 1, x: 0.5, s: 'a', v: [1, 2] },
      { n: 2, x: -1.25, s: 'ü', v: [] },
      { n: 3, x: 1e10, s: '', v: [0.5] },
    ]);
  });

  it("analyses a plan's schema without running it", async () => {
    const plan: proto.Plan = {
      root: {
        sql: {
          query:
            "SELECT CAST(1 AS TINYINT) AS b, 2 AS i, 'x' AS s, DATE'2024-01-02' AS d, array(1.5F) AS f, named_struct('h', 1) AS st",
        },
      },
    };
    assert.deepEqual(
      await client.analyzeSchema(plan),
      DataTypes.struct([
        DataTypes.field('b', DataTypes.byte, false),
        DataTypes.field('i', DataTypes.integer, false),
        DataTypes.field('s', DataTypes.string, false),
        DataTypes.field('d', DataTypes.date, false),
        DataTypes.field('f', DataTypes.array(DataTypes.float, false), false),
        DataTypes.field('st', DataTypes.struct([DataTypes.field('h', DataTypes.integer, false)]), false),
      ]),
    );
    assert.match(await client.explain(plan), /Project/);
    assert.match(await client.treeString(plan), /^root\n \|-- b: byte/);
  });

  it("reports a SQL syntax error with Spark's error class and message", async () => {
    const plan: proto.Plan = { root: { sql: { query: 'SELEC 1' } } };
    for (const attempt of [() => client.analyzeSchema(plan), () => client.executePlan(plan).toTable()]) {
      await assert.rejects(attempt, (e: unknown) => {
        assert.ok(e instanceof SparkConnectError);
        assert.equal(e.errorClass, 'PARSE_SYNTAX_ERROR');
        assert.equal(e.sqlState, '42601');
        assert.deepEqual(e.messageParameters, { error: "'SELEC'", hint: '' });
        assert.match(e.message, /^\[PARSE_SYNTAX_ERROR\] Syntax error at or near 'SELEC'\. SQLSTATE: 42601/);
        assert.doesNotMatch(e.message, /gRPC|INTERNAL/);
        return true;
      });
    }
  });

  it("reports an unresolved column with Spark's suggestion", async () => {
    const plan: proto.Plan = {
      root: { project: { input: { range: { end: 3, step: 1 } }, expressions: [col('nope')] } },
    };
    for (const attempt of [() => client.analyzeSchema(plan), () => client.executePlan(plan).toTable()]) {
      await assert.rejects(attempt, (e: unknown) => {
        assert.ok(e instanceof SparkConnectError);
        assert.equal(e.errorClass, 'UNRESOLVED_COLUMN.WITH_SUGGESTION');
        assert.equal(e.sqlState, '42703');
        assert.deepEqual(e.messageParameters, { objectName: '`nope`', proposal: '`id`' });
        assert.match(
          e.message,
          /^\[UNRESOLVED_COLUMN\.WITH_SUGGESTION\] A column, variable, or function parameter with name `nope` cannot be resolved\. Did you mean one of the following\? \[`id`\]/,
        );
        return true;
      });
    }
  });

  it("sets and reads the session's configuration", async () => {
    await client.setConfig({ 'spark.sql.shuffle.partitions': '3', 'spark.sql.session.timeZone': 'UTC' });
    assert.equal(await client.config.get('spark.sql.shuffle.partitions'), '3');
    assert.equal(await client.config.get('spark.deepframe.never.set'), undefined);
    assert.equal((await client.config.getAll('spark.sql.session.'))['spark.sql.session.timeZone'], 'UTC');
    assert.equal(await client.config.isModifiable('spark.sql.shuffle.partitions'), true);
    await client.config.unset('spark.sql.shuffle.partitions');
    assert.equal(await client.config.get('spark.sql.shuffle.partitions'), '200');
    await assert.rejects(
      () => client.config.set({ 'spark.executor.memory': '2g' }),
      sparkError('CANNOT_MODIFY_CONFIG', /spark\.executor\.memory/),
    );
  });

  it('uploads artifacts, in chunks when large, and reports the status of cached ones', async () => {
    const chunked = await SparkConnectClient.connect(cluster().connectUrl, { artifactChunkSize: 1000 });
    try {
      const blob = Uint8Array.from({ length: 4500 }, (_, i) => (i * 7) % 256);
      const name = cacheArtifactName(blob);
      const missing = cacheArtifactName(new Uint8Array([42]));
      assert.deepEqual(
        [...(await chunked.artifactStatus([name, missing]))],
        [
          [name, false],
          [missing, false],
        ],
      );
      const summaries = await chunked.addArtifacts([
        { name: 'files/labels.txt', data: new TextEncoder().encode('cat\ndog\n') },
        { name, data: blob },
      ]);
      assert.deepEqual(summaries, [
        { name: 'files/labels.txt', crcSuccessful: true },
        { name, crcSuccessful: true },
      ]);
      assert.deepEqual(
        [...(await chunked.artifactStatus([name, missing]))],
        [
          [name, true],
          [missing, false],
        ],
      );
    } finally {
      await chunked.close();
    }
  });

  it('reads local rows uploaded once as a cache artifact', async () => {
    const table = new arrow.Table({
      k: arrow.vectorFromArray(Int32Array.from([7, 8])),
      label: arrow.vectorFromArray(['cat', 'dog'], new arrow.Utf8()),
    });
    const relation = await client.cacheLocalRelation({
      data: arrow.tableToIPC(table, 'stream'),
      schema: 'k int, label string',
    });
    assert.match(relation.cachedLocalRelation?.hash ?? '', /^[0-9a-f]{64}$/);
    assert.deepEqual(await rows({ root: relation }), [
      { k: 7, label: 'cat' },
      { k: 8, label: 'dog' },
    ]);
  });

  it('does what the Spark engine asks of a client', () => {
    const asEngineClient: ConnectClientLike = client;
    assert.equal(typeof asEngineClient.executePlan, 'function');
  });

  it('resumes a result after the connection breaks, from the last response it got', async () => {
    const network = await relay(cluster().connectPort);
    const viaRelay = await SparkConnectClient.connect(network.url);
    try {
      // 4 MB of longs in 50 batches: far more than the connection buffers, so the cut falls inside the stream.
      const n = 500_000;
      const execution = viaRelay.executePlan({ root: { range: { end: n, step: 1, numPartitions: 4 } } });
      let expected = 0;
      let batches = 0;
      for await (const batch of execution) {
        for (const id of batch.getChild('id') ?? []) assert.equal(Number(id), expected++);
        if (++batches === 1) network.cut();
      }
      assert.equal(expected, n);
      assert.ok(execution.reattachments >= 1, `reattached ${execution.reattachments} times`);
    } finally {
      await viaRelay.close();
      await network.close();
    }
  });

  it('fails to connect to a port nobody listens on with CONNECTION_LOST naming the URL', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    const url = `sc://127.0.0.1:${port}`;
    await assert.rejects(
      () => SparkConnectClient.connect(url, { retryPolicy: { maxRetries: 1, initialBackoffMs: 10 } }),
      sparkError('CONNECTION_LOST', new RegExp(`Spark Connect server at ${url}`)),
    );
  });

  it('releases the session it created on close, so that it cannot be used again', async () => {
    const other = await SparkConnectClient.connect(cluster().connectUrl);
    const { sessionId } = other;
    await other.close();
    await assert.rejects(() => other.sparkVersion(), sparkError('CLIENT_CLOSED', /has been closed/));
    await assert.rejects(
      () => SparkConnectClient.connect(cluster().connectUrl, { sessionId }),
      sparkError('INVALID_HANDLE.SESSION_CLOSED', /closed/),
    );
  });
});
