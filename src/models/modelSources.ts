/**
 * Model sources beyond files and zoo names: an `http(s)` URL carrying its checksum, and bytes in memory. Both end
 * as a local file in `DEEPFRAME_HOME/models/`, named by content, which is what stage specs carry to workers.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ModelError } from '../errors.js';
import { downloadVerified, type ResolveModelOptions, resolveModel, verifiedCopy } from './download.js';
import { deepframeHome, isOffline } from './home.js';

const SHA256 = /^[0-9a-f]{64}$/;

/** Whether a model reference is an `http(s)` URL. */
export function isModelUrl(model: string): boolean {
  return /^https?:\/\//i.test(model);
}

/**
 * The local file of a model given as a path, a zoo name, or an `http(s)` URL whose fragment gives its checksum
 * (`https://host/m.onnx#sha256=<64 hex digits>`): URLs are downloaded once into the cache and checked, as zoo
 * models are. A URL without a checksum is refused, so that what runs is always what was meant.
 *
 * @example
 * ```ts
 * const path = await localModelFile('https://models.example.com/net.onnx#sha256=9f86d0…');
 * ```
 */
export async function localModelFile(model: string, options: ResolveModelOptions = {}): Promise<string> {
  if (!isModelUrl(model)) return (await resolveModel(model, options)).path;
  const url = new URL(model);
  const sha256 = new URLSearchParams(url.hash.slice(1)).get('sha256')?.toLowerCase();
  if (sha256 === undefined || !SHA256.test(sha256)) {
    throw new ModelError(
      'MODEL_CHECKSUM_REQUIRED',
      `A model URL must say its SHA-256, as '${url.origin}${url.pathname}#sha256=<64 hex digits>', so that the download can be checked; got '${model}'.`,
      { url: model },
    );
  }
  url.hash = '';
  const name = basename(url.pathname) || 'model.onnx';
  const path = join(deepframeHome(options.home), 'models', `url-${sha256.slice(0, 12)}-${name}`);
  if ((await verifiedCopy(path, sha256)) === 'ok') return path;
  if (isOffline(options.offline)) {
    throw new ModelError(
      'MODEL_NOT_CACHED',
      `Model ${url.href} is not in the cache, and downloads are off (DEEPFRAME_OFFLINE=1). Place the file (SHA-256 ${sha256}) at '${path}'.`,
      { url: url.href, path, sha256 },
    );
  }
  await downloadVerified([url.href], path, { sha256 }, name, options);
  return path;
}

/**
 * Writes model bytes to the cache (once per content) and returns the file's path, for stages that take a path.
 *
 * @example
 * ```ts
 * const t = new OnnxTransformer({ model: await modelFileFromBytes(bytes), inputMapping, outputMapping });
 * ```
 */
export async function modelFileFromBytes(
  bytes: Uint8Array,
  options: { home?: string } = {},
): Promise<string> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const dir = join(deepframeHome(options.home), 'models');
  const path = join(dir, `bytes-${sha256.slice(0, 16)}.onnx`);
  if (!existsSync(path)) {
    await mkdir(dir, { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, bytes);
    await rename(temp, path);
  }
  return path;
}
