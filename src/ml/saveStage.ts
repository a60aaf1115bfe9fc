/**
 * Writing stages to directories: {@link saveStage} (atomic, with overwrite) and its parts. The layout is described
 * in `persistence.ts`.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeepframeError, describeCause, IOError } from '../errors.js';
import type { JsonValue } from './Param.js';
import type { PipelineStage } from './PipelineStage.js';
import {
  isObject,
  lstatOrUndefined,
  METADATA_FILE,
  type SaveOptions,
  type StageMetadata,
  stageDirName,
  stageLoader,
} from './persistence.js';

/**
 * Saves `stage` to `path` (see the layout above), atomically: into a temporary sibling, renamed into place when
 * complete. Throws `IOError` `PATH_ALREADY_EXISTS` when `path` exists and `options.overwrite` is not `true`,
 * `UNREGISTERED_STAGE_CLASS` when the class could not be loaded again, `WRITE_FAILED` when the file system fails.
 * `stage.save(path, options)` calls this.
 *
 * @example
 * ```ts
 * await saveStage(model, '/models/m1', { overwrite: true });
 * ```
 */
export async function saveStage(
  stage: PipelineStage,
  path: string,
  options: SaveOptions = {},
): Promise<void> {
  const target = resolve(path);
  checkRegistered(stage);
  const existing = await lstatOrUndefined(target);
  if (existing !== undefined && options.overwrite !== true) {
    throw new IOError(
      'PATH_ALREADY_EXISTS',
      `Cannot save ${stage.uid} to '${target}': the path exists already. Pass { overwrite: true } to replace it, ` +
        'or choose another path.',
      { path: target, stage: stage.uid },
    );
  }
  const parent = dirname(target);
  const name = basename(target);
  await fsStep(target, 'create the parent directory', () => mkdir(parent, { recursive: true }));
  const temp = join(parent, `.${name}.tmp-${randomBytes(6).toString('hex')}`);
  try {
    await fsStep(target, 'create a temporary directory', () => mkdir(temp));
    await writeStage(stage, temp);
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    throw e instanceof DeepframeError ? e : writeFailed(target, `write ${stage.uid}`, e);
  }
  if (existing === undefined) {
    try {
      await rename(temp, target);
    } catch (e) {
      await rm(temp, { recursive: true, force: true });
      throw writeFailed(target, 'move the saved stage into place', e);
    }
    return;
  }
  const old = join(parent, `.${name}.old-${randomBytes(6).toString('hex')}`);
  try {
    await rename(target, old);
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    throw writeFailed(target, 'move the old directory aside', e);
  }
  try {
    await rename(temp, target);
  } catch (e) {
    await rename(old, target).catch(() => undefined);
    await rm(temp, { recursive: true, force: true });
    throw writeFailed(target, 'move the saved stage into place', e);
  }
  await rm(old, { recursive: true, force: true });
}

/**
 * Writes `stage` into the directory `dir`, which must exist and be empty: `metadata.json`, then the stage's
 * `saveImpl(dir)`. Not atomic: {@link saveStage} calls it on a temporary directory, and a pipeline's `saveImpl`
 * on its stages' sub-directories.
 *
 * @example
 * ```ts
 * await writeStage(stage, join(dir, 'stages', stageDirName(0, 1, stage.uid)));
 * ```
 */
export async function writeStage(stage: PipelineStage, dir: string): Promise<void> {
  checkRegistered(stage);
  await fsStep(dir, 'create the directory', () => mkdir(dir, { recursive: true }));
  const extra = stage.extraMetadata();
  const metadata: StageMetadata = {
    class: stage.constructor.name,
    uid: stage.uid,
    timestamp: Date.now(),
    deepframeVersion: deepframeVersion(),
    ...stage.paramsToJson(),
    ...(extra === undefined ? {} : { extra }),
  };
  const file = join(dir, METADATA_FILE);
  await fsStep(file, 'write the metadata', () => writeFile(file, `${JSON.stringify(metadata, null, 2)}\n`));
  await stage.saveImpl(dir);
}

/**
 * Writes `stages` under `<dir>/stages/` (one {@link writeStage} each, named by {@link stageDirName}) and returns
 * the list to keep in the owner's `extra.stages`. For the `saveImpl` of stages made of stages.
 *
 * @example
 * ```ts
 * override async saveImpl(dir: string): Promise<void> {
 *   await writeStages(dir, this.getStages());
 * }
 * ```
 */
export async function writeStages(dir: string, stages: readonly PipelineStage[]): Promise<void> {
  for (const [i, stage] of stages.entries()) {
    await writeStage(stage, join(dir, 'stages', stageDirName(i, stages.length, stage.uid)));
  }
}

/**
 * The `extra.stages` entries that describe `stages` as {@link writeStages} writes them: `{ uid, path }` with the
 * path relative to the owner's directory.
 *
 * @example
 * ```ts
 * override extraMetadata() {
 *   return { stages: stagesMetadata(this.getStages()) };
 * }
 * ```
 */
export function stagesMetadata(stages: readonly PipelineStage[]): JsonValue[] {
  return stages.map((stage, i) => ({
    uid: stage.uid,
    path: `stages/${stageDirName(i, stages.length, stage.uid)}`,
  }));
}

function checkRegistered(stage: PipelineStage): void {
  const className = stage.constructor.name;
  if (stageLoader(className) === undefined) {
    throw new IOError(
      'UNREGISTERED_STAGE_CLASS',
      `Cannot save ${stage.uid}: its class '${className}' is not registered, so it could not be loaded again. ` +
        `Call registerStage(${className}) (or registerStage('${className}', loader)) where the class is defined.`,
      { stage: stage.uid, className },
    );
  }
}

async function fsStep<T>(path: string, what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    throw writeFailed(path, what, e);
  }
}

function writeFailed(path: string, what: string, cause: unknown): IOError {
  return new IOError(
    'WRITE_FAILED',
    `Cannot save to '${path}': failed to ${what}: ${describeCause(cause)}.`,
    { path, step: what },
    { cause },
  );
}

let cachedVersion: string | undefined;

/**
 * deepframe's version, from the package.json above this module (`'unknown'` when there is none); what `save()`
 * writes as `deepframeVersion`.
 *
 * @example
 * ```ts
 * deepframeVersion(); // '0.1.0'
 * ```
 */
export function deepframeVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  cachedVersion = 'unknown';
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (isObject(pkg) && pkg.name === 'deepframe' && typeof pkg.version === 'string') {
        cachedVersion = pkg.version;
        break;
      }
    } catch {
      // no package.json here: look further up
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return cachedVersion;
}
