import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as arrow from 'apache-arrow';
import { encodeStdioHeader, type StageSpec } from '../../src/worker/index.js';
import { basicStage, batchOf, column } from '../fixtures/stages/helpers.js';

const MAIN = fileURLToPath(new URL('../../src/worker/main.js', import.meta.url));

interface Run {
  readonly status: number | null;
  readonly stdout: Uint8Array;
  readonly stderr: string;
}

/** Runs `node main.js <args>` with `input` on stdin, to the end. */
function runWorker(input: readonly Uint8Array[], args: readonly string[] = ['--stdio']): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {}); // the worker may exit before reading all of its input
    child.on('error', reject);
    child.on('close', (status) =>
      resolve({ status, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }),
    );
    for (const chunk of input) child.stdin.write(chunk);
    child.stdin.end();
  });
}

function streamOf(batches: arrow.RecordBatch[]): Uint8Array {
  return arrow.tableToIPC(new arrow.Table(batches), 'stream');
}

function framed(spec: StageSpec, batches: arrow.RecordBatch[], partitionIndex?: number): Uint8Array[] {
  return [
    encodeStdioHeader(partitionIndex === undefined ? { spec } : { spec, partitionIndex }),
    streamOf(batches),
  ];
}

function errorLine(run: Run): Record<string, unknown> {
  const lines = run.stderr.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '') as Record<string, unknown>;
}

describe('worker main.js --stdio', () => {
  it('runs the stage over every batch of the input stream and writes one stream of results, in order', async () => {
    const inputs = [batchOf([1, 2, 3]), batchOf([10]), batchOf([-1.5, 0])];
    const run = await runWorker(framed(basicStage('scale', { factor: 2 }), inputs));
    assert.equal(run.status, 0, run.stderr);
    const table = arrow.tableFromIPC(run.stdout);
    assert.deepEqual(
      table.batches.map((b) => column(b, 'y')),
      [[2, 4, 6], [20], [-3, 0]],
    );
    assert.deepEqual(table.schema.names, ['x', 'y']);
  });

  it('streams many batches, split across many writes', async () => {
    const inputs = Array.from({ length: 50 }, (_, i) =>
      batchOf(Array.from({ length: 1000 }, (_, j) => i * 1000 + j)),
    );
    const bytes = [...framed(basicStage('double'), inputs)].flatMap((chunk) => {
      const pieces: Uint8Array[] = [];
      for (let at = 0; at < chunk.byteLength; at += 4093) pieces.push(chunk.subarray(at, at + 4093));
      return pieces;
    });
    const run = await runWorker(bytes);
    assert.equal(run.status, 0, run.stderr);
    const table = arrow.tableFromIPC(run.stdout);
    assert.equal(table.batches.length, 50);
    const y = column(table.batches[49]!, 'y');
    assert.equal(y[999], 2 * 49_999);
    assert.equal(table.numRows, 50_000);
  });

  it('passes the partition index and batch positions to the stage, with one cache for the process', async () => {
    const run = await runWorker(framed(basicStage('contextInfo'), [batchOf([1]), batchOf([2])], 7));
    assert.equal(run.status, 0, run.stderr);
    const [first, second] = arrow.tableFromIPC(run.stdout).batches;
    assert.deepEqual(column(first!, 'partitionIndex'), [7]);
    assert.deepEqual(column(second!, 'batchIndex'), [1]);
    assert.deepEqual(column(second!, 'calls'), [2]);
  });

  it("sends a stage's console output to stderr, keeping stdout a valid stream", async () => {
    const run = await runWorker(framed(basicStage('noisyDouble'), [batchOf([5])]));
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(column(arrow.tableFromIPC(run.stdout).batches[0]!, 'y'), [10]);
    assert.match(run.stderr, /must not end up in the Arrow stream/);
  });

  it('answers an input stream without batches with the output schema and no batch', async () => {
    const schema = batchOf([1]).schema;
    const writer = new arrow.RecordBatchStreamWriter();
    writer.reset(undefined, schema);
    writer.close();
    const run = await runWorker([
      encodeStdioHeader({ spec: basicStage('double') }),
      writer.toUint8Array(true),
    ]);
    assert.equal(run.status, 0, run.stderr);
    const table = arrow.tableFromIPC(run.stdout);
    assert.deepEqual(table.schema.names, ['x', 'y']);
    assert.equal(table.numRows, 0);
  });

  it('fails with one JSON line on stderr and exit status 1 when the stage cannot be resolved', async () => {
    const run = await runWorker(framed(basicStage('triple'), [batchOf([1])]));
    assert.equal(run.status, 1);
    const error = errorLine(run);
    assert.equal(error.errorClass, 'STAGE_EXPORT_NOT_FOUND');
    assert.equal((error.messageParameters as Record<string, string>).exportName, 'triple');
    assert.equal(run.stderr.trim().split('\n').length, 1);
  });

  it('fails with STAGE_FAILED when the stage throws, leaving the output without its end-of-stream marker', async () => {
    const run = await runWorker(framed(basicStage('throwing'), [batchOf([1])]));
    assert.equal(run.status, 1);
    assert.equal(errorLine(run).errorClass, 'STAGE_FAILED');
    const eos = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0);
    assert.notDeepEqual(run.stdout.subarray(run.stdout.byteLength - 8), eos);
  });

  it('fails with STAGE_SCHEMA_CHANGED when batches come back with other columns', async () => {
    const run = await runWorker(framed(basicStage('changingSchema'), [batchOf([1]), batchOf([2])]));
    assert.equal(run.status, 1);
    const error = errorLine(run);
    assert.equal(error.errorClass, 'STAGE_SCHEMA_CHANGED');
    assert.equal((error.messageParameters as Record<string, string>).batchIndex, '1');
  });

  it('fails with STDIO_BAD_MAGIC when the input is a bare Arrow stream', async () => {
    const run = await runWorker([streamOf([batchOf([1])])]);
    assert.equal(run.status, 1);
    const error = errorLine(run);
    assert.equal(error.errorClass, 'STDIO_BAD_MAGIC');
    assert.match(String(error.message), /Arrow IPC stream/);
  });

  it('fails with STDIO_TRUNCATED_HEADER when the input ends inside the header', async () => {
    const header = encodeStdioHeader({ spec: basicStage('double') });
    const run = await runWorker([header.subarray(0, 12)]);
    assert.equal(run.status, 1);
    assert.equal(errorLine(run).errorClass, 'STDIO_TRUNCATED_HEADER');
  });

  it('fails with STDIO_NO_ARROW_STREAM when the header is not followed by a stream', async () => {
    const run = await runWorker([encodeStdioHeader({ spec: basicStage('double') })]);
    assert.equal(run.status, 1);
    assert.equal(errorLine(run).errorClass, 'STDIO_NO_ARROW_STREAM');
  });

  it('fails with UNKNOWN_STAGE_KIND for a kind it does not know', async () => {
    const spec = { kind: 'teleport' } as unknown as StageSpec;
    const run = await runWorker(framed(spec, [batchOf([1])]));
    assert.equal(run.status, 1);
    assert.equal(errorLine(run).errorClass, 'UNKNOWN_STAGE_KIND');
  });

  it('exits with status 2 and a usage line without --stdio', async () => {
    const run = await runWorker([], []);
    assert.equal(run.status, 2);
    assert.equal(errorLine(run).errorClass, 'WORKER_USAGE');
  });
});
