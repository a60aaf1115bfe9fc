import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { describeCause, IOError, ParamError } from '../errors.js';

/** Spark's save modes. `errorifexists` is the same as `error`. */
export type SaveModeName = 'error' | 'errorifexists' | 'overwrite' | 'append' | 'ignore';

const MODES: readonly SaveModeName[] = ['error', 'errorifexists', 'overwrite', 'append', 'ignore'];

/** Checks a save mode name, case-insensitively, and returns it in lower case. */
export function parseSaveMode(mode: string): SaveModeName {
  const m = mode.toLowerCase() as SaveModeName;
  if (!MODES.includes(m)) {
    throw new ParamError(
      'INVALID_SAVE_MODE',
      `Unknown save mode '${mode}'. Expected one of: ${MODES.join(', ')}.`,
      { mode, expected: MODES.join(',') },
    );
  }
  return m;
}

async function moveInto(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const src = join(from, entry.name);
    const dst = join(to, entry.name);
    if (entry.isDirectory()) await moveInto(src, dst);
    else if (entry.name !== '_SUCCESS') await rename(src, dst);
  }
}

/**
 * Writes a directory of output files with Spark's save-mode semantics, never leaving a half-written result in
 * place of the old one: `write` fills a fresh sibling directory, which then replaces (overwrite), joins (append)
 * or becomes (a new path) the target; on failure it is removed and the target is as it was. A `_SUCCESS` marker
 * is written last, as Spark does.
 *
 * @returns whether anything was written (`ignore` over an existing path writes nothing).
 */
export async function writeDirectory(
  path: string,
  mode: SaveModeName,
  write: (dir: string) => Promise<void>,
): Promise<boolean> {
  const target = resolve(path);
  const exists = existsSync(target);
  if (exists && (mode === 'error' || mode === 'errorifexists')) {
    throw new IOError(
      'PATH_ALREADY_EXISTS',
      `Path '${path}' already exists. Use mode('overwrite') to replace it, mode('append') to add to it, or ` +
        "mode('ignore') to leave it.",
      { path },
    );
  }
  if (exists && mode === 'ignore') return false;
  if (exists && !(await stat(target)).isDirectory() && mode === 'append') {
    throw new IOError(
      'NOT_A_DIRECTORY',
      `Cannot append to '${path}': it is a file, not a directory of part files.`,
      {
        path,
      },
    );
  }
  await mkdir(dirname(target), { recursive: true });
  const staging = join(dirname(target), `.${basename(target)}.deepframe-staging-${randomUUID()}`);
  await mkdir(staging);
  try {
    await write(staging);
    await writeFile(join(staging, '_SUCCESS'), '');
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    if (e instanceof IOError || e instanceof ParamError) throw e;
    throw new IOError(
      'WRITE_FAILED',
      `Writing '${path}' failed; it was left as it was. Cause: ${describeCause(e)}`,
      { path },
      { cause: e },
    );
  }
  if (!exists) {
    await rename(staging, target);
  } else if (mode === 'append') {
    await moveInto(staging, target);
    await writeFile(join(target, '_SUCCESS'), '');
    await rm(staging, { recursive: true, force: true });
  } else {
    const old = join(dirname(target), `.${basename(target)}.deepframe-old-${randomUUID()}`);
    await rename(target, old);
    await rename(staging, target);
    await rm(old, { recursive: true, force: true });
  }
  return true;
}

/** A unique part-file name, as Spark names them: `part-00000-<uuid>.<ext>`. */
export function partFileName(index: number, extension: string): string {
  return `part-${String(index).padStart(5, '0')}-${randomUUID()}.${extension}`;
}
