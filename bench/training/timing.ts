/** Small helpers for timings taken on a shared machine: medians, not means, and how busy the machine was. */

import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

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

/**
 * Starts measuring how busy the rest of the machine is (Linux: `/proc/stat` less this process's own CPU time);
 * the function returned gives the mean fraction of all cores that other processes used since, or `undefined`
 * where `/proc/stat` cannot be read.
 */
export function otherLoad(cores: number): () => number | undefined {
  const start = { stat: procBusyMs(), own: process.cpuUsage(), wall: performance.now() };
  return () => {
    const busy = procBusyMs();
    if (busy === undefined || start.stat === undefined) return undefined;
    const own = process.cpuUsage(start.own);
    const wall = performance.now() - start.wall;
    const other = busy - start.stat - (own.user + own.system) / 1000;
    return Math.min(1, Math.max(0, other / (wall * cores)));
  };
}

/** Busy CPU milliseconds of the whole machine since boot (`/proc/stat` counts in 1/100 s). */
function procBusyMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n', 1)[0]
      ?.trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    if (fields === undefined || fields.length < 8) return undefined;
    const [user, nice, system, , , irq, softirq, steal] = fields as [number, ...number[]];
    return (user + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * 10;
  } catch {
    return undefined;
  }
}

let gc: (() => void) | undefined;

/**
 * Runs a full garbage collection now. A training step leaves megabytes of output buffers behind; collecting them
 * at a chosen point charges that work to whatever made the garbage (an epoch is timed up to and including its
 * collection) instead of to the next timing (the bare MatMul, which would otherwise share the cores with V8's
 * collector and look slower than it is).
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
