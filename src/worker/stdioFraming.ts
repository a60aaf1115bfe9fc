/**
 * The framing of the stdio transport's input: a length-prefixed JSON header, then one Arrow IPC stream.
 *
 * ```
 * offset  size  content
 * 0       4     magic: the ASCII bytes "DFW1" (deepframe worker, framing version 1)
 * 4       4     N: the header's length in bytes, unsigned 32-bit little-endian
 * 8       N     the header: UTF-8 JSON {"spec": StageSpec, "partitionIndex"?: number}
 * 8 + N   …     one Arrow IPC stream: schema, record batches, end-of-stream marker
 * ```
 *
 * @module
 */
import type { GangHeader } from '../distributed/gangTask.js';
import { describeCause, IOError } from '../errors.js';
import type { StageSpec } from './StageSpec.js';

/** The four bytes that start the stdio transport's input: `DFW1`. */
export const STDIO_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0x44, 0x46, 0x57, 0x31);

/** The largest header accepted: 16 MiB. Options are parameters, not data; ship data as batches or files. */
export const MAX_HEADER_BYTES = 16 * 1024 * 1024;

/** What the header of the stdio transport says. */
export interface StdioHeader {
  /** The stage to run over every batch of the stream. */
  readonly spec: StageSpec;
  /** The partition (task) the stream is; `-1` or absent when unknown. */
  readonly partitionIndex?: number;
  /** Present when the task is a member of a data-parallel gang (Spark barrier mode): see `distributed/gangTask.ts`. */
  readonly gang?: GangHeader;
}

/**
 * The bytes that start the stdio transport's input: magic, length and JSON header. Write the Arrow IPC stream
 * right after them.
 *
 * @example
 * ```ts
 * child.stdin.write(encodeStdioHeader({ spec, partitionIndex: 0 }));
 * child.stdin.end(arrow.tableToIPC(table, 'stream'));
 * ```
 */
export function encodeStdioHeader(header: StdioHeader): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.byteLength);
  bytes.set(STDIO_MAGIC, 0);
  new DataView(bytes.buffer).setUint32(4, json.byteLength, true);
  bytes.set(json, 8);
  return bytes;
}

/** A stdio input split into its header and the bytes after it (the Arrow IPC stream), read lazily. */
export interface FramedInput {
  readonly header: StdioHeader;
  /** The rest of the input, from the first byte after the header. */
  readonly rest: AsyncIterable<Uint8Array>;
}

function truncated(have: number, need: number): IOError {
  return new IOError(
    'STDIO_TRUNCATED_HEADER',
    `The worker's input ended after ${have} bytes, inside its header (${need} bytes needed). ` +
      'Write the header of encodeStdioHeader() and then an Arrow IPC stream.',
    { bytesRead: String(have), bytesNeeded: String(need) },
  );
}

function parseHeader(bytes: Uint8Array): StdioHeader {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new IOError(
      'STDIO_BAD_HEADER',
      `The worker's input header is not UTF-8 JSON: ${describeCause(cause)}.`,
      { reason: describeCause(cause) },
      { cause },
    );
  }
  const v = value as { spec?: unknown; partitionIndex?: unknown } | null;
  if (typeof v !== 'object' || v === null || typeof v.spec !== 'object' || v.spec === null) {
    throw new IOError(
      'STDIO_BAD_HEADER',
      `The worker's input header must be an object {"spec": {...}, "partitionIndex"?: number}; got ${JSON.stringify(value)}.`,
      { header: JSON.stringify(value) },
    );
  }
  if (v.partitionIndex !== undefined && !Number.isInteger(v.partitionIndex)) {
    throw new IOError(
      'STDIO_BAD_HEADER',
      `The header's partitionIndex must be an integer; got ${JSON.stringify(v.partitionIndex)}.`,
      { field: 'partitionIndex', value: String(v.partitionIndex) },
    );
  }
  return value as StdioHeader;
}

/**
 * Reads the header from the front of a byte stream and returns it with the rest of the stream. Throws an
 * `IOError` for a wrong magic (`STDIO_BAD_MAGIC`), a short input (`STDIO_TRUNCATED_HEADER`), an oversized or
 * malformed header (`STDIO_BAD_HEADER`).
 */
export async function readStdioHeader(input: AsyncIterable<Uint8Array>): Promise<FramedInput> {
  const iterator = input[Symbol.asyncIterator]();
  let buffered = new Uint8Array(0);
  const fill = async (need: number): Promise<void> => {
    while (buffered.byteLength < need) {
      const next = await iterator.next();
      if (next.done === true) throw truncated(buffered.byteLength, need);
      const joined = new Uint8Array(buffered.byteLength + next.value.byteLength);
      joined.set(buffered, 0);
      joined.set(next.value, buffered.byteLength);
      buffered = joined;
    }
  };
  await fill(8);
  if (!STDIO_MAGIC.every((b, i) => buffered[i] === b)) {
    const arrowFirst =
      buffered[0] === 0xff && buffered[1] === 0xff && buffered[2] === 0xff && buffered[3] === 0xff;
    throw new IOError(
      'STDIO_BAD_MAGIC',
      `The worker's input does not start with "DFW1" but with bytes ${[...buffered.subarray(0, 4)].join(',')}. ` +
        (arrowFirst
          ? 'That is an Arrow IPC stream: write the header of encodeStdioHeader() before it.'
          : 'Write the header of encodeStdioHeader(), then an Arrow IPC stream.'),
      { firstBytes: [...buffered.subarray(0, 4)].join(',') },
    );
  }
  const length = new DataView(buffered.buffer, buffered.byteOffset, 8).getUint32(4, true);
  if (length > MAX_HEADER_BYTES) {
    throw new IOError(
      'STDIO_BAD_HEADER',
      `The worker's input header is ${length} bytes; at most ${MAX_HEADER_BYTES} are accepted.`,
      { headerBytes: String(length), maxHeaderBytes: String(MAX_HEADER_BYTES) },
    );
  }
  await fill(8 + length);
  const header = parseHeader(buffered.subarray(8, 8 + length));
  const leftover = buffered.subarray(8 + length);
  async function* rest(): AsyncGenerator<Uint8Array> {
    if (leftover.byteLength > 0) yield leftover;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      yield next.value;
    }
  }
  return { header, rest: rest() };
}
