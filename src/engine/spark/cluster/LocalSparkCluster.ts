import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParamError, SparkError } from '../../../errors.js';
import {
  type ClusterRecord,
  clustersRoot,
  listClusters,
  type RecordedCluster,
  reapClusters,
  type SparkClusterMode,
  stopRecordedCluster,
  writeRecord,
} from './clusterRecords.js';
import { exitHooks } from './exitHooks.js';
import { requireJava } from './prerequisites.js';
import {
  type ClusterProcess,
  freePort,
  logContains,
  processTree,
  type SpawnedProcess,
  signalGroup,
  spawnGroupLeader,
  tcpAnswers,
  waitFor,
} from './processes.js';
import { ensurePyspark, type PysparkInstall } from './pyspark.js';
import {
  type ClusterLayout,
  CONNECT_STARTED_MARKER,
  clusterEnv,
  clusterLayout,
  connectArgs,
  connectConf,
  DEFAULT_MEMORY,
  LOG4J2_PROPERTIES,
  masterArgs,
  type StandaloneMasterState,
  workerArgs,
} from './sparkLaunch.js';

/** Options of {@link LocalSparkCluster.start}. */
export interface LocalSparkClusterOptions {
  /**
   * `local` (default): one JVM, the Connect server with `local[cores]`. `standalone`: a standalone master,
   * `workers` worker JVMs and the Connect server as the driver, so that executors are separate JVMs.
   */
  readonly mode?: SparkClusterMode;
  /** Task slots: of the `local[N]` JVM, or of each standalone worker. 2 by default. */
  readonly cores?: number;
  /** Standalone workers, each its own JVM offering `cores` cores and one executor's memory. 1 by default. */
  readonly workers?: number;
  /** The pyspark/Spark version; `PYSPARK_VERSION` by default. */
  readonly version?: string;
  /**
   * Spark configuration for the Connect server (the driver), over deepframe's defaults: loopback bindings, no UI,
   * `spark.driver.memory` and `spark.executor.memory` 1g (each standalone worker offers the executor memory).
   */
  readonly extraConf?: Readonly<Record<string, string>>;
  /** Where the processes' logs go; `<home>/spark/clusters/<id>/logs` by default (kept a day after stop). */
  readonly logDir?: string;
  /** deepframe's cache directory; `$DEEPFRAME_HOME`, else `~/.cache/deepframe`, by default. */
  readonly home?: string;
  /** How long to wait for each process to come up; 120 s by default. */
  readonly startTimeoutMs?: number;
  /**
   * Whether the cluster stops when this process exits or is stopped by SIGINT, SIGTERM or SIGHUP. True by
   * default; `deepframe spark start` passes false to leave the cluster running for `deepframe spark stop`.
   */
  readonly stopOnExit?: boolean;
  /** Receives progress messages (the first start installs pyspark); silent by default. */
  readonly log?: (message: string) => void;
}

/**
 * A real Apache Spark on this machine, started from the pyspark distribution in deepframe's cache (installed on
 * first use), listening on 127.0.0.1 only, on ports that the OS chose: a Spark Connect server in `local[N]` mode,
 * or a standalone cluster (master, workers, executors in their own JVMs) behind one. For development and tests.
 *
 * Every process is the leader of its own process group and is recorded under `<home>/spark/clusters/<id>/`;
 * {@link LocalSparkCluster.stop} ends the groups (executors and Python workers with them), as does this process's
 * exit (unless `stopOnExit: false`), and the next start stops clusters whose owner died without stopping them.
 *
 * @example
 * ```ts
 * await using cluster = await LocalSparkCluster.start({ mode: 'standalone', workers: 2, cores: 1 });
 * console.log(cluster.connectUrl); // 'sc://127.0.0.1:41234'
 * ```
 */
