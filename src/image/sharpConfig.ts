import sharp from 'sharp';

let configured = false;

/**
 * Sets sharp up for decoding in worker threads, once per thread: one libvips thread per operation (the pool
 * supplies the parallelism) and no operation cache (inputs are never seen twice, so it would only hold memory).
 */
export function configureSharpForWorkers(): void {
  if (configured) return;
  sharp.concurrency(1);
  sharp.cache(false);
  configured = true;
}

/** Image files one worker decodes at once, overlapping reads with decoding: 3 measured best of 1–3 on 2 cores. */
export const DECODE_CONCURRENCY = 3;
