/**
 * Zoo models as local files: a name becomes a file in deepframe's cache, downloaded once over HTTP(S), checked
 * against its SHA-256 and moved into place atomically, so that a cache never holds a partial or wrong file.
 *
 * @module
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import { describeCause, ModelError } from '../errors.js';
import { deepframeHome, isOffline } from './home.js';
import { getModelEntry, type ModelZooEntry } from './zoo.js';

/** How far a download has come. */
export interface DownloadProgress {
  /** The URL being downloaded (the one asked for; redirects are not reported). */
  readonly url: string;
  /** Bytes received so far. */
  readonly received: number;
  /** The file's size, from the server's `Content-Length` or the zoo entry; `null` when unknown. */
  readonly total: number | null;
}

/**
 * Options of {@link resolveModel}.
 *
 * @example
 * ```ts
 * const options: ResolveModelOptions = { home: '/data/deepframe', offline: false, progress: true };
 * ```
 */
export interface ResolveModelOptions {
  /** deepframe's cache directory (default `$DEEPFRAME_HOME`, else `~/.cache/deepframe`). */
  readonly home?: string;
  /** Never download: a model that is not cached is an error (default `$DEEPFRAME_OFFLINE=1`). */
  readonly offline?: boolean;
  /** Show a progress bar on stderr while downloading (default: when stderr is a terminal). */
  readonly progress?: boolean;
  /** Called as bytes arrive, with a growing `received` count. */
  readonly onProgress?: (progress: DownloadProgress) => void;
  /** Cancels a download. */
  readonly signal?: AbortSignal;
}

/** A model ready to load: its local file and, for a zoo model, its entry. */
export interface ResolvedModel {
  /** Absolute path of the `.onnx` file. */
  readonly path: string;
  /** The zoo entry; `null` for a file the user named. */
  readonly entry: ModelZooEntry | null;
  /** Whether this call downloaded the file (false: it was in the cache, or is the user's file). */
  readonly downloaded: boolean;
}

/**
 * Whether a model reference names a file rather than a zoo model: an absolute or relative path, a `file:` URL, or
 * a name ending in `.onnx`.
 *
 * @example
 * ```ts
 * isModelPath('/models/m.onnx'); // true
 * isModelPath('ResNet50'); // false
 * ```
 */
export function isModelPath(model: string): boolean {
  return (
    model.startsWith('file:') ||
    model.includes('/') ||
    model.includes('\\') ||
    model.startsWith('.') ||
    model.toLowerCase().endsWith('.onnx')
  );
}

/**
 * The file a zoo model is cached as: `<home>/models/<name>-<first 8 hex digits of its SHA-256>.onnx`.
 *
 * @example
 * ```ts
 * cachedModelPath(getModelEntry('ResNet50')); // '~/.cache/deepframe/models/ResNet50-79102261.onnx'
 * ```
 */
export function cachedModelPath(entry: ModelZooEntry, home?: string): string {
  return join(deepframeHome(home), 'models', `${entry.name}-${entry.sha256.slice(0, 8)}.onnx`);
}

/**
 * A local ONNX file for a model: a path (or `file:` URL) is used as it is; a zoo name (see `listModels()`) gives
 * its cached file, downloaded first when it is not cached (from `$DEEPFRAME_MODEL_BASE_URL/<file name>` when that
 * is set, then the entry's `url`, then its mirrors), with its SHA-256 checked.
 *
 * @throws ModelError `UNKNOWN_MODEL` (listing the known names) for a name the zoo does not have;
 *   `MODEL_LOAD_FAILED` for a path that does not exist; `MODEL_NOT_CACHED` when offline and the model is not
 *   cached (saying where to put the file); `CHECKSUM_MISMATCH` when the download (or the cached copy, offline)
 *   is not the expected file; `DOWNLOAD_FAILED` when no URL gives the file.
 * @example
 * ```ts
 * const { path, entry } = await resolveModel('MobileNetV2');
 * const session = await getSession(path, {}, cache);
 * ```
 */
