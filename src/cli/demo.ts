import { rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { DeepImageFeaturizer } from '../dl/DeepImageFeaturizer.js';
import { DeepImagePredictor } from '../dl/DeepImagePredictor.js';
import { avg, col, count, round } from '../frame/functions.js';
import { batchToRows } from '../frame/rows.js';
import { Session } from '../frame/Session.js';
import type { Row } from '../types/Value.js';
import { loadDigits, writeDigitImages } from './digits.js';

/** Options of `deepframe demo`. */
export interface DemoOptions {
  /** Where the demo writes its images. */
  readonly outDir: string;
  /** Show a progress bar (when stderr is a terminal). */
  readonly progress?: boolean;
}

type Prediction = { class: string; description: string; probability: number };

/**
 * The demo: writes the held-out digits that ship with deepframe as PNG files (one folder per label), reads them
 * into a DataFrame of image structs, featurizes them with the shipped CNN cut at its penultimate layer, predicts
 * their digits with the whole CNN, and prints the predictions and their accuracy against the folder labels.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const out = resolve(options.outDir);
  const images = join(out, 'digits');
  await rm(images, { recursive: true, force: true });
  const digits = await loadDigits();
  const files = await writeDigitImages(digits, digits.test, images);
  process.stdout.write(
    `Wrote ${files.length} held-out handwritten digits as 32×32 PNG files under ${images}\n\n`,
  );

  await using session = await Session.builder().master('local[*]').appName('deepframe demo').getOrCreate();
  const df = session.read.images(images, { recursive: true, labelFromFolder: true });

  const featurizer = new DeepImageFeaturizer({
    inputCol: 'image',
    outputCol: 'features',
    modelName: 'DigitsCNN',
  });
  const predictor = new DeepImagePredictor({
    inputCol: 'image',
    outputCol: 'predicted',
    modelName: 'DigitsCNN',
    decodePredictions: true,
    topK: 3,
  });
  const scored = await predictor.transform(await featurizer.transform(df));
  process.stdout.write('DeepImageFeaturizer → DeepImagePredictor over session.read.images(…):\n');
  await scored.printSchema();

  const bar = new SingleBar({
    format: 'featurize + predict |{bar}| {value}/{total} images | {rate} images/s',
    hideCursor: true,
    noTTYOutput: false,
  });
  const showBar = (options.progress ?? true) && process.stderr.isTTY === true;
  if (showBar) bar.start(files.length, 0, { rate: '0' });
  const started = performance.now();
  const rows: Row[] = [];
  const table = scored.select(col('image.origin').alias('file'), 'label', 'features', 'predicted');
  const schema = await table.schema();
  for await (const batch of table) {
    rows.push(...batchToRows(batch, schema));
    const rate = (rows.length / ((performance.now() - started) / 1000)).toFixed(0);
    if (showBar) bar.update(rows.length, { rate });
  }
  if (showBar) bar.stop();
  const seconds = (performance.now() - started) / 1000;

  const results = rows.map((r) => {
    const top = (r.predicted as readonly Prediction[] | null)?.[0];
    return {
      file: basename(new URL(String(r.file)).pathname),
      label: String(r.label),
      predicted: top?.class ?? 'NULL',
      probability: top?.probability ?? 0,
      runnerUp: (r.predicted as readonly Prediction[] | null)?.[1]?.class ?? '',
      featureSize: (r.features as Float32Array | null)?.length ?? 0,
    };
  });
  const correct = results.filter((r) => r.predicted === r.label).length;
  const accuracy = correct / results.length;
  const resultsDf = session.createDataFrame(
    results.map((r) => ({
      ...r,
      correct: r.predicted === r.label,
      probability: Number(r.probability.toFixed(4)),
    })),
  );
  process.stdout.write(
    `\n${results.length} images featurized (${results[0]?.featureSize ?? 0}-d features) and classified in ${seconds.toFixed(2)} s.\n\n`,
  );
  process.stdout.write('Some predictions:\n');
  await resultsDf
    .select('file', 'label', 'predicted', 'probability', 'runnerUp', 'correct')
    .orderBy('file')
    .show(12);
  process.stdout.write('Mistakes:\n');
  await resultsDf
    .filter(col('correct').not())
    .select('file', 'label', 'predicted', 'probability', 'runnerUp')
    .show(10);
  process.stdout.write('Accuracy per label:\n');
  await resultsDf
    .groupBy('label')
    .agg(count('*').alias('images'), round(avg(col('correct').cast('int')), 3).alias('accuracy'))
    .orderBy('label')
    .show(10);
  process.stdout.write(`Accuracy: ${correct} of ${results.length} = ${(accuracy * 100).toFixed(1)}%\n`);
}
