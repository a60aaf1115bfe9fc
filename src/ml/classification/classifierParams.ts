/**
 * Params that deepframe's classifiers share beyond Spark ML's shared params, and the progress bar they show.
 *
 * @module
 */

import cliProgress from 'cli-progress';
import type { ParamSpec } from '../Param.js';
import { TypeConverters } from '../TypeConverters.js';

/**
 * `showProgress` (deepframe's): whether a fit draws a progress bar with the objective on standard error. It is
 * drawn only when standard error is a terminal, so logs and CI output stay clean; default `true`.
 */
export const showProgressSpec: ParamSpec<boolean> = {
  name: 'showProgress',
  doc: 'whether fit() draws a progress bar with the objective on standard error (only when it is a terminal).',
  converter: TypeConverters.toBoolean,
  default: true,
};

/** A fit's progress bar: iterations done of `maxIter`, and the objective. */
export interface FitProgress {
  update(iteration: number, objective: number): void;
  stop(): void;
}

/**
 * A progress bar on standard error when `enabled` and standard error is a TTY; otherwise one that does nothing.
 *
 * @example
 * ```ts
 * const progress = fitProgress(this.getShowProgress(), this.uid, maxIter);
 * progress.update(1, 0.42);
 * progress.stop();
 * ```
 */
export function fitProgress(enabled: boolean, stage: string, total: number, unit = 'iter'): FitProgress {
  if (!enabled || !process.stderr.isTTY || total <= 0) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${stage} [{bar}] {value}/{total} ${unit} | objective {objective} | {duration_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { objective: '-' });
  return {
    update(iteration, objective) {
      bar.update(Math.min(iteration, total), { objective: objective.toPrecision(6) });
    },
    stop() {
      bar.stop();
    },
  };
}
