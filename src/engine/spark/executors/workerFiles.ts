/**
 * The files of the packed worker: deepframe's compiled code, and the packages the worker imports with their
 * dependencies, found as Node.js would find them and placed where it will find them in the archive, with only the
 * executors' platform's native binaries.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { describeCause, IOError, SparkError } from '../../../errors.js';

/** One file of the archive. */
export interface Entry {
  readonly archivePath: string;
  readonly source: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly mode: number;
}

/** The fields of a `package.json` that packing reads. */
export interface PackageJson {
  readonly name?: string;
  readonly version?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly os?: readonly string[];
  readonly cpu?: readonly string[];
}

export function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (e) {
    throw new IOError(
      'UNREADABLE_FILE',
      `Cannot read '${path}' as JSON: ${describeCause(e)}.`,
      { path },
      {
        cause: e,
      },
    );
  }
}

export function entryOf(archivePath: string, source: string): Entry {
  const s = statSync(source);
  return { archivePath, source, size: s.size, mtimeMs: Math.trunc(s.mtimeMs), mode: s.mode & 0o777 };
}

/** Every file under `dir` (following links), as paths relative to it, `/`-separated, sorted. */
export function listFiles(dir: string, skip: (rel: string, isDir: boolean) => boolean, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const path = rel === '' ? name : `${rel}/${name}`;
    let isDir: boolean;
    try {
      isDir = statSync(join(dir, path)).isDirectory();
    } catch {
      continue; // a dangling link
    }
    if (skip(path, isDir)) continue;
    if (isDir) out.push(...listFiles(dir, skip, path));
    else out.push(path);
  }
  return out;
}

export const NOT_NEEDED_AT_RUN_TIME = /\.(map|d\.ts|d\.mts|d\.cts|tsbuildinfo)$/;

/** The bare packages that the modules reachable from `entries` import statically. */
export function importedPackages(entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  // Compiled modules have their static imports and re-exports at the start of a line.
  const pattern =
    /^(?:import|export)\s(?:[^;'"]*?\sfrom\s*)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/gm;
  const visit = (file: string): void => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(pattern)) {
      const specifier = m[1] ?? m[2];
      if (specifier === undefined) continue;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else if (!isBuiltin(specifier) && !/^[a-z][a-z0-9+.-]+:/i.test(specifier)) {
        const parts = specifier.split('/');
        packages.add(specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
      }
    }
  };
  for (const entry of entries) visit(entry);
  return packages;
}

/** Where Node would find package `name` from a module in folder `from`. */
function findPackage(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (basename(dir) !== 'node_modules') {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** npm's `os`/`cpu` matching: `!x` excludes, a list of positives must name the value. */
function platformMatches(list: readonly string[] | undefined, value: string): boolean {
  if (list === undefined || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  const positives = list.filter((v) => !v.startsWith('!'));
  return positives.length === 0 || positives.includes(value);
}

/** A package's files without other platforms' prebuilt binaries (`bin/napi-v6/<os>/<arch>`), types or maps. */
function packageFiles(dir: string, platform: string, arch: string): string[] {
  return listFiles(dir, (rel, isDir) => {
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    if (isDir && (name === 'node_modules' || name === '.bin')) return true;
    const napi = /(?:^|\/)napi-v\d+\/([^/]+)(?:\/([^/]+))?$/.exec(rel);
    if (isDir && napi !== null) {
      if (napi[2] === undefined) return napi[1] !== platform;
      return napi[2] !== arch;
    }
    return !isDir && NOT_NEEDED_AT_RUN_TIME.test(name);
  });
}

/** The packages to ship: `roots` and their dependencies, placed where Node will find them in the archive. */
export function collectPackages(
  roots: Iterable<string>,
  packageRoot: string,
  platform: string,
  arch: string,
): { entries: Entry[]; versions: Record<string, string> } {
  const placed = new Map<string, string>(); // archive folder → real folder
  const versions: Record<string, string> = {};
  const entries: Entry[] = [];
  const queue: { name: string; from: string; parentArchive: string; optional: boolean }[] = [];
  for (const name of roots) queue.push({ name, from: packageRoot, parentArchive: '', optional: false });
  while (queue.length > 0) {
    const { name, from, parentArchive, optional } = queue.shift()!;
    if (name.startsWith('@types/')) continue;
    const found = findPackage(name, from);
    if (found === undefined) {
      if (optional) continue;
      throw new SparkError(
        'WORKER_PACKAGE_MISSING',
        `Cannot pack the worker: package '${name}' (needed from ${from}) is not installed. Run 'npm install' in deepframe's project, or install it.`,
        { package: name, from },
      );
    }
    const real = realpathSync(found);
    const pkg = readJson<PackageJson>(join(real, 'package.json'));
    if (!platformMatches(pkg.os, platform) || !platformMatches(pkg.cpu, arch)) continue;
    const nested = resolve(found).startsWith(`${resolve(from)}${sep}node_modules${sep}`);
    let archiveDir = nested ? `${parentArchive}/node_modules/${name}` : `node_modules/${name}`;
    if (!nested && placed.has(archiveDir) && placed.get(archiveDir) !== real) {
      archiveDir = `${parentArchive}/node_modules/${name}`; // another version is at the top: nest this one
    }
    archiveDir = archiveDir.replace(/^\//, '');
    if (placed.get(archiveDir) === real) continue;
    placed.set(archiveDir, real);
    versions[name] ??= pkg.version ?? '';
    for (const rel of packageFiles(real, platform, arch))
      entries.push(entryOf(`${archiveDir}/${rel}`, join(real, rel)));
    const deps = [
      ...Object.keys(pkg.dependencies ?? {}).map((d) => ({ d, optional: false })),
      ...Object.keys(pkg.optionalDependencies ?? {}).map((d) => ({ d, optional: true })),
    ];
    for (const { d, optional: opt } of deps) {
      queue.push({ name: d, from: real, parentArchive: archiveDir, optional: opt });
    }
  }
  return { entries, versions };
}
