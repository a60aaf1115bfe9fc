/**
 * What {@link CrossValidator} and {@link TrainValidationSplit} share: the checks made before anything is fitted,
 * and fitting and evaluating every param map on one split through the bounded scheduler.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { DeepframeError, ParamError, SchemaError } from '../../errors.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { count, max, min } from '../../frame/functions.js';
import { withTrainingThreads } from '../../nn/threads.js';
import { isIntegral, type StructType } from '../../types/DataType.js';
import { Estimator } from '../Estimator.js';
import type { Evaluator } from '../evaluation/Evaluator.js';
import type { Model } from '../Model.js';
import { describeValue, invalidValue } from '../Param.js';
import { ParamMap } from '../ParamMap.js';
import type { ParamOverrides } from '../Params.js';
import { Pipeline } from '../Pipeline.js';
import type { CandidateRunner } from './candidateRunner.js';
import { FitWorkers } from './fitWorkers.js';
import { runBounded, runLongestFirst, type SearchTask } from './scheduler.js';
import { SparkFitTasks } from './sparkFitTasks.js';

/** The model type an estimator type fits. */
export type ModelOf<E> = E extends Estimator<infer M> ? M : Model;

/** The converter of an `estimator` param: any {@link Estimator}. */
export function toEstimator<E extends Estimator>(value: unknown): E {
  if (value instanceof Estimator) return value as E;
  throw invalidValue(value, 'an Estimator (LogisticRegression, a Pipeline, …)');
}

/** The converter of an `evaluator` param: any evaluator (a `Params` with `evaluate` and `isLargerBetter`). */
export function toEvaluator(value: unknown): Evaluator {
  const v = value as { evaluate?: unknown; isLargerBetter?: unknown } | null;
  if (
    typeof v === 'object' &&
    v !== null &&
    typeof v.evaluate === 'function' &&
    typeof v.isLargerBetter === 'function'
  ) {
    return value as Evaluator;
  }
  throw invalidValue(value, 'an Evaluator (MulticlassClassificationEvaluator, …)');
}

/** The converter of an `estimatorParamMaps` param: an array of {@link ParamMap}s or plain objects of values. */
export function toParamMaps<E>(value: unknown): readonly ParamOverrides<E>[] {
  const expected =
    'an array of param maps (ParamMaps or objects of values by name, as ParamGridBuilder.build() makes)';
  if (!Array.isArray(value)) throw invalidValue(value, expected);
  for (const [i, map] of (value as unknown[]).entries()) {
    if (!(map instanceof ParamMap) && (typeof map !== 'object' || map === null || Array.isArray(map))) {
      throw invalidValue(value, `${expected}; element ${i} is ${describeValue(map)}`);
    }
  }
  return Object.freeze([...(value as ParamOverrides<E>[])]);
}

/**
 * Checks a search before anything runs: a non-empty grid whose every map names params the estimator (or, for a
 * pipeline, one of its stages) has, with valid values, and an input schema the estimator accepts with every map.
 * Throws `ParamError` `EMPTY_PARAM_GRID` / `INVALID_PARAM_GRID`, or the estimator's `SchemaError`.
 */
export function checkSearch<E extends Estimator>(
  estimator: E,
  maps: readonly ParamOverrides<E>[],
  schema: StructType,
  stage: string,
): void {
  if (maps.length === 0) {
    throw new ParamError(
      'EMPTY_PARAM_GRID',
      `${stage}: estimatorParamMaps is empty, so there is no model to choose from. Pass at least one param map ` +
        '(new ParamGridBuilder().build() gives one empty map: the estimator as it is).',
      { stage, param: 'estimatorParamMaps' },
    );
  }
  const owners = stageUids(estimator);
  for (const [i, map] of maps.entries()) {
    let copy: E;
    try {
      if (map instanceof ParamMap) {
        for (const [param] of map) {
          if (!owners.has(param.parent)) {
            throw new ParamError(
              'UNKNOWN_PARAM',
              `param '${String(param)}' belongs to stage '${param.parent}', which is not the estimator ` +
                `'${estimator.uid}' nor one of its stages`,
              { param: String(param) },
            );
          }
        }
      }
      copy = estimator.copy(map);
    } catch (e) {
      if (!(e instanceof ParamError)) throw e;
      throw new ParamError(
        'INVALID_PARAM_GRID',
        `${stage}: estimatorParamMaps[${i}] does not fit the estimator '${estimator.uid}': ${e.message.replace(/^\[[A-Z_]+\] /, '')} ` +
          'Build the grid from the estimator’s own params (ParamGridBuilder<ThatClass>, or its Param objects).',
        { stage, index: String(i), estimator: estimator.uid },
        { cause: e },
      );
    }
    copy.transformSchema(schema);
  }
}

