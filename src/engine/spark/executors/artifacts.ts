/**
 * What a Spark session's executors need to run deepframe's stages, shipped as Spark Connect artifacts, each once
 * per session:
 *
 * - `pyfiles/deepframe_executor_<hash>.py`: the executor module (`python/deepframe_executor.py`), named by its
 *   content so that a Python worker that outlives a session never runs a stale copy;
 * - `archives/deepframe-worker-<hash>.tar.gz#deepframe-worker-<hash>`: the packed worker (see `packWorker.ts`),
 *   which Spark unpacks on each executor into the session's folder, under the alias;
 * - `files/<hash>-<name>`: every file a stage spec names (an `onnx` stage's model, a `module` or `mapBlocks`
 *   stage's module, a `fitCandidate` stage's estimator and rows), whose path in the spec becomes
 *   `deepframe-file:<hash>-<name>`; the executor module turns that into the file's path on the executor.
 *
 * On executors, Spark Connect puts a session's artifacts in a folder of its own, `<executor work dir>/<session
 * uuid>/` (pyspark's `SparkFiles.getRootDirectory()` there, and the Python worker's current directory): files
 * and pyfiles as they are named without their prefix, archives unpacked into a folder named by their alias.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeCause, IOError } from '../../../errors.js';
import type { StageSpec } from '../../../worker/StageSpec.js';
import type { ArtifactEntry, ArtifactSummary } from '../connect/artifacts.js';
import { deepframePackageRoot, type WorkerArchive } from './packWorker.js';

/** A string in a shipped stage spec that starts with this names a shipped file (the executor module's `FILE_PREFIX`). */
export const SHIPPED_FILE_PREFIX = 'deepframe-file:';

/** What this needs of a Spark Connect client. */
export interface ArtifactClient {
  addArtifacts(entries: readonly ArtifactEntry[]): Promise<readonly ArtifactSummary[]>;
}

/** Where the packed worker is on executors. */
export type ExecutorWorker =
  /** Shipped with the session: unpacked into the session's folder under this name. */
  | { readonly alias: string }
  /** Installed on every executor beforehand (`deepframe.spark.workerDir`), at this absolute path. */
  | { readonly path: string };

/** What every stage of a session runs with on executors. */
export interface ExecutorRuntime {
  /** The executor module's name, which the UDF's pickle imports. */
  readonly pythonModule: string;
  readonly worker: ExecutorWorker;
}

/** Options of {@link ExecutorArtifacts}. */
export interface ExecutorArtifactsOptions {
  /** The packed worker to ship, packed on first use (not called when `workerDir` is given). */
  readonly workerArchive: () => Promise<Pick<WorkerArchive, 'path' | 'fileName' | 'alias'>>;
  /** A folder where every executor has the worker unpacked already; nothing is shipped for it then. */
  readonly workerDir?: string;
  /** The executor module's source file; deepframe's `python/deepframe_executor.py` by default. */
  readonly pythonModuleFile?: string;
}

/**
 * The executor module's file in deepframe's installation.
 *
 * @example
 * ```ts
 * executorModuleFile(); // '/app/node_modules/deepframe/python/deepframe_executor.py'
 * ```
 */
export function executorModuleFile(): string {
  return join(deepframePackageRoot(), 'python', 'deepframe_executor.py');
}

const fileHashes = new Map<string, Promise<string>>();

/**
 * The SHA-256 of a file, in hex, read as a stream; remembered per path, size and modification time.
 *
 * @example
 * ```ts
 * await fileSha256('/models/mlp.onnx'); // '1f2e3d…'
 * ```
 */
export function fileSha256(path: string): Promise<string> {
  let stat: { size: number; mtimeMs: number };
  try {
    stat = statSync(path);
  } catch (e) {
    return Promise.reject(
      new IOError(
        'PATH_NOT_FOUND',
        `Cannot ship '${path}' to the executors: ${describeCause(e)}.`,
        { path },
        { cause: e },
      ),
    );
  }
  const key = `${path}\0${stat.size}\0${stat.mtimeMs}`;
  let hashing = fileHashes.get(key);
  if (hashing === undefined) {
    hashing = new Promise<string>((resolveHash, reject) => {
      const hash = createHash('sha256');
      createReadStream(path)
        .on('data', (chunk) => hash.update(chunk))
        .on('error', (e) =>
          reject(
            new IOError(
              'UNREADABLE_FILE',
              `Cannot read '${path}': ${describeCause(e)}.`,
              { path },
              { cause: e },
            ),
          ),
        )
        .on('end', () => resolveHash(hash.digest('hex')));
    });
    fileHashes.set(key, hashing);
    hashing.catch(() => fileHashes.delete(key));
  }
  return hashing;
}

/** A file name that is safe in an artifact name and on any file system. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_') || 'file';
}

/**
 * The local file a module path names, or undefined for a package specifier or a non-file URL (which resolve on
 * the executor, from the worker's packages).
 *
 * @example
 * ```ts
 * localModuleFile('file:///app/stages.js'); // '/app/stages.js'
 * localModuleFile('./stages.js'); // '<cwd>/stages.js'
 * localModuleFile('some-package/stages'); // undefined
 * ```
 */
