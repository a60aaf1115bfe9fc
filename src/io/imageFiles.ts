/**
 * Listing the image files under a path: what `session.read.images(path, options)` reads.
 *
 * Differences from Spark's image source, by design:
 * - Spark reads every file and marks the ones that do not decode as invalid; deepframe lists only files whose
 *   extension is an image format that sharp decodes ({@link defaultImageExtensions}) unless `extensions` says
 *   otherwise (`null` or `'*'`: every file).
 * - Spark's `sampleRatio` samples with a random path filter that may differ between runs; deepframe's picks each
 *   file by a hash of its path (relative to the root) and the seed: the same files on every run and machine.
 * - Sub-folders can name labels (`labelFromFolder`), as torchvision's `ImageFolder` and Keras'
 *   `image_dataset_from_directory` do; Spark's image source has no labels.
 *
 * Option names map to Spark's: `recursive` ↔ `recursiveFileLookup`, `sampleRatio` ↔ `sampleRatio`.
 */
import type { Dirent, Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeCause, IOError, ParamError } from '../errors.js';

/** One listed file: its absolute path and, with `labelFromFolder`, its label. */
export interface ImageFileEntry {
  /** The file's absolute path. */
  readonly path: string;
  /** The name of the folder that holds the file, when that folder is below the root (with `labelFromFolder`). */
  readonly label?: string;
}

/** Options of {@link listImageFiles}. */
export interface ListImageFilesOptions {
  /**
   * Descend into sub-folders (Spark's `recursiveFileLookup`). Default: the value of `labelFromFolder`, so that
   * `{ labelFromFolder: true }` alone reads a folder of class folders.
   */
  readonly recursive?: boolean;
  /**
   * Label each file with the name of its immediate parent folder, when that folder is below the root:
   * `root/cats/a.jpg` → `cats`, `root/cats/tabby/b.jpg` → `tabby`. Files directly in the root (or a file given as
   * the path) have no label. Default false.
   */
  readonly labelFromFolder?: boolean;
  /**
   * The fraction of files to keep, in (0, 1]; default 1. A file is kept when a hash of its path relative to the
   * root and of `seed` falls below the ratio, so the same seed keeps the same files on every run, wherever the
   * folder is. The count kept is close to, not exactly, `ratio × files`.
   */
  readonly sampleRatio?: number;
  /** The sampling seed, an integer; default 0. */
  readonly seed?: number;
  /**
   * File extensions to list, case-insensitive, with or without the dot; default {@link defaultImageExtensions}.
   * `null` or `'*'` lists every (non-hidden) file, as Spark does; files that do not decode then fail at decoding.
   */
  readonly extensions?: readonly string[] | null | '*';
}

/**
 * The extensions listed by default: the formats that sharp's prebuilt binaries decode (JPEG, PNG, WebP, GIF, TIFF,
 * AVIF). BMP is not among them: sharp cannot read it (Spark's ImageIO can).
 */
export const defaultImageExtensions: readonly string[] = Object.freeze([
  'jpg',
  'jpeg',
  'jpe',
  'jfif',
  'png',
  'webp',
  'gif',
  'tif',
  'tiff',
  'avif',
]);

/**
 * Lists the image files at `path`: the file itself, or the files in the folder (and its sub-folders with
 * `recursive`), sorted by path. Hidden files and folders (names starting with `.`) are skipped, and so are files
 * whose extension is not an image's (see {@link ListImageFilesOptions.extensions}). A file named as `path` is
 * listed whatever its extension. Symbolic links are followed (each folder once).
 *
 * A path that does not exist throws an {@link IOError} `PATH_NOT_FOUND`; a folder with no images gives an empty
 * list. A `sampleRatio` outside (0, 1] or a non-integer `seed` throws a {@link ParamError} `INVALID_PARAM_VALUE`.
 *
 * @example
 * ```ts
 * // data/pets/cats/1.jpg, data/pets/dogs/2.png
 * await listImageFiles('data/pets', { labelFromFolder: true });
 * // [{ path: '/…/data/pets/cats/1.jpg', label: 'cats' }, { path: '/…/data/pets/dogs/2.png', label: 'dogs' }]
 * ```
 */
