import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { describeCause, IOError, SparkError } from '../../../errors.js';
import type * as proto from '../proto/index.js';
import { crc32 } from './crc32.js';

/**
 * A file for the Spark session: its name says what the server does with it.
 *
 * - `jars/<name>.jar`: added to the session's class loader (JVM UDFs, data sources);
 * - `pyfiles/<name>` (`.py`, `.zip`, `.egg`): put on the executors' Python path;
 * - `archives/<name>[#alias]` (`.zip`, `.tar.gz`, `.tgz`, `.tar`, `.jar`): unpacked in each executor's working folder;
 * - `files/<name>`: copied to each executor's working folder;
 * - `classes/<path>.class`: JVM classes for the session;
 * - `cache/<sha256>`: bytes the server keeps by hash (a `CachedLocalRelation`'s serialized LocalRelation).
 */
export interface ArtifactEntry {
  /** The artifact's name, a relative path that starts with its kind (`jars/`, `pyfiles/`, …). */
  readonly name: string;
  /** The bytes, or the path of a local file to stream them from. */
  readonly data: Uint8Array | string;
}

/** What the server says about one uploaded artifact. */
export interface ArtifactSummary {
  readonly name: string;
  /** Whether every chunk arrived with a matching CRC-32; the server drops an artifact that failed. */
  readonly crcSuccessful: boolean;
}

/** The default size of one upload message's data: artifacts up to this size go in batches, larger ones in chunks. */
export const DEFAULT_ARTIFACT_CHUNK_SIZE = 1024 * 1024;

const KINDS = ['jars/', 'pyfiles/', 'archives/', 'files/', 'classes/', 'cache/'] as const;

function invalidName(name: string, why: string): SparkError {
  return new SparkError(
    'INVALID_ARTIFACT_NAME',
    `Invalid artifact name '${name}': ${why}. Names are relative paths starting with ${KINDS.join(', ')}, such as 'jars/udfs.jar' or 'archives/env.tar.gz#env'.`,
    { name },
  );
}

/**
 * Checks an artifact name as the server will: a known kind, a relative normalized path, kind-specific suffixes. A
 * bad name is a {@link SparkError} `INVALID_ARTIFACT_NAME`.
 *
 * @example
 * ```ts
 * validateArtifactName('archives/env.tar.gz#env'); // fine
 * validateArtifactName('model.onnx'); // throws: no kind
 * ```
 */
export function validateArtifactName(name: string): void {
  const kind = KINDS.find((k) => name.startsWith(k));
  if (kind === undefined) throw invalidName(name, 'it does not start with a known kind');
  const path = kind === 'archives/' ? name.replace(/#[^#/]*$/, '') : name;
  const segments = path.split('/');
  if (path.includes('\\') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw invalidName(
      name,
      "it must be a normalized relative path (no empty, '.' or '..' segments, no '\\')",
    );
  }
  if (kind === 'jars/' && !name.endsWith('.jar')) throw invalidName(name, "a jar's name must end with .jar");
  if (kind === 'classes/' && !name.endsWith('.class'))
    throw invalidName(name, "a class's name must end with .class");
  if (kind === 'cache/' && !/^cache\/[0-9a-f]{64}$/.test(name)) {
    throw invalidName(name, 'a cache entry is named by the SHA-256 of its bytes, in lowercase hex');
  }
}

/**
 * The `cache/` artifact name of some bytes: `cache/` + their SHA-256 in hex.
 *
 * @example
 * ```ts
 * cacheArtifactName(new Uint8Array([1, 2, 3])); // 'cache/039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81'
 * ```
 */
export function cacheArtifactName(bytes: Uint8Array): string {
  return `cache/${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Reads an artifact's bytes in pieces. */
interface ArtifactSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

async function openSource(entry: ArtifactEntry): Promise<ArtifactSource> {
  const data = entry.data;
  if (typeof data !== 'string') {
    return {
      size: data.byteLength,
      read: async (offset, length) => data.subarray(offset, offset + length),
      close: async () => {},
    };
  }
  try {
    const handle = await open(data, 'r');
    const { size } = await handle.stat();
    return {
      size,
      async read(offset, length) {
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(buffer, 0, length, offset);
        return buffer.subarray(0, bytesRead);
      },
      close: () => handle.close(),
    };
  } catch (e) {
    throw new IOError(
      'ARTIFACT_NOT_READABLE',
      `Cannot read the file '${data}' for artifact '${entry.name}': ${describeCause(e)}.`,
      { name: entry.name, path: data },
      { cause: e },
    );
  }
}

function chunk(data: Uint8Array): proto.ArtifactChunk {
  return { data, crc: crc32(data) };
}

/** The payload part of an `AddArtifactsRequest` (the session fields are the client's). */
export type ArtifactPayload = Pick<proto.AddArtifactsRequest, 'batch' | 'beginChunk' | 'chunk'>;

/**
 * The payloads of an upload, in order: artifacts of at most `chunkSize` bytes go together in batches of at most
 * `chunkSize` bytes; a larger artifact goes as a `beginChunk` (name, total size, chunk count, first chunk) followed by
 * its further chunks. Every chunk carries its CRC-32. Files are read one chunk at a time.
 */
export async function* artifactPayloads(
  entries: readonly ArtifactEntry[],
  chunkSize = DEFAULT_ARTIFACT_CHUNK_SIZE,
): AsyncGenerator<ArtifactPayload> {
  for (const entry of entries) validateArtifactName(entry.name);
  let batch: { name: string; data: proto.ArtifactChunk }[] = [];
  let batchBytes = 0;
  for (const entry of entries) {
    const source = await openSource(entry);
    try {
      if (source.size <= chunkSize) {
        if (batch.length > 0 && batchBytes + source.size > chunkSize) {
          yield { batch: { artifacts: batch } };
          batch = [];
          batchBytes = 0;
        }
        batch.push({ name: entry.name, data: chunk(await source.read(0, source.size)) });
        batchBytes += source.size;
        continue;
      }
      if (batch.length > 0) {
        yield { batch: { artifacts: batch } };
        batch = [];
        batchBytes = 0;
      }
      const numChunks = Math.ceil(source.size / chunkSize);
      yield {
        beginChunk: {
          name: entry.name,
          totalBytes: source.size,
          numChunks,
          initialChunk: chunk(await source.read(0, chunkSize)),
        },
      };
      for (let i = 1; i < numChunks; i++) yield { chunk: chunk(await source.read(i * chunkSize, chunkSize)) };
    } finally {
      await source.close();
    }
  }
  if (batch.length > 0) yield { batch: { artifacts: batch } };
}
