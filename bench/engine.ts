/**
 * The embedded engine's throughput: a projection + filter over 10 million generated rows (rows/s and peak RSS
 * while it streams), and reading a folder of 2,000 JPEGs into Spark's image struct (MB/s of files read).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { col } from '../src/frame/functions.js';
import { Session } from '../src/frame/Session.js';
import { writeSyntheticJpegs } from '../test/fixtures/images.js';

const ROWS = 10_000_000;
const IMAGES = 2_000;

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Peak resident memory while `work` runs, sampled every 20 ms. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peakMiB: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peakMiB: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

export async function engineBench(): Promise<Record<string, unknown>> {
  const session = await Session.builder().master('local[*]').create();
  const dir = mkdtempSync(join(tmpdir(), 'deepframe-bench-'));
  try {
    const query = session
      .range(0, ROWS)
      .select(col('id'), col('id').multiply(3).plus(1).alias('y'), col('id').mod(10).alias('bucket'))
      .filter(col('bucket').lt(5).and(col('y').gt(100)));
    // Warm-up on a slice, so that start-up costs are not counted.
    await query.limit(1000).count();
    const start = performance.now();
    const { result: out, peakMiB } = await withPeakRss(async () => {
      let rows = 0;
      for await (const batch of query) rows += batch.numRows;
      return rows;
    });
    const seconds = (performance.now() - start) / 1000;
    log(
      `projection + filter: ${ROWS} rows in, ${out} out, ${seconds.toFixed(2)} s, peak RSS ${peakMiB.toFixed(0)} MiB`,
    );

    const files = await writeSyntheticJpegs(join(dir, 'images'), IMAGES, {
      width: 320,
      height: 240,
      classes: 4,
    });
    const bytes = files.reduce((n, f) => n + statSync(f.path).size, 0);
    const images = session.read.images(join(dir, 'images'), { recursive: true, labelFromFolder: true });
    await session.read
      .images(join(dir, 'images', 'class_0'), {})
      .limit(8)
      .count(); // start the workers
    const t0 = performance.now();
    let decoded = 0;
    for await (const batch of images) decoded += batch.numRows;
    const imageSeconds = (performance.now() - t0) / 1000;
    log(`images: ${decoded} JPEGs (${(bytes / 1e6).toFixed(1)} MB) in ${imageSeconds.toFixed(2)} s`);

    return {
      rows_per_s: Math.round(ROWS / seconds),
      peak_rss_mib: Math.round(peakMiB),
      image_mb_per_s: Number((bytes / 1e6 / imageSeconds).toFixed(2)),
      images_per_s: Math.round(decoded / imageSeconds),
      rows_out: out,
      cores: session.parallelism,
    };
  } finally {
    await session.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
