/**
 * What runs a model search's candidates away from the calling thread: fit worker threads on the embedded engine
 * ({@link FitWorkers}), Spark tasks on a Spark session ({@link SparkFitTasks}). The search hands each split's rows
 * over once (`share`), then asks for one candidate at a time (`fit`), up to `parallelism` at once.
 *
 * @module
 */
import type { DataFrame } from '../../frame/DataFrame.js';
import type { Estimator } from '../Estimator.js';
import type { Model } from '../Model.js';
import type { ParamOverrides } from '../Params.js';

/** Runs a search's candidates; `S` is what `share` makes of a split (shared memory, shipped files). */
export interface CandidateRunner<S = unknown> {
  /** Makes a split's rows available to every candidate of it, once. */
  share(train: DataFrame, validation: DataFrame): Promise<S>;
  /**
   * The splits of a k-fold search from its folds (split `i` validates on `parts[i]` and trains on the others), when
   * the runner can share the folds' rows once for all the splits.
   */
  shareFolds?(parts: readonly DataFrame[]): Promise<S[]>;
  /** Fits `overrides` on the split's training rows and evaluates the model on its validation rows. */
  fit<M extends Model>(
    split: S,
    overrides: ParamOverrides<Estimator>,
    keepModel: boolean,
  ): Promise<{ metric: number; model?: M }>;
  /** Fits `overrides` on all of `data` (the best param map's refit), when the runner does that too. */
  refit?<M extends Model>(data: DataFrame, overrides: ParamOverrides<Estimator>): Promise<M>;
  /** Lets go of what the search held (threads, temporary files). */
  close(): Promise<void>;
}
