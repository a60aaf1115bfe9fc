/**
 * `deepframe spark start|stop|status`: a local Apache Spark (a Spark Connect server, alone in `local[N]` mode or
 * in front of a standalone cluster) that runs in the background between commands, for development.
 *
 * @module
 */
import { Command, InvalidArgumentError } from 'commander';
import { LocalSparkCluster } from '../engine/spark/cluster/index.js';

interface StartOptions {
  standalone?: boolean;
  workers: number;
  cores: number;
  sparkVersion?: string;
  conf: Record<string, string>;
  logDir?: string;
}

/**
 * The `spark` command and its subcommands.
 *
 * @example
 * ```ts
 * program.addCommand(sparkCommand());
 * // $ deepframe spark start --standalone --workers 2
 * // sc://127.0.0.1:41234
 * ```
 */
export function sparkCommand(): Command {
  const spark = new Command('spark').description(
    'a local Apache Spark for development: a Spark Connect server on 127.0.0.1, started in the background',
  );

  spark
    .command('start')
    .description(
      'start Spark (installing pyspark into the cache on first use) and print its Spark Connect URL; ' +
        'if one started by this command runs already, print its URL',
    )
    .option('--standalone', 'a standalone master and workers (executors in their own JVMs), not local[N]')
    .option('--workers <n>', 'standalone workers, each its own JVM', positiveInt, 1)
    .option('--cores <n>', 'cores of local[N], or of each standalone worker', positiveInt, 2)
    .option('--spark-version <version>', 'the pyspark/Spark version to install and run')
    .option('--conf <key=value>', 'a Spark setting for the Connect server (repeatable)', keyValue, {})
    .option('--log-dir <dir>', 'where the processes write their logs')
    .action(async (opts: StartOptions) => {
      const running = LocalSparkCluster.list().find(
        (c) => c.record.ownerPid === null && c.alivePids.length > 0,
      );
      if (running !== undefined) {
        process.stderr.write(
          `Spark ${running.record.version} is already running (${running.record.mode}).\n`,
        );
        process.stdout.write(`${running.record.connectUrl}\n`);
        return;
      }
      const cluster = await LocalSparkCluster.start({
        mode: opts.standalone === true ? 'standalone' : 'local',
        workers: opts.workers,
        cores: opts.cores,
        extraConf: opts.conf,
        stopOnExit: false,
        log: (message) => process.stderr.write(`${message}\n`),
        ...(opts.sparkVersion === undefined ? {} : { version: opts.sparkVersion }),
        ...(opts.logDir === undefined ? {} : { logDir: opts.logDir }),
      });
      process.stderr.write(`Stop it with 'deepframe spark stop'.\n`);
      process.stdout.write(`${cluster.connectUrl}\n`);
    });

  spark
    .command('stop')
    .description(
      'stop the Spark started by `deepframe spark start`, and any whose owner died, with every JVM',
    )
    .option('--all', 'also stop clusters that running programs (such as test runs) started')
    .action(async (opts: { all?: boolean }) => {
      const stopped = await LocalSparkCluster.stopRecorded({ all: opts.all === true });
      if (stopped.length === 0) process.stdout.write('No Spark was running.\n');
      for (const r of stopped)
        process.stdout.write(`Stopped Spark ${r.version} at ${r.connectUrl} (${r.id}).\n`);
    });

  spark
    .command('status')
    .description('say whether Spark runs, where, and as which processes (exit status 3 when none runs)')
    .option('--json', 'print the records as JSON')
    .action((opts: { json?: boolean }) => {
      const clusters = LocalSparkCluster.list();
      const running = clusters.filter((c) => c.alivePids.length > 0);
      if (opts.json === true) {
        process.stdout.write(`${JSON.stringify(clusters, null, 2)}\n`);
      } else if (running.length === 0) {
        process.stdout.write('Spark is not running.\n');
      }
      for (const { record, alivePids, orphaned } of opts.json === true ? [] : running) {
        const owner = record.ownerPid === null ? 'deepframe spark start' : `pid ${record.ownerPid}`;
        process.stdout.write(
          [
            `Spark ${record.version} (${record.mode}) is running${orphaned ? ' (orphaned: its owner is gone)' : ''}`,
            `  connect: ${record.connectUrl}`,
            `  master:  ${record.masterUrl}${record.masterWebUiUrl === undefined ? '' : ` (web UI ${record.masterWebUiUrl})`}`,
            `  pids:    ${record.processes.map((p) => `${p.name} ${p.pid}${alivePids.includes(p.pid) ? '' : ' (gone)'}`).join(', ')}`,
            `  started: ${record.startedAt} by ${owner}`,
            `  logs:    ${record.logDir}`,
            '',
          ].join('\n'),
        );
      }
      if (running.length === 0) process.exitCode = 3;
    });

  return spark;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('Not a positive integer.');
  return n;
}

function keyValue(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0)
    throw new InvalidArgumentError("Expected 'key=value', such as 'spark.sql.shuffle.partitions=4'.");
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}
