import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import * as arrow from 'apache-arrow';
import { packWorker, type WorkerArchive } from '../../src/engine/spark/executors/packWorker.js';
import { vectorData } from '../../src/tensor/vectors.js';
import type { StageSpec } from '../../src/worker/StageSpec.js';
import { encodeStdioHeader } from '../../src/worker/stdioFraming.js';
import { seededInput, tinyMlp } from '../fixtures/models/buildModels.js';

const run = promisify(execFile);

/** Runs `spec` over `table` with the worker of folder `home`, as an executor does: stdin in, stdout out. */
async function runWorker(home: string, spec: StageSpec, table: arrow.Table): Promise<arrow.Table> {
  const child = spawn(
    join(home, 'bin', 'node'),
    [join(home, 'dist', 'src', 'worker', 'main.js'), '--stdio'],
    {
      cwd: home,
      // Nothing of this machine's Node.js setup: no PATH to a node, no NODE_PATH, no NODE_OPTIONS.
      env: { PATH: '/nonexistent' },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.stdin.write(encodeStdioHeader({ spec, partitionIndex: 0 }));
  child.stdin.end(arrow.tableToIPC(table, 'stream'));
  const status = await exited;
  assert.equal(status, 0, Buffer.concat(err).toString());
  return arrow.tableFromIPC(Buffer.concat(out));
}

/** Whether a `node_modules` folder is at `dir` or any folder above it. */
function nodeModulesAbove(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) return join(d, 'node_modules');
    if (dirname(d) === d) return undefined;
  }
}

describe('deepframe pack-worker', () => {
  let outDir = '';
  let home = '';
  let archive: WorkerArchive;

  before(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'deepframe-pack-'));
    home = mkdtempSync(join(tmpdir(), 'deepframe-worker-home-'));
    archive = await packWorker({ outDir });
  });
  after(() => {
    rmSync(outDir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it('packs one .tar.gz named by its content, cached, and the same bytes when packed again', async (t) => {
    t.diagnostic(`${archive.fileName}: ${(archive.bytes / 1024 / 1024).toFixed(1)} MiB`);
    assert.match(archive.fileName, /^deepframe-worker-[0-9a-f]{16}\.tar\.gz$/);
    assert.equal(archive.fileName, `deepframe-worker-${archive.sha256.slice(0, 16)}.tar.gz`);
    assert.equal(archive.alias, archive.fileName.replace('.tar.gz', ''));
    assert.equal(archive.fromCache, false);
    assert.equal(archive.platform, process.platform);
    assert.equal(archive.arch, process.arch);
    for (const p of ['apache-arrow', 'onnxruntime-node', 'sharp', 'flatbuffers', 'tslib']) {
      assert.ok(archive.packages[p] !== undefined, `ships ${p}`);
    }

    const cached = await packWorker({ outDir });
    assert.deepEqual(cached, { ...archive, fromCache: true });
    const again = await packWorker({ outDir, force: true });
    assert.equal(again.sha256, archive.sha256, 'packing is deterministic');
  });

  it("holds the runtime, deepframe's code and this platform's binaries only", async () => {
    const { stdout } = await run('tar', ['-tzf', archive.path], { maxBuffer: 64 * 1024 * 1024 });
    const files = stdout.split('\n').filter((f) => f !== '');
    for (const f of ['bin/node', 'package.json', 'deepframe-worker.json', 'dist/src/worker/main.js']) {
      assert.ok(files.includes(f), `has ${f}`);
    }
    const napi = files.filter((f) => f.startsWith('node_modules/onnxruntime-node/bin/'));
    assert.ok(
      napi.some((f) => f.includes(`/${process.platform}/${process.arch}/`)),
      napi.join(', '),
    );
    assert.deepEqual(
      napi.filter((f) => !f.includes(`/${process.platform}/${process.arch}/`)),
      [],
      "no other platform's ONNX Runtime",
    );
    assert.deepEqual(
      files.filter((f) => /\.(map|d\.ts)$/.test(f)),
      [],
      'no source maps or declarations',
    );
    assert.ok(
      !files.some((f) => f.startsWith('node_modules/typescript/') || f.startsWith('node_modules/@biomejs/')),
      'no packages the worker does not import',
    );
  });

  it('runs stages over stdio from an empty folder, with nothing of the project around', async () => {
    await run('tar', ['-xzf', archive.path, '-C', home]);
    assert.equal(nodeModulesAbove(dirname(home)), undefined, 'no node_modules above the folder');

    // An ONNX Runtime stage, over a vector column.
    const mlp = tinyMlp();
    writeFileSync(join(home, 'mlp.onnx'), mlp.bytes);
    const n = 6;
    const x = seededInput(n * 4, 3);
    const input = new arrow.Table({ x: arrow.makeVector(vectorData(x, 4)) });
    const spec: StageSpec = {
      kind: 'onnx',
      modelPath: join(home, 'mlp.onnx'),
      session: {
        executionProviders: ['cpu'],
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      },
      inputs: [{ name: 'x', column: 'x', source: 'tensor', shape: [4] }],
      outputs: [{ name: 'logits', column: 'logits', kind: 'vector', size: 3 }],
      keep: [],
      batchSize: 4,
      onError: 'null',
    };
    const logits = await runWorker(home, spec, input);
    const expected = mlp.compute(x, n).logits;
    const got = logits.getChild('logits')!;
    for (let i = 0; i < n; i++) {
      const row = got.get(i)!.toArray() as Float32Array;
      // float32 ONNX Runtime against the float64 JavaScript twin: 1e-5 covers the rounding of a 4→5→3 network.
      row.forEach((v, j) => {
        assert.ok(Math.abs(v - expected[i * 3 + j]!) < 1e-5, `row ${i} logit ${j}`);
      });
    }

    // A module stage shipped next to the worker, importing a package that only the archive has.
    writeFileSync(
      join(home, 'stage.mjs'),
      `import * as arrow from 'apache-arrow';
       export const twice = (batch) => new arrow.RecordBatch({
         y: arrow.makeData({ type: new arrow.Float64(), data: Float64Array.from(batch.getChild('x').toArray(), (v) => v * 2) }),
       });`,
    );
    const twice = await runWorker(
      home,
      { kind: 'module', modulePath: join(home, 'stage.mjs'), exportName: 'twice', options: null },
      new arrow.Table({ x: arrow.vectorFromArray([1.5, 2, -3], new arrow.Float64()) }),
    );
    assert.deepEqual([...twice.getChild('y')!.toArray()], [3, 4, -6]);
  });
});
