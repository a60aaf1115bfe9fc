/**
 * deepframe on the embedded engine, deepframe on a local Spark (the same stage on executors), and pyspark's own
 * `predict_batch_udf` with Python ONNX Runtime as the peer — one model, one set of JPEG files, one run.
 * Goals: spark_vs_embedded ≥ 0.7, spark_vs_pyspark ≥ 1.0.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DeepImagePredictor } from '../src/dl/DeepImagePredictor.js';
import { LocalSparkCluster } from '../src/engine/spark/cluster/LocalSparkCluster.js';
import type { DataFrame } from '../src/frame/DataFrame.js';
import { Session } from '../src/frame/Session.js';
import { readModelCard } from '../src/models/modelCard.js';
import { writeSyntheticJpegs } from '../test/fixtures/images.js';

const MODEL = fileURLToPath(new URL('../../models/bench-convnet.onnx', import.meta.url));
const PEER = fileURLToPath(new URL('../../bench/python/predict_batch_udf_peer.py', import.meta.url));
const IMAGES = 384;
const BATCH = 16;
/** What the peer needs in the Spark venv, pinned: the same ONNX Runtime version as onnxruntime-node. */
const PEER_PACKAGES = ['onnxruntime==1.30.0', 'pillow==11.3.0'];

const log = (m: string) => process.stderr.write(`${m}\n`);

async function drain(df: DataFrame): Promise<number> {
  let rows = 0;
  for await (const batch of df) rows += batch.numRows;
  return rows;
}

async function predictorIps(session: Session, paths: readonly string[]): Promise<number> {
  const predictor = new DeepImagePredictor({
    inputCol: 'path',
    outputCol: 'scores',
    model: MODEL,
    batchSize: BATCH,
  });
  const df = session.createDataFrame(paths.map((path) => ({ path })));
  await drain(await predictor.transform(df.limit(2 * BATCH))); // warm-up: workers, model sessions
  const start = performance.now();
  const rows = await drain(await predictor.transform(df));
  return rows / ((performance.now() - start) / 1000);
}

export async function sparkBench(): Promise<Record<string, unknown>> {
  const card = await readModelCard(MODEL);
  const dir = mkdtempSync(join(tmpdir(), 'deepframe-bench-spark-'));
  try {
    const files = await writeSyntheticJpegs(join(dir, 'jpegs'), IMAGES, {
      width: 320,
      height: 240,
      classes: 4,
    });
    const paths = files.map((f) => f.path);

    const embedded = await Session.builder().master('local[*]').create();
    let embeddedIps: number;
    try {
      embeddedIps = await predictorIps(embedded, paths);
    } finally {
      await embedded.stop();
    }
    log(`embedded: ${embeddedIps.toFixed(1)} images/s`);

    await using cluster = await LocalSparkCluster.start({ mode: 'local', cores: 2 });
    const spark = await Session.builder().remote(cluster.connectUrl).create();
    let sparkIps: number;
    try {
      sparkIps = await predictorIps(spark, paths);
    } finally {
      await spark.stop();
    }
    log(`deepframe on Spark: ${sparkIps.toFixed(1)} images/s`);

    const python = cluster.pyspark.python;
    log(`installing the peer's packages (${PEER_PACKAGES.join(', ')}) into the Spark venv`);
    await promisify(execFile)(python, ['-m', 'pip', 'install', '--quiet', ...PEER_PACKAGES], {
      maxBuffer: 1 << 24,
    });
    const { stdout } = await promisify(execFile)(
      python,
      [PEER, cluster.connectUrl, MODEL, JSON.stringify(card?.preprocess), join(dir, 'jpegs'), String(BATCH)],
      { maxBuffer: 1 << 24 },
    );
    const peer = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { images: number; seconds: number };
    const pysparkIps = peer.images / peer.seconds;
    log(`pyspark predict_batch_udf: ${pysparkIps.toFixed(1)} images/s`);

    const r = (x: number) => Number(x.toFixed(3));
    return {
      embedded_ips: r(embeddedIps),
      spark_ips: r(sparkIps),
      pyspark_ips: r(pysparkIps),
      spark_vs_embedded: r(sparkIps / embeddedIps),
      spark_vs_pyspark: r(sparkIps / pysparkIps),
      images: IMAGES,
      batch_size: BATCH,
      spark: `local[2], pyspark ${cluster.version}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