export class LocalSparkCluster implements AsyncDisposable {
  /** The cluster's id: the name of its folder under `<home>/spark/clusters/`. */
  readonly id: string;
  readonly mode: SparkClusterMode;
  /** The Spark version it runs. */
  readonly version: string;
  /** The pyspark installation it runs from: its Python runs Python UDFs and can run pyspark Connect clients. */
  readonly pyspark: PysparkInstall;
  /** The Connect server's port on 127.0.0.1. */
  readonly connectPort: number;
  /** Where Spark Connect clients connect: `sc://127.0.0.1:<port>`. */
  readonly connectUrl: string;
  /** The Connect server's master: `local[N]`, or `spark://127.0.0.1:<port>` for a standalone cluster. */
  readonly masterUrl: string;
  /** The standalone master's web UI (`<url>/json/` is its state); undefined in local mode. */
  readonly masterWebUiUrl: string | undefined;
  /** The folder of the processes' logs. */
  readonly logDir: string;
  readonly #layout: ClusterLayout;
  readonly #processes: SpawnedProcess[] = [];
  readonly #ownerPid: number | null;
  readonly #startedAt = new Date().toISOString();
  readonly #started = Date.now();
  #stopping: Promise<void> | undefined;

  private constructor(init: {
    id: string;
    mode: SparkClusterMode;
    pyspark: PysparkInstall;
    connectPort: number;
    masterUrl: string;
    masterWebUiUrl: string | undefined;
    layout: ClusterLayout;
    ownerPid: number | null;
  }) {
    this.id = init.id;
    this.mode = init.mode;
    this.pyspark = init.pyspark;
    this.version = init.pyspark.version;
    this.connectPort = init.connectPort;
    this.connectUrl = `sc://127.0.0.1:${init.connectPort}`;
    this.masterUrl = init.masterUrl;
    this.masterWebUiUrl = init.masterWebUiUrl;
    this.#layout = init.layout;
    this.logDir = init.layout.logDir;
    this.#ownerPid = init.ownerPid;
  }

