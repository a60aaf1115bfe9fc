import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadDigits, writeDigitImages } from '../../src/cli/digits.js';
import { DeepImagePredictor } from '../../src/dl/DeepImagePredictor.js';
import { ImageClassifier } from '../../src/dl/ImageClassifier.js';
import { OnnxTransformer } from '../../src/dl/OnnxTransformer.js';
import { ensurePyspark } from '../../src/engine/spark/cluster/index.js';
import { executorModuleFile } from '../../src/engine/spark/executors/artifacts.js';
import { packWorker } from '../../src/engine/spark/executors/packWorker.js';
import { mapInArrowCommand } from '../../src/engine/spark/executors/pickle.js';
import { sparkJsonSchema } from '../../src/engine/spark/executors/sparkSchema.js';
import { stageErrorFrom } from '../../src/engine/spark/executors/stageErrors.js';
import { DeepframeError, SparkError } from '../../src/errors.js';
import { col } from '../../src/frame/functions.js';
import { Session } from '../../src/frame/Session.js';
import { DataTypes, type StructType } from '../../src/types/DataType.js';
import type { Row } from '../../src/types/Value.js';
import { seededInput, tinyMlp, writeModel } from '../fixtures/models/buildModels.js';
import { useSparkCluster } from './helpers/cluster.js';

const run = promisify(execFile);
const framesModule = fileURLToPath(new URL('../fixtures/stages/frames.js', import.meta.url));

/** Stage modules written for these tests: the executors get them as shipped files, with no project around. */
const STAGE_MODULE = `
import { existsSync, writeFileSync } from 'node:fs';
import * as arrow from 'apache-arrow';

/** Exits the worker process the first time it runs a partition (leaving a marker), then returns its input. */
export function dieOnce(batch, options, context) {
  const marker = options.markerPrefix + context.partitionIndex;
  if (!existsSync(marker)) {
    writeFileSync(marker, String(process.pid));
    process.exit(3);
  }
  return batch;
}

/** Fails with a message of its own. */
export function fail(batch) {
  throw new Error('the digits are wrong in ' + batch.schema.fields.length + ' column(s)');
}

/** A vector column of the batch's ids, as the stage reads its input vectors. */
export function sumVector(batch) {
  const v = batch.getChild('v');
  const values = v.data[0].children[0].values;
  const size = v.type.listSize;
  const sums = new Float64Array(batch.numRows);
  for (let r = 0; r < batch.numRows; r++) for (let j = 0; j < size; j++) sums[r] += values[(v.data[0].offset + r) * size + j];
  return new arrow.RecordBatch({ sum: arrow.makeData({ type: new arrow.Float64(), length: sums.length, data: sums }) });
}
`;

const squareSchema = DataTypes.struct([
  DataTypes.field('id', DataTypes.long),
  DataTypes.field('square', DataTypes.double),
  DataTypes.field('thread', DataTypes.integer),
]);

/** Rows sorted by `id`, without the columns that legitimately differ between engines. */
async function rowsOf(df: ReturnType<Session['range']>, ...drop: string[]): Promise<Row[]> {
  const rows = await df.orderBy('id').collect();
  return rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !drop.includes(k))));
}

function assertClose(actual: Float32Array, expected: Float32Array, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(
      Math.abs(actual[i]! - expected[i]!) <= tolerance,
      `${what}[${i}]: ${actual[i]} vs ${expected[i]} (tolerance ${tolerance})`,
    );
  }
}

