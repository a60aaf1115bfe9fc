import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { avg, col, count } from '../frame/functions.js';
import { Session } from '../frame/Session.js';
import { writeDemoImages } from './demoImages.js';

/** Options of `deepframe demo`. */
export interface DemoOptions {
  /** Where the demo writes its images and outputs. */
  readonly outDir: string;
  /** Images per class. */
  readonly perClass: number;
}

/**
 * The demo: generates a labelled folder of images, reads it into a DataFrame of Spark image structs on the
 * embedded engine, shows it, summarizes it per label, and writes it to Parquet.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const out = resolve(options.outDir);
  const images = join(out, 'images');
  await rm(images, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const written = await writeDemoImages(images, options.perClass);
  process.stdout.write(`Generated ${written} images in ${images}\n\n`);

  await using session = await Session.builder().master('local[*]').appName('deepframe demo').getOrCreate();
  const df = session.read.images(images, { recursive: true, labelFromFolder: true });
  process.stdout.write('Schema of session.read.images(…):\n');
  await df.printSchema();

  process.stdout.write('\nThe first rows:\n');
  await df
    .select(
      col('image.origin').alias('origin'),
      'image.height',
      'image.width',
      'image.nChannels',
      'image.mode',
      'label',
    )
    .show(5, 60);

  process.stdout.write('\nImages per label, with their mean number of bytes:\n');
  const summary = df
    .groupBy('label')
    .agg(
      count('*').alias('images'),
      avg(col('image.height').multiply(col('image.width')).multiply(col('image.nChannels'))).alias(
        'mean_bytes',
      ),
    )
    .orderBy('label');
  await summary.show();

  const [train, test] = df.randomSplit([0.8, 0.2], 42);
  process.stdout.write(
    `randomSplit([0.8, 0.2], 42): ${await train!.count()} train, ${await test!.count()} test images\n`,
  );
  const parquet = join(out, 'images.parquet');
  await df.write.mode('overwrite').partitionBy('label').parquet(parquet);
  process.stdout.write(
    `Wrote the DataFrame to ${parquet} (partitioned by label): ${await session.read.parquet(parquet).count()} rows\n`,
  );
}
