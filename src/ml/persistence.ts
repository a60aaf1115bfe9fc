/**
 * Saving and loading stages: params as JSON, after Spark ML's `DefaultParamsWriter` / `DefaultParamsReader`.
 *
 * ## Layout
 *
 * `stage.save(dir)` writes a directory:
 *
 * ```
 * <dir>/
 *   metadata.json            the stage's class, uid and params (below)
 *   stages/                  a Pipeline's or PipelineModel's stages, one directory each, in order:
 *     0_Tokenizer_3f9a0c12be7d/
 *       metadata.json
 *     1_LogisticRegression_4f2a9c01be3d/
 *       metadata.json
 *       …                    whatever that stage's saveImpl wrote (model.onnx, …)
 *   …                        whatever the stage's own saveImpl wrote
 * ```
 *
 * A stage directory's name is its index (zero-padded to the width of the last index, so that names sort, as
 * Spark's are) and its uid. `metadata.json` is one JSON object:
 *
 * ```json
 * {
 *   "class": "Pipeline",
 *   "uid": "Pipeline_0d1e2f3a4b5c",
 *   "timestamp": 1732520000000,
 *   "deepframeVersion": "0.1.0",
 *   "paramMap": { "maxIter": 10 },
 *   "defaultParamMap": { "maxIter": 100, "regParam": 0 },
 *   "extra": { "stages": [{ "uid": "Tokenizer_3f9a0c12be7d", "path": "stages/0_Tokenizer_3f9a0c12be7d" }] }
 * }
 * ```
 *
 * - `class`: the name the stage's class is registered under ({@link registerStage}); loading looks it up there.
 * - `uid`: the stage's uid, which the loaded stage keeps.
 * - `timestamp`: when it was saved, in milliseconds since the epoch.
 * - `deepframeVersion`: the version of deepframe that saved it.
 * - `paramMap`, `defaultParamMap`: user-set and default values by param name, as JSON (params declared with
 *   `persist: false`, such as a pipeline's `stages`, are left out and saved by the stage itself).
 * - `extra` (optional): what the stage's `extraMetadata()` returned; a pipeline lists its stages' uids and
 *   directories here.
 *
 * ## Hooks for stages with files of their own
 *
 * A stage whose state is more than params (a model's weights, an ONNX file) overrides
 * `saveImpl(dir)` to write its files into `dir` beside `metadata.json`, and either
 * - overrides `loadImpl(dir, metadata)`, which the default loader ({@link paramsLoader}) calls after it has made
 *   the stage (`new Class({ uid })`) and applied the params; or
 * - registers a loader of its own that reads the files and makes the stage, for classes whose constructor needs
 *   them: `registerStage('OnnxModel', async ({ path, metadata }) => …)`.
 *
 * `extraMetadata()` adds small JSON facts to `metadata.json` (`extra`), which the loader reads back.
 *
 * ## Overwriting
 *
 * Saving to a path that exists fails with `IOError` `PATH_ALREADY_EXISTS` unless `{ overwrite: true }`. Every save
 * writes into a hidden temporary sibling directory (`.<name>.tmp-<hex>`) and renames it into place only when all of
 * it is written, so a save that fails leaves the old directory (or nothing) where it was, never half a stage.
 *
 * @example
 * ```ts
 * await pipeline.save('/models/spam', { overwrite: true });
 * const again = await Pipeline.load('/models/spam');
 * const any = await loadStage('/models/spam'); // when the class is not known in advance
 * ```
 *
 * @module
 */
import { lstat } from 'node:fs/promises';
import { DeepframeError, describeCause, IOError } from '../errors.js';
import type { JsonValue } from './Param.js';
import type { ParamsJson } from './Params.js';
import type { PipelineStage } from './PipelineStage.js';

/** The name of the file that describes a saved stage. */
export const METADATA_FILE = 'metadata.json';

/** Options of `save()`. */
export interface SaveOptions {
  /** Replace what is at the path already. Default `false`: a path that exists is an `IOError`. */
  readonly overwrite?: boolean;
}

/** The contents of a saved stage's `metadata.json` (see the layout above). */
export interface StageMetadata extends ParamsJson {
  /** The registered class name. */
  readonly class: string;
  /** The stage's uid. */
  readonly uid: string;
  /** When it was saved, in milliseconds since the epoch. */
  readonly timestamp: number;
  /** The version of deepframe that saved it. */
  readonly deepframeVersion: string;
  /** What the stage's `extraMetadata()` returned, if anything. */
  readonly extra?: { readonly [key: string]: JsonValue };
}

