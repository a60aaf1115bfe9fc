import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { loadDigits, writeDigitImages } from '../../src/cli/digits.js';
import { partitionSampler, shares } from '../../src/distributed/sampler.js';
import { trainDataParallelOn } from '../../src/distributed/trainDataParallel.js';
import { ImageClassifier } from '../../src/dl/ImageClassifier.js';
import type { DeepframeError } from '../../src/errors.js';
import type { DataFrame } from '../../src/frame/DataFrame.js';
import { col, expr } from '../../src/frame/functions.js';
import { Session } from '../../src/frame/Session.js';
import { MultilayerPerceptronClassifier } from '../../src/ml/classification/MultilayerPerceptronClassifier.js';
import { mlpNetwork } from '../../src/ml/classification/mlpTraining.js';
import { adam } from '../../src/nn/optimizers.js';
import { compileTraining } from '../../src/nn/Trainer.js';
import { canonicalRowOrder } from '../../src/tensor/rowOrder.js';
import { DataTypes } from '../../src/types/DataType.js';
import type { Row } from '../../src/types/Value.js';
import { useSparkCluster } from './helpers/cluster.js';

const run = promisify(execFile);

const schema = DataTypes.struct([
  DataTypes.field('features', DataTypes.vector(64)),
  DataTypes.field('label', DataTypes.double),
]);

