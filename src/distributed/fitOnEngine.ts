/**
 * Data-parallel training of a DataFrame's rows where the rows are: on an engine that runs gangs itself (Spark: a
 * barrier-mode stage, one member per partition, see `engine/spark/executors/gang.ts`), the rows never leave the
 * cluster; the driver gets back the epochs' losses and rank 0's trained state.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as arrow from 'apache-arrow';
import { ExecutionError } from '../errors.js';
import type { DataFrame } from '../frame/DataFrame.js';
import { col } from '../frame/functions.js';
import type { DataParallelStageSpec } from './dataParallelStage.js';
import { stateLayout } from './gangTask.js';
import type { HoldoutSpec } from './holdout.js';
import type { DataParallelJob } from './replica.js';
import type { GangResult } from './threadGang.js';

/** What to train, and how. */
export interface EngineGangRequest {
  readonly job: DataParallelJob;
  readonly featuresCol: string;
  readonly labelCol: string;
  readonly weightCol?: string | undefined;
  readonly inputShape: readonly number[];
  /** Label values per row: 1 for class indices. */
  readonly labelWidth: number;
  readonly numWorkers: number;
  readonly initialWeights?: readonly (readonly number[])[] | undefined;
  /**
   * Where rank 0 writes per-epoch checkpoints: a folder that every executor reaches (shared storage on a real
   * cluster). Default: a folder under the driver's temporary directory, which only a cluster on this machine
   * shares; elsewhere a restarted gang then starts over from the first epoch.
   */
  readonly checkpointDir?: string | undefined;
  /** How long to wait for the gang's tasks to start (default: the engine's; `deepframe.spark.gangStartTimeout`). */
  readonly startTimeoutMs?: number;
  /** ONNX Runtime intra-op threads per member (default 1: a task has one core). */
  readonly threadsPerWorker?: number;
  /** Validate while training (held-out rows, standardization, early stopping in the gang). */
  readonly holdout?: HoldoutSpec;
}

/** What a gang with a holdout adds to its result. */
export interface EngineGangResult extends GangResult {
  /** Per epoch: training loss and accuracy, validation loss and accuracy (NaN without held-out rows). */
  readonly metrics: readonly (readonly [number, number, number, number])[];
  /** The epoch whose weights came back (the best, with early stopping). */
  readonly bestEpoch: number;
  /** Training and held-out rows over every member. */
  readonly trainRows: number;
  readonly heldOutRows: number;
  /** The features' mean and standard deviation, when the gang standardized them. */
  readonly scaling?: { readonly mean: Float32Array; readonly std: Float32Array };
}

/** Whether `df`'s engine runs gangs itself (Spark), rather than on this process's threads. */
export function engineRunsGangs(df: DataFrame): boolean {
  return df.session.engine.runGang !== undefined;
}

/**
 * Trains `request.job` on `df`'s rows with the engine's gang.
 *
 * @example
 * ```ts
 * if (engineRunsGangs(df)) fit = await fitOnEngineGang(df, { job, featuresCol: 'features', labelCol: 'label', … });
 * ```
 */
export async function fitOnEngineGang(df: DataFrame, request: EngineGangRequest): Promise<EngineGangResult> {
  const engine = df.session.engine;
  if (engine.runGang === undefined) {
    throw new ExecutionError(
      'GANG_NOT_SUPPORTED',
      `The ${engine.name} engine does not run gangs itself; data-parallel training runs on threads there.`,
      { engine: engine.name },
    );
  }
  const run = randomUUID();
  const base = request.checkpointDir ?? join(tmpdir(), 'deepframe-checkpoints');
  const spec: DataParallelStageSpec = {
    kind: 'dataParallel',
    job: request.job,
    featuresCol: request.featuresCol,
    labelCol: request.labelCol,
    ...(request.weightCol ? { weightCol: request.weightCol } : {}),
    inputShape: request.inputShape,
    labelWidth: request.labelWidth,
    ...(request.initialWeights === undefined ? {} : { initialWeights: request.initialWeights }),
    checkpoint: { dir: join(base, `run-${run}`), run },
    threads: request.threadsPerWorker ?? 1,
    connectTimeoutMs: 120_000,
    ...(request.holdout === undefined ? {} : { holdout: request.holdout }),
  };
  const columns = [request.featuresCol, request.labelCol, ...(request.weightCol ? [request.weightCol] : [])];
  const table = await engine.runGang(df.select(...columns.map((c) => col(c))).plan, spec, {
    numWorkers: request.numWorkers,
    ...(request.startTimeoutMs === undefined ? {} : { startTimeoutMs: request.startTimeoutMs }),
  });
  return decodeGangRows(table, spec);
}

/** The gang's rows as the result the thread gang gives. */
function decodeGangRows(table: arrow.Table, spec: DataParallelStageSpec): EngineGangResult {
  const rows = table.toArray() as {
    rank: number;
    history: arrow.Vector;
    stop: string;
    state: Uint8Array | null;
    restarts: number;
    metrics: arrow.Vector | null;
    best: number;
    rows: number;
    heldOut: number;
  }[];
  const first = rows.find((r) => r.rank === 0);
  if (first?.state === null || first?.state === undefined) {
    throw new ExecutionError(
      'GANG_RESULT_MISSING',
      `The data-parallel gang returned ${rows.length} rows without rank 0's trained state.`,
      { rows: String(rows.length) },
    );
  }
  const { dtype, sizes, params, state } = stateLayout(spec);
  const width = dtype === 'float64' ? 8 : 4;
  const bytes = Uint8Array.from(first.state);
  let offset = 0;
  const arrays = sizes.map((n) => {
    const part = bytes.buffer.slice(offset, offset + n * width);
    offset += n * width;
    return dtype === 'float64' ? new Float64Array(part) : new Float32Array(part);
  });
  const history = Array.from(first.history.toArray() as Float64Array);
  const flat = Array.from((first.metrics?.toArray() ?? []) as Float64Array);
  const metrics = Array.from(
    { length: flat.length / 4 },
    (_, i) => flat.slice(4 * i, 4 * i + 4) as unknown as readonly [number, number, number, number],
  );
  const extra = arrays.slice(params + state);
  return {
    metrics,
    bestEpoch: first.best,
    trainRows: rows.reduce((n, r) => n + Number(r.rows), 0),
    heldOutRows: rows.reduce((n, r) => n + Number(r.heldOut), 0),
    ...(extra.length === 2
      ? { scaling: { mean: extra[0] as Float32Array, std: extra[1] as Float32Array } }
      : {}),
    history,
    stopReason: first.stop === 'converged' || first.stop === 'stopped' ? first.stop : 'maxIter',
    final: {
      epoch: history.length,
      history,
      steps: 0,
      arrays: { weights: arrays.slice(0, params), layers: arrays.slice(params, params + state) },
    },
    restarts: first.restarts,
  };
}