  /**
   * Starts a cluster and resolves once its Connect server answers: its port accepts connections and its log says
   * it started (and, standalone, once the master lists every worker ALIVE). Installs pyspark on first use.
   * Fails with a {@link SparkError} naming what is missing (Java, Python) or, with the end of its log, the process
   * that exited or did not come up in time; whatever had started is stopped.
   *
   * @example
   * ```ts
   * const cluster = await LocalSparkCluster.start({ cores: 2 });
   * try {
   *   // connect a client to cluster.connectUrl
   * } finally {
   *   await cluster.stop();
   * }
   * ```
   */
  static async start(options: LocalSparkClusterOptions = {}): Promise<LocalSparkCluster> {
    const mode = options.mode ?? 'local';
    if (mode !== 'local' && mode !== 'standalone') {
      throw new ParamError(
        'INVALID_CLUSTER_MODE',
        `mode must be 'local' or 'standalone', not '${String(mode)}'.`,
        {
          mode: String(mode),
        },
      );
    }
    const cores = positiveInteger('cores', options.cores ?? 2);
    const workers = positiveInteger('workers', options.workers ?? 1);
    const timeoutMs = options.startTimeoutMs ?? 120_000;
    const log = options.log ?? (() => {});
    requireJava();
    const pyspark = await ensurePyspark({
      ...(options.version === undefined ? {} : { version: options.version }),
      ...(options.home === undefined ? {} : { home: options.home }),
      log,
    });
    await reapClusters(options.home);

    const id = `${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
    const layout = clusterLayout(join(clustersRoot(options.home), id), options.logDir);
    for (const dir of [layout.confDir, layout.workDir, layout.localDir, layout.logDir]) {
      mkdirSync(dir, { recursive: true });
    }
    writeFileSync(join(layout.confDir, 'log4j2.properties'), LOG4J2_PROPERTIES);

    const [connectPort, masterPort, masterWebUiPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
    ]);
    const standalone = mode === 'standalone';
    const cluster = new LocalSparkCluster({
      id,
      mode,
      pyspark,
      connectPort: connectPort!,
      masterUrl: standalone ? `spark://127.0.0.1:${masterPort}` : `local[${cores}]`,
      masterWebUiUrl: standalone ? `http://127.0.0.1:${masterWebUiPort}` : undefined,
      layout,
      ownerPid: options.stopOnExit === false ? null : process.pid,
    });
    cluster.#record();
    if (options.stopOnExit !== false) exitHooks.track(cluster, () => cluster.#signalAll());
    try {
      if (standalone)
        await cluster.#startStandalone(
          masterPort!,
          masterWebUiPort!,
          workers,
          cores,
          options,
          timeoutMs,
          log,
        );
      await cluster.#startConnect(options.extraConf ?? {}, timeoutMs);
    } catch (e) {
      await cluster.stop();
      throw e;
    }
    log(
      `Spark ${cluster.version} (${mode}) is listening at ${cluster.connectUrl} (${elapsed(cluster.#started)}); ` +
        `logs in ${cluster.logDir}`,
    );
    return cluster;
  }

  /**
   * The clusters recorded under `<home>/spark/clusters/`, started by any process, with what is alive of each.
   *
   * @example
   * ```ts
   * for (const { record, alivePids } of LocalSparkCluster.list()) console.log(record.connectUrl, alivePids);
   * ```
   */
  static list(options: { readonly home?: string } = {}): RecordedCluster[] {
    return listClusters(options.home);
  }

  /**
   * Stops recorded clusters: those meant to outlive their starter (`deepframe spark start`) and those whose owner
   * died; with `all`, also those that a live process owns. Resolves to the records it stopped.
   *
   * @example
   * ```ts
   * await LocalSparkCluster.stopRecorded(); // what `deepframe spark stop` does
   * ```
   */
  static async stopRecorded(
    options: { readonly home?: string; readonly all?: boolean } = {},
  ): Promise<ClusterRecord[]> {
    const stopped: ClusterRecord[] = [];
    for (const { record, orphaned } of listClusters(options.home)) {
      if (options.all === true || orphaned || record.ownerPid === null) {
        await stopRecordedCluster(record);
        stopped.push(record);
      }
    }
    return stopped;
  }

  /** The processes it started: `connect`, and standalone `master` and `worker-<n>`. */
  get processes(): readonly ClusterProcess[] {
    return this.#processes.map(({ name, pid, logFile }) => ({ name, pid, logFile }));
  }

  /** The pids of the processes it started (each the id of a process group that holds its children too). */
  get pids(): readonly number[] {
    return this.#processes.map((p) => p.pid);
  }

  /** The log file of each process, by name (`connect`, `master`, `worker-1`, …). */
  get logFiles(): Readonly<Record<string, string>> {
    return Object.fromEntries(this.#processes.map((p) => [p.name, p.logFile]));
  }

  /** The Connect server's log file. */
  get logFile(): string {
    return join(this.logDir, 'connect.log');
  }

  /** Whether {@link LocalSparkCluster.stop} has been called. */
  get stopped(): boolean {
    return this.#stopping !== undefined;
  }

  /**
   * The standalone master's state (its `/json/`): workers with their state and cores, running applications.
   * Fails in local mode.
   *
   * @example
   * ```ts
   * (await cluster.masterState()).workers.map((w) => `${w.state} ${w.cores}`); // ['ALIVE 2']
   * ```
   */
  async masterState(): Promise<StandaloneMasterState> {
    if (this.masterWebUiUrl === undefined) {
      throw new SparkError(
        'SPARK_NOT_STANDALONE',
        `Cluster ${this.id} runs in local mode and has no master.`,
        {
          id: this.id,
        },
      );
    }
    const response = await fetch(`${this.masterWebUiUrl}/json/`, { signal: AbortSignal.timeout(5_000) });
    return (await response.json()) as StandaloneMasterState;
  }

  /**
   * Stops every process it started, with their children (executors, Python workers): SIGTERM, then SIGKILL after
   * 10 s. Keeps the logs (executors' included) in {@link LocalSparkCluster.logDir}. Safe to call more than once.
   *
   * @example
   * ```ts
   * await cluster.stop();
   * ```
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      try {
        await stopRecordedCluster(this.#toRecord());
      } finally {
        exitHooks.untrack(this);
      }
    })();
    return this.#stopping;
  }

  /** Same as {@link LocalSparkCluster.stop}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** Sends SIGTERM to every process group at once, synchronously: for this process's `exit` event. */
  #signalAll(): void {
    for (const pgid of processTree(this.pids).pgids) signalGroup(pgid, 'SIGTERM');
  }

  async #startStandalone(
    masterPort: number,
    webUiPort: number,
    workers: number,
    cores: number,
    options: LocalSparkClusterOptions,
    timeoutMs: number,
    log: (message: string) => void,
  ): Promise<void> {
    const master = this.#spawn('master', 'spark-class', masterArgs(masterPort, webUiPort));
    await waitFor('the standalone master', async () => (await this.#tryMasterState()) !== undefined, {
      watch: [master],
      timeoutMs,
      tailOf: master.logFile,
    });
    log(`Standalone master up at ${this.masterUrl} (${elapsed(this.#started)})`);
    const memory = options.extraConf?.['spark.executor.memory'] ?? DEFAULT_MEMORY;
    const started: SpawnedProcess[] = [];
    for (let n = 1; n <= workers; n++) {
      const workDir = join(this.#layout.workDir, `worker-${n}`);
      mkdirSync(workDir, { recursive: true });
      const webUi = await freePort();
      started.push(
        this.#spawn(`worker-${n}`, 'spark-class', workerArgs(this.masterUrl, cores, memory, webUi, workDir)),
      );
    }
    await waitFor(
      `${workers} worker(s) to register with the master`,
      async () => {
        const state = await this.#tryMasterState();
        return state !== undefined && state.workers.filter((w) => w.state === 'ALIVE').length >= workers;
      },
      { watch: [master, ...started], timeoutMs, tailOf: started.at(-1)?.logFile ?? master.logFile },
    );
    log(`${workers} standalone worker(s) registered (${elapsed(this.#started)})`);
  }

  async #startConnect(extraConf: Readonly<Record<string, string>>, timeoutMs: number): Promise<void> {
    const conf = connectConf(this.connectPort, this.pyspark, this.#layout, extraConf);
    const connect = this.#spawn(
      'connect',
      'spark-submit',
      connectArgs(this.masterUrl, `deepframe-${this.id}`, conf),
    );
    await waitFor(
      `the Spark Connect server on port ${this.connectPort}`,
      async () =>
        (await logContains(connect.logFile, CONNECT_STARTED_MARKER)) && (await tcpAnswers(this.connectPort)),
      { watch: this.#processes, timeoutMs, tailOf: connect.logFile },
    );
  }

  async #tryMasterState(): Promise<StandaloneMasterState | undefined> {
    try {
      return await this.masterState();
    } catch {
      return undefined;
    }
  }

  #spawn(name: string, script: 'spark-class' | 'spark-submit', args: string[]): SpawnedProcess {
    const spawned = spawnGroupLeader(name, join(this.pyspark.sparkHome, 'bin', script), args, {
      env: clusterEnv(this.id, this.pyspark, this.#layout, script === 'spark-class'),
      cwd: this.#layout.dir,
      logFile: join(this.logDir, `${name}.log`),
    });
    this.#processes.push(spawned);
    this.#record();
    return spawned;
  }

  #toRecord(): ClusterRecord {
    return {
      id: this.id,
      mode: this.mode,
      version: this.version,
      connectUrl: this.connectUrl,
      masterUrl: this.masterUrl,
      ...(this.masterWebUiUrl === undefined ? {} : { masterWebUiUrl: this.masterWebUiUrl }),
      ownerPid: this.#ownerPid,
      dir: this.#layout.dir,
      logDir: this.logDir,
      startedAt: this.#startedAt,
      processes: this.processes,
    };
  }

  #record(): void {
    writeRecord(this.#toRecord());
  }
}

function elapsed(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ParamError('INVALID_CLUSTER_OPTION', `${name} must be a positive integer, not ${value}.`, {
      name,
      value: String(value),
    });
  }
  return value;
}
