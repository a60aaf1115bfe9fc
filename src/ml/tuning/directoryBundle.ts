/**
 * A saved stage's directory as one file, and back: what a model search ships to Spark executors (the estimator
 * to fit) and what they send back (a fitted model), since a Spark artifact or a binary cell is one blob, not a
 * folder.
 *
 * The bundle is UTF-8 JSON, `{"format": "deepframe-directory", "version": 1, "files": [{"path", "data"}]}`, with
 * each file's path relative to the directory (`/`-separated) and its bytes in base64. Saved estimators and the
 * small models a search collects are a few files of JSON and weights; a third more bytes buys a format that
 * needs no archiver on either side.
 *
 * @module
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describeCause, IOError } from '../../errors.js';

const FORMAT = 'deepframe-directory';
const VERSION = 1;

interface Bundle {
  readonly format: string;
  readonly version: number;
  readonly files: readonly { readonly path: string; readonly data: string }[];
}

/** Every file under `dir`, as paths relative to it, `/`-separated, sorted. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

/**
 * The files under `dir` as one bundle.
 *
 * @example
 * ```ts
 * await estimator.save('/tmp/search/estimator');
 * const bytes = await packDirectory('/tmp/search/estimator');
 * ```
 */
export async function packDirectory(dir: string): Promise<Uint8Array> {
  try {
    const files = [];
    for (const path of await listFiles(dir)) {
      files.push({ path, data: (await readFile(join(dir, path))).toString('base64') });
    }
    const bundle: Bundle = { format: FORMAT, version: VERSION, files };
    return new TextEncoder().encode(JSON.stringify(bundle));
  } catch (e) {
    throw new IOError(
      'UNREADABLE_FILE',
      `Cannot pack the directory '${dir}' into one file: ${describeCause(e)}.`,
      { path: dir },
      { cause: e },
    );
  }
}

/**
 * Writes a bundle's files under `dir` (created when missing). Throws `IOError` `INVALID_BUNDLE` for bytes that are
 * not a bundle or a path that would leave `dir`.
 *
 * @example
 * ```ts
 * await unpackDirectory(bytes, '/tmp/fit/model');
 * const model = await loadStage('/tmp/fit/model');
 * ```
 */
export async function unpackDirectory(bytes: Uint8Array, dir: string, source = 'a bundle'): Promise<void> {
  const invalid = (what: string) =>
    new IOError(
      'INVALID_BUNDLE',
      `${source} is not a directory bundle deepframe wrote: ${what}. Ship the file deepframe packed, unchanged.`,
      { path: source },
    );
  let bundle: Bundle;
  try {
    bundle = JSON.parse(new TextDecoder().decode(bytes)) as Bundle;
  } catch {
    throw invalid('it is not JSON');
  }
  if (bundle?.format !== FORMAT || bundle.version !== VERSION || !Array.isArray(bundle.files)) {
    throw invalid(`expected {"format": "${FORMAT}", "version": ${VERSION}, "files": […]}`);
  }
  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  for (const file of bundle.files) {
    const target = resolve(root, String(file.path));
    if (typeof file.path !== 'string' || typeof file.data !== 'string' || !target.startsWith(root + sep)) {
      throw invalid(`the entry '${String(file.path)}' does not name a file inside the directory`);
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, Buffer.from(file.data, 'base64'));
  }
}