export async function resolveModel(model: string, options: ResolveModelOptions = {}): Promise<ResolvedModel> {
  if (isModelPath(model)) {
    const path = model.startsWith('file:') ? fileURLToPath(model) : resolve(model);
    const reason = await stat(path).then(
      (s) => (s.isFile() ? null : 'it is not a file'),
      (e: unknown) => describeCause(e),
    );
    if (reason !== null) {
      throw new ModelError(
        'MODEL_LOAD_FAILED',
        `The model file '${model}' cannot be used: ${reason}. Pass the path of an .onnx file, or the name of a zoo ` +
          'model.',
        { path: model, reason },
      );
    }
    return { path, entry: null, downloaded: false };
  }
  const entry = getModelEntry(model);
  const path = cachedModelPath(entry, options.home);
  const cached = await verifiedCopy(path, entry.sha256);
  if (cached === 'ok') return { path, entry, downloaded: false };
  if (isOffline(options.offline)) {
    if (cached === 'corrupt') {
      const actual = await sha256File(path);
      throw new ModelError(
        'CHECKSUM_MISMATCH',
        `The cached copy of model '${entry.name}' at '${path}' is not the expected file (SHA-256 ${actual}, expected ` +
          `${entry.sha256}). Remove it, and download it again without DEEPFRAME_OFFLINE, or place the right file there.`,
        { name: entry.name, path, expected: entry.sha256, actual },
      );
    }
    throw new ModelError(
      'MODEL_NOT_CACHED',
      `Model '${entry.name}' is not in the cache, and downloads are off (offline option or DEEPFRAME_OFFLINE=1). ` +
        `Download ${entry.url} (SHA-256 ${entry.sha256}) on a machine that can, and place it at '${path}'; or ` +
        "pass the file's path as the model instead of the name.",
      { name: entry.name, path, url: entry.url, sha256: entry.sha256 },
    );
  }
  await downloadVerified(
    modelUrls(entry),
    path,
    { sha256: entry.sha256, sizeBytes: entry.sizeBytes },
    entry.name,
    options,
  );
  return { path, entry, downloaded: true };
}

/**
 * The URLs to try for a zoo model, in order: `$DEEPFRAME_MODEL_BASE_URL/<file name of url>` when that variable is
 * set (a mirror inside a network without internet access), then `url`, then `mirrors`.
 *
 * @example
 * ```ts
 * process.env.DEEPFRAME_MODEL_BASE_URL = 'http://models.internal/onnx';
 * modelUrls(getModelEntry('SqueezeNet'))[0]; // 'http://models.internal/onnx/squeezenet1.1-7.onnx'
 * ```
 */
export function modelUrls(entry: ModelZooEntry): string[] {
  const urls = [entry.url, ...(entry.mirrors ?? [])];
  const base = process.env.DEEPFRAME_MODEL_BASE_URL;
  if (base !== undefined && base !== '') {
    const file = basename(new URL(entry.url).pathname);
    urls.unshift(`${base.replace(/\/+$/, '')}/${file}`);
  }
  return urls;
}

/**
 * SHA-256 of a file, lower-case hex, read as a stream.
 *
 * @example
 * ```ts
 * (await sha256File(path)) === getModelEntry('ResNet50').sha256;
 * ```
 */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Files already checked in this process, by path: `size:mtime:sha256`. */
const verified = new Map<string, string>();

/** Whether a cached file exists and has the expected SHA-256 (checked once per process while it is unchanged). */
export async function verifiedCopy(path: string, sha256: string): Promise<'ok' | 'missing' | 'corrupt'> {
  let s: { size: number; mtimeMs: number; isFile(): boolean };
  try {
    s = await stat(path);
  } catch {
    return 'missing';
  }
  if (!s.isFile()) return 'corrupt';
  const key = `${s.size}:${s.mtimeMs}:${sha256}`;
  if (verified.get(path) === key) return 'ok';
  if ((await sha256File(path)) !== sha256) return 'corrupt';
  verified.set(path, key);
  return 'ok';
}

const inFlight = new Map<string, Promise<void>>();

/**
 * Downloads the first of `urls` that answers into `dest`: streamed to a temporary file beside it, checked against
 * `expected.sha256`, then renamed into place (so `dest` is never partial). Concurrent calls for one `dest` share
 * one download.
 *
 * @param what - what is downloaded, for messages and the progress bar (`'ResNet50'`).
 * @throws ModelError `CHECKSUM_MISMATCH` (expected and actual SHA-256) when a URL gave another file and none gave
 *   the right one; `DOWNLOAD_FAILED` listing every URL and why it failed.
 * @example
 * ```ts
 * await downloadVerified(['https://example.com/m.onnx'], '/cache/m.onnx', { sha256 }, 'my model');
 * ```
 */
