/**
 * The stdio transport: a stage over the Arrow IPC stream on stdin, its results as an Arrow IPC stream on stdout.
 * What Spark executors run (`node dist/src/worker/main.js --stdio`); the framing is in `stdioFraming.ts`.
 *
 * @module
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import * as arrow from 'apache-arrow';
import { runGangTask } from '../distributed/gangTask.js';
import { ExecutionError, IOError } from '../errors.js';
import { emptyBatch } from './ipc.js';
import { runStage, validateStageSpec } from './runStage.js';
import { createStageContext, describeStage, type StageSpec } from './StageSpec.js';
import { readStdioHeader } from './stdioFraming.js';

/** Options of {@link runStdio}. */
export interface RunStdioOptions {
  /** The worker's cache; a new one by default. */
  readonly cache?: Map<string, unknown>;
  /** The worker's identity in the stage's context; the process id by default. */
  readonly workerId?: number;
}

/** Gives an output batch the stream's schema, or fails when its columns differ from the first batch's. */
function conform(
  spec: StageSpec,
  schema: arrow.Schema,
  batch: arrow.RecordBatch,
  index: number,
): arrow.RecordBatch {
  const b: arrow.Field[] = batch.schema.fields;
  if (batch.schema === schema || arrow.util.compareSchemas(schema, batch.schema)) return batch;
  const a = schema.fields;
  const sameColumns =
    a.length === b.length &&
    a.every((f, i) => f.name === b[i]?.name && String(f.type) === String(b[i]?.type));
  // The same columns with other nullability or metadata: write the batch under the stream's schema.
  if (sameColumns) return new arrow.RecordBatch(schema, batch.data);
  const show = (fs: arrow.Field[]): string => fs.map((f) => `${f.name}: ${String(f.type)}`).join(', ');
  throw new ExecutionError(
    'STAGE_SCHEMA_CHANGED',
    `The ${describeStage(spec)} returned columns [${show(b)}] for batch ${index}, but [${show(a)}] for batch 0. ` +
      'Every batch of one stream must have the same columns.',
    { stage: describeStage(spec), batchIndex: String(index), expected: show(a), actual: show(b) },
  );
}

/**
 * Reads a header and an Arrow IPC stream from `input`, runs the header's stage over each batch in order, and
 * writes one Arrow IPC stream to `output`: one output batch per input batch. An input stream without batches
 * gives an output stream with the schema the stage returns for an empty batch, and no batch.
 *
 * Memory stays bounded: one input batch is read at a time, and the next is not read before the previous
 * output went out. On failure the output stream is left unterminated (no end-of-stream marker), so a reader
 * cannot mistake it for a complete one; the error is thrown.
 *
 * @example
 * ```ts
 * await runStdio(process.stdin, process.stdout);
 * ```
 */
export async function runStdio(
  input: AsyncIterable<Uint8Array>,
  output: Writable,
  options: RunStdioOptions = {},
): Promise<void> {
  const { header, rest } = await readStdioHeader(input);
  const spec = header.spec;
  validateStageSpec(spec);
  if (header.gang !== undefined && spec.kind === 'dataParallel') {
    await runGangTask(spec, header.gang, rest, output);
    return;
  }
  const reader = await arrow.RecordBatchReader.from(rest);
  await reader.open();
  if (reader.closed || reader.schema === null || reader.schema === undefined) {
    throw new IOError(
      'STDIO_NO_ARROW_STREAM',
      "The worker's input has a header but no Arrow IPC stream after it. Write one (a schema at least).",
      {},
    );
  }
  const cache = options.cache ?? new Map<string, unknown>();
  const workerId = options.workerId ?? process.pid;
  const partitionIndex = header.partitionIndex ?? -1;
  const contextFor = (batchIndex: number) =>
    createStageContext({ partitionIndex, batchIndex, cache, transport: 'stdio', workerId });

  const writer = new arrow.RecordBatchStreamWriter();
  let failure: unknown;
  const pump = (async () => {
    for await (const chunk of writer) {
      if (!output.write(chunk)) await once(output, 'drain');
    }
  })().catch((error: unknown) => {
    failure ??= error;
  });
  const flushed = async (): Promise<void> => {
    // Chunks reach the pump as microtasks; after setImmediate all of them were handed to `output`.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (output.writableNeedDrain && failure === undefined) await once(output, 'drain');
    if (failure !== undefined) throw failure;
  };

  let schema: arrow.Schema | undefined;
  let index = 0;
  for await (const batch of reader) {
    const out = await runStage(
      spec,
      batch.numRows === 0 ? emptyBatch(batch.schema) : batch,
      contextFor(index),
    );
    schema ??= out.schema;
    writer.write(conform(spec, schema, out, index));
    index += 1;
    await flushed();
  }
  if (schema === undefined) {
    const out = await runStage(spec, emptyBatch(reader.schema), contextFor(0));
    writer.reset(undefined, out.schema);
  }
  writer.close();
  await pump;
  if (failure !== undefined) throw failure;
}
