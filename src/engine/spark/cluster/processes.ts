/**
 * The process plumbing under {@link LocalSparkCluster}: JVMs spawned as leaders of their own process groups, with
 * their output in a log file; whole groups stopped (SIGTERM, then SIGKILL after a grace period); free loopback
 * ports; waiting until a condition holds while watching the processes that should make it hold.
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SparkError } from '../../../errors.js';

/** A process that a cluster started: a name (`connect`, `master`, `worker-1`), its pid and its log file. */
export interface ClusterProcess {
  /** What the process is: `connect`, `master`, `worker-1`, … */
  readonly name: string;
  /** Its pid, which is also the id of its process group (it was spawned as a group leader). */
  readonly pid: number;
  /** The file that receives its stdout and stderr, log4j's output included. */
  readonly logFile: string;
}

/** A spawned process with the handle that tells whether it has exited. */
export interface SpawnedProcess extends ClusterProcess {
  readonly child: ChildProcess;
}

/**
 * Spawns `command` as the leader of a new process group, stdout and stderr appended to `logFile`, stdin closed.
 * The handle is unreferenced, so the spawning Node.js process may exit while the child runs on.
 */
export function spawnGroupLeader(
  name: string,
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; logFile: string },
): SpawnedProcess {
  const fd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) {
    throw new SparkError('SPARK_PROCESS_SPAWN_FAILED', `Could not start ${name} ('${command}').`, {
      name,
      command,
    });
  }
  child.on('error', () => {}); // reported through exitCode / the log; keeps an ENOENT from crashing the process
  child.unref();
  return { name, pid: child.pid, logFile: options.logFile, child };
}

/** Whether a process with this pid exists (zombies included). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A live (non-zombie) process as `/proc` shows it. */
interface ProcEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
}

/** Every live (non-zombie) process, from `/proc`; undefined where there is no `/proc` (not Linux). */
function processTable(): ProcEntry[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const table: ProcEntry[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue; // exited while we looked
    }
    // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') continue;
    table.push({ pid: Number(entry), ppid: Number(fields[1]), pgrp: Number(fields[2]) });
  }
  return table;
}

/**
 * The live (non-zombie) members of process group `pgid`. On Linux this reads `/proc`; elsewhere it can only say
 * whether the group has any member, and answers `[pgid]` or `[]`.
 */
export function groupMembers(pgid: number): number[] {
  const table = processTable();
  if (table === undefined) {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  return table.filter((p) => p.pgrp === pgid).map((p) => p.pid);
}

/**
 * The live processes of groups `pgids` and all their descendants, with the groups they are in: executors run in
 * their worker's group, but pyspark's Python daemons make groups of their own. Where there is no `/proc`, only
 * the groups themselves.
 */
export function processTree(pgids: readonly number[]): { pids: number[]; pgids: number[] } {
  const table = processTable();
  if (table === undefined) return { pids: pgids.filter(isAlive), pgids: [...pgids] };
  const inTree = new Set(table.filter((p) => pgids.includes(p.pgrp)).map((p) => p.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of table) {
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
    }
  }
  const groups = new Set(pgids);
  // Never this process's own group (nor init's): a descendant could only be there by an odd setpgid.
  const own = table.find((p) => p.pid === process.pid)?.pgrp;
  for (const p of table) if (inTree.has(p.pid) && p.pgrp > 1 && p.pgrp !== own) groups.add(p.pgrp);
  return { pids: [...inTree], pgids: [...groups] };
}

/**
 * Whether `pid` is still a process this cluster started: on Linux, its environment carries
 * `DEEPFRAME_SPARK_CLUSTER=<clusterId>`, which guards against a recycled pid; elsewhere, whether it exists.
 */
export function belongsToCluster(pid: number, clusterId: string): boolean {
  if (!isAlive(pid)) return false;
  if (!existsSync('/proc/self/environ')) return true; // no /proc here: trust the record
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`${CLUSTER_ENV}=${clusterId}`);
  } catch {
    return false; // gone, or another user's process
  }
}

/** The environment variable that marks every process of a cluster with its id. */
export const CLUSTER_ENV = 'DEEPFRAME_SPARK_CLUSTER';

/** Sends `signal` to every process of group `pgid`; a group that is gone already is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing left in the group
  }
}

/**
 * Stops whole process groups and every group their descendants made: SIGTERM to each (the JVMs run their
 * shutdown hooks, workers stop their executors), then SIGKILL to whatever is left after `graceMs`. Resolves when
 * none of those processes is alive.
 */
export async function stopGroups(leaders: readonly number[], graceMs = 10_000): Promise<void> {
  const { pgids } = processTree(leaders);
  const alive = (): number[] => pgids.filter((p) => groupMembers(p).length > 0);
  for (const pgid of pgids) signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let left = alive();
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(100);
    left = alive();
  }
  for (const pgid of left) signalGroup(pgid, 'SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while (left.length > 0 && Date.now() < killDeadline) {
    await sleep(50);
    left = alive();
  }
}

/** A TCP port on 127.0.0.1 that the OS reports free now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether a TCP connection to `host:port` succeeds within `timeoutMs`. */
export function tcpAnswers(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The last `lines` lines of a log file (at most its last 16 KiB), or a note that it cannot be read. */
export async function logTail(path: string, lines = 30): Promise<string> {
  try {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, 16 * 1024);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      return buffer.toString('utf8').split('\n').slice(-lines).join('\n').trimEnd();
    } finally {
      await handle.close();
    }
  } catch (e) {
    return `(cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)})`;
  }
}

/** Whether the log file contains `text`. */
export async function logContains(path: string, text: string): Promise<boolean> {
  try {
    return (await readFile(path, 'utf8')).includes(text);
  } catch {
    return false;
  }
}

/**
 * Polls `check` every `intervalMs` until it returns true. Fails with a {@link SparkError} when one of `watch`
 * exits first (`SPARK_PROCESS_EXITED`) or when `timeoutMs` passes (`SPARK_CLUSTER_START_TIMEOUT`); either message
 * names `what` and ends with the tail of the relevant log.
 */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  options: { watch: readonly SpawnedProcess[]; timeoutMs: number; tailOf: string; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const exited = options.watch.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
    if (exited !== undefined) {
      const how =
        exited.child.signalCode !== null
          ? `signal ${exited.child.signalCode}`
          : `code ${exited.child.exitCode}`;
      throw new SparkError(
        'SPARK_PROCESS_EXITED',
        `The Spark ${exited.name} process (pid ${exited.pid}) exited with ${how} while waiting for ${what}. ` +
          `Its log (${exited.logFile}) ends with:\n${await logTail(exited.logFile)}`,
        { name: exited.name, pid: String(exited.pid), logFile: exited.logFile, what },
      );
    }
    if (await check()) return;
    if (Date.now() >= deadline) {
      throw new SparkError(
        'SPARK_CLUSTER_START_TIMEOUT',
        `Timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${what}. Raise startTimeoutMs ` +
          `if the machine is slow. ${options.tailOf} ends with:\n${await logTail(options.tailOf)}`,
        { what, timeoutMs: String(options.timeoutMs), logFile: options.tailOf },
      );
    }
    await sleep(options.intervalMs ?? 200);
  }
}
