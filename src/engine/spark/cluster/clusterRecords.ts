/**
 * Records of the local Spark clusters that deepframe started, one folder per cluster under
 * `<home>/spark/clusters/<id>/` with a `cluster.json` that lists its processes. A record outlives the process that
 * wrote it, so that `deepframe spark stop`/`status` (and the next cluster start, for clusters whose owner died
 * without stopping them) can find every JVM and stop it.
 *
 * @module
 */
import {
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { deepframeHome } from '../../../models/home.js';
import { belongsToCluster, type ClusterProcess, isAlive, stopGroups } from './processes.js';

/** How a local cluster runs: one JVM (`local[N]`), or a standalone master, workers and executors. */
export type SparkClusterMode = 'local' | 'standalone';

/** What `cluster.json` holds: enough to find, describe and stop a cluster from another process. */
export interface ClusterRecord {
  /** The cluster's id, also the name of its folder. */
  readonly id: string;
  readonly mode: SparkClusterMode;
  /** The Spark (= pyspark) version. */
  readonly version: string;
  /** Where Spark Connect clients connect: `sc://127.0.0.1:<port>`. */
  readonly connectUrl: string;
  /** The Connect server's `--master`: `local[N]` or `spark://127.0.0.1:<port>`. */
  readonly masterUrl: string;
  /** The standalone master's web UI (its `/json/` is the cluster's state); absent in local mode. */
  readonly masterWebUiUrl?: string;
  /** The process that owns the cluster and stops it when it exits; `null` for a cluster meant to outlive it. */
  readonly ownerPid: number | null;
  /** The cluster's folder. */
  readonly dir: string;
  /** Where its processes' logs are. */
  readonly logDir: string;
  readonly startedAt: string;
  /** The processes started so far, each the leader of its own process group. */
  readonly processes: readonly ClusterProcess[];
}

/** A record with what is alive of it now. */
export interface RecordedCluster {
  readonly record: ClusterRecord;
  /** The pids of its processes that still run. */
  readonly alivePids: readonly number[];
  /** Whether the owner is gone while processes of a cluster meant to stop with it run on. */
  readonly orphaned: boolean;
}

const RECORD = 'cluster.json';

/** `<home>/spark/clusters`, where the cluster folders are. */
export function clustersRoot(home?: string): string {
  return join(deepframeHome(home), 'spark', 'clusters');
}

/** Writes a cluster's record (atomically: a complete file or the previous one). */
export function writeRecord(record: ClusterRecord): void {
  const tmp = join(record.dir, `${RECORD}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(tmp, join(record.dir, RECORD));
}

/** Every recorded cluster, oldest first, with its live processes. */
export function listClusters(home?: string): RecordedCluster[] {
  const root = clustersRoot(home);
  let ids: string[];
  try {
    ids = readdirSync(root).sort();
  } catch {
    return [];
  }
  const found: RecordedCluster[] = [];
  for (const id of ids) {
    let record: ClusterRecord;
    try {
      record = JSON.parse(readFileSync(join(root, id, RECORD), 'utf8')) as ClusterRecord;
    } catch {
      continue; // a stopped cluster's folder (logs only), or one being written
    }
    const alivePids = record.processes.map((p) => p.pid).filter((pid) => belongsToCluster(pid, record.id));
    const orphaned = record.ownerPid !== null && !isAlive(record.ownerPid);
    found.push({ record, alivePids, orphaned });
  }
  return found;
}

/**
 * Stops what is left of a recorded cluster (whole process groups, so executors and Python workers too), keeps
 * the executors' logs beside the others, deletes its scratch folders and its record.
 */
export async function stopRecordedCluster(record: ClusterRecord, graceMs?: number): Promise<void> {
  const pids = record.processes.map((p) => p.pid).filter((pid) => belongsToCluster(pid, record.id));
  await stopGroups(pids, graceMs);
  keepExecutorLogs(join(record.dir, 'work'), record.logDir);
  rmSync(join(record.dir, 'work'), { recursive: true, force: true });
  rmSync(join(record.dir, 'local'), { recursive: true, force: true });
  rmSync(join(record.dir, RECORD), { force: true });
}

/**
 * Stops clusters whose owner died without stopping them (a test process killed with SIGKILL), forgets records
 * with nothing left running, and deletes the folders of clusters stopped over `keepMs` ago (a day by default).
 */
export async function reapClusters(home?: string, keepMs = 24 * 3600_000): Promise<void> {
  for (const { record, alivePids, orphaned } of listClusters(home)) {
    // A detached cluster (no owner) with nothing running is stale; an owned one is its owner's business.
    if (orphaned || (record.ownerPid === null && alivePids.length === 0)) await stopRecordedCluster(record);
  }
  const root = clustersRoot(home);
  let ids: string[];
  try {
    ids = readdirSync(root);
  } catch {
    return;
  }
  for (const id of ids) {
    const dir = join(root, id);
    try {
      if (!existsSync(join(dir, RECORD)) && Date.now() - statSync(dir).mtimeMs > keepMs) {
        rmSync(dir, { recursive: true, force: true });
      }
    } catch {
      // removed by someone else meanwhile
    }
  }
}

/** Copies each executor's stderr (`work/<worker>/<app>/<executor>/stderr`) to `executor-<worker>-<app>-<n>.log`. */
function keepExecutorLogs(workDir: string, logDir: string): void {
  for (const worker of readdirSafe(workDir)) {
    for (const app of readdirSafe(join(workDir, worker))) {
      for (const executor of readdirSafe(join(workDir, worker, app))) {
        const stderr = join(workDir, worker, app, executor, 'stderr');
        if (!existsSync(stderr)) continue;
        try {
          copyFileSync(stderr, join(logDir, `executor-${worker}-${app}-${executor}.log`));
        } catch {
          // best effort: logs only
        }
      }
    }
  }
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => statSync(join(dir, name)).isDirectory());
  } catch {
    return [];
  }
}