export function localModuleFile(modulePath: string): string | undefined {
  if (modulePath.startsWith('file:')) return fileURLToPath(modulePath);
  if (/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(modulePath)) return undefined;
  if (isAbsolute(modulePath)) return modulePath;
  if (/^\.\.?[\\/]/.test(modulePath)) return resolve(modulePath);
  return undefined;
}

/**
 * Ships what a session's executors need for deepframe's stages, each artifact once per session (the client's
 * session; a new session uploads again, as Spark keeps artifacts per session).
 *
 * @example
 * ```ts
 * const artifacts = new ExecutorArtifacts(client, { workerArchive: () => packWorker() });
 * const runtime = await artifacts.runtime(); // uploads the module and the worker
 * const spec = await artifacts.shipStage({ kind: 'onnx', modelPath: '/models/mlp.onnx', … });
 * spec.modelPath; // 'deepframe-file:1f2e3d4c5b6a7980-mlp.onnx'
 * ```
 */
export class ExecutorArtifacts {
  readonly #client: ArtifactClient;
  readonly #options: ExecutorArtifactsOptions;
  readonly #uploads = new Map<string, Promise<void>>();
  readonly #shipped = new Map<string, string>();
  #runtime: Promise<ExecutorRuntime> | undefined;

  constructor(client: ArtifactClient, options: ExecutorArtifactsOptions) {
    this.#client = client;
    this.#options = options;
  }

  /** The files shipped so far: their names on the executors (`<hash>-<name>`) with their local paths. */
  get shippedFiles(): ReadonlyMap<string, string> {
    return this.#shipped;
  }

  /** The names of the artifacts uploaded (or being uploaded) so far. */
  get uploaded(): readonly string[] {
    return [...this.#uploads.keys()];
  }

  /** Uploads `data` as `name`, unless this session has it already. */
  #upload(name: string, data: Uint8Array | string): Promise<void> {
    let upload = this.#uploads.get(name);
    if (upload === undefined) {
      upload = this.#client.addArtifacts([{ name, data }]).then(() => undefined);
      this.#uploads.set(name, upload);
      upload.catch(() => this.#uploads.delete(name));
    }
    return upload;
  }

  /** Ships the executor module and the worker (once), and says how stages reach them. */
  runtime(): Promise<ExecutorRuntime> {
    this.#runtime ??= this.#shipRuntime();
    this.#runtime.catch(() => {
      this.#runtime = undefined;
    });
    return this.#runtime;
  }

  async #shipRuntime(): Promise<ExecutorRuntime> {
    const moduleFile = this.#options.pythonModuleFile ?? executorModuleFile();
    let source: Uint8Array;
    try {
      source = readFileSync(moduleFile);
    } catch (e) {
      throw new IOError(
        'EXECUTOR_MODULE_NOT_FOUND',
        `deepframe's executor module '${moduleFile}' cannot be read (${describeCause(e)}); reinstall deepframe.`,
        { path: moduleFile },
        { cause: e },
      );
    }
    const pythonModule = `deepframe_executor_${createHash('sha256').update(source).digest('hex').slice(0, 12)}`;
    const uploads: Promise<void>[] = [this.#upload(`pyfiles/${pythonModule}.py`, source)];
    let worker: ExecutorWorker;
    if (this.#options.workerDir !== undefined) {
      worker = { path: this.#options.workerDir };
    } else {
      const archive = await this.#options.workerArchive();
      uploads.push(this.#upload(`archives/${archive.fileName}#${archive.alias}`, archive.path));
      worker = { alias: archive.alias };
    }
    await Promise.all(uploads);
    return { pythonModule, worker };
  }

  /** Ships a local file; resolves to the placeholder that names it in a spec. */
  async shipFile(path: string): Promise<string> {
    if (!existsSync(path)) {
      throw new IOError('PATH_NOT_FOUND', `Cannot ship '${path}' to the executors: it does not exist.`, {
        path,
      });
    }
    const name = `${(await fileSha256(path)).slice(0, 16)}-${safeName(basename(path))}`;
    await this.#upload(`files/${name}`, path);
    this.#shipped.set(name, path);
    return `${SHIPPED_FILE_PREFIX}${name}`;
  }

  /**
   * Ships the files a stage spec names and returns the spec as executors must see it (paths replaced by
   * placeholders). Specs of kinds that name no files come back as they are.
   */
  async shipStage(spec: StageSpec): Promise<StageSpec> {
    switch (spec.kind) {
      case 'onnx':
        return { ...spec, modelPath: await this.shipFile(spec.modelPath) };
      case 'chain': {
        const steps: StageSpec[] = [];
        for (const step of spec.steps) steps.push(await this.shipStage(step));
        return { ...spec, steps };
      }
      case 'module':
      case 'mapBlocks':
      case 'scalarFunction': {
        const file = localModuleFile(spec.modulePath);
        return file === undefined ? spec : { ...spec, modulePath: await this.shipFile(file) };
      }
      case 'fitCandidate':
        return {
          ...spec,
          estimator: await this.shipFile(spec.estimator),
          rows: await this.shipFile(spec.rows),
        };
      default:
        return spec;
    }
  }
}
