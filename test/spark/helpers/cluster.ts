import { execFile } from 'node:child_process';
import { after, before } from 'node:test';
import { promisify } from 'node:util';
import {
  LocalSparkCluster,
  type LocalSparkClusterOptions,
  type SparkClusterMode,
} from '../../../src/engine/spark/cluster/index.js';

/** How long a test file may take to get its cluster: the first run on a machine installs pyspark (~550 MB). */
export const CLUSTER_START_TIMEOUT_MS = 20 * 60_000;

/**
 * One real Spark for a test file: started in `before` (installing pyspark into the cache on first use), stopped
 * in `after`, which runs whether the tests passed or not. Call at the top level of the file or of a `describe`.
 *
 * @example
 * ```ts
 * const cluster = useSparkCluster('standalone', { workers: 2, cores: 1 });
 * it('connects', async () => {
 *   const session = await connect(cluster().connectUrl);
 * });
 * ```
 */
export function useSparkCluster(
  mode: SparkClusterMode = 'local',
  options: Omit<LocalSparkClusterOptions, 'mode'> = {},
): () => LocalSparkCluster {
  let cluster: LocalSparkCluster | undefined;
  before(
    async () => {
      cluster = await LocalSparkCluster.start({
        mode,
        // Only the messages about a (long) first install: a started cluster is the tests' business.
        log: (message) => {
          if (/^(Installing|Installed|Waiting)/.test(message)) process.stderr.write(`# ${message}\n`);
        },
        ...options,
      });
    },
    { timeout: CLUSTER_START_TIMEOUT_MS },
  );
  after(async () => {
    await cluster?.stop();
  });
  return () => {
    if (cluster === undefined)
      throw new TypeError(`The ${mode} Spark cluster did not start (see the before hook).`);
    return cluster;
  };
}

/**
 * Runs a Python snippet as a pyspark Spark Connect client of `cluster`, with the pyspark environment's Python,
 * and resolves to its stdout, trimmed. The snippet finds a connected session in `spark`.
 *
 * @example
 * ```ts
 * await runPysparkClient(cluster(), 'print(spark.range(5).count())'); // '5'
 * ```
 */
export async function runPysparkClient(cluster: LocalSparkCluster, snippet: string): Promise<string> {
  const script = [
    'from pyspark.sql import SparkSession',
    `spark = SparkSession.builder.remote(${JSON.stringify(cluster.connectUrl)}).getOrCreate()`,
    snippet,
    'spark.stop()',
  ].join('\n');
  const { stdout } = await promisify(execFile)(cluster.pyspark.python, ['-c', script], {
    timeout: 180_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout.trim();
}