const settings = {
  layers: [64, 32, 10],
  solver: 'adam',
  hiddenActivation: 'relu',
  stepSize: 0.01,
  blockSize: 128,
  seed: 3,
  showProgress: false,
} as const;

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('data-parallel training on a Spark cluster (a barrier-mode gang on two executors)', () => {
  const cluster = useSparkCluster('standalone', { workers: 2, cores: 1 });
  let spark: Session | undefined;
  let rows: Row[];
  let tmp: string;
  before(async () => {
    spark = await Session.builder()
      .remote(cluster().connectUrl)
      .config('deepframe.spark.gangStartTimeout', '20')
      .create();
    const digits = await loadDigits();
    rows = digits.train.map((i) => ({
      features: Float32Array.from(digits.pixels.subarray(i * 64, (i + 1) * 64), (v) => v / 255),
      label: digits.labels[i] as number,
    }));
    tmp = await mkdtemp(join(tmpdir(), 'deepframe-gang-'));
  });
  after(async () => {
    await spark?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  const frame = (): DataFrame => (spark as Session).createDataFrame(rows, schema);

  it('equals one worker trained on the same global batches (each worker on its partition)', async () => {
    const epochs = 3;
    const model = await new MultilayerPerceptronClassifier({
      ...settings,
      maxIter: epochs,
      numWorkers: 2,
    }).fit(frame());
    assert.equal(model.summary.restarts, 0);
    assert.equal(model.summary.objectiveHistory.length, epochs);
    // The partitions the gang trained on: the same repartition of the same rows, read back with their ids.
    const parts = await frame()
      .select(col('features'), col('label'))
      .repartition(2)
      .select(expr('spark_partition_id()').alias('p'), col('features'), col('label'))
      .collect();
    const byPart = [0, 1].map((p) => parts.filter((r) => r.p === p));
    assert.ok(byPart.every((p) => p.length > 0));
    const data = byPart.map((p) => ({
      x: Float32Array.from(p.flatMap((r) => Array.from(r.features as Float32Array))),
      y: Float64Array.from(p.map((r) => r.label as number)),
    }));
    const counts = data.map((d) => d.y.length);
    const split = shares(128, counts);
    const total = counts[0]! + counts[1]!;
    const samplers = data.map((d, rank) =>
      partitionSampler(canonicalRowOrder(d.x, 64, d.y), split[rank]!, 128, total, settings.seed, rank),
    );
    // One worker: each global batch is worker 0's share followed by worker 1's.
    const trainer = await compileTraining(mlpNetwork(settings.layers, 'relu'), {
      loss: 'crossEntropy',
      optimizer: adam({ learningRate: settings.stepSize }),
      batchSize: 128,
      inputSize: 64,
      seed: settings.seed,
    });
    const x = new Float32Array(128 * 64);
    const y = new Float64Array(128);
    const history: number[] = [];
    for (let e = 0; e < epochs; e++) {
      for (const s of samplers) s.beginEpoch();
      let sum = 0;
      for (let step = 0; step < samplers[0]!.stepsPerEpoch; step++) {
        let r = 0;
        samplers.forEach((s, rank) => {
          for (const row of s.rows(step)) {
            x.set(data[rank]!.x.subarray(row * 64, row * 64 + 64), r * 64);
            y[r++] = data[rank]!.y[row]!;
          }
        });
        sum += await trainer.step(x, y);
      }
      history.push(sum / samplers[0]!.stepsPerEpoch);
    }
    const reference = (await trainer.getWeights()).flatMap((w) => Array.from(w));
    await trainer.close();
    assert.ok(
      maxDiff(model.weights, reference) < 1e-4,
      `max weight difference ${maxDiff(model.weights, reference)}`,
    );
    assert.ok(maxDiff(model.summary.objectiveHistory, history) < 1e-4);
  });

  it('trains any network of the training engine on a Spark DataFrame (trainDataParallelOn) as the MLP does', async () => {
    const mlp = await new MultilayerPerceptronClassifier({ ...settings, maxIter: 2, numWorkers: 2 }).fit(
      frame(),
    );
    const fit = await trainDataParallelOn(frame(), mlpNetwork(settings.layers, 'relu'), {
      featuresCol: 'features',
      labelCol: 'label',
      loss: 'crossEntropy',
      optimizer: adam({ learningRate: settings.stepSize }),
      batchSize: settings.blockSize,
      inputSize: 64,
      epochs: 2,
      numWorkers: 2,
      seed: settings.seed,
    });
    // The same job on the same partitions: the same bits.
    assert.deepEqual(
      Array.from(fit.weights.flatMap((w) => Array.from(w))),
      Array.from(mlp.weights, Math.fround),
    );
    assert.equal(fit.history.length, 2);
  });

  it('fits an ImageClassifier as a gang: validation, standardization and early stopping inside it', async () => {
    const digits = await loadDigits();
    const upper = (list: readonly number[]) => list.filter((r) => (digits.labels[r] ?? 0) >= 5);
    await writeDigitImages(digits, upper(digits.train).slice(0, 160), join(tmp, 'images-train'));
    await writeDigitImages(digits, upper(digits.test).slice(0, 100), join(tmp, 'images-test'));
    const images = (s: Session, folder: string) =>
      s.read
        .images(join(tmp, folder), { recursive: true, labelFromFolder: true })
        .withColumn('y', col('label').cast('double').minus(5));
    const model = await new ImageClassifier({
      labelCol: 'y',
      modelName: 'DigitsBackbone0to4',
      epochs: 12,
      learningRate: 0.01,
      batchSize: 32,
      validationSplit: 0.25,
      earlyStoppingPatience: 2,
      numWorkers: 2,
      seed: 4,
      showProgress: false,
    }).fit(images(spark as Session, 'images-train'));
    const { history, bestEpoch, trainRows, validationRows } = model.summary;
    assert.equal(trainRows + validationRows, 160);
    assert.ok(validationRows >= 36 && validationRows <= 44, `${validationRows} held out`);
    assert.ok(history.length >= 3 && history.length <= 12, JSON.stringify(history));
    for (const m of history) assert.ok(m.validationLoss !== undefined && m.validationAccuracy !== undefined);
    const bestLoss = Math.min(...history.map((m) => m.validationLoss as number));
    assert.equal(history[bestEpoch - 1]?.validationLoss, bestLoss);
    if (history.length < 12) assert.equal(history.length, bestEpoch + 2);
    assert.ok((history.at(-1)?.validationAccuracy as number) > (history[0]?.validationAccuracy as number));
    // The model (scaling folded in) classifies held-out digits on the embedded engine.
    const local = await Session.builder().master('local[2]').create();
    try {
      const scored = await (await model.transform(images(local, 'images-test')))
        .select('y', 'prediction')
        .collect();
      const right = scored.filter((r) => r.y === r.prediction).length / scored.length;
      // One worker reaches 0.74 on these 120 training images (measured); the gang's learning curve follows it.
      assert.ok(right >= 0.65, `held-out accuracy ${right}; ${JSON.stringify(history)}`);
    } finally {
      await local.stop();
    }
  });

  it('restarts the gang from the last checkpoint when a worker is killed, and finishes with the same result', async () => {
    // Wide layers, every epoch run: long enough (a few seconds) for the kill to land mid-fit.
    const epochs = 20;
    const long = { ...settings, layers: [64, 1024, 1024, 10], maxIter: epochs, tol: 0, numWorkers: 2 };
    const clean = await new MultilayerPerceptronClassifier(long).fit(frame());
    const dir = join(tmp, 'checkpoints');
    const fitting = new MultilayerPerceptronClassifier({ ...long, checkpointDir: dir }).fit(frame());
    // Once rank 0 has checkpointed epoch 2, kill one member's Node.js worker (as a crashed process would die).
    let killed: string | undefined;
    const watcher = (async () => {
      for (let i = 0; i < 3000 && killed === undefined; i++) {
        await new Promise((r) => setTimeout(r, 20));
        const [runDir] = await readdir(dir).catch(() => [] as string[]);
        if (runDir === undefined) continue;
        const index = await readFile(join(dir, runDir, 'checkpoint.json'), 'utf8').catch(() => undefined);
        if (index === undefined || (JSON.parse(index) as { epoch: number }).epoch < 2) continue;
        const { stdout } = await run('pgrep', ['-f', 'dist/src/worker/main.js --stdio']).catch(() => ({
          stdout: '',
        }));
        const pid = stdout.trim().split('\n')[0];
        if (pid) {
          process.kill(Number(pid), 'SIGKILL');
          killed = pid;
        }
      }
    })();
    const model = await fitting;
    await watcher;
    assert.ok(killed !== undefined, 'a worker was killed during the fit');
    assert.ok((model.summary.restarts ?? 0) >= 1, `restarts ${model.summary.restarts}`);
    assert.ok(
      maxDiff(model.weights, clean.weights) < 1e-6,
      `max weight difference ${maxDiff(model.weights, clean.weights)}`,
    );
    assert.deepEqual(model.summary.objectiveHistory.length, epochs);
  });

  // Bounded: the session's gangStartTimeout is 20 s; the test's own timeout fails it if the error never comes.
  it('fails in bounded time with GANG_NOT_STARTED when the cluster has fewer slots than workers', {
    timeout: 120_000,
  }, async () => {
    await assert.rejects(
      new MultilayerPerceptronClassifier({ ...settings, maxIter: 1, numWorkers: 3 }).fit(frame()),
      (e: DeepframeError) =>
        e.errorClass === 'GANG_NOT_STARTED' &&
        /3 workers cannot start: the cluster has 2 task slots/.test(e.message) &&
        /3 free task slots/.test(e.message),
    );
    // Refused before Spark saw the stage: the cluster still runs jobs.
    assert.equal(await frame().count(), rows.length);
  });

  it('times out with GANG_NOT_STARTED when the slots exist but another gang holds them', {
    timeout: 300_000,
  }, async () => {
    // A second session that waits 15 s for a gang to start; one fit first ships it the worker.
    const impatient = await Session.builder()
      .remote(cluster().connectUrl)
      .config('deepframe.spark.gangStartTimeout', '15')
      .create();
    try {
      const busy = impatient.createDataFrame(rows, schema);
      await new MultilayerPerceptronClassifier({ ...settings, maxIter: 1, numWorkers: 2 }).fit(busy);
      // A long fit (wide layers, every epoch run) holds both slots…
      const dir = join(tmp, 'busy');
      const holding = new MultilayerPerceptronClassifier({
        ...settings,
        layers: [64, 1024, 1024, 10],
        maxIter: 100,
        tol: 0,
        numWorkers: 2,
        checkpointDir: dir,
      }).fit(frame());
      for (let i = 0; i < 1200; i++) {
        const [runDir] = await readdir(dir).catch(() => [] as string[]);
        if (
          runDir !== undefined &&
          (await readFile(join(dir, runDir, 'checkpoint.json'), 'utf8').catch(() => ''))
        ) {
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      // …so the second session's gang gives up with the error.
      await assert.rejects(
        new MultilayerPerceptronClassifier({ ...settings, maxIter: 1, numWorkers: 2 }).fit(busy),
        (e: DeepframeError) =>
          e.errorClass === 'GANG_NOT_STARTED' && /did not start within 15 s/.test(e.message),
      );
      // The first gang was not disturbed.
      const model = await holding;
      assert.equal(model.summary.objectiveHistory.length, 100);
    } finally {
      await impatient.stop();
    }
  });
});
