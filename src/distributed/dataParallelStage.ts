/**
 * The `dataParallel` stage spec: what a gang's members on Spark executors are told (plain JSON). It is not a
 * batch-by-batch stage: the executor module runs it in barrier mode, one member per partition, and the worker
 * hands the whole partition to `gangTask.ts`.
 *
 * @module
 */
import { DeepframeError, ParamError } from '../errors.js';
import type { StageHandler } from '../worker/stages.js';
import type { HoldoutSpec } from './holdout.js';
import type { DataParallelJob } from './replica.js';

/** Spec of a `dataParallel` stage. */
export interface DataParallelStageSpec {
  readonly kind: 'dataParallel';
  readonly job: DataParallelJob;
  readonly featuresCol: string;
  readonly labelCol: string;
  readonly weightCol?: string;
  /** The shape of one row's features. */
  readonly inputShape: readonly number[];
  /** Label values per row: 1 for class indices. */
  readonly labelWidth: number;
  /** Starting weights given by the user (default: the job's seeded initialization, drawn on each member). */
  readonly initialWeights?: readonly (readonly number[])[];
  /** Where rank 0 writes the per-epoch checkpoints (a folder every executor reaches), and the run's id. */
  readonly checkpoint: { readonly dir: string; readonly run: string };
  /** ONNX Runtime intra-op threads per member. */
  readonly threads: number;
  /** How long a member waits for its neighbours in the ring. */
  readonly connectTimeoutMs: number;
  /** Validate while training: hold out a share of each member's rows, standardize, stop early (`holdout.ts`). */
  readonly holdout?: HoldoutSpec;
}

declare module '../worker/StageSpec.js' {
  interface StageSpecKinds {
    dataParallel: DataParallelStageSpec;
  }
}

/** The `dataParallel` handler: checks the spec; refuses to run batch by batch. */
export const dataParallelStage: StageHandler<'dataParallel'> = {
  validate(spec) {
    if (
      typeof spec.job !== 'object' ||
      typeof spec.featuresCol !== 'string' ||
      typeof spec.labelCol !== 'string' ||
      typeof spec.checkpoint?.dir !== 'string'
    ) {
      throw new ParamError(
        'INVALID_STAGE_SPEC',
        'A dataParallel stage needs job, featuresCol, labelCol and checkpoint.dir.',
        {},
      );
    }
  },
  run() {
    throw new DeepframeError(
      'GANG_STAGE_NOT_BARRIER',
      'A dataParallel stage runs as a gang (Spark barrier mode, one worker per partition), not batch by batch.',
      {},
    );
  },
};
