/**
 * What a local Spark needs from the machine: a Python 3 that can make virtual environments (for pyspark and the
 * executors' Python workers) and a Java 17+ runtime (for the JVMs). Each check fails with a {@link SparkError}
 * that names what is missing and how to install it.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SparkError } from '../../../errors.js';

/** A Python interpreter that can create virtual environments with pip. */
export interface PythonRuntime {
  /** The command or path that runs it. */
  readonly python: string;
  /** Its `major.minor` version, such as `3.11`. */
  readonly version: string;
}

/** A Java runtime that Spark can run on. */
export interface JavaRuntime {
  /** The path or command of its `java` launcher. */
  readonly java: string;
  /** Its major version, such as 17. */
  readonly major: number;
  /** Its full version, such as `17.0.15`. */
  readonly version: string;
}

/**
 * The Python that makes the pyspark environment: `python` when given, else `$DEEPFRAME_PYTHON`, else `python3`.
 * Fails when it cannot be run, or when it lacks the `venv`/`ensurepip` modules that give a new environment pip.
 *
 * @example
 * ```ts
 * requirePython(); // { python: 'python3', version: '3.11' }
 * ```
 */
export function requirePython(python?: string): PythonRuntime {
  const command = python ?? nonEmpty(process.env.DEEPFRAME_PYTHON) ?? 'python3';
  const probe = spawnSync(
    command,
    ['-c', 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])'],
    {
      encoding: 'utf8',
    },
  );
  if (probe.error !== undefined) {
    throw new SparkError(
      'SPARK_PYTHON_NOT_FOUND',
      `Python was not found: running '${command}' failed (${(probe.error as NodeJS.ErrnoException).code ?? probe.error.message}). ` +
        'A local Spark needs Python 3 to install pyspark into a virtual environment. Install it (Debian/Ubuntu: ' +
        "'apt-get install python3 python3-venv'; macOS: 'brew install python') or set DEEPFRAME_PYTHON to a " +
        'python3 executable.',
      { python: command },
      { cause: probe.error },
    );
  }
  if (probe.status !== 0) {
    throw new SparkError(
      'SPARK_PYTHON_VENV_MISSING',
      `'${command}' cannot create virtual environments with pip: ${lastLine(probe.stderr)}. Install the venv ` +
        "module (Debian/Ubuntu: 'apt-get install python3-venv'), or set DEEPFRAME_PYTHON to a Python that has it.",
      { python: command, stderr: probe.stderr },
    );
  }
  return { python: command, version: probe.stdout.trim() };
}

/**
 * The Java that Spark will run on: `$JAVA_HOME/bin/java` when `JAVA_HOME` is set (as Spark's scripts choose),
 * else `java` on the PATH. Fails when it is missing or older than 17, the oldest that Spark 4 supports.
 *
 * @example
 * ```ts
 * requireJava(); // { java: 'java', major: 17, version: '17.0.15' }
 * ```
 */
export function requireJava(env: NodeJS.ProcessEnv = process.env): JavaRuntime {
  const javaHome = nonEmpty(env.JAVA_HOME);
  const java = javaHome === undefined ? 'java' : join(javaHome, 'bin', 'java');
  const probe = spawnSync(java, ['-version'], { encoding: 'utf8', env });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new SparkError(
      'SPARK_JAVA_NOT_FOUND',
      `Java was not found: running '${java} -version' failed (${probe.error === undefined ? lastLine(probe.stderr) : ((probe.error as NodeJS.ErrnoException).code ?? probe.error.message)}). ` +
        "Spark 4 runs on Java 17 or 21: install one (Debian/Ubuntu: 'apt-get install openjdk-17-jre-headless'; " +
        "macOS: 'brew install openjdk@17') and put its bin/ on the PATH, or set JAVA_HOME to it.",
      { java, ...(javaHome === undefined ? {} : { javaHome }) },
      probe.error === undefined ? {} : { cause: probe.error },
    );
  }
  const version = /version "([^"]+)"/.exec(probe.stderr)?.[1] ?? '';
  const parts = version.split('.');
  const major = Number(parts[0] === '1' ? parts[1] : parts[0]);
  if (!(major >= 17)) {
    throw new SparkError(
      'SPARK_JAVA_VERSION_UNSUPPORTED',
      `Java ${version || '(unknown version)'} at '${java}' is too old: Spark 4 needs Java 17 or 21. Install one and ` +
        'set JAVA_HOME to it.',
      { java, version },
    );
  }
  return { java, major, version };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
