import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  ensurePyspark,
  LocalSparkCluster,
  PYSPARK_PACKAGES,
  PYSPARK_VERSION,
  requireJava,
} from '../../src/engine/spark/cluster/index.js';
import { groupMembers, processTree, tcpAnswers } from '../../src/engine/spark/cluster/processes.js';
import { SparkError } from '../../src/errors.js';
import { CLUSTER_START_TIMEOUT_MS, runPysparkClient, useSparkCluster } from './helpers/cluster.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const clusterModule = fileURLToPath(new URL('../../src/engine/spark/cluster/index.js', import.meta.url));

/** Whether every process of these groups is gone (zombies waiting for a parent to reap them count as gone). */
function allGone(pids: readonly number[]): boolean {
  return pids.every((pid) => groupMembers(pid).length === 0);
}

/** A live process's parent, grandparent, … up to init (Linux: from /proc). */
function ancestors(pid: number): number[] {
  const chain = [pid];
  for (let p = pid; p > 1; chain.push(p)) {
    const stat = readFileSync(`/proc/${p}/stat`, 'latin1');
    p = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  return chain;
}

/** This machine's first non-loopback IPv4 address, if it has one. */
function externalAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;
}

describe('ensurePyspark', () => {
  it('installs the pinned pyspark once, then answers from the cache without running pip', async (t) => {
    const first = await ensurePyspark();
    const installLog = join(first.venv, '..', `pyspark-${PYSPARK_VERSION}.install.log`);
    const logTime = existsSync(installLog) ? statSync(installLog).mtimeMs : undefined;

    const started = performance.now();
    const second = await ensurePyspark();
    const ms = performance.now() - started;
    t.diagnostic(`cache hit in ${ms.toFixed(1)} ms`);

    assert.equal(second.cacheHit, true);
    assert.deepEqual({ ...second, cacheHit: first.cacheHit }, first);
    assert.equal(second.version, PYSPARK_VERSION);
    // A cache hit reads one small JSON file and checks two paths: 2 s leaves three orders of magnitude of slack.
    assert.ok(ms < 2_000, `${ms} ms`);
    assert.equal(existsSync(installLog) ? statSync(installLog).mtimeMs : undefined, logTime, 'pip ran again');
    for (const file of ['bin/spark-submit', 'bin/spark-class'])
      assert.ok(existsSync(join(second.sparkHome, file)));
    assert.ok(
      readdirSync(join(second.sparkHome, 'jars')).includes(`spark-connect_2.13-${PYSPARK_VERSION}.jar`),
    );
  });

  it('has the pinned companions for Python UDFs and Connect clients in the environment', async () => {
    const { python } = await ensurePyspark();
    const names = [
      'pyspark',
      'pyarrow',
      'pandas',
      'numpy',
      'grpcio',
      'grpcio-status',
      'protobuf',
      'zstandard',
    ];
    const { stdout } = await run(python, [
      '-c',
      `import importlib.metadata as m; print(' '.join(m.version(n) for n in ${JSON.stringify(names)}))`,
    ]);
    const pins: Record<string, string> = { ...PYSPARK_PACKAGES, pyspark: PYSPARK_VERSION };
    assert.deepEqual(
      stdout.trim().split(' '),
      names.map((n) => pins[n]),
    );
  });

  it('says what is missing when Python cannot be run', async () => {
    const home = mkdtempSync(join(tmpdir(), 'deepframe-home-'));
    after(() => rmSync(home, { recursive: true, force: true }));
    await assert.rejects(
      ensurePyspark({ home, python: '/nonexistent/python3' }),
      (e: unknown) =>
        e instanceof SparkError &&
        e.errorClass === 'SPARK_PYTHON_NOT_FOUND' &&
        /DEEPFRAME_PYTHON/.test(e.message) &&
        /python3-venv/.test(e.message),
    );
  });

  it('says what is missing when Java cannot be run', () => {
    assert.throws(
      () => requireJava({ PATH: process.env.PATH, JAVA_HOME: '/nonexistent/jdk' }),
      (e: unknown) =>
        e instanceof SparkError &&
        e.errorClass === 'SPARK_JAVA_NOT_FOUND' &&
        e.messageParameters.java === '/nonexistent/jdk/bin/java' &&
        /Java 17 or 21/.test(e.message),
    );
  });
});