describe('the UDF command pickle', () => {
  it("unpickles with pyspark's own serializer to (the runner, the declared Spark type)", async () => {
    const { python } = await ensurePyspark();
    const dir = mkdtempSync(join(tmpdir(), 'deepframe-pickle-'));
    try {
      // The executor module under the name the session ships it as.
      writeFileSync(join(dir, 'deepframe_executor_0123456789ab.py'), readFileSync(executorModuleFile()));
      const schema: StructType = DataTypes.struct([
        DataTypes.field('id', DataTypes.long, false),
        DataTypes.field('features', DataTypes.vector(3)),
        DataTypes.field('tags', DataTypes.array(DataTypes.string)),
      ]);
      const config = JSON.stringify({
        version: 1,
        spec: { kind: 'module', modulePath: 'x', exportName: 'é✓' },
      });
      const command = mapInArrowCommand(
        'deepframe_executor_0123456789ab',
        'make_runner',
        config,
        sparkJsonSchema(schema),
      );
      writeFileSync(join(dir, 'command.pickle'), command);
      const script = [
        'import sys, json',
        `sys.path.insert(0, ${JSON.stringify(dir)})`,
        'from pyspark.serializers import CPickleSerializer',
        `data = open(${JSON.stringify(join(dir, 'command.pickle'))}, 'rb').read()`,
        'f, rt = CPickleSerializer().loads(data)',
        'print(json.dumps({"name": f.__name__, "module": f.__module__, "callable": callable(f),',
        '  "type": rt.simpleString(), "meta": rt["features"].metadata, "nullable": rt["id"].nullable}))',
      ].join('\n');
      const { stdout } = await run(python, ['-c', script]);
      assert.deepEqual(JSON.parse(stdout), {
        name: 'deepframe_stage',
        module: 'deepframe_executor_0123456789ab',
        callable: true,
        type: 'struct<id:bigint,features:array<float>,tags:array<string>>',
        meta: { deepframe: { vector: 3 } },
        nullable: false,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the executor module, without Spark', () => {
  let home = '';
  let root = '';
  before(async () => {
    const archive = await packWorker();
    home = mkdtempSync(join(tmpdir(), 'deepframe-runner-worker-'));
    root = mkdtempSync(join(tmpdir(), 'deepframe-runner-files-'));
    await run('tar', ['-xzf', archive.path, '-C', home]);
    await writeModel(root, 'mlp', tinyMlp().bytes);
  });
  after(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  /** Runs a Python snippet with the executor module imported as `de`, files under `root`, the worker at `home`. */
  async function python(snippet: string): Promise<unknown> {
    const { python: exe } = await ensurePyspark();
    const output = DataTypes.struct([
      DataTypes.field('id', DataTypes.long),
      DataTypes.field('x', DataTypes.vector(4)),
      DataTypes.field('logits', DataTypes.vector(3)),
    ]);
    const config = {
      version: 1,
      spec: {
        kind: 'onnx',
        modelPath: 'deepframe-file:mlp.onnx',
        session: { intraOpNumThreads: 1 },
        inputs: [{ name: 'x', column: 'x', source: 'tensor', shape: [4] }],
        outputs: [{ name: 'logits', column: 'logits', kind: 'vector', size: 3 }],
        keep: [],
        batchSize: 4,
        onError: 'null',
      },
      stage: 'onnx stage',
      worker: { path: home },
      batchSize: 4,
      appendToInput: true,
      vectors: { x: 4 },
      outputColumns: ['id', 'x', 'logits'],
      outputType: JSON.parse(sparkJsonSchema(output)),
      linkNodeModules: false,
    };
    const script = [
      'import sys, json',
      `sys.path.insert(0, ${JSON.stringify(dirname(executorModuleFile()))})`,
      'import pyarrow as pa',
      'import deepframe_executor as de',
      `de.files_root = lambda: ${JSON.stringify(root)}`,
      `config = ${JSON.stringify(JSON.stringify(config))}`,
      'def batch(ids):',
      '    x = pa.array([[float(i), 1.0, -1.0, 0.5] for i in ids], pa.list_(pa.field("element", pa.float32(), False)))',
      '    return pa.RecordBatch.from_arrays([pa.array(ids, pa.int64()), x], names=["id", "x"])',
      snippet,
    ].join('\n');
    const { stdout } = await run(exe, ['-c', script], {
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    return JSON.parse(stdout);
  }

  it('streams batches through the worker: vectors in, columns appended, lists out, batches cut to batchSize', async () => {
    const result = await python(
      [
        'out = list(de.make_runner(config)(iter([batch(list(range(5))), batch(list(range(5, 12)))])))',
        'print(json.dumps({"rows": [b.num_rows for b in out], "schema": [str(f.type) for f in out[0].schema],',
        '  "names": out[0].schema.names, "ids": [i for b in out for i in b.column(0).to_pylist()]}))',
      ].join('\n'),
    );
    assert.deepEqual(result, {
      rows: [4, 1, 4, 3],
      schema: ['int64', 'list<element: float not null>', 'list<element: float not null>'],
      names: ['id', 'x', 'logits'],
      ids: Array.from({ length: 12 }, (_, i) => i),
    });
  });

  it('starts no worker for an empty partition', async () => {
    const result = await python(
      [
        'c = json.loads(config); c["worker"] = {"path": "/nonexistent"}',
        'print(json.dumps(len(list(de.make_runner(json.dumps(c))(iter([]))))))',
      ].join('\n'),
    );
    assert.equal(result, 0);
  });

  it("fails with deepframe's error, naming the column, when a row does not fit its vector size", async () => {
    const result = await python(
      [
        'bad = pa.RecordBatch.from_arrays([pa.array([1], pa.int64()), pa.array([[1.0, 2.0]], pa.list_(pa.float32()))], names=["id", "x"])',
        'try:',
        '    list(de.make_runner(config)(iter([bad])))',
        'except de.DeepframeStageError as e:',
        '    print(json.dumps(e.wire))',
      ].join('\n'),
    );
    assert.equal((result as { errorClass: string }).errorClass, 'VECTOR_SIZE_MISMATCH');
    assert.match((result as { message: string }).message, /column 'x' as vector<4>/);
  });
});

describe('stageErrorFrom', () => {
  it("rebuilds deepframe's error from the line a failed task carries", () => {
    const spark = new SparkError(
      'SPARK_SERVER_ERROR',
      'Job aborted … PythonException: Traceback …\n' +
        'DeepframeStageError: [STAGE_FAILED] boom\n' +
        'deepframe-error: {"errorClass":"STAGE_FAILED","message":"boom","messageParameters":{"stage":"s"},"name":"ExecutionError"}\n' +
        '\tat org.apache.spark…',
    );
    const error = stageErrorFrom(spark);
    assert.ok(error instanceof DeepframeError);
    assert.equal(error.name, 'ExecutionError');
    assert.equal(error.errorClass, 'STAGE_FAILED');
    assert.equal(error.message, '[STAGE_FAILED] boom');
    assert.deepEqual(error.messageParameters, { stage: 's' });
    assert.equal(error.cause, spark);
    assert.equal(stageErrorFrom(new SparkError('X', 'nothing of ours')), undefined);
  });
});

describe('deepframe stages on Spark executors (a standalone cluster)', () => {
  const cluster = useSparkCluster('standalone', { workers: 1, cores: 2 });
  let spark: Session | undefined;
  let local: Session | undefined;
  let dir = '';
  let stages = '';

  before(async () => {
    spark = await Session.builder().remote(cluster().connectUrl).create();
    local = await Session.builder().master('local[2]').create();
    dir = mkdtempSync(join(tmpdir(), 'deepframe-executors-'));
    stages = join(dir, 'stages.mjs');
    writeFileSync(stages, STAGE_MODULE);
    // The embedded engine imports the module where it is: give it the project's packages, as an app would have.
    symlinkSync(fileURLToPath(new URL('../../../node_modules', import.meta.url)), join(dir, 'node_modules'));
  });
  after(async () => {
    await spark?.stop();
    await local?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('runs mapInArrow with a module stage: the same rows as the embedded engine', async (t) => {
    const frame = (s: Session) =>
      s
        .range(0, 1000)
        .repartition(3)
        .mapInArrow({ modulePath: framesModule, exportName: 'square' }, squareSchema, { batchSize: 64 });
    const started = performance.now();
    const onSpark = await rowsOf(frame(spark!), 'thread');
    t.diagnostic(
      `first stage of the session (packs or finds the worker, ships it): ${(performance.now() - started).toFixed(0)} ms`,
    );
    assert.equal(onSpark.length, 1000);
    assert.deepEqual(onSpark, await rowsOf(frame(local!), 'thread'));
    assert.deepEqual(await frame(spark!).schema(), squareSchema);

    const again = performance.now();
    assert.equal(await frame(spark!).count(), 1000);
    t.diagnostic(`again, everything shipped: ${(performance.now() - again).toFixed(0)} ms for 3 tasks`);
    // A limit stops reading the workers' output early; the job still ends.
    assert.equal((await frame(spark!).limit(5).collect()).length, 5);
  });

  it('turns vector columns into fixed-size lists for the stage, and keeps vector types through Spark', async () => {
    const v = seededInput(40, 9);
    const rows = Array.from({ length: 10 }, (_, i) => ({ id: i, v: v.slice(i * 4, i * 4 + 4) }));
    const schema = DataTypes.struct([
      DataTypes.field('id', DataTypes.integer),
      DataTypes.field('v', DataTypes.vector(4)),
    ]);
    const out = DataTypes.struct([DataTypes.field('sum', DataTypes.double)]);
    const df = spark!.createDataFrame(rows, schema);
    assert.deepEqual(await df.schema(), schema, 'a local vector column is vector<4> on Spark too');
    const sums = await df
      .mapInArrow({ modulePath: stages, exportName: 'sumVector' }, out, { batchSize: 3 })
      .collect();
    const expected = rows.map((r) => r.v.reduce((a, b) => a + b, 0));
    assert.deepEqual(
      sums.map((r) => Math.round((r.sum as number) * 1e5)).sort((a, b) => a - b),
      expected.map((x) => Math.round(x * 1e5)).sort((a, b) => a - b),
    );
  });

  it('runs OnnxTransformer over a vector column: the embedded engine’s outputs', async () => {
    const mlp = tinyMlp();
    const modelPath = await writeModel(dir, 'mlp', mlp.bytes);
    const n = 200;
    const x = seededInput(n * 4, 5);
    const schema = DataTypes.struct([
      DataTypes.field('id', DataTypes.integer),
      DataTypes.field('x', DataTypes.vector(4)),
    ]);
    const rows = Array.from({ length: n }, (_, i) => ({ id: i, x: x.slice(i * 4, i * 4 + 4) }));
    const transform = async (s: Session) => {
      const t = new OnnxTransformer({
        model: modelPath,
        inputMapping: { x: 'x' },
        outputMapping: { logits: 'logits' },
        batchSize: 16,
      });
      const out = await t.transform(s.createDataFrame(rows, schema).repartition(3));
      return { schema: await out.schema(), rows: await out.orderBy('id').collect() };
    };
    const onSpark = await transform(spark!);
    const embedded = await transform(local!);
    assert.deepEqual(onSpark.schema, embedded.schema);
    assert.deepEqual(onSpark.schema.fields[2]?.type, DataTypes.vector(3));
    assert.equal(onSpark.rows.length, n);
    onSpark.rows.forEach((r, i) => {
      const e = embedded.rows[i]!;
      assert.equal(r.id, e.id);
      assertClose(r.x as Float32Array, e.x as Float32Array, 0, `row ${i} x`);
      // The same ONNX Runtime on the same CPU; threads per session may differ between the engines, which can
      // reorder a float sum: 1e-6 is far above that (logits are O(1)) and far below any real difference.
      assertClose(r.logits as Float32Array, e.logits as Float32Array, 1e-6, `row ${i} logits`);
    });
  });

  it('runs DeepImagePredictor (DigitsCNN) over read.images of shipped digits: the embedded engine’s outputs', async () => {
    const digits = await loadDigits();
    const images = join(dir, 'digits');
    await writeDigitImages(digits, digits.test.slice(0, 24), images);
    const predict = async (s: Session) => {
      const predictor = new DeepImagePredictor({
        inputCol: 'image',
        outputCol: 'probabilities',
        modelName: 'DigitsCNN',
      });
      const df = s.read.images(images, { recursive: true, labelFromFolder: true });
      const out = await predictor.transform(df);
      const rows = await out.select(col('image.origin').alias('origin'), 'label', 'probabilities').collect();
      return rows
        .map((r) => ({
          file: basename(String(r.origin)),
          label: r.label,
          p: r.probabilities as Float32Array,
        }))
        .sort((a, b) => a.file.localeCompare(b.file));
    };
    const onSpark = await predict(spark!);
    const embedded = await predict(local!);
    assert.equal(onSpark.length, 24);
    assert.deepEqual(
      onSpark.map((r) => [r.file, r.label]),
      embedded.map((r) => [r.file, r.label]),
    );
    const argmax = (p: Float32Array) => p.indexOf(Math.max(...p));
    onSpark.forEach((r, i) => {
      // Spark decodes the PNGs with Java's ImageIO, the embedded engine with sharp: the same lossless pixels.
      assertClose(r.p, embedded[i]!.p, 1e-6, `${r.file} probabilities`);
      assert.equal(argmax(r.p), argmax(embedded[i]!.p));
    });
    const correct = onSpark.filter((r) => String(argmax(r.p)) === r.label).length;
    assert.ok(correct >= 22, `${correct}/24 digits right`);
  });

  it('fits an ImageClassifier on a Spark DataFrame; its model scores the same on Spark and on the embedded engine', async () => {
    const digits = await loadDigits();
    const images = join(dir, 'digits-5to9');
    const upper = digits.train.filter((r) => (digits.labels[r] ?? 0) >= 5).slice(0, 80);
    await writeDigitImages(digits, upper, images);
    const frame = (s: Session) =>
      s.read
        .images(images, { recursive: true, labelFromFolder: true })
        .withColumn('y', col('label').cast('double').minus(5));
    const model = await new ImageClassifier({
      labelCol: 'y',
      modelName: 'DigitsBackbone0to4',
      epochs: 10,
      learningRate: 0.01,
      seed: 4,
      showProgress: false,
    }).fit(frame(spark!));
    const history = model.summary.history;
    assert.equal(history.length, 10);
    assert.equal(model.summary.trainRows, 80);
    assert.ok(history[9]!.accuracy > history[0]!.accuracy, JSON.stringify(history));
    const scores = async (s: Session) =>
      (
        await (
          await model.transform(frame(s))
        )
          .select(col('image.origin').alias('origin'), 'y', 'probability', 'prediction')
          .collect()
      )
        .map((r) => ({
          file: basename(String(r.origin)),
          y: r.y,
          p: r.probability as Float32Array,
          prediction: r.prediction,
        }))
        .sort((a, b) => a.file.localeCompare(b.file));
    const onSpark = await scores(spark!);
    const embedded = await scores(local!);
    assert.equal(onSpark.length, 80);
    onSpark.forEach((r, i) => {
      assertClose(r.p, embedded[i]!.p, 1e-5, `${r.file} probability`);
      assert.equal(r.prediction, embedded[i]!.prediction);
    });
    const correct = onSpark.filter((r) => r.prediction === r.y).length;
    assert.ok(correct >= 64, `${correct}/80 training digits right`);
  });

  it('retries a task whose worker died: every row comes back exactly once', async () => {
    const markerPrefix = join(dir, 'died-');
    const schema = DataTypes.struct([DataTypes.field('id', DataTypes.long)]);
    const df = spark!
      .range(0, 300)
      .repartition(3)
      .mapInArrow({ modulePath: stages, exportName: 'dieOnce', options: { markerPrefix } }, schema, {
        batchSize: 50,
      });
    const ids = (await df.collect()).map((r) => Number(r.id)).sort((a, b) => a - b);
    assert.deepEqual(
      ids,
      Array.from({ length: 300 }, (_, i) => i),
    );
    const died = readdirSync(dir).filter((f) => f.startsWith('died-'));
    assert.equal(died.length, 3, `each of the 3 partitions died once: ${died.join(', ')}`);
  });

  it("fails a job whose stage throws with deepframe's error: the embedded engine's class and message", async () => {
    const schema = DataTypes.struct([DataTypes.field('id', DataTypes.long)]);
    const failing = (s: Session) =>
      s
        .range(0, 10)
        .mapInArrow({ modulePath: stages, exportName: 'fail' }, schema, { batchSize: 10 })
        .collect();
    let embedded: DeepframeError | undefined;
    await assert.rejects(failing(local!), (e: DeepframeError) => {
      embedded = e;
      return true;
    });
    await assert.rejects(failing(spark!), (e: unknown) => {
      assert.ok(e instanceof DeepframeError, String(e));
      assert.equal(e.errorClass, embedded!.errorClass);
      assert.equal(e.name, embedded!.name);
      assert.match(e.message, /the digits are wrong in 1 column\(s\)/);
      // The same words, naming the module as the user did (not its copy on the executor); only the partition
      // index differs (Spark's task's, where the embedded engine has none).
      assert.equal(e.messageParameters.stage, embedded!.messageParameters.stage);
      assert.equal(e.messageParameters.reason, embedded!.messageParameters.reason);
      assert.ok(e.message.includes(stages), e.message);
      assert.ok(e.cause instanceof SparkError, "Spark's error is the cause");
      return true;
    });
  });

  it('reports a stage whose columns differ from its declared schema, as the embedded engine does', async () => {
    const wrong = (s: Session) =>
      s
        .range(0, 10)
        .mapInArrow({ modulePath: framesModule, exportName: 'wrongColumns' }, squareSchema)
        .collect();
    await assert.rejects(wrong(spark!), (e: DeepframeError) => {
      assert.equal(e.errorClass, 'STAGE_OUTPUT_MISMATCH');
      assert.match(e.message, /returned columns \[other\] but declared \[id, square, thread\]/);
      return true;
    });
  });

  it('runs with a worker installed on the executors beforehand (deepframe.spark.workerDir)', async () => {
    const installed = join(dir, 'installed-worker');
    await run('mkdir', ['-p', installed]);
    await run('tar', ['-xzf', (await packWorker()).path, '-C', installed]);
    const session = await Session.builder()
      .remote(cluster().connectUrl)
      .config('deepframe.spark.workerDir', installed)
      .create();
    try {
      const df = session
        .range(0, 20)
        .mapInArrow({ modulePath: framesModule, exportName: 'square' }, squareSchema, { batchSize: 8 });
      assert.deepEqual(
        (await rowsOf(df, 'thread')).map((r) => r.square),
        Array.from({ length: 20 }, (_, i) => i * i),
      );
    } finally {
      await session.stop();
    }
  });

  it("says which setting to change when the executors' Python is not the one the stage was sent for", async () => {
    const session = await Session.builder()
      .remote(cluster().connectUrl)
      .config('deepframe.spark.pythonVersion', '3.10')
      .create();
    try {
      const df = session
        .range(0, 4)
        .mapInArrow({ modulePath: framesModule, exportName: 'square' }, squareSchema);
      await assert.rejects(df.collect(), (e: DeepframeError) => {
        assert.equal(e.errorClass, 'PYTHON_VERSION_MISMATCH');
        assert.match(
          e.message,
          /executors run Python 3\.11, .* sent for Python 3\.10\. Set .*'deepframe\.spark\.pythonVersion' to 3\.11/,
        );
        return true;
      });
    } finally {
      await session.stop();
    }
  });

  it('puts the worker, the module and the files in the session’s folder on the executor', async () => {
    const work = join(cluster().logDir, '..', 'work');
    const sessionDirs = readdirSync(work, { recursive: true, withFileTypes: true })
      .filter((d) => d.isDirectory() && /^deepframe-worker-[0-9a-f]{16}$/.test(d.name))
      .map((d) => d.parentPath);
    assert.ok(sessionDirs.length >= 1, 'the worker archive was unpacked in a session folder');
    // The first session's folder: the one that ran the ONNX model (the tests' other sessions ran less).
    const main = sessionDirs.find((d) => readdirSync(d).some((f) => f.endsWith('-mlp.onnx')));
    assert.ok(main !== undefined, `a session folder with the model among ${sessionDirs.join(', ')}`);
    const files = readdirSync(main);
    assert.ok(
      files.some((f) => /^deepframe_executor_[0-9a-f]{12}\.py$/.test(f)),
      files.join(', '),
    );
    assert.ok(
      files.some((f) => /^[0-9a-f]{16}-mlp\.onnx$/.test(f)),
      files.join(', '),
    );
    assert.ok(
      files.some((f) => /^[0-9a-f]{16}-stages\.mjs$/.test(f)),
      files.join(', '),
    );
    assert.ok(existsSync(join(main, 'node_modules', 'apache-arrow')));
  });
});