/** What a {@link StageLoader} gets: the stage's directory and its parsed, checked `metadata.json`. */
export interface LoadContext {
  /** The stage's directory. */
  readonly path: string;
  /** Its metadata. */
  readonly metadata: StageMetadata;
}

/**
 * Makes a stage from its saved directory. Registered per class with {@link registerStage}; must return a stage
 * with `metadata.uid` as its uid.
 *
 * @example
 * ```ts
 * const loader: StageLoader = async ({ path, metadata }) => {
 *   const weights = await readFile(join(path, 'weights.bin'));
 *   return new MyModel({ uid: metadata.uid, weights }).setParamsFromJson(metadata);
 * };
 * ```
 */
export type StageLoader = (context: LoadContext) => Promise<PipelineStage> | PipelineStage;

/** A stage class whose constructor takes `{ uid }`, as {@link paramsLoader} needs. */
export type StageConstructor<S extends PipelineStage = PipelineStage> = new (options: {
  readonly uid: string;
}) => S;

const registry = new Map<string, StageLoader>();

/**
 * Makes the default loader for a class: `new Class({ uid })`, then the saved defaults and values
 * (`setParamsFromJson`), then the stage's `loadImpl(path, metadata)` hook.
 *
 * @example
 * ```ts
 * registerStage('Scaler', paramsLoader(Scaler));
 * ```
 */
export function paramsLoader<S extends PipelineStage>(ctor: StageConstructor<S>): StageLoader {
  return async ({ path, metadata }) => {
    const stage = new ctor({ uid: metadata.uid });
    stage.setParamsFromJson(metadata);
    await stage.loadImpl(path, metadata);
    return stage;
  };
}

/**
 * Registers how to load a stage class, under the name that `save()` writes as `class` (the class's `name`). Every
 * stage class that can be saved registers itself when its module loads; a later registration of the same name
 * replaces the earlier. With a class alone, registers {@link paramsLoader} of it under its name.
 *
 * @example
 * ```ts
 * registerStage(Scaler);                               // 'Scaler', default loader
 * registerStage('OnnxModel', loadOnnxModel);           // a loader of its own
 * ```
 */
export function registerStage(ctor: StageConstructor): void;
export function registerStage(className: string, loader: StageLoader): void;
export function registerStage(classOrName: string | StageConstructor, loader?: StageLoader): void {
  if (typeof classOrName === 'string') {
    if (loader === undefined) {
      throw new DeepframeError(
        'MISSING_STAGE_LOADER',
        `registerStage('${classOrName}', loader) needs a loader; pass paramsLoader(${classOrName}) for the default.`,
        { className: classOrName },
      );
    }
    registry.set(classOrName, loader);
  } else {
    registry.set(classOrName.name, loader ?? paramsLoader(classOrName));
  }
}

/**
 * The loader registered under `className`, or `undefined`.
 *
 * @example
 * ```ts
 * stageLoader('Pipeline') !== undefined; // true
 * ```
 */
export function stageLoader(className: string): StageLoader | undefined {
  return registry.get(className);
}

/**
 * The names of the registered stage classes, sorted.
 *
 * @example
 * ```ts
 * registeredStages(); // ['Pipeline', 'PipelineModel', …]
 * ```
 */
export function registeredStages(): string[] {
  return [...registry.keys()].sort();
}

/**
 * The directory name of stage `index` of `count` in a pipeline: the index, zero-padded to the width of
 * `count - 1`, `_`, the uid (`03_Tokenizer_3f9a0c12be7d` of 12 stages).
 *
 * @example
 * ```ts
 * stageDirName(3, 12, 'Tokenizer_3f9a0c12be7d'); // '03_Tokenizer_3f9a0c12be7d'
 * ```
 */
export function stageDirName(index: number, count: number, uid: string): string {
  const width = String(Math.max(count - 1, 0)).length;
  return `${String(index).padStart(width, '0')}_${uid}`;
}

/** @internal Whether `value` is a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @internal `lstat`, or `undefined` when nothing is at `path`. */
export async function lstatOrUndefined(path: string): Promise<Awaited<ReturnType<typeof lstat>> | undefined> {
  try {
    return await lstat(path);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw new IOError(
      'READ_FAILED',
      `Cannot inspect '${path}': ${describeCause(e)}.`,
      { path },
      { cause: e },
    );
  }
}

/** @internal The `code` of a Node.js system error. */
export function errnoCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
