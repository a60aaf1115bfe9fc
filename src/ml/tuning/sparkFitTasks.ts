/**
 * A model search's candidates as Spark tasks: on a Spark session, each candidate of a `CrossValidator` or
 * `TrainValidationSplit` (a param map on a split) is fitted and evaluated by a `fitCandidate` stage
 * (`fitCandidateStage.ts`) in one Spark task on an executor, on an embedded session inside deepframe's worker
 * there; the driver only collects each split's rows once and reads back a metric (and, when asked, the model).
 *
 * What the tasks share travels as files, shipped once per session: the estimator saved and packed into one file,
 * and the search's rows as one Arrow IPC stream, each row tagged with its part (a cross-validation's fold, or a
 * train-validation split's side), so that every split of the search reads the same file. Each candidate is its own Spark job of one
 * task; the search starts up to `parallelism` of them at once, in the longest-first order the embedded search
 * uses, so `parallelism` is the number of candidates running at once (Spark places them on free executor cores).
 *
 * @module
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { DeepframeError } from '../../errors.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { lit } from '../../frame/functions.js';
import type { Session } from '../../frame/Session.js';
import { vectorData, vectorValues } from '../../tensor/vectors.js';
import { toArrowSchema } from '../../types/arrow.js';
import type { StructType } from '../../types/DataType.js';
import { errorFromWire, errorToWire, isWireError, type WireError } from '../../worker/wireError.js';
import type { Estimator } from '../Estimator.js';
import type { Evaluator } from '../evaluation/Evaluator.js';
import { loadStage } from '../loadStage.js';
import type { Model } from '../Model.js';
import { describeValue } from '../Param.js';
import { ParamMap } from '../ParamMap.js';
import type { ParamOverrides } from '../Params.js';
import { Pipeline } from '../Pipeline.js';
import type { CandidateRunner } from './candidateRunner.js';
import { packDirectory, unpackDirectory } from './directoryBundle.js';
import { type EvaluatorSpec, evaluatorSpec } from './evaluatorSpec.js';
import { CANDIDATE_RESULT_SCHEMA, type FitCandidateStageSpec } from './fitCandidateStage.js';
import { paramMapsToJson } from './paramMapsJson.js';

/** The session setting that turns Spark tasks for model searches off (`'false'`): candidates fit on the driver. */
export const SEARCH_TASKS_CONFIG = 'deepframe.spark.searchTasks';

/** Where one candidate ran: what its Spark task's worker reported. */
export interface CandidateTaskReport {
  /** The split (fold); `-1` for the best param map's refit on all rows. */
  readonly fold: number;
  /** The param map's index in the grid (`-1` when the map is not one of the grid's). */
  readonly index: number;
  /** The worker's process id on the executor. */
  readonly pid: number;
  /** The executor's host name. */
  readonly host: string;
  /** The worker's working directory: the session's folder on the executor. */
  readonly workDir: string;
  /** How long the fit (and evaluation) took there, in milliseconds. */
  readonly millis: number;
}

/** A split as the tasks see it: the file of the search's rows, and which parts of them it trains and validates on. */
export interface SparkSplit {
  readonly fold: number;
  readonly rows: string;
  readonly partCol: string | null;
  readonly train: readonly number[];
  readonly validation: readonly number[] | null;
}

/**
 * Whether `estimator` (or a stage of it, for a pipeline) fits with Spark MLlib on a Spark session with any of
 * `maps`: such fits run on the cluster already, from the driver, and stay there.
 */
export function fitsWithMllib(estimator: Estimator, maps: readonly ParamOverrides<Estimator>[]): boolean {
  const mllib = (stage: unknown): boolean => {
    const s = stage as { fitsWithMllib?: unknown };
    if (typeof s.fitsWithMllib === 'function' && (s.fitsWithMllib as () => unknown).call(stage) === true) {
      return true;
    }
    return stage instanceof Pipeline && stage.getStages().some(mllib);
  };
  return (maps.length === 0 ? [undefined] : maps).some((map) => mllib(estimator.copy(map)));
}

