/**
 * Headless Chromium for tests that open a page: finds the `chromium` binary on PATH or, as root on Debian,
 * installs Debian's package; runs it with a time limit and kills every process it started.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const INSTALL = 'apt-get install -y --no-install-recommends chromium';
const NAMES = ['chromium', 'chromium-browser'];

let found: Promise<string> | undefined;

/**
 * The path of a Chromium binary: `chromium` (or `chromium-browser`) on PATH; else, when running as root, installs
 * Debian's `chromium` package with apt-get (running `apt-get update` first only when the install fails for lack
 * of package lists), saying so on stderr; else fails naming the command to run.
 */
export function chromiumPath(): Promise<string> {
  found ??= findOrInstall();
  return found;
}

async function findOrInstall(): Promise<string> {
  const onPath = await which();
  if (onPath !== undefined) return onPath;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `Chromium was not found on PATH (looked for ${NAMES.join(', ')}). Install it to run the report page ` +
        `test, e.g. \`sudo ${INSTALL}\` on Debian or Ubuntu, and run the test again.`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = ['install', '-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=600', 'chromium'];
  process.stderr.write(`Chromium is not installed; installing Debian's package: ${INSTALL}\n`);
  let result = await runLogged('apt-get', install, env);
  if (
    result.code !== 0 &&
    /Unable to locate package|no installation candidate|404\s+Not Found/i.test(result.output)
  ) {
    process.stderr.write(
      'The package lists are missing or stale; running apt-get update, then installing again.\n',
    );
    const update = await runLogged('apt-get', ['update'], env);
    if (update.code !== 0)
      throw new Error(`apt-get update failed (exit code ${update.code}); see the output above.`);
    result = await runLogged('apt-get', install, env);
  }
  if (result.code !== 0) {
    throw new Error(`\`${INSTALL}\` failed (exit code ${result.code}); see the output above.`);
  }
  const installed = await which();
  if (installed === undefined) throw new Error(`\`${INSTALL}\` succeeded but no chromium binary is on PATH.`);
  process.stderr.write(`Installed Chromium: ${installed}\n`);
  return installed;
}

async function which(): Promise<string | undefined> {
  for (const name of NAMES) {
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      if (dir === '') continue;
      const path = join(dir, name);
      try {
        await access(path, constants.X_OK);
        return path;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Runs a command, copying its output to stderr (stdout carries the test runner's report) and keeping it. */
async function runLogged(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  process.stderr.write(`$ ${command} ${args.join(' ')}\n`);
  const result = await runGroup(command, args, { env, timeoutMs: 20 * 60_000, echo: true });
  return { code: result.code, output: result.stdout + result.stderr };
}

/** What a process run by {@link runChromium} printed, and how it ended. */
export interface ProcessResult {
  /** The process id, also the id of its process group. */
  readonly pid: number | undefined;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/**
 * Runs headless Chromium with `args` (after the flags that let it run headless as root, in a throw-away profile)
 * and returns its output. A run that takes longer than `timeoutMs` is killed; when it ends, every process left in
 * its process group (renderers, zygotes, crash handler) is killed too, so none outlives the call.
 */
export async function runChromium(args: readonly string[], timeoutMs = 60_000): Promise<ProcessResult> {
  const binary = await chromiumPath();
  const profile = await mkdtemp(join(tmpdir(), 'deepframe-chromium-'));
  try {
    return await runGroup(
      binary,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--no-default-browser-check',
        '--disable-extensions',
        '--disable-background-networking',
        '--disable-breakpad',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        ...args,
      ],
      { env: process.env, timeoutMs, echo: false },
    );
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

/** Runs a command in a process group of its own; kills the group on timeout and after the command ends. */
function runGroup(
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; timeoutMs: number; echo: boolean },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      if (options.echo) process.stderr.write(s);
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
      if (options.echo) process.stderr.write(s);
    });
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    // 'exit' comes when the command ends; 'close' only once every process holding its pipes has ended too, which
    // killing the rest of the group brings about.
    child.on('exit', () => {
      clearTimeout(timer);
      killGroup();
    });
    child.on('close', (code, signal) => resolve({ pid: child.pid, code, signal, stdout, stderr, timedOut }));
  });
}

/** The processes of a process group that are still running (not zombies waiting to be reaped), from /proc. */
export async function runningInGroup(pgid: number): Promise<number[]> {
  const running: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = await readFile(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so split after its last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') running.push(Number(entry));
  }
  return running;
}