describe('LocalSparkCluster in local mode', () => {
  const cluster = useSparkCluster('local');

  it('answers on its Connect port on 127.0.0.1, and only there', async () => {
    const c = cluster();
    assert.equal(c.connectUrl, `sc://127.0.0.1:${c.connectPort}`);
    assert.equal(c.masterUrl, 'local[2]');
    assert.equal(c.masterWebUiUrl, undefined);
    assert.equal(c.version, PYSPARK_VERSION);
    assert.equal(await tcpAnswers(c.connectPort), true);
    const external = externalAddress();
    if (external !== undefined) assert.equal(await tcpAnswers(c.connectPort, external), false, external);
  });

  it('runs the queries of a pyspark Spark Connect client', async () => {
    assert.equal(await runPysparkClient(cluster(), 'print(spark.range(5).count())'), '5');
  });

  it('is recorded with its live processes, for `deepframe spark status` and `stop`', () => {
    const c = cluster();
    const found = LocalSparkCluster.list().find((r) => r.record.id === c.id);
    assert.ok(found !== undefined);
    assert.deepEqual(found.alivePids, c.pids);
    assert.equal(found.record.ownerPid, process.pid);
    assert.deepEqual(
      found.record.processes.map((p) => p.name),
      ['connect'],
    );
    assert.equal(c.logFiles.connect, c.logFile);
  });
});

describe('LocalSparkCluster in standalone mode', () => {
  const cluster = useSparkCluster('standalone', { workers: 1, cores: 2 });

  it('has a master that lists the worker ALIVE with the requested cores, and the Connect server as its app', async () => {
    const c = cluster();
    assert.match(c.masterUrl, /^spark:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(
      c.processes.map((p) => p.name),
      ['master', 'worker-1', 'connect'],
    );
    assert.equal(await tcpAnswers(c.connectPort), true);
    const state = await c.masterState();
    assert.equal(state.status, 'ALIVE');
    assert.deepEqual(
      state.workers.map((w) => ({ host: w.host, cores: w.cores, memory: w.memory, state: w.state })),
      [{ host: '127.0.0.1', cores: 2, memory: 1024, state: 'ALIVE' }],
    );
    assert.deepEqual(
      state.activeapps.map((a) => [a.name, a.state]),
      [[`deepframe-${c.id}`, 'RUNNING']],
    );
  });

  it("runs map-in-Arrow Python UDFs in executor JVMs, with the environment's Python and pyarrow", async () => {
    const c = cluster();
    const out = await runPysparkClient(
      c,
      [
        'import os, sys, pyarrow as pa',
        'def where(batches):',
        '    for b in batches:',
        '        n = b.num_rows',
        "        yield pa.RecordBatch.from_pydict({'python': [sys.executable] * n, 'parent': [os.getppid()] * n})",
        "rows = spark.range(8).repartition(2).mapInArrow(where, 'python string, parent long').distinct().collect()",
        "print('\\n'.join(f'{r.python} {r.parent}' for r in rows))",
      ].join('\n'),
    );
    // The UDF ran in a Python process under the worker JVM (pyspark's daemon, under the executor JVM that the
    // worker started), not under the driver.
    const lines = out.split('\n').map((line) => line.split(' '));
    assert.deepEqual(new Set(lines.map(([python]) => python)), new Set([c.pyspark.python]));
    if (!existsSync('/proc/self/stat')) return; // ancestry from /proc only
    const ancestry = ancestors(Number(lines[0]?.[1]));
    const pid = (name: string): number | undefined => c.processes.find((p) => p.name === name)?.pid;
    assert.ok(ancestry.includes(pid('worker-1')!), `${ancestry}`);
    assert.ok(!ancestry.includes(pid('connect')!), `${ancestry}`);
  });

  it('stops every process it started, executors and Python daemons included, and keeps their logs', async () => {
    const c = cluster();
    const started = processTree(c.pids);
    assert.ok(started.pids.length > c.pids.length, `an executor runs beside the daemons: ${started.pids}`);
    await c.stop();
    assert.deepEqual(processTree(started.pgids).pids, []);
    assert.equal(
      LocalSparkCluster.list().some((r) => r.record.id === c.id),
      false,
    );
    const logs = readdirSync(c.logDir);
    for (const name of ['master.log', 'worker-1.log', 'connect.log']) assert.ok(logs.includes(name), name);
    assert.ok(
      logs.some((name) => name.startsWith('executor-worker-1-')),
      logs.join(', '),
    );
  });
});

describe('LocalSparkCluster without its owner', () => {
  it('is stopped by the next start (or `deepframe spark stop`) when its owner was killed without a chance to stop it', {
    timeout: CLUSTER_START_TIMEOUT_MS,
  }, async () => {
    const owner = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { LocalSparkCluster } = await import(${JSON.stringify(clusterModule)});
           const c = await LocalSparkCluster.start();
           process.stdout.write(JSON.stringify({ id: c.id, pids: c.pids }) + '\\n');
           setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      owner.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out);
      });
      owner.once('exit', (code) =>
        reject(new assert.AssertionError({ message: `owner exited with ${code}` })),
      );
    });
    const { id, pids } = JSON.parse(line) as { id: string; pids: number[] };
    owner.kill('SIGKILL');
    await new Promise((resolve) => owner.once('exit', resolve));

    const orphan = LocalSparkCluster.list().find((r) => r.record.id === id);
    assert.ok(orphan !== undefined);
    assert.equal(orphan.orphaned, true);
    assert.deepEqual(orphan.alivePids, pids, 'SIGKILL gives the owner no chance: its JVM runs on');

    const stopped = await LocalSparkCluster.stopRecorded();
    assert.ok(stopped.some((r) => r.id === id));
    assert.ok(allGone(pids));
  });
});

