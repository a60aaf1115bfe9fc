/**
 * The packed worker: one `.tar.gz` that runs deepframe's stages on a machine with no Node.js and no deepframe
 * (a Spark executor). Spark unpacks it in each executor's session folder; the executor module starts
 * `bin/node dist/src/worker/main.js --stdio` from it.
 *
 * ```
 * bin/node                   the Node.js runtime (this process's binary by default)
 * dist/src/…                 deepframe's compiled code (JavaScript only: no .d.ts, no source maps)
 * package.json               deepframe's (ESM `"type": "module"`, and the self-reference `deepframe`)
 * node_modules/…             the packages the worker imports and their dependencies, this platform's binaries only
 * deepframe-worker.json      what is inside: deepframe's version, platform, Node.js version, packages
 * ```
 *
 * Which files go in is `workerFiles.ts`'s business; this module packs them and keeps the archives.
 *
 * @module
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  constants,
  copyFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { describeCause, ParamError, SparkError } from '../../../errors.js';
import { deepframeHome } from '../../../models/home.js';
import {
  collectPackages,
  type Entry,
  entryOf,
  importedPackages,
  listFiles,
  NOT_NEEDED_AT_RUN_TIME,
  type PackageJson,
  readJson,
} from './workerFiles.js';

/** The layout version of the archive; a change makes every cached archive stale. */
export const WORKER_ARCHIVE_FORMAT = 1;

/** Options of {@link packWorker}. */
export interface PackWorkerOptions {
  /**
   * The Node.js binary to ship; this process's (`process.execPath`) by default, which fits executors of this
   * machine's platform. For executors of another platform (say linux-arm64 from a Mac), pass that platform's
   * `node` binary with `platform` and `arch`, and install that platform's native packages
   * (`npm install --os=linux --cpu=arm64 sharp onnxruntime-node`) first.
   */
  readonly node?: string;
  /** The executors' platform (`linux`, `darwin`, …); this machine's by default. Picks native binaries. */
  readonly platform?: string;
  /** The executors' CPU architecture (`x64`, `arm64`, …); this machine's by default. */
  readonly arch?: string;
  /** Where archives are kept; `<DEEPFRAME_HOME>/worker` by default. */
  readonly outDir?: string;
  /** More packages to ship, by name, with their dependencies (for packages that module stages import). */
  readonly packages?: readonly string[];
  /** Pack again even when an archive of the same inputs is cached. */
  readonly force?: boolean;
  /** deepframe's installation (the folder with `dist/src` and `package.json`); this one by default. */
  readonly packageRoot?: string;
  /** Receives progress messages. */
  readonly log?: (message: string) => void;
}

/** A packed worker archive. */
export interface WorkerArchive {
  /** The archive's absolute path. */
  readonly path: string;
  /** Its file name, `deepframe-worker-<16 hex digits of its SHA-256>.tar.gz`. */
  readonly fileName: string;
  /** The folder name it unpacks to on executors (the file name without `.tar.gz`). */
  readonly alias: string;
  /** The SHA-256 of the archive, in hex. */
  readonly sha256: string;
  /** Its size in bytes. */
  readonly bytes: number;
  readonly platform: string;
  readonly arch: string;
  /** The packages inside, by name, with their versions. */
  readonly packages: Readonly<Record<string, string>>;
  /** Whether it came from the cache rather than being packed now. */
  readonly fromCache: boolean;
}

/**
 * deepframe's own installation: the folder five levels above this module (`dist/src/engine/spark/executors`).
 *
 * @example
 * ```ts
 * deepframePackageRoot(); // '/app/node_modules/deepframe/'
 * ```
 */
export function deepframePackageRoot(): string {
  return fileURLToPath(new URL('../../../../../', import.meta.url));
}

function nodeVersion(node: string, platform: string, arch: string): string | undefined {
  if (platform !== process.platform || arch !== process.arch) return undefined;
  try {
    return execFileSync(node, ['--version'], { encoding: 'utf8', timeout: 30_000 }).trim();
  } catch {
    return undefined;
  }
}

/** Writes `files` (archive paths, sorted) from `dir` as a deterministic gzipped tar; resolves to its SHA-256. */
async function writeTarGz(dir: string, files: readonly string[], out: string): Promise<string> {
  const tar = spawn(
    'tar',
    [
      '--create',
      '--file=-',
      '--format=gnu',
      '--no-recursion',
      '--null',
      '--files-from=-',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '--mtime=@0',
    ],
    { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  tar.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | Error>((resolveExit) => {
    tar.on('error', resolveExit);
    tar.on('close', (code) => resolveExit(code ?? 1));
  });
  tar.stdin.end(files.map((f) => `${f}\0`).join(''));
  const hash = createHash('sha256');
  const failed = (reason: string, cause?: unknown): SparkError =>
    new SparkError(
      'WORKER_PACK_FAILED',
      `Could not write the worker archive with the system's tar (GNU tar is needed): ${reason}.`,
      { reason },
      cause === undefined ? {} : { cause },
    );
  try {
    await pipeline(
      tar.stdout,
      createGzip({ level: 6 }),
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          hash.update(chunk);
          yield chunk;
        }
      },
      createWriteStream(out),
    );
  } catch (e) {
    throw failed(describeCause(e), e);
  }
  const code = await exited;
  if (code instanceof Error) throw failed(describeCause(code), code);
  if (code !== 0) throw failed(`tar exited with status ${code}: ${stderr.trim()}`);
  return hash.digest('hex');
}

/** How many archives a worker folder keeps: the newest, so that rebuilding deepframe does not fill the disk. */
export const KEPT_WORKER_ARCHIVES = 4;

