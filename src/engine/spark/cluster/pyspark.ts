/**
 * pyspark from PyPI as the project's Apache Spark distribution: its wheel bundles Spark's jars (the Spark Connect
 * server among them) and `bin/spark-submit`, and the virtual environment it lives in is also the Python that the
 * executors run Python UDFs with (pyarrow, pandas) and that a pyspark Connect client can run from (grpcio, …).
 *
 * @module
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SparkError } from '../../../errors.js';
import { deepframeHome } from '../../../models/home.js';
import { requirePython } from './prerequisites.js';
import { isAlive, logTail } from './processes.js';

/**
 * The pyspark (and so Apache Spark) version that deepframe installs and tests against: the newest 4.x on PyPI
 * that starts on Java 17.
 */
export const PYSPARK_VERSION = '4.3.0';

/**
 * The exact Python packages installed beside pyspark: pyarrow and pandas for Python UDFs of the map-in-Arrow
 * kind on executors; grpcio, grpcio-status, googleapis-common-protos, protobuf and zstandard for a pyspark Spark
 * Connect client; the rest are their dependencies, pinned so that every install is the same. protobuf must be at
 * least the version that pyspark's generated Connect code was built with (6.33.5 for pyspark 4.3.0).
 */
export const PYSPARK_PACKAGES: Readonly<Record<string, string>> = Object.freeze({
  py4j: '0.10.9.9',
  pyarrow: '22.0.0',
  pandas: '2.3.3',
  numpy: '2.3.5',
  'python-dateutil': '4.0.0',
  pytz: '2026.6',
  tzdata: '2026.6',
  grpcio: '1.76.0',
  'grpcio-status': '1.76.0',
  'googleapis-common-protos': '1.71.0',
  protobuf: '6.33.6',
  'typing-extensions': '4.16.0',
  zstandard: '0.25.0',
});

/** A pyspark installation in deepframe's cache. */
export interface PysparkInstall {
  /** The virtual environment's directory, `<home>/spark/pyspark-<version>`. */
  readonly venv: string;
  /** The environment's Python: run pyspark clients with it, and executors run Python UDFs with it. */
  readonly python: string;
  /** Spark's home: the pyspark package directory, with `bin/spark-submit`, `bin/spark-class` and `jars/`. */
  readonly sparkHome: string;
  /** The pyspark (= Spark) version. */
  readonly version: string;
  /** Whether the cache already held it (no pip ran). */
  readonly cacheHit: boolean;
}

/** Options of {@link ensurePyspark}. */
export interface EnsurePysparkOptions {
  /** The pyspark version to install; {@link PYSPARK_VERSION} by default (the other pins are tested with it). */
  readonly version?: string;
  /** deepframe's cache directory; `$DEEPFRAME_HOME`, else `~/.cache/deepframe`, by default. */
  readonly home?: string;
  /** The Python that creates the environment; `$DEEPFRAME_PYTHON`, else `python3`, by default. */
  readonly python?: string;
  /** Receives progress messages (an install takes a minute or more); silent by default. */
  readonly log?: (message: string) => void;
  /** How long to wait for another process that is installing the same version; 20 minutes by default. */
  readonly lockTimeoutMs?: number;
}

/** What an install leaves in the environment, written last: its presence means the install is complete. */
interface Manifest {
  readonly version: string;
  readonly packages: Readonly<Record<string, string>>;
  /** The pyspark package directory relative to the environment. */
  readonly sparkHome: string;
  readonly python: string;
  readonly installedAt: string;
}

const MANIFEST = 'deepframe-pyspark.json';

/**
 * Installs pyspark `version` with its pinned companions ({@link PYSPARK_PACKAGES}) into a Python virtual
 * environment in deepframe's cache, `<home>/spark/pyspark-<version>/`, unless it is there already, and says where
 * Spark lives. The install is atomic (made in a temporary directory, renamed when complete) and guarded by a lock
 * file, so concurrent processes install once and share the result; pip's own cache makes reinstalls cheap.
 *
 * Fails with a {@link SparkError} when Python or its venv module is missing (`SPARK_PYTHON_NOT_FOUND`,
 * `SPARK_PYTHON_VENV_MISSING`) or pip fails (`SPARK_PYSPARK_INSTALL_FAILED`, with the end of pip's log).
 *
 * @example
 * ```ts
 * const { python, sparkHome, version } = await ensurePyspark({ log: console.error });
 * // sparkHome: '~/.cache/deepframe/spark/pyspark-4.3.0/lib/python3.11/site-packages/pyspark'
 * ```
 */
export async function ensurePyspark(options: EnsurePysparkOptions = {}): Promise<PysparkInstall> {
  const version = options.version ?? PYSPARK_VERSION;
  const packages: Record<string, string> = { pyspark: version, ...PYSPARK_PACKAGES };
  const root = join(deepframeHome(options.home), 'spark');
  const venv = join(root, `pyspark-${version}`);
  const hit = readInstall(venv, packages);
  if (hit !== undefined) return hit;

  const log = options.log ?? (() => {});
  await mkdir(root, { recursive: true });
  const lock = join(root, `pyspark-${version}.lock`);
  await acquireLock(lock, options.lockTimeoutMs ?? 20 * 60_000, log);
  try {
    const installed = readInstall(venv, packages); // another process may have finished while we waited
    if (installed !== undefined) return installed;
    return await install(root, venv, version, packages, options.python, log);
  } finally {
    rmSync(lock, { force: true });
  }
}