/** The uids of `estimator` and, for a pipeline, of its stages (recursively): the owners a grid's params may have. */
function stageUids(estimator: Estimator): Set<string> {
  const out = new Set<string>([estimator.uid]);
  if (estimator instanceof Pipeline) {
    for (const stage of estimator.getStages()) {
      if (stage instanceof Estimator) for (const uid of stageUids(stage)) out.add(uid);
      else out.add(stage.uid);
    }
  }
  return out;
}

/**
 * Checks a fold column: in the schema, of an integer type (schema only: for `transformSchema`).
 */
export function checkFoldColType(schema: StructType, foldCol: string, stage: string): void {
  const field = schema.fields.find((f) => f.name === foldCol);
  if (field === undefined) {
    throw new SchemaError(
      'UNRESOLVED_COLUMN',
      `${stage}: foldCol '${foldCol}' is not a column of the input (columns: ${schema.fields.map((f) => f.name).join(', ')}). ` +
        "Name an integer column holding each row's fold, or set foldCol to '' for random folds.",
      { stage, column: foldCol },
    );
  }
  if (!isIntegral(field.type)) {
    throw new SchemaError(
      'WRONG_COLUMN_TYPE',
      `${stage}: foldCol '${foldCol}' must be of an integer type (fold numbers 0 … numFolds−1); it is ` +
        `${String(field.type)}. Cast it to int.`,
      { stage, column: foldCol, actual: String(field.type), expected: 'an integer type' },
    );
  }
}

/**
 * Checks a fold column's values: every row has a fold in `0 … numFolds − 1`. One aggregate query; throws
 * `SchemaError` `INVALID_FOLD_VALUE` naming the smallest and largest values and the null count.
 */
export async function checkFoldColValues(
  df: DataFrame,
  foldCol: string,
  numFolds: number,
  stage: string,
): Promise<void> {
  const [row] = await df
    .agg(
      min(foldCol).alias('lo'),
      max(foldCol).alias('hi'),
      count('*').alias('n'),
      count(foldCol).alias('nonNull'),
    )
    .collect();
  const lo = row?.lo === null || row?.lo === undefined ? undefined : Number(row.lo);
  const hi = row?.hi === null || row?.hi === undefined ? undefined : Number(row.hi);
  const nulls = Number(row?.n ?? 0) - Number(row?.nonNull ?? 0);
  if (nulls > 0 || (lo !== undefined && lo < 0) || (hi !== undefined && hi >= numFolds)) {
    throw new SchemaError(
      'INVALID_FOLD_VALUE',
      `${stage}: foldCol '${foldCol}' must hold fold numbers 0 … ${numFolds - 1} (numFolds ${numFolds}) in every row; ` +
        `it holds values from ${lo} to ${hi}${nulls > 0 ? ` and ${nulls} nulls` : ''}. Fix the column or numFolds.`,
      {
        stage,
        column: foldCol,
        min: String(lo),
        max: String(hi),
        nulls: String(nulls),
        numFolds: String(numFolds),
      },
    );
  }
}

/** What one split of a search gives: a metric per param map, and the models when they are collected. */
export interface SplitResult<M extends Model> {
  readonly metrics: number[];
  readonly models: M[] | undefined;
}