/** Removes all but the {@link KEPT_WORKER_ARCHIVES} newest archives of `dir` (never `current`), and their index entries. */
function pruneArchives(dir: string, current: string): void {
  const archives = readdirSync(dir)
    .filter((f) => /^deepframe-worker-[0-9a-f]{16}\.tar\.gz$/.test(f))
    .map((f) => ({ path: join(dir, f), mtime: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  const stale = new Set(archives.slice(KEPT_WORKER_ARCHIVES).map((a) => a.path));
  stale.delete(current);
  if (stale.size === 0) return;
  for (const path of stale) rmSync(path, { force: true });
  const index = join(dir, 'index');
  for (const f of readdirSync(index)) {
    try {
      if (stale.has(readJson<{ path?: string }>(join(index, f)).path ?? ''))
        rmSync(join(index, f), { force: true });
    } catch {
      // an unreadable entry: leave it
    }
  }
}

/**
 * Packs deepframe's worker for Spark executors, or finds it packed already: the archive is cached under
 * `<DEEPFRAME_HOME>/worker/`, named by its content's hash, and packed again only when its inputs changed (a file's
 * size or modification time, the Node.js binary, the platform). The folder keeps the newest
 * {@link KEPT_WORKER_ARCHIVES} archives. Uses the system's `tar` (GNU tar).
 *
 * @example
 * ```ts
 * const archive = await packWorker();
 * console.log(archive.path, archive.bytes); // ~/.cache/deepframe/worker/deepframe-worker-1f2e….tar.gz 61234567
 * ```
 */
export async function packWorker(options: PackWorkerOptions = {}): Promise<WorkerArchive> {
  const log = options.log ?? (() => {});
  const packageRoot = resolve(options.packageRoot ?? deepframePackageRoot());
  const node = resolve(options.node ?? process.execPath);
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const outDir = resolve(options.outDir ?? join(deepframeHome(), 'worker'));
  const distSrc = join(packageRoot, 'dist', 'src');
  const main = join(distSrc, 'worker', 'main.js');
  if (!existsSync(main)) {
    throw new SparkError(
      'WORKER_NOT_BUILT',
      `Cannot pack the worker: '${main}' does not exist. Build deepframe first ('npm run build').`,
      { path: main },
    );
  }
  if (!existsSync(node) || !statSync(node).isFile()) {
    throw new ParamError('INVALID_PARAMETER_VALUE', `The Node.js binary '${node}' is not a file.`, { node });
  }

  const entries: Entry[] = [
    entryOf('bin/node', node),
    entryOf('package.json', join(packageRoot, 'package.json')),
  ];
  for (const rel of listFiles(distSrc, (r, isDir) => !isDir && NOT_NEEDED_AT_RUN_TIME.test(r))) {
    entries.push(entryOf(`dist/src/${rel}`, join(distSrc, rel)));
  }
  const roots = importedPackages([main]);
  for (const p of options.packages ?? []) roots.add(p);
  const packages = collectPackages([...roots].sort(), packageRoot, platform, arch);
  entries.push(...packages.entries);
  entries.sort((a, b) => (a.archivePath < b.archivePath ? -1 : a.archivePath > b.archivePath ? 1 : 0));

  const own = readJson<PackageJson>(join(packageRoot, 'package.json'));
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify([
        WORKER_ARCHIVE_FORMAT,
        platform,
        arch,
        entries.map((e) => [e.archivePath, e.size, e.mtimeMs, e.mode]),
      ]),
    )
    .digest('hex');
  const indexFile = join(outDir, 'index', `${fingerprint}.json`);
  if (options.force !== true && existsSync(indexFile)) {
    const cached = readJson<Omit<WorkerArchive, 'fromCache'>>(indexFile);
    if (existsSync(cached.path) && statSync(cached.path).size === cached.bytes)
      return { ...cached, fromCache: true };
  }

  log(`Packing the deepframe worker (${entries.length} files) for ${platform}-${arch}…`);
  mkdirSync(join(outDir, 'index'), { recursive: true });
  const staging = mkdtempSync(join(outDir, '.staging-'));
  try {
    for (const e of entries) {
      const target = join(staging, e.archivePath);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(e.source, target, constants.COPYFILE_FICLONE);
      chmodSync(target, e.mode);
    }
    const version = nodeVersion(node, platform, arch);
    const manifest = {
      format: WORKER_ARCHIVE_FORMAT,
      deepframe: own.version ?? '',
      platform,
      arch,
      ...(version === undefined ? {} : { node: version }),
      packages: Object.fromEntries(Object.entries(packages.versions).sort(([a], [b]) => (a < b ? -1 : 1))),
    };
    writeFileSync(join(staging, 'deepframe-worker.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const files = [...entries.map((e) => e.archivePath), 'deepframe-worker.json'].sort();
    const partial = join(outDir, `.packing-${process.pid}-${Date.now()}.tar.gz`);
    const sha256 = await writeTarGz(staging, files, partial).catch((e: unknown) => {
      rmSync(partial, { force: true });
      throw e;
    });
    const fileName = `deepframe-worker-${sha256.slice(0, 16)}.tar.gz`;
    const path = join(outDir, fileName);
    renameSync(partial, path);
    const archive: WorkerArchive = {
      path,
      fileName,
      alias: fileName.slice(0, -'.tar.gz'.length),
      sha256,
      bytes: statSync(path).size,
      platform,
      arch,
      packages: manifest.packages,
      fromCache: false,
    };
    const { fromCache: _, ...record } = archive;
    writeFileSync(indexFile, `${JSON.stringify(record, null, 2)}\n`);
    log(`Packed ${path} (${(archive.bytes / 1024 / 1024).toFixed(1)} MiB).`);
    pruneArchives(outDir, path);
    return archive;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
