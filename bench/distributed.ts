/**
 * Data-parallel training. On the embedded engine: `MultilayerPerceptronClassifier` (solver `adam`, layers
 * 64-1024-1024-10, global batch 256, 20 epochs) on the 1,437 training digits, fitted by one worker with two ONNX
 * Runtime intra-op threads and by two workers (threads) with one intra-op thread each, alternately, three times
 * each (the fastest kept), with both models' accuracy on the 360 held-out digits. Then the ring all-reduce's
 * bandwidth between two workers over TCP on loopback (a 16 MiB float32 vector, algorithm bandwidth: the vector's
 * size over the time of one all-reduce). Then, when `DEEPFRAME_BENCH_SPARK` is not `0`, the same two-worker fit on
 * a local Spark cluster (a standalone master and two one-core workers), as a barrier-mode gang.
 *
 * Keys: `one_worker_s`, `two_workers_s`, `speedup` (goal ≥ 1.0 on 2 cores), `accuracy_one`, `accuracy_two`
 * (goal: within 0.01), `allreduce_mb_per_s`, `spark_two_workers_s`.
 */
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { loadDigits } from '../src/cli/digits.js';
import { ringAllReduce } from '../src/distributed/ring.js';
import { connectTcpRing } from '../src/distributed/tcpRing.js';
import { LocalSparkCluster } from '../src/engine/spark/cluster/LocalSparkCluster.js';
import type { DataFrame } from '../src/frame/DataFrame.js';
import { Session } from '../src/frame/Session.js';
import type { MultilayerPerceptronClassificationModel } from '../src/ml/classification/MultilayerPerceptronClassificationModel.js';
import { MultilayerPerceptronClassifier } from '../src/ml/classification/MultilayerPerceptronClassifier.js';
import { withTrainingThreads } from '../src/nn/threads.js';
import { DataTypes } from '../src/types/DataType.js';
import type { Row } from '../src/types/Value.js';
import { sig } from './training/timing.js';

const REPEATS = 3;
const log = (m: string) => process.stderr.write(`${m}\n`);

const schema = DataTypes.struct([
  DataTypes.field('features', DataTypes.vector(64)),
  DataTypes.field('label', DataTypes.double),
]);

/** The estimator every run fits (numWorkers aside). */
export const benchMlp = (): MultilayerPerceptronClassifier =>
  new MultilayerPerceptronClassifier({
    layers: [64, 1024, 1024, 10],
    solver: 'adam',
    hiddenActivation: 'relu',
    stepSize: 0.002,
    blockSize: 256,
    maxIter: 20,
    tol: 0,
    seed: 7,
    showProgress: false,
  });

/** The digits as `features` / `label` rows: the training and the held-out split. */
export async function digitRows(): Promise<{ train: Row[]; test: Row[] }> {
  const digits = await loadDigits();
  const rows = (indices: readonly number[]) =>
    indices.map((i) => ({
      features: Float32Array.from(digits.pixels.subarray(i * 64, (i + 1) * 64), (v) => v / 255),
      label: digits.labels[i] as number,
    }));
  return { train: rows(digits.train), test: rows(digits.test) };
}

async function accuracy(model: MultilayerPerceptronClassificationModel, df: DataFrame): Promise<number> {
  const rows = await (await model.transform(df)).select('label', 'prediction').collect();
  return rows.filter((r) => r.label === r.prediction).length / rows.length;
}