/**
 * Fits every param map on `train` and evaluates each model on `validation`, up to `parallelism` at once; the
 * metrics (and models) are in param-map order whatever order the fits finish in.
 *
 * An estimator that keeps {@link Estimator}'s own `fitMultiple` (fit one map after another) has each map fitted
 * by its own task, so that fits can overlap; an estimator that overrides `fitMultiple` (to share work between
 * fits) is asked for its models through it, by up to `parallelism` tasks at once, as pyspark does.
 */
export async function searchSplit<E extends Estimator>(options: {
  readonly estimator: E;
  readonly maps: readonly ParamOverrides<E>[];
  readonly evaluator: Evaluator;
  readonly train: DataFrame;
  readonly validation: DataFrame;
  readonly fold: number;
  readonly parallelism: number;
  readonly collectModels: boolean;
  /** Fit threads or Spark tasks (see {@link startCandidateRunner}); without them the fits run on this thread. */
  readonly workers?: CandidateRunner | undefined;
}): Promise<SplitResult<ModelOf<E>>> {
  const { estimator, maps, evaluator, train, validation, fold } = options;
  const metrics = new Array<number>(maps.length);
  const models = options.collectModels ? new Array<ModelOf<E>>(maps.length) : undefined;
  const tasks: SearchTask[] = maps.map((_, index) => ({ fold, index }));
  const workers = options.workers;
  if (workers !== undefined) {
    const split = await workers.share(train, validation);
    await runBounded(tasks, options.parallelism, async (task) => {
      const { metric, model } = await workers.fit<ModelOf<E>>(
        split,
        maps[task.index] as ParamOverrides<Estimator>,
        models !== undefined,
      );
      metrics[task.index] = metric;
      if (models !== undefined && model !== undefined) models[task.index] = model;
    });
    return { metrics, models };
  }
  const ownFitMultiple = hasOwnFitMultiple(estimator);
  const iterator = ownFitMultiple ? estimator.fitMultiple(train, maps) : undefined;
  // Fits running at once share the cores: each one's training sessions get cores / fits intra-op threads, so that
  // two fits on two cores each run on one instead of both contending for both.
  const lanes = Math.max(1, Math.min(options.parallelism, tasks.length));
  const threads = Math.max(1, Math.floor(availableParallelism() / lanes));
  const fitOne = async (task: SearchTask) => {
    let index = task.index;
    let model: Model;
    if (iterator === undefined) {
      model = await estimator.fit(train, maps[index] as ParamOverrides<E>);
    } else {
      const next = await iterator.next();
      if (next.done === true) throw fitMultipleEnded(estimator, maps.length);
      [index, model] = next.value;
    }
    const metric = await evaluator.evaluate(await model.transform(validation));
    metrics[index] = metric;
    if (models !== undefined) models[index] = model as ModelOf<E>;
  };
  await runBounded(tasks, options.parallelism, (task) =>
    lanes === 1 ? fitOne(task) : withTrainingThreads(threads, () => fitOne(task)),
  );
  return { metrics, models };
}

/**
 * {@link searchSplit} over several splits (the folds of a cross-validation). On fit threads the fits of every
 * split go into one queue, so that a lane that finishes its last fit of a split starts on the next split instead of
 * waiting for the other lanes; on the calling thread the splits are searched one after another.
 */
