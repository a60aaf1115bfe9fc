/**
 * The command lines, environment and configuration that a local Spark's JVMs start with: everything on
 * 127.0.0.1, small heaps, Python UDFs run by the pyspark environment's Python, logs in files.
 *
 * @module
 */
import { join } from 'node:path';
import { CLUSTER_ENV } from './processes.js';
import type { PysparkInstall } from './pyspark.js';

/** The Spark Connect server's main class (built into Spark since 4.0). */
export const CONNECT_SERVER_CLASS = 'org.apache.spark.sql.connect.service.SparkConnectServer';
/** What the Connect server logs once its gRPC service listens. */
export const CONNECT_STARTED_MARKER = 'Spark Connect server started at';
/**
 * Heap of the standalone master's and workers' own JVMs (`SPARK_DAEMON_MEMORY`). Not given to the Connect
 * server: Spark's launcher sizes it, like the Thrift server, by `SPARK_DAEMON_MEMORY` before `spark.driver.memory`.
 */
export const DAEMON_MEMORY = '512m';
/**
 * JVM options of the standalone master and workers: they only coordinate, so the quick compiler alone and the
 * serial collector, which start faster and take less CPU from the JVMs starting beside them on a small machine.
 */
export const DAEMON_JAVA_OPTS = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';
/** Default heap of the driver (the Connect server) and of each executor. */
export const DEFAULT_MEMORY = '1g';

/**
 * log4j2 configuration for every JVM of the cluster (found through `SPARK_CONF_DIR` on the classpath): INFO to
 * stderr, which is the process's log file (never the user's console), minus the chattiest libraries.
 */
export const LOG4J2_PROPERTIES = `# Written by deepframe: each process's stderr is a log file in the cluster's log folder.
rootLogger.level = info
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss.SSS} %p %c{1}: %m%n%ex
logger.jetty.name = org.sparkproject.jetty
logger.jetty.level = warn
logger.hadoop.name = org.apache.hadoop
logger.hadoop.level = warn
logger.parquet.name = org.apache.parquet
logger.parquet.level = error
logger.security.name = org.apache.spark.SecurityManager
logger.security.level = warn
logger.resources.name = org.apache.spark.resource
logger.resources.level = warn
`;

/** The folders of one cluster. */
export interface ClusterLayout {
  /** The cluster's folder. */
  readonly dir: string;
  /** `SPARK_CONF_DIR`: holds `log4j2.properties`. */
  readonly confDir: string;
  /** Workers' work folders (executors' files and their stdout/stderr). */
  readonly workDir: string;
  /** Spark's scratch space (`spark.local.dir`, `SPARK_LOCAL_DIRS`): shuffle and spill files. */
  readonly localDir: string;
  /** The processes' logs. */
  readonly logDir: string;
}

/** The folders of cluster `dir`, logs in `logDir` when given, else in `<dir>/logs`. */
export function clusterLayout(dir: string, logDir?: string): ClusterLayout {
  return {
    dir,
    confDir: join(dir, 'conf'),
    workDir: join(dir, 'work'),
    localDir: join(dir, 'local'),
    logDir: logDir ?? join(dir, 'logs'),
  };
}

/**
 * The environment of every process of the cluster: this process's, with Spark's home, configuration and scratch
 * folders, loopback as the only address, the environment's Python for Python UDFs, and the cluster's id as a
 * marker that tells its processes from others with a recycled pid. `daemon`: for the standalone master and
 * workers, whose heap is {@link DAEMON_MEMORY}.
 */
export function clusterEnv(
  clusterId: string,
  pyspark: PysparkInstall,
  layout: ClusterLayout,
  daemon: boolean,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  // Settings that would turn spark-submit into a Connect client, point it elsewhere or size it otherwise.
  for (const name of [
    'SPARK_REMOTE',
    'SPARK_CONNECT_MODE_ENABLED',
    'MASTER',
    'PYSPARK_SUBMIT_ARGS',
    'SPARK_DAEMON_MEMORY',
    'SPARK_DRIVER_MEMORY',
  ]) {
    delete env[name];
  }
  return {
    ...env,
    SPARK_HOME: pyspark.sparkHome,
    SPARK_CONF_DIR: layout.confDir,
    SPARK_LOG_DIR: layout.logDir,
    SPARK_LOCAL_DIRS: layout.localDir,
    SPARK_LOCAL_IP: '127.0.0.1',
    ...(daemon
      ? {
          SPARK_DAEMON_MEMORY: DAEMON_MEMORY,
          SPARK_DAEMON_JAVA_OPTS: `${DAEMON_JAVA_OPTS} ${base.SPARK_DAEMON_JAVA_OPTS ?? ''}`.trim(),
        }
      : {}),
    PYSPARK_PYTHON: pyspark.python,
    PYSPARK_DRIVER_PYTHON: pyspark.python,
    [CLUSTER_ENV]: clusterId,
  };
}

/**
 * The Spark Connect server's configuration: `extraConf` over deepframe's defaults (loopback bindings, no UI,
 * 1 GiB driver and executors, the environment's Python on executors).
 */
export function connectConf(
  port: number,
  pyspark: PysparkInstall,
  layout: ClusterLayout,
  extraConf: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    'spark.connect.grpc.binding.address': '127.0.0.1',
    'spark.connect.grpc.binding.port': String(port),
    'spark.ui.enabled': 'false',
    'spark.ui.showConsoleProgress': 'false',
    'spark.driver.host': '127.0.0.1',
    'spark.driver.bindAddress': '127.0.0.1',
    'spark.driver.memory': DEFAULT_MEMORY,
    'spark.executor.memory': DEFAULT_MEMORY,
    'spark.local.dir': layout.localDir,
    'spark.pyspark.python': pyspark.python,
    'spark.pyspark.driver.python': pyspark.python,
    'spark.executorEnv.PYSPARK_PYTHON': pyspark.python,
    ...extraConf,
  };
}

/** `spark-submit` arguments that start the Connect server against `master` with `conf`. */
export function connectArgs(master: string, name: string, conf: Readonly<Record<string, string>>): string[] {
  const args = ['--class', CONNECT_SERVER_CLASS, '--name', name, '--master', master];
  for (const [key, value] of Object.entries(conf)) args.push('--conf', `${key}=${value}`);
  return args;
}

/** What a standalone master's `/json/` reports (the fields deepframe reads). */
export interface StandaloneMasterState {
  readonly status: string;
  readonly aliveworkers: number;
  readonly workers: readonly {
    readonly id: string;
    readonly host: string;
    readonly port: number;
    readonly cores: number;
    readonly coresused: number;
    readonly memory: number;
    readonly state: string;
  }[];
  readonly activeapps: readonly { readonly id: string; readonly name: string; readonly state: string }[];
}

/** `spark-class` arguments that start a standalone master on 127.0.0.1. */
export function masterArgs(port: number, webUiPort: number): string[] {
  return [
    'org.apache.spark.deploy.master.Master',
    ...['--host', '127.0.0.1', '--port', String(port), '--webui-port', String(webUiPort)],
  ];
}

/** `spark-class` arguments that start a standalone worker on 127.0.0.1 that offers `cores` and `memory`. */
export function workerArgs(
  masterUrl: string,
  cores: number,
  memory: string,
  webUiPort: number,
  workDir: string,
): string[] {
  return [
    'org.apache.spark.deploy.worker.Worker',
    masterUrl,
    ...['--host', '127.0.0.1', '--cores', String(cores), '--memory', memory],
    ...['--webui-port', String(webUiPort), '--work-dir', workDir],
  ];
}
