/**
 * Runs `fn` over `items` with at most `limit` calls in flight, in order of index. Used by stages that read and
 * decode files: a few at once overlap reads with decoding, without flooding the thread pool.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  });
  await Promise.all(runners);
}