export async function searchSplits<E extends Estimator>(options: {
  readonly estimator: E;
  readonly maps: readonly ParamOverrides<E>[];
  readonly evaluator: Evaluator;
  readonly splits: readonly { readonly train: DataFrame; readonly validation: DataFrame }[];
  /**
   * When the splits are k folds (split `i` validates on `folds[i]` and trains on the others): the folds, which a
   * runner that can (Spark tasks) shares once for all the splits.
   */
  readonly folds?: readonly DataFrame[] | undefined;
  readonly parallelism: number;
  readonly collectModels: boolean;
  readonly workers?: CandidateRunner | undefined;
}): Promise<SplitResult<ModelOf<E>>[]> {
  const { maps, splits, workers } = options;
  if (workers === undefined) {
    const results: SplitResult<ModelOf<E>>[] = [];
    for (const [fold, { train, validation }] of splits.entries()) {
      results.push(await searchSplit({ ...options, train, validation, fold }));
    }
    return results;
  }
  let shared: unknown[] = [];
  if (options.folds !== undefined && workers.shareFolds !== undefined) {
    shared = await workers.shareFolds(options.folds);
  } else {
    for (const { train, validation } of splits) shared.push(await workers.share(train, validation));
  }
  const results = splits.map(() => ({
    metrics: new Array<number>(maps.length),
    models: options.collectModels ? new Array<ModelOf<E>>(maps.length) : undefined,
  }));
  const tasks: SearchTask[] = splits.flatMap((_, fold) => maps.map((__, index) => ({ fold, index })));
  // How long each param map's fit took on an earlier split: later splits start the long ones first.
  const took = new Map<number, number>();
  const run = async ({ fold, index }: SearchTask) => {
    const started = performance.now();
    const result = results[fold] as SplitResult<ModelOf<E>>;
    const { metric, model } = await workers.fit<ModelOf<E>>(
      shared[fold],
      maps[index] as ParamOverrides<Estimator>,
      result.models !== undefined,
    );
    result.metrics[index] = metric;
    if (result.models !== undefined && model !== undefined) result.models[index] = model;
    took.set(index, performance.now() - started);
  };
  await runLongestFirst(tasks, options.parallelism, run, (task) => took.get(task.index));
  return results;
}

function hasOwnFitMultiple(estimator: Estimator): boolean {
  return estimator.fitMultiple !== Estimator.prototype.fitMultiple;
}

/**
 * What runs a search's candidates: on a Spark session, Spark tasks ({@link SparkFitTasks}: one task per candidate,
 * `parallelism` at once) when the estimator fits one map at a time with deepframe's own training (not Spark
 * MLlib), can be saved, and the evaluator is one of deepframe's; on the embedded engine, fit threads
 * ({@link startFitWorkers}); otherwise `undefined`, and the fits run on the calling thread.
 */
export async function startCandidateRunner(
  data: DataFrame,
  estimator: Estimator,
  evaluator: Evaluator,
  parallelism: number,
  maps: readonly ParamOverrides<Estimator>[],
  search: string,
): Promise<CandidateRunner | undefined> {
  if (data.session.engine.name === 'spark') {
    if (hasOwnFitMultiple(estimator)) return undefined;
    return SparkFitTasks.start(data, estimator, evaluator, maps, search);
  }
  return startFitWorkers(data, estimator, evaluator, parallelism, maps.length);
}

/**
 * Fit worker threads for a search with `parallelism` above 1 on the embedded engine, one per lane, when the
 * estimator fits one map at a time (its own `fitMultiple` shares work across maps on one thread) and can be saved
 * and the evaluator is one of deepframe's; otherwise `undefined`, and the fits run on the calling thread.
 */
export async function startFitWorkers(
  data: DataFrame,
  estimator: Estimator,
  evaluator: Evaluator,
  parallelism: number,
  maps: number,
): Promise<FitWorkers | undefined> {
  if (parallelism < 2 || hasOwnFitMultiple(estimator)) return undefined;
  return FitWorkers.start(data, estimator, evaluator, Math.min(parallelism, maps));
}

function fitMultipleEnded(estimator: Estimator, expected: number): DeepframeError {
  return new DeepframeError(
    'INTERNAL',
    `${estimator.uid}.fitMultiple() yielded fewer models than the ${expected} param maps it was given.`,
    { stage: estimator.uid, expected: String(expected) },
  );
}

/**
 * The index of the best metric: the largest when `largerBetter`, else the smallest; the first of equal ones (as
 * numpy's argmax / argmin). NaN metrics are never best unless all are NaN.
 */
export function bestIndex(metrics: readonly number[], largerBetter: boolean): number {
  let best = 0;
  for (let i = 1; i < metrics.length; i++) {
    const m = metrics[i] as number;
    const b = metrics[best] as number;
    if (Number.isNaN(m)) continue;
    if (Number.isNaN(b) || (largerBetter ? m > b : m < b)) best = i;
  }
  return best;
}
