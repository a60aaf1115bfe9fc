/**
 * Models as SQL functions: images/s of `SELECT classify(image) FROM images` — `classify` registered with
 * `session.udf.registerModel` — against the same `DeepImagePredictor` through the DataFrame API, on the embedded
 * engine, over the same in-memory image structs (decoded once and cached before timing). Both run `bench-convnet`
 * (224×224) at the same batch size; each path is timed twice, alternately, after a warm-up, and its faster run kept.
 * Goal: `sql_vs_stage` ≥ 0.9.
 *
 * Keys: `sql_ips`, `stage_ips`, `sql_vs_stage`, `images`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeepImagePredictor } from '../src/dl/DeepImagePredictor.js';
import type { DataFrame } from '../src/frame/DataFrame.js';
import { Session } from '../src/frame/Session.js';
import { writeSyntheticJpegs } from '../test/fixtures/images.js';
import { sig } from './training/timing.js';

const MODEL = fileURLToPath(new URL('../../models/bench-convnet.onnx', import.meta.url));
const IMAGES = 384;
const BATCH = 32;
const log = (m: string) => process.stderr.write(`${m}\n`);

async function drain(df: DataFrame): Promise<number> {
  let rows = 0;
  for await (const batch of df.toBatches()) rows += batch.numRows;
  return rows;
}

export async function sqlBench(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'deepframe-bench-sql-'));
  try {
    await writeSyntheticJpegs(join(dir, 'images'), IMAGES, { width: 224, height: 224, classes: 4 });
    await using session = await Session.builder().master('local[*]').create();
    const images = session.read.images(join(dir, 'images'), { recursive: true }).cache();
    await images.count();
    await images.createOrReplaceTempView('images');
    const predictor = new DeepImagePredictor({
      inputCol: 'image',
      outputCol: 'scores',
      model: MODEL,
      batchSize: BATCH,
    });
    await predictor.prepare();
    await session.udf.registerModel('classify', predictor);
    const stage = async () => drain(await predictor.transform(images));
    const sql = () => drain(session.sql('SELECT classify(image) AS scores FROM images'));
    // Warm-ups: start the threads and load a model session in each.
    await drain(await predictor.transform(images.limit(4 * BATCH)));
    await drain(session.sql(`SELECT classify(image) FROM images LIMIT ${4 * BATCH}`));
    const best = { stage: 0, sql: 0 };
    for (let round = 0; round < 2; round++) {
      for (const [name, run] of [
        ['stage', stage],
        ['sql', sql],
      ] as const) {
        const started = performance.now();
        const rows = await run();
        const ips = rows / ((performance.now() - started) / 1000);
        log(
          `${name === 'sql' ? 'SELECT classify(image) FROM images' : 'DeepImagePredictor.transform'}: ${ips.toFixed(1)} images/s`,
        );
        if (rows !== IMAGES) throw new Error(`${name} gave ${rows} rows, not ${IMAGES}`);
        best[name] = Math.max(best[name], ips);
      }
    }
    return {
      sql_ips: sig(best.sql),
      stage_ips: sig(best.stage),
      sql_vs_stage: sig(best.sql / best.stage),
      images: IMAGES,
      model: 'bench-convnet (224×224)',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
