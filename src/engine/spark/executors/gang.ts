/**
 * A data-parallel gang on Spark, from the driver: the training rows, one partition per worker, through a
 * `MapPartitions` in **barrier mode** (`is_barrier`, what pyspark's `mapInArrow(…, barrier=True)` sends) whose
 * Python function is the executor module's `make_gang_runner`. Spark starts a barrier stage's tasks all at once or
 * not at all; the tasks find each other with `BarrierTaskContext.allGather` and train over TCP (see
 * `distributed/gangTask.ts`). A failed task fails the stage, and Spark runs it again, whole; the members resume
 * from the last checkpoint.
 *
 * A cluster with fewer free task slots than workers never starts the stage (Spark keeps checking for slots for
 * minutes); the driver watches the execution's progress (which Spark Connect reports every few seconds) and, when it
 * has not seen as many tasks running at once as the gang has members within `startTimeoutMs`, interrupts it and fails
 * with `GANG_NOT_STARTED`, saying how many slots the gang needs.
 *
 * Spark runs a failed barrier stage again only when it is not the job's last stage ("could not recover from a
 * failed barrier ResultStage"), so the gang's rows go through one more shuffle (into one partition) after it: the
 * barrier stage is then a shuffle-map stage, which Spark resubmits whole, up to `spark.stage.maxConsecutiveAttempts`
 * (4) times.
 *
 * @module
 */
import type * as arrow from 'apache-arrow';
import { SparkError } from '../../../errors.js';
import { DataTypes, type StructType } from '../../../types/DataType.js';
import type { ExecuteEvent, SparkExecution } from '../connect/SparkExecution.js';

/** The rows a gang returns: one per member (see `distributed/gangTask.ts`). */
export const GANG_OUTPUT_SCHEMA: StructType = DataTypes.struct([
  DataTypes.field('rank', DataTypes.integer),
  DataTypes.field('rows', DataTypes.double),
  DataTypes.field('history', DataTypes.array(DataTypes.double)),
  DataTypes.field('stop', DataTypes.string),
  DataTypes.field('state', DataTypes.binary),
  DataTypes.field('restarts', DataTypes.integer),
  DataTypes.field('metrics', DataTypes.array(DataTypes.double)),
  DataTypes.field('best', DataTypes.integer),
  DataTypes.field('heldOut', DataTypes.double),
]);

/**
 * Reads a gang's execution to its end; interrupts it and throws `GANG_NOT_STARTED` when none of its tasks ran
 * within `startTimeoutMs`.
 *
 * @example
 * ```ts
 * const abort = new AbortController();
 * const batches = await readGang(client.executePlan({ root }, { signal: abort.signal }), 2, 60_000, abort);
 * ```
 */
export async function readGang(
  execution: AsyncIterable<arrow.RecordBatch> & Partial<Pick<SparkExecution, 'events'>>,
  workers: number,
  startTimeoutMs: number,
  abort: AbortController,
): Promise<arrow.RecordBatch[]> {
  let started = false;
  let timedOut = false;
  const timer = setTimeout(() => {
    if (started) return;
    timedOut = true;
    abort.abort();
  }, startTimeoutMs);
  const batches: arrow.RecordBatch[] = [];
  try {
    const events: AsyncIterable<ExecuteEvent> =
      execution.events?.() ??
      (async function* () {
        for await (const batch of execution) yield { kind: 'arrow', batch } as const;
      })();
    for await (const event of events) {
      if (event.kind === 'progress') {
        const p = event.progress;
        if (
          Number(p.numInflightTasks ?? 0) > 0 ||
          (p.stages ?? []).some((s) => Number(s.numCompletedTasks ?? 0) > 0)
        ) {
          started = true;
        }
      } else if (event.kind === 'arrow') {
        started = true;
        batches.push(event.batch);
      }
    }
  } catch (error) {
    if (timedOut) throw gangNotStarted(workers, startTimeoutMs, error);
    // Spark's own check, when it finds fewer slots in the whole cluster than the stage has tasks.
    if (/BarrierJobSlotsNumberCheckFailed|SPARK-24819/.test(String((error as Error).message))) {
      throw notStarted(workers, 'was refused by Spark: the cluster has fewer task slots than that', error);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) throw gangNotStarted(workers, startTimeoutMs);
  return batches;
}

/**
 * The error for a gang whose tasks did not all start within `ms` (the slots are busy).
 *
 * @example
 * ```ts
 * throw gangNotStarted(2, 120_000);
 * ```
 */
export function gangNotStarted(workers: number, ms: number, cause?: unknown): SparkError {
  return notStarted(workers, `did not start within ${ms / 1000} s`, cause);
}

/**
 * The error for a gang larger than the cluster's task slots, found before anything is submitted.
 *
 * @example
 * ```ts
 * if (slots < workers) throw gangTooLarge(workers, slots);
 * ```
 */
export function gangTooLarge(workers: number, slots: number): SparkError {
  return notStarted(workers, `cannot start: the cluster has ${slots} task slots`);
}

function notStarted(workers: number, what: string, cause?: unknown): SparkError {
  return new SparkError(
    'GANG_NOT_STARTED',
    `The data-parallel gang of ${workers} workers ${what}. Spark starts a gang's tasks only all together ` +
      `(barrier mode), so the cluster needs ${workers} free task slots at once (executor cores / ` +
      'spark.task.cpus). Lower numWorkers, add executors, or wait for running jobs to finish.',
    { workers: String(workers) },
    ...(cause === undefined ? [] : [{ cause }]),
  );
}