export async function distributedBench(): Promise<Record<string, unknown>> {
  await using session = await Session.builder().master('local[2]').getOrCreate();
  const { train, test } = await digitRows();
  const trainDf = session.createDataFrame(train, schema);
  const testDf = session.createDataFrame(test, schema);
  const fit = async (workers: number) => {
    const started = performance.now();
    const model =
      workers === 1
        ? await withTrainingThreads(2, () => benchMlp().fit(trainDf))
        : await benchMlp().fit(trainDf, { numWorkers: workers });
    return { seconds: (performance.now() - started) / 1000, model };
  };
  // Warm-up: ONNX Runtime and the engine loaded, the data cached, the gang's threads started (they stay for the next
  // fit, as in an application that trains more than once).
  await fit(1);
  await fit(2);
  const times: Record<number, number[]> = { 1: [], 2: [] };
  const models: Record<number, MultilayerPerceptronClassificationModel> = {};
  for (let i = 0; i < REPEATS; i++) {
    for (const workers of [1, 2]) {
      const r = await fit(workers);
      times[workers]?.push(r.seconds);
      models[workers] = r.model;
      log(`${workers} worker(s): ${r.seconds.toFixed(2)} s`);
    }
  }
  const one = Math.min(...(times[1] ?? []));
  const two = Math.min(...(times[2] ?? []));
  const accuracyOne = await accuracy(models[1] as MultilayerPerceptronClassificationModel, testDf);
  const accuracyTwo = await accuracy(models[2] as MultilayerPerceptronClassificationModel, testDf);
  const mbPerS = await allReduceBandwidth();
  log(`all-reduce: ${mbPerS.toFixed(0)} MB/s`);
  const sparkSeconds = process.env.DEEPFRAME_BENCH_SPARK === '0' ? null : await sparkFit(train, testDf);
  return {
    one_worker_s: sig(one),
    two_workers_s: sig(two),
    speedup: sig(one / two, 3),
    accuracy_one: sig(accuracyOne),
    accuracy_two: sig(accuracyTwo),
    allreduce_mb_per_s: sig(mbPerS),
    spark_two_workers_s: sparkSeconds?.seconds ?? null,
    spark_accuracy: sparkSeconds?.accuracy ?? null,
    spark: 'standalone master + 2 workers (1 core each), pyspark 4.3.0',
    layers: [64, 1024, 1024, 10],
    global_batch: 256,
    epochs: 20,
  };
}

/**
 * The two-worker fit on a local Spark cluster (a standalone master and two one-core workers): the second of two
 * fits (the first ships the worker to the executors), and its model's held-out accuracy.
 */
async function sparkFit(train: Row[], testDf: DataFrame): Promise<{ seconds: number; accuracy: number }> {
  await using cluster = await LocalSparkCluster.start({ mode: 'standalone', workers: 2, cores: 1 });
  const spark = await Session.builder().remote(cluster.connectUrl).create();
  try {
    const df = spark.createDataFrame(train, schema);
    await benchMlp().fit(df, { numWorkers: 2, maxIter: 1 });
    const started = performance.now();
    const model = await benchMlp().fit(df, { numWorkers: 2 });
    const seconds = (performance.now() - started) / 1000;
    log(`2 workers on Spark: ${seconds.toFixed(2)} s`);
    return { seconds: sig(seconds), accuracy: sig(await accuracy(model, testDf)) };
  } finally {
    await spark.stop();
  }
}

/** MB (10⁶ bytes) of a 16 MiB vector all-reduced per second by two workers over TCP on loopback. */
async function allReduceBandwidth(): Promise<number> {
  const length = 4 * 1024 * 1024;
  const rounds = 8;
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const spare = net.createServer();
  await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
  const port1 = (spare.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => spare.close(() => resolve()));
  const peers = [
    { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port },
    { host: '127.0.0.1', port: port1 },
  ];
  const worker = new Worker(new URL('./training/allreduceWorker.js', import.meta.url), {
    workerData: { peers, length, rounds: rounds + 1 },
  });
  await new Promise<void>((resolve) => worker.once('message', () => resolve()));
  const link = await connectTcpRing({ rank: 0, size: 2, server, peers });
  const data = new Float32Array(length).fill(1);
  await ringAllReduce(data, link); // warm-up
  const started = performance.now();
  for (let i = 0; i < rounds; i++) await ringAllReduce(data, link);
  const seconds = (performance.now() - started) / 1000 / rounds;
  await new Promise<void>((resolve) => worker.once('message', () => resolve()));
  link.close();
  server.close();
  worker.postMessage('close');
  await new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return (length * 4) / 1e6 / seconds;
}
