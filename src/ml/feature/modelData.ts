/**
 * A fitted feature model's own data (labels, category sizes, means), saved as `data.json` beside the stage's
 * `metadata.json` (what Spark keeps in the model's `data/` folder).
 *
 * @module
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeCause, IOError } from '../../errors.js';
import type { JsonValue } from '../Param.js';
import { errnoCode, isObject } from '../persistence.js';

/** The name of a feature model's data file. */
export const MODEL_DATA_FILE = 'data.json';

/**
 * Writes `data` to `<dir>/data.json`.
 *
 * @example
 * ```ts
 * await writeModelData(dir, { categorySizes: [3, 2] });
 * ```
 */
export async function writeModelData(
  dir: string,
  data: { readonly [key: string]: JsonValue },
): Promise<void> {
  await writeFile(join(dir, MODEL_DATA_FILE), `${JSON.stringify(data)}\n`);
}

/**
 * Reads `<dir>/data.json` of the stage `stage`. Throws `IOError` `METADATA_NOT_FOUND` when it is missing and
 * `INVALID_METADATA` when it is not a JSON object.
 *
 * @example
 * ```ts
 * const data = await readModelData(dir, this.uid);
 * ```
 */
export async function readModelData(
  dir: string,
  stage: string,
): Promise<{ readonly [key: string]: JsonValue }> {
  const file = join(dir, MODEL_DATA_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') {
      throw new IOError(
        'METADATA_NOT_FOUND',
        `Cannot load stage '${stage}' from '${dir}': it has no ${MODEL_DATA_FILE}, which holds the fitted ` +
          'model. Save the model again with save().',
        { path: file, stage },
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
    throw invalidModelData(file, stage, `is not valid JSON (${describeCause(e)})`, e);
  }
  if (!isObject(json)) throw invalidModelData(file, stage, 'is not a JSON object');
  return json;
}

/**
 * The field `key` of a model's data, checked by `read` (which returns `undefined` for a value it cannot take);
 * throws `IOError` `INVALID_METADATA` naming the file, the field and `expected`.
 *
 * @example
 * ```ts
 * const sizes = modelDataField(data, 'categorySizes', dir, uid, 'an array of integers', toIntegers);
 * ```
 */
export function modelDataField<T>(
  data: { readonly [key: string]: JsonValue },
  key: string,
  dir: string,
  stage: string,
  expected: string,
  read: (json: JsonValue) => T | undefined,
): T {
  const json = data[key];
  const value = json === undefined ? undefined : read(json);
  if (value === undefined) {
    throw invalidModelData(join(dir, MODEL_DATA_FILE), stage, `has no valid '${key}' (expected ${expected})`);
  }
  return value;
}

/**
 * Doubles as JSON: numbers, and the strings `NaN`, `Infinity` and `-Infinity` for what JSON cannot hold.
 *
 * @example
 * ```ts
 * doublesToJson([1.5, NaN]); // [1.5, 'NaN']
 * ```
 */
export function doublesToJson(values: ArrayLike<number>): JsonValue[] {
  return Array.from(values, (v) => (Number.isFinite(v) ? v : String(v)));
}

/**
 * The doubles that {@link doublesToJson} wrote, or `undefined` when `json` is not such an array.
 *
 * @example
 * ```ts
 * doublesFromJson([1.5, 'NaN']); // Float64Array [1.5, NaN]
 * ```
 */
export function doublesFromJson(json: JsonValue): Float64Array | undefined {
  if (!Array.isArray(json)) return undefined;
  const out = new Float64Array(json.length);
  for (const [i, item] of (json as readonly JsonValue[]).entries()) {
    if (typeof item === 'number') out[i] = item;
    else if (item === 'NaN' || item === 'Infinity' || item === '-Infinity') out[i] = Number(item);
    else return undefined;
  }
  return out;
}

function invalidModelData(file: string, stage: string, problem: string, cause?: unknown): IOError {
  return new IOError(
    'INVALID_METADATA',
    `Cannot load stage '${stage}': '${file}' ${problem}. Save the model again with save().`,
    { path: file, stage, problem },
    cause === undefined ? {} : { cause },
  );
}
