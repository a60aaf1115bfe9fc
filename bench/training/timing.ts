/** Small helpers for timings taken on a shared machine: medians, not means. */

/** The median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  if (s.length === 0) return Number.NaN;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Rounds to `digits` significant digits, for printing. */
export function sig(x: number, digits = 4): number {
  return Number(x.toPrecision(digits));
}