export function downloadVerified(
  urls: readonly string[],
  dest: string,
  expected: { readonly sha256: string; readonly sizeBytes?: number | undefined },
  what: string,
  options: Pick<ResolveModelOptions, 'progress' | 'onProgress' | 'signal'> = {},
): Promise<void> {
  const running = inFlight.get(dest);
  if (running !== undefined) return running;
  const job = downloadFirst(urls, dest, expected, what, options).finally(() => inFlight.delete(dest));
  inFlight.set(dest, job);
  return job;
}

async function downloadFirst(
  urls: readonly string[],
  dest: string,
  expected: { readonly sha256: string; readonly sizeBytes?: number | undefined },
  what: string,
  options: Pick<ResolveModelOptions, 'progress' | 'onProgress' | 'signal'>,
): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const failures: string[] = [];
  let mismatch: { url: string; actual: string; size: number } | undefined;
  for (const url of urls) {
    const temp = join(dirname(dest), `.${basename(dest)}.${randomUUID()}.part`);
    try {
      const got = await fetchToFile(url, temp, expected.sizeBytes ?? null, what, options);
      if (typeof got === 'string') {
        failures.push(`${url}: ${got}`);
        continue;
      }
      if (got.sha256 !== expected.sha256) {
        mismatch ??= { url, actual: got.sha256, size: got.size };
        failures.push(`${url}: SHA-256 ${got.sha256} (${got.size} bytes), expected ${expected.sha256}`);
        continue;
      }
      await rename(temp, dest);
      verified.delete(dest);
      return;
    } catch (e) {
      if (options.signal?.aborted) {
        throw new ModelError(
          'DOWNLOAD_FAILED',
          `The download of ${what} from ${url} was cancelled.`,
          { what, url },
          { cause: e },
        );
      }
      failures.push(`${url}: ${describeCause(e)}`);
    } finally {
      await rm(temp, { force: true });
    }
  }
  if (mismatch !== undefined) {
    throw new ModelError(
      'CHECKSUM_MISMATCH',
      `The file downloaded for ${what} from ${mismatch.url} is not the expected one: its SHA-256 is ` +
        `${mismatch.actual} (${mismatch.size} bytes), expected ${expected.sha256}. Nothing was cached. The URL may ` +
        `serve another version of the file; tried: ${failures.join('; ')}.`,
      { what, url: mismatch.url, expected: expected.sha256, actual: mismatch.actual },
    );
  }
  throw new ModelError(
    'DOWNLOAD_FAILED',
    `Cannot download ${what}. ${failures.join('; ')}. Check the network (or a proxy), set DEEPFRAME_MODEL_BASE_URL ` +
      'to a mirror, or download the file yourself and pass its path.',
    { what, urls: urls.join(' '), reasons: failures.join('; ') },
  );
}

async function fetchToFile(
  url: string,
  temp: string,
  knownSize: number | null,
  what: string,
  options: Pick<ResolveModelOptions, 'progress' | 'onProgress' | 'signal'>,
): Promise<{ sha256: string; size: number } | string> {
  const response = await fetch(url, {
    redirect: 'follow',
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    return `HTTP ${response.status} ${response.statusText}`.trim();
  }
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : knownSize;
  const hash = createHash('sha256');
  const bar =
    (options.progress ?? process.stderr.isTTY === true) && total !== null ? progressBar(what, total) : null;
  const file = await open(temp, 'w');
  let received = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      await file.write(chunk);
      received += chunk.length;
      options.onProgress?.({ url, received, total });
      bar?.update(received, { mb: (received / 1e6).toFixed(1) });
    }
  } finally {
    bar?.stop();
    await file.close();
  }
  return { sha256: hash.digest('hex'), size: received };
}

function progressBar(what: string, total: number): cliProgress.SingleBar {
  const bar = new cliProgress.SingleBar(
    {
      format: `Downloading ${what} [{bar}] {percentage}% {mb}/{totalMb} MB`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { mb: '0.0', totalMb: (total / 1e6).toFixed(1) });
  return bar;
}