/** `batch` with its `List<Float32>` columns that `schema` says are vectors as `FixedSizeList<Float32>`. */
function withVectorColumns(batch: arrow.RecordBatch, schema: StructType): arrow.RecordBatch {
  let changed = false;
  const fields: arrow.Field[] = [];
  const children: arrow.Data[] = [];
  batch.schema.fields.forEach((field, i) => {
    const column = batch.getChildAt(i) as arrow.Vector;
    const type = schema.fields.find((f) => f.name === field.name)?.type;
    if (type?.kind !== 'vector' || !arrow.DataType.isList(field.type)) {
      fields.push(field);
      children.push(...column.data);
      return;
    }
    const valid = Array.from({ length: batch.numRows }, (_, r) => column.isValid(r));
    const data = vectorData(vectorValues(column, type.size, field.name), type.size, valid);
    fields.push(new arrow.Field(field.name, data.type, field.nullable, field.metadata));
    children.push(data);
    changed = true;
  });
  if (!changed) return batch;
  const out = new arrow.Schema(fields, batch.schema.metadata);
  return new arrow.RecordBatch(
    out,
    arrow.makeData({ type: new arrow.Struct(fields), length: batch.numRows, nullCount: 0, children }),
  );
}

/** A param map in words: `layers=[4,3,2], stepSize=0.1`, or `Stage_uid.param=value` for a `ParamMap`. */
function describeOverrides(overrides: ParamOverrides<Estimator>): string {
  const pairs: [string, unknown][] =
    overrides instanceof ParamMap
      ? [...overrides].map(([param, value]) => [`${param.parent}.${param.name}`, value])
      : Object.entries(overrides as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return pairs.length === 0
    ? 'no overrides'
    : pairs.map(([name, value]) => `${name}=${describeValue(value)}`).join(', ');
}

/**
 * Runs a search's candidates as Spark tasks (see the module's documentation).
 *
 * @example
 * ```ts
 * const tasks = await SparkFitTasks.start(data, mlp, evaluator, grid, cv.uid); // undefined off Spark
 * const split = await tasks.share(train, validation);
 * const { metric } = await tasks.fit(split, grid[0], false);
 * tasks.tasks[0]; // { fold: 0, index: 0, pid: 41233, host: 'worker-1', workDir: '…/app-…/0/…', millis: 812 }
 * await tasks.close();
 * ```
 */
export class SparkFitTasks implements CandidateRunner<SparkSplit> {
  /** Where each candidate ran, in the order they finished. */
  readonly tasks: CandidateTaskReport[] = [];
  private splits = 0;
  private models = 0;

  private constructor(
    private readonly session: Session,
    private readonly dir: string,
    private readonly search: string,
    private readonly estimator: Estimator,
    private readonly estimatorFile: string,
    private readonly evaluator: EvaluatorSpec,
    private readonly maps: readonly ParamOverrides<Estimator>[],
    private readonly threads: number,
  ) {}

  /**
   * Spark tasks for a search of `estimator` over `maps` scored by `evaluator`, tuner `search`; or `undefined` when
   * the search runs otherwise: off a Spark session, with `deepframe.spark.searchTasks` set to `'false'`, an
   * evaluator that is not one of deepframe's, an estimator that fits with Spark MLlib (`fitsWithMllib()`), or one
   * that cannot be saved.
   *
   * @example
   * ```ts
   * const tasks = await SparkFitTasks.start(data, mlp, evaluator, grid, cv.uid);
   * ```
   */
  static async start(
    data: DataFrame,
    estimator: Estimator,
    evaluator: Evaluator,
    maps: readonly ParamOverrides<Estimator>[],
    search: string,
  ): Promise<SparkFitTasks | undefined> {
    const session = data.session;
    if (session.engine.name !== 'spark' || session.conf[SEARCH_TASKS_CONFIG] === 'false') return undefined;
    const spec = evaluatorSpec(evaluator);
    if (spec === undefined || fitsWithMllib(estimator, maps)) return undefined;
    const dir = await mkdtemp(join(tmpdir(), 'deepframe-spark-search-'));
    try {
      paramMapsToJson(estimator, maps); // every value of the grid can travel as JSON
      await estimator.save(join(dir, 'estimator'));
      const file = join(dir, 'estimator.bundle.json');
      await writeFile(file, await packDirectory(join(dir, 'estimator')));
      const cpus = Number(session.conf['spark.task.cpus'] ?? '1');
      const threads = Number.isInteger(cpus) && cpus >= 1 ? cpus : 1;
      return new SparkFitTasks(session, dir, search, estimator, file, spec, maps, threads);
    } catch {
      await rm(dir, { recursive: true, force: true });
      return undefined;
    }
  }

  /**
   * Collects a split's rows (training and validation, tagged) to one file, which the first task on it ships to the
   * executors.
   *
   * @example
   * ```ts
   * const [train, validation] = data.randomSplit([0.75, 0.25], 7);
   * const split = await tasks.share(train, validation);
   * ```
   */
  async share(train: DataFrame, validation: DataFrame): Promise<SparkSplit> {
    const fold = this.splits++;
    const { rows, partCol } = await this.writeParts([train, validation], `split-${fold}.arrow`);
    return { fold, rows, partCol, train: [0], validation: [1] };
  }

  /**
   * The splits of a k-fold search from its folds: split `i` validates on `parts[i]` and trains on the others. The
   * rows are collected and shipped once for all the splits (not once per split), each tagged with its fold.
   *
   * @example
   * ```ts
   * const splits = await tasks.shareFolds(data.randomSplit([1, 1, 1], 42)); // 3 splits, one file
   * ```
   */
  async shareFolds(parts: readonly DataFrame[]): Promise<SparkSplit[]> {
    const first = this.splits;
    this.splits += parts.length;
    const { rows, partCol } = await this.writeParts(parts, `folds-${first}.arrow`);
    return parts.map((_, i) => ({
      fold: first + i,
      rows,
      partCol,
      train: parts.flatMap((__, j) => (j === i ? [] : [j])),
      validation: [i],
    }));
  }

  /**
   * Fits and evaluates one candidate in a Spark task; its metric and, when `keepModel`, its model. A failed fit
   * throws deepframe's error of the same class, naming the candidate.
   *
   * @example
   * ```ts
   * const { metric, model } = await tasks.fit(split, { stepSize: 0.1 }, true);
   * ```
   */
  async fit<M extends Model>(
    split: SparkSplit,
    overrides: ParamOverrides<Estimator>,
    keepModel: boolean,
  ): Promise<{ metric: number; model?: M }> {
    const { metric, model } = await this.run<M>(split, overrides, keepModel);
    return model === undefined ? { metric: metric ?? Number.NaN } : { metric: metric ?? Number.NaN, model };
  }

  /**
   * Fits `overrides` on all of `data` in a Spark task (the best param map's refit) and loads the model here.
   *
   * @example
   * ```ts
   * const bestModel = await tasks.refit(data, grid[best]);
   * ```
   */
  async refit<M extends Model>(data: DataFrame, overrides: ParamOverrides<Estimator>): Promise<M> {
    const rows = await this.writeRows(data, 'all.arrow');
    const split: SparkSplit = { fold: -1, rows, partCol: null, train: [0], validation: null };
    const { model } = await this.run<M>(split, overrides, true);
    return model as M;
  }

  /**
   * Removes the search's files here (the session keeps its shipped copies).
   *
   * @example
   * ```ts
   * await tasks.close();
   * ```
   */
  async close(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Writes the rows of `parts`, in order, each tagged with its part's number in a column of its own. */
  private async writeParts(
    parts: readonly DataFrame[],
    name: string,
  ): Promise<{ rows: string; partCol: string }> {
    const names = new Set((await (parts[0] as DataFrame).schema()).fields.map((f) => f.name));
    let partCol = '__deepframe_part';
    while (names.has(partCol)) partCol = `_${partCol}`;
    const tagged = parts.map((part, i) => part.withColumn(partCol, lit(i)));
    const all = tagged.slice(1).reduce((acc, part) => acc.union(part), tagged[0] as DataFrame);
    return { rows: await this.writeRows(all, name), partCol };
  }

  private async writeRows(df: DataFrame, name: string): Promise<string> {
    const schema = await df.schema();
    const batches: arrow.RecordBatch[] = [];
    for await (const batch of df.toBatches()) batches.push(withVectorColumns(batch, schema));
    const table = batches.length > 0 ? new arrow.Table(batches) : new arrow.Table(toArrowSchema(schema));
    const path = join(this.dir, name);
    await writeFile(path, arrow.tableToIPC(table, 'stream'));
    return path;
  }

  private async run<M extends Model>(
    split: SparkSplit,
    overrides: ParamOverrides<Estimator>,
    keepModel: boolean,
  ): Promise<{ metric: number | null; model?: M }> {
    const index = this.maps.indexOf(overrides);
    const spec: FitCandidateStageSpec = {
      kind: 'fitCandidate',
      search: this.search,
      estimator: this.estimatorFile,
      paramMaps: paramMapsToJson(this.estimator, [overrides]),
      evaluator: split.validation === null ? null : this.evaluator,
      rows: split.rows,
      partCol: split.partCol,
      train: split.train,
      validation: split.validation,
      fold: split.fold,
      threads: this.threads,
      keepModel,
    };
    // One row, one partition: one Spark task, which fits the row's param map (the spec's only one).
    const input = this.session
      .fromPlan({ kind: 'range', start: 0, end: 1, step: 1, numPartitions: 1 })
      .withColumnRenamed('id', 'index');
    const tasks = input.withPlan({
      kind: 'mapBatches',
      input: input.plan,
      stage: spec,
      outputSchema: CANDIDATE_RESULT_SCHEMA,
      batchSize: 1,
    });
    let row: Record<string, unknown> | undefined;
    try {
      [row] = await tasks.collect();
    } catch (e) {
      if (!(e instanceof DeepframeError)) throw e;
      throw this.failed(errorToWire(e), index, overrides, split.fold, '', e);
    }
    if (row === undefined) {
      throw this.failed(
        { errorClass: 'NO_RESULT', message: 'the task returned no row.', messageParameters: {} },
        index,
        overrides,
        split.fold,
        '',
      );
    }
    const report: CandidateTaskReport = {
      fold: split.fold,
      index,
      pid: Number(row.pid),
      host: String(row.host),
      workDir: String(row.workDir),
      millis: Number(row.millis),
    };
    this.tasks.push(report);
    if (typeof row.error === 'string') {
      const parsed: unknown = JSON.parse(row.error);
      const wire: WireError = isWireError(parsed)
        ? parsed
        : { errorClass: 'WORKER_ERROR', message: row.error, messageParameters: {} };
      throw this.failed(wire, index, overrides, split.fold, ` on ${report.host} (pid ${report.pid})`);
    }
    const metric = typeof row.metric === 'number' ? row.metric : null;
    if (!(row.model instanceof Uint8Array)) return { metric };
    const dir = join(this.dir, `model-${this.models++}`);
    await unpackDirectory(row.model, dir, `the model of param map ${index}`);
    return { metric, model: (await loadStage(dir)) as M };
  }

  /** A candidate's failure as deepframe's error of the same class, naming the candidate. */
  private failed(
    wire: WireError,
    index: number,
    overrides: ParamOverrides<Estimator>,
    fold: number,
    where: string,
    cause?: unknown,
  ): DeepframeError {
    const candidate = `param map ${index >= 0 ? `${index} ` : ''}(${describeOverrides(overrides)})`;
    const on = fold >= 0 ? `fold ${fold}` : 'all rows (the refit of the best param map)';
    const error = errorFromWire({
      ...wire,
      message: `${this.search}: fitting ${candidate} on ${on} failed in a Spark task${where}: ${wire.message}`,
      messageParameters: {
        ...wire.messageParameters,
        search: this.search,
        paramMapIndex: String(index),
        paramMap: describeOverrides(overrides),
        fold: String(fold),
      },
    });
    if (cause !== undefined) {
      Object.defineProperty(error, 'cause', { value: cause, writable: true, configurable: true });
    }
    return error;
  }
}