export async function listImageFiles(
  path: string,
  options: ListImageFilesOptions = {},
): Promise<ImageFileEntry[]> {
  const labelFromFolder = options.labelFromFolder ?? false;
  const recursive = options.recursive ?? labelFromFolder;
  const sampleRatio = options.sampleRatio ?? 1;
  const seed = options.seed ?? 0;
  if (!(sampleRatio > 0 && sampleRatio <= 1)) {
    throw new ParamError(
      'INVALID_PARAM_VALUE',
      `sampleRatio must be in (0, 1]; got ${sampleRatio}. Use 1 to read every file.`,
      { param: 'sampleRatio', value: String(sampleRatio) },
    );
  }
  if (!Number.isSafeInteger(seed)) {
    throw new ParamError('INVALID_PARAM_VALUE', `seed must be an integer; got ${seed}.`, {
      param: 'seed',
      value: String(seed),
    });
  }
  const matches = extensionFilter(options.extensions);

  const root = resolve(path);
  const rootStats = await statOrThrow(root, path);
  let files: string[];
  if (!rootStats.isDirectory()) {
    files = [root];
  } else {
    files = [];
    await walk(root, recursive, matches, files, new Set([await realpath(root)]));
    files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  const base = rootStats.isDirectory() ? root : dirname(root);
  const out: ImageFileEntry[] = [];
  for (const file of files) {
    const rel = relative(base, file);
    if (sampleRatio < 1 && sampleHash(rel.split(sep).join('/'), seed) >= sampleRatio) continue;
    const parent = dirname(file);
    if (labelFromFolder && rootStats.isDirectory() && parent !== root) {
      out.push({ path: file, label: basename(parent) });
    } else {
      out.push({ path: file });
    }
  }
  return out;
}

/**
 * The `origin` that Spark's image source gives a local file: its `file://` URL (percent-encoded).
 *
 * @example
 * ```ts
 * fileOrigin('/data/my cat.jpg'); // 'file:///data/my%20cat.jpg'
 * ```
 */
export function fileOrigin(path: string): string {
  return pathToFileURL(resolve(path)).href;
}

function extensionFilter(extensions: ListImageFilesOptions['extensions']): (name: string) => boolean {
  if (extensions === null || extensions === '*') return () => true;
  const wanted = new Set(
    (extensions ?? defaultImageExtensions).map((e) => e.replace(/^\./, '').toLowerCase()),
  );
  return (name) => {
    const dot = name.lastIndexOf('.');
    return dot > 0 && wanted.has(name.slice(dot + 1).toLowerCase());
  };
}

async function statOrThrow(absolute: string, given: string): Promise<Stats> {
  try {
    return await stat(absolute);
  } catch (e) {
    if (isErrno(e, 'ENOENT') || isErrno(e, 'ENOTDIR')) {
      throw new IOError(
        'PATH_NOT_FOUND',
        `Path does not exist: ${absolute}${given === absolute ? '' : ` (given as '${given}')`}. Check the path, ` +
          'or give a folder of images or an image file.',
        { path: absolute },
        { cause: e },
      );
    }
    throw unreadable(absolute, e);
  }
}

async function walk(
  dir: string,
  recursive: boolean,
  matches: (name: string) => boolean,
  files: string[],
  seen: Set<string>,
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw unreadable(dir, e);
  }
  const subdirs: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(full).catch(() => undefined); // a dangling link is skipped
      isDir = target?.isDirectory() ?? false;
      isFile = target?.isFile() ?? false;
    }
    if (isFile && matches(entry.name)) files.push(full);
    else if (isDir && recursive) subdirs.push(full);
  }
  for (const sub of subdirs) {
    const real = await realpath(sub);
    if (seen.has(real)) continue;
    seen.add(real);
    await walk(sub, recursive, matches, files, seen);
  }
}

function unreadable(path: string, cause: unknown): IOError {
  return new IOError(
    'PATH_NOT_READABLE',
    `Cannot list ${path}: ${describeCause(cause)}. Check that it exists and is readable.`,
    { path },
    { cause },
  );
}

function isErrno(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && (e as { code: unknown }).code === code;
}

/**
 * A number in [0, 1) from a path and a seed: FNV-1a over the path's UTF-16 code units, started from a state that
 * mixes in the seed, then a 32-bit avalanche finaliser so that nearby paths land far apart.
 */
function sampleHash(path: string, seed: number): number {
  const low = seed | 0;
  const high = Math.floor(seed / 2 ** 32) | 0;
  let h = mix32((0x811c9dc5 ^ mix32(low)) + Math.imul(high, 0x9e3779b1));
  for (let i = 0; i < path.length; i++) {
    h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  }
  return (mix32(h) >>> 0) / 2 ** 32;
}

function mix32(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