describe('deepframe spark start | status | stop', () => {
  it('starts Spark in the background, reports it, and stops it', {
    timeout: CLUSTER_START_TIMEOUT_MS,
  }, async (t) => {
    if (LocalSparkCluster.list().some((r) => r.record.ownerPid === null && r.alivePids.length > 0)) {
      t.skip('a Spark started by `deepframe spark start` is running here; not stopping it');
      return;
    }
    const start = await run(process.execPath, [cli, 'spark', 'start', '--cores', '1'], { timeout: 600_000 });
    const url = start.stdout.trim();
    assert.match(url, /^sc:\/\/127\.0\.0\.1:\d+$/);
    const record = LocalSparkCluster.list().find((r) => r.record.connectUrl === url);
    assert.ok(record !== undefined);
    assert.equal(record.record.ownerPid, null, 'outlives the command that started it');
    assert.equal(record.record.masterUrl, 'local[1]');
    assert.equal(await tcpAnswers(Number(url.split(':').at(-1))), true);

    const again = await run(process.execPath, [cli, 'spark', 'start']);
    assert.equal(again.stdout.trim(), url);
    assert.match(again.stderr, /already running/);

    const status = await run(process.execPath, [cli, 'spark', 'status']);
    assert.match(
      status.stdout,
      new RegExp(`Spark ${PYSPARK_VERSION.replace(/\./g, '\\.')} \\(local\\) is running`),
    );
    assert.ok(status.stdout.includes(`connect: ${url}`));
    assert.ok(status.stdout.includes(`connect ${record.alivePids[0]}`));

    const stop = await run(process.execPath, [cli, 'spark', 'stop']);
    assert.ok(stop.stdout.includes(`Stopped Spark ${PYSPARK_VERSION} at ${url}`));
    assert.ok(allGone(record.alivePids));
    assert.equal(
      LocalSparkCluster.list().some((r) => r.record.connectUrl === url),
      false,
    );
  });
});
