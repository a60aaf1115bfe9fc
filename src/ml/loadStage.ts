/**
 * Reading stages from directories: {@link loadStage} and its parts. The layout is described in `persistence.ts`.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeCause, IOError } from '../errors.js';
import type { JsonValue } from './Param.js';
import type { PipelineStage } from './PipelineStage.js';
import {
  errnoCode,
  isObject,
  lstatOrUndefined,
  METADATA_FILE,
  registeredStages,
  type StageMetadata,
  stageLoader,
} from './persistence.js';

/**
 * Loads the stage saved at `path`, whatever its class: reads `metadata.json` and calls the loader registered for
 * its `class`. Throws `IOError` `PATH_NOT_FOUND`, `METADATA_NOT_FOUND`, `INVALID_METADATA` or
 * `UNKNOWN_STAGE_CLASS`, each naming the path and what was expected.
 *
 * @example
 * ```ts
 * const stage = await loadStage('/models/spam');
 * if (stage instanceof PipelineModel) await stage.transform(df);
 * ```
 */
export async function loadStage(path: string): Promise<PipelineStage> {
  const dir = resolve(path);
  const metadata = await readMetadata(dir);
  const loader = stageLoader(metadata.class);
  if (loader === undefined) {
    throw new IOError(
      'UNKNOWN_STAGE_CLASS',
      `Cannot load '${dir}': its class '${metadata.class}' is not registered. Import the module that defines it ` +
        `(stage classes register themselves), or call registerStage('${metadata.class}', …). Registered: ` +
        `${registeredStages().join(', ') || '(none)'}.`,
      { path: dir, className: metadata.class, registered: registeredStages().join(',') },
    );
  }
  const stage = await loader({ path: dir, metadata });
  if (stage.uid !== metadata.uid) {
    throw new IOError(
      'INVALID_METADATA',
      `The loader registered for '${metadata.class}' made a stage with uid '${stage.uid}' from '${dir}', whose ` +
        `metadata says '${metadata.uid}'. A loader must pass { uid: metadata.uid } to the constructor.`,
      { path: dir, expected: metadata.uid, actual: stage.uid },
    );
  }
  return stage;
}

/**
 * Reads and checks `<path>/metadata.json`. Throws `IOError` `PATH_NOT_FOUND` (no such path), `NOT_A_DIRECTORY`,
 * `METADATA_NOT_FOUND` (no metadata file) or `INVALID_METADATA` (not JSON, or a field missing or of the wrong type),
 * each naming the path and what was expected.
 *
 * @example
 * ```ts
 * const { class: className, uid } = await readMetadata('/models/spam');
 * ```
 */
export async function readMetadata(path: string): Promise<StageMetadata> {
  const dir = resolve(path);
  const expected = `a directory written by save(), holding ${METADATA_FILE}`;
  const stat = await lstatOrUndefined(dir);
  if (stat === undefined) {
    throw new IOError(
      'PATH_NOT_FOUND',
      `Cannot load a stage from '${dir}': it does not exist. Expected ${expected}.`,
      {
        path: dir,
        expected,
      },
    );
  }
  if (!stat.isDirectory()) {
    throw new IOError(
      'NOT_A_DIRECTORY',
      `Cannot load a stage from '${dir}': it is a file, not a directory. Expected ${expected}.`,
      { path: dir, expected },
    );
  }
  const file = join(dir, METADATA_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') {
      throw new IOError(
        'METADATA_NOT_FOUND',
        `Cannot load a stage from '${dir}': it has no ${METADATA_FILE}. Expected ${expected}.`,
        { path: file, expected },
        { cause: e },
      );
    }
    throw new IOError(
      'READ_FAILED',
      `Cannot read '${file}': ${describeCause(e)}.`,
      { path: file },
      { cause: e },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw invalidMetadata(file, `is not valid JSON (${describeCause(e)})`, 'a JSON object', e);
  }
  return checkMetadata(file, json);
}

/**
 * Loads the stages listed in `metadata.extra.stages` from under `path`, in order, checking each one's uid. Throws
 * `IOError` `INVALID_METADATA` when the list is missing or malformed.
 *
 * @example
 * ```ts
 * registerStage('Pipeline', async ({ path, metadata }) =>
 *   new Pipeline({ uid: metadata.uid, stages: await readStages(path, metadata) }).setParamsFromJson(metadata));
 * ```
 */
export async function readStages(path: string, metadata: StageMetadata): Promise<PipelineStage[]> {
  const file = join(path, METADATA_FILE);
  const expected = 'extra.stages: an array of { "uid": string, "path": string }';
  const list = metadata.extra?.stages;
  if (!Array.isArray(list)) throw invalidMetadata(file, 'has no extra.stages array', expected);
  const stages: PipelineStage[] = [];
  for (const [i, entry] of (list as readonly JsonValue[]).entries()) {
    if (!isObject(entry) || typeof entry.uid !== 'string' || typeof entry.path !== 'string') {
      throw invalidMetadata(file, `has a malformed extra.stages[${i}]`, expected);
    }
    const stage = await loadStage(join(path, entry.path));
    if (stage.uid !== entry.uid) {
      throw invalidMetadata(
        file,
        `lists stage ${i} as '${entry.uid}', but '${entry.path}' holds '${stage.uid}'`,
        `the uid saved in ${entry.path}/${METADATA_FILE}`,
      );
    }
    stages.push(stage);
  }
  return stages;
}

function checkMetadata(file: string, json: unknown): StageMetadata {
  const expected =
    'a JSON object with class (string), uid (string), timestamp (number), deepframeVersion (string), ' +
    'paramMap (object), defaultParamMap (object) and optionally extra (object)';
  if (!isObject(json)) throw invalidMetadata(file, 'is not a JSON object', expected);
  const fields: [string, (v: unknown) => boolean, string][] = [
    ['class', (v) => typeof v === 'string' && v.length > 0, 'a non-empty string'],
    ['uid', (v) => typeof v === 'string' && v.length > 0, 'a non-empty string'],
    ['timestamp', (v) => typeof v === 'number', 'a number'],
    ['deepframeVersion', (v) => typeof v === 'string', 'a string'],
    ['paramMap', isObject, 'an object'],
    ['defaultParamMap', isObject, 'an object'],
  ];
  for (const [name, ok, what] of fields) {
    if (!(name in json)) throw invalidMetadata(file, `has no '${name}' field`, expected);
    if (!ok(json[name])) throw invalidMetadata(file, `has a '${name}' that is not ${what}`, expected);
  }
  if (json.extra !== undefined && !isObject(json.extra)) {
    throw invalidMetadata(file, "has an 'extra' that is not an object", expected);
  }
  return json as unknown as StageMetadata;
}

function invalidMetadata(file: string, problem: string, expected: string, cause?: unknown): IOError {
  return new IOError(
    'INVALID_METADATA',
    `Cannot load a stage: '${file}' ${problem}. Expected ${expected}.`,
    { path: file, problem, expected },
    cause === undefined ? {} : { cause },
  );
}