function readInstall(venv: string, packages: Record<string, string>): PysparkInstall | undefined {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(venv, MANIFEST), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  if (JSON.stringify(manifest.packages) !== JSON.stringify(packages)) return undefined;
  const sparkHome = join(venv, manifest.sparkHome);
  const python = join(venv, 'bin', 'python');
  if (!existsSync(join(sparkHome, 'bin', 'spark-submit')) || !existsSync(python)) return undefined;
  return { venv, python, sparkHome, version: manifest.version, cacheHit: true };
}

async function install(
  root: string,
  venv: string,
  version: string,
  packages: Record<string, string>,
  pythonOption: string | undefined,
  log: (message: string) => void,
): Promise<PysparkInstall> {
  const base = requirePython(pythonOption);
  // Leftovers of installs that died (we hold the lock, so none is in progress).
  for (const entry of readdirSync(root)) {
    if (entry.startsWith(`.pyspark-${version}.`)) rmSync(join(root, entry), { recursive: true, force: true });
  }
  const tmp = join(root, `.pyspark-${version}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const logFile = join(root, `pyspark-${version}.install.log`);
  writeFileSync(logFile, '');
  const started = Date.now();
  log(`Installing pyspark ${version} into ${venv} (first use; downloads about 550 MB; log: ${logFile})`);
  try {
    await run(base.python, ['-m', 'venv', tmp], logFile, 'create the virtual environment');
    const python = join(tmp, 'bin', 'python');
    const specs = Object.entries(packages).map(([name, v]) => `${name}==${v}`);
    await run(
      python,
      [
        '-m',
        'pip',
        'install',
        '--disable-pip-version-check',
        '--no-input',
        '--progress-bar',
        'off',
        ...specs,
      ],
      logFile,
      `pip install ${specs.join(' ')}`,
    );
    const located = spawnSync(
      python,
      ['-c', 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'],
      {
        encoding: 'utf8',
      },
    );
    const sparkHomeTmp = located.stdout.trim();
    if (located.status !== 0 || !existsSync(join(sparkHomeTmp, 'bin', 'spark-submit'))) {
      throw new SparkError(
        'SPARK_PYSPARK_INSTALL_FAILED',
        `pyspark ${version} installed, but its Spark home (bin/spark-submit) was not found: ${located.stderr.trim()}`,
        { version, venv },
      );
    }
    const manifest: Manifest = {
      version,
      packages,
      sparkHome: relative(tmp, sparkHomeTmp),
      python: base.version,
      installedAt: new Date().toISOString(),
    };
    await writeFile(join(tmp, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    if (existsSync(venv)) {
      // An incomplete or differently pinned install: move it aside, then swap.
      const old = join(root, `.pyspark-${version}.old-${randomBytes(4).toString('hex')}`);
      await rename(venv, old);
      await rename(tmp, venv);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, venv);
    }
    log(`Installed pyspark ${version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return {
      venv,
      python: join(venv, 'bin', 'python'),
      sparkHome: join(venv, manifest.sparkHome),
      version,
      cacheHit: false,
    };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Runs a command with its output appended to `logFile`; fails with the log's end when it exits non-zero. */
async function run(command: string, args: string[], logFile: string, what: string): Promise<void> {
  const fd = openSync(logFile, 'a');
  const code = await new Promise<number | string>((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', fd, fd] });
    child.once('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message));
    child.once('exit', (c, signal) => resolve(c ?? signal ?? 'unknown'));
  }).finally(() => closeSync(fd));
  if (code === 0) return;
  const tail = await logTail(logFile, 25);
  const hint = /Requires-Python|requires a different Python/i.test(tail)
    ? ' This pyspark needs a newer Python: set DEEPFRAME_PYTHON to one.'
    : /No matching distribution|Could not find a version|Temporary failure|NewConnectionError/i.test(tail)
      ? ' Check that PyPI can be reached (or a PIP_INDEX_URL mirror is set) and that the version exists.'
      : '';
  throw new SparkError(
    'SPARK_PYSPARK_INSTALL_FAILED',
    `Could not ${what} (exit ${code}).${hint} The log (${logFile}) ends with:\n${tail}`,
    { command, logFile },
  );
}

/** Takes `lock` (a file holding the owner's pid), waiting for a live owner and stealing from a dead one. */
async function acquireLock(lock: string, timeoutMs: number, log: (message: string) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    try {
      writeFileSync(lock, `${process.pid} ${hostname()}\n`, { flag: 'wx' });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const [pid, host] = readFileSync(lock, 'utf8').trim().split(' ');
    if (host === hostname() && pid !== undefined && !isAlive(Number(pid))) {
      rmSync(lock, { force: true }); // its owner died
      continue;
    }
    if (Date.now() >= deadline) {
      throw new SparkError(
        'SPARK_PYSPARK_INSTALL_LOCKED',
        `Another process (pid ${pid} on ${host}) has been installing pyspark for over ${Math.round(timeoutMs / 60_000)} min ` +
          `(lock file ${lock}). Wait for it, or delete the lock file if no install is running.`,
        { lock },
      );
    }
    if (!told) log(`Waiting for another process (pid ${pid}) that is installing pyspark …`);
    told = true;
    await sleep(1_000);
  }
}
