import { join } from 'node:path';
import { IOError, ParamError } from '../../errors.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import type { StructType } from '../../types/DataType.js';
import { Estimator } from '../Estimator.js';
import type { Evaluator } from '../evaluation/Evaluator.js';
import { loadStage } from '../loadStage.js';
import type { Model } from '../Model.js';
import type { JsonValue, Param } from '../Param.js';
import type { ParamOverrides } from '../Params.js';
import type { LoadContext, SaveOptions } from '../persistence.js';
import { writeStage } from '../saveStage.js';
import { SharedParams } from '../sharedParams.js';
import type { CandidateRunner } from './candidateRunner.js';
import { evaluatorSpec, makeEvaluator } from './evaluatorSpec.js';
import { hoistTransformers, withPrefix } from './hoist.js';
import { paramMapsFromJson, paramMapsToJson } from './paramMapsJson.js';
import {
  checkSearch,
  type ModelOf,
  startCandidateRunner,
  toEstimator,
  toEvaluator,
  toParamMaps,
} from './search.js';

/**
 * The params and checks that {@link CrossValidator} and {@link TrainValidationSplit} share (Spark ML's
 * `ValidatorParams` with `HasSeed`, `HasParallelism`, `HasCollectSubModels`): the `estimator` to tune, the
 * `estimatorParamMaps` to try, the `evaluator` that scores each model, and how the search runs.
 *
 * `estimator`, `estimatorParamMaps` and `evaluator` are required and live in memory only: they are not written to
 * `metadata.json`, so these estimators are not saved; their fitted models are.
 *
 * @example
 * ```ts
 * const cv = new CrossValidator({ estimator: lr, estimatorParamMaps: grid, evaluator, parallelism: 2 });
 * cv.getEstimator(); // lr
 * ```
 */
/** What a tuner's search runs on (see `Validator.withSearch`). */
export interface SearchSetup<E extends Estimator> {
  /** The rows, cached: the input, or a searched Pipeline's leading transformers' output. */
  readonly data: DataFrame;
  /** The estimator to fit: the tuner's, or the rest of its Pipeline after the leading transformers. */
  readonly searched: E;
  /** Fit threads or Spark tasks, when the search runs on them. */
  readonly workers: CandidateRunner | undefined;
  /** A model of `searched`, made whole (the leading transformers put back). */
  whole(model: ModelOf<E>): ModelOf<E>;
  /** Refits param map `index` on all of `data`: the tuner's `bestModel`. */
  refit(index: number): Promise<ModelOf<E>>;
}

export abstract class Validator<E extends Estimator, M extends Model> extends Estimator<M> {
  /** The estimator to tune (any {@link Estimator}, a {@link Pipeline} included). Required. */
  readonly estimator: Param<E> = this.declareParam<E>({
    name: 'estimator',
    doc: 'estimator to be cross-validated.',
    converter: (value) => toEstimator<E>(value),
    persist: false,
  });
  /** The param maps to try, as {@link ParamGridBuilder.build} makes them; at least one. Required. */
  readonly estimatorParamMaps: Param<readonly ParamOverrides<E>[]> = this.declareParam<
    readonly ParamOverrides<E>[]
  >({
    name: 'estimatorParamMaps',
    doc: 'estimator param maps.',
    converter: (value) => toParamMaps<E>(value),
    persist: false,
  });
  /** The evaluator that scores each candidate on held-out data; its `isLargerBetter()` picks the best. Required. */
  readonly evaluator: Param<Evaluator> = this.declareParam<Evaluator>({
    name: 'evaluator',
    doc: 'evaluator used to select hyper-parameters that maximize the validator metric.',
    converter: toEvaluator,
    persist: false,
  });
  /** The seed of the random split; default the Java hash of the class name, as Spark's. */
  readonly seed = this.declareParam(SharedParams.seed);
  /**
   * How many candidate fits (and evaluations) run at once, `>= 1`; default 1: fit threads on the embedded engine,
   * Spark tasks on a Spark session (see {@link CrossValidator}). Results do not depend on it.
   */
  readonly parallelism = this.declareParam(SharedParams.parallelism);
  /** Whether the model keeps every candidate model (`subModels`), not only the best; default `false`. */
  readonly collectSubModels = this.declareParam(SharedParams.collectSubModels);

  /**
   * The estimator to tune.
   *
   * @example
   * ```ts
   * cv.getEstimator().uid;
   * ```
   */
  getEstimator(): E {
    return this.required(this.estimator);
  }
  /**
   * Sets the estimator to tune.
   *
   * @example
   * ```ts
   * cv.setEstimator(lr);
   * ```
   */
  setEstimator(value: E): this {
    return this.set(this.estimator, value);
  }
  /**
   * The param maps to try.
   *
   * @example
   * ```ts
   * cv.getEstimatorParamMaps().length;
   * ```
   */
  getEstimatorParamMaps(): readonly ParamOverrides<E>[] {
    return this.required(this.estimatorParamMaps);
  }
  /**
   * Sets the param maps to try.
   *
   * @example
   * ```ts
   * cv.setEstimatorParamMaps(new ParamGridBuilder<LogisticRegression>().addGrid('regParam', [0.1, 0.01]).build());
   * ```
   */
  setEstimatorParamMaps(value: readonly ParamOverrides<E>[]): this {
    return this.set(this.estimatorParamMaps, value);
  }
  /**
   * The evaluator.
   *
   * @example
   * ```ts
   * cv.getEvaluator().isLargerBetter();
   * ```
   */
  getEvaluator(): Evaluator {
    return this.required(this.evaluator);
  }
  /**
   * Sets the evaluator.
   *
   * @example
   * ```ts
   * cv.setEvaluator(new MulticlassClassificationEvaluator({ metricName: 'accuracy' }));
   * ```
   */
  setEvaluator(value: Evaluator): this {
    return this.set(this.evaluator, value);
  }
  /**
   * The seed of the random split.
   *
   * @example
   * ```ts
   * cv.getSeed();
   * ```
   */
  getSeed(): number {
    return this.getOrDefault(this.seed);
  }
  /**
   * Sets the seed of the random split.
   *
   * @example
   * ```ts
   * cv.setSeed(42);
   * ```
   */
  setSeed(value: number): this {
    return this.set(this.seed, value);
  }
  /**
   * How many candidates are fitted at once.
   *
   * @example
   * ```ts
   * cv.getParallelism(); // 1
   * ```
   */
  getParallelism(): number {
    return this.getOrDefault(this.parallelism);
  }
  /**
   * Sets how many candidates are fitted at once (`>= 1`).
   *
   * @example
   * ```ts
   * cv.setParallelism(2);
   * ```
   */
  setParallelism(value: number): this {
    return this.set(this.parallelism, value);
  }
  /**
   * Whether every candidate model is kept.
   *
   * @example
   * ```ts
   * cv.getCollectSubModels(); // false
   * ```
   */
  getCollectSubModels(): boolean {
    return this.getOrDefault(this.collectSubModels);
  }
  /**
   * Sets whether every candidate model is kept (in the fitted model's `subModels`).
   *
   * @example
   * ```ts
   * cv.setCollectSubModels(true);
   * ```
   */
  setCollectSubModels(value: boolean): this {
    return this.set(this.collectSubModels, value);
  }

  /**
   * Saves the tuner: its params in `metadata.json`, the estimator under `estimator/`, and in `extra` the evaluator
   * (its class and params) and the param maps. Throws `IOError` `UNSUPPORTED_OPERATION` for an evaluator that is
   * not one of deepframe's (it could not be made again on load).
   *
   * @example
   * ```ts
   * await cv.save('/models/cv-search');
   * const again = await CrossValidator.load('/models/cv-search');
   * ```
   */
  override save(path: string, options?: SaveOptions): Promise<void> {
    if (evaluatorSpec(this.getEvaluator()) === undefined) {
      return Promise.reject(
        new IOError(
          'UNSUPPORTED_OPERATION',
          `${this.uid}: its evaluator (${this.getEvaluator().constructor.name}) is not one of deepframe's ` +
            'evaluators, so it could not be made again when the tuner is loaded. Save the fitted model instead.',
          { stage: this.uid, className: this.getEvaluator().constructor.name },
        ),
      );
    }
    return super.save(path, options);
  }

  /**
   * The evaluator and the param maps, for `metadata.json`'s `extra`.
   *
   * @example
   * ```ts
   * cv.extraMetadata(); // { evaluator: { className: 'MulticlassClassificationEvaluator', params: {…} }, estimatorParamMaps: […] }
   * ```
   */
  override extraMetadata(): { readonly [key: string]: JsonValue } {
    const spec = evaluatorSpec(this.getEvaluator());
    return {
      evaluator: spec === undefined ? null : { className: spec.className, params: spec.params as JsonValue },
      estimatorParamMaps: paramMapsToJson(this.getEstimator(), this.getEstimatorParamMaps()),
    };
  }

  /**
   * Writes the estimator under `estimator/`.
   *
   * @example
   * ```ts
   * await cv.save('/models/cv-search'); // calls saveImpl
   * ```
   */
  /**
   * Runs `body` on the search's rows: a searched Pipeline's leading transformers (a featurizer) applied once, the
   * rows cached, fit threads (when `parallelism` allows) or Spark tasks (on a Spark session) made ready; everything
   * released afterwards.
   */
  protected async withSearch<T>(df: DataFrame, body: (setup: SearchSetup<E>) => Promise<T>): Promise<T> {
    const estimator = this.getEstimator();
    const maps = this.getEstimatorParamMaps();
    const hoisted = await hoistTransformers(estimator, maps as readonly ParamOverrides<Estimator>[], df);
    const searched = hoisted.estimator as E;
    const data = hoisted.data.cache();
    let workers: CandidateRunner | undefined;
    try {
      await data.count();
      workers = await startCandidateRunner(
        data,
        searched,
        this.getEvaluator(),
        this.getParallelism(),
        maps as readonly ParamOverrides<Estimator>[],
        this.uid,
      );
      const whole = (model: ModelOf<E>) => withPrefix(hoisted.prefix, model, estimator);
      return await body({
        data,
        searched,
        workers,
        whole,
        refit: async (index) => {
          const map = maps[index] as ParamOverrides<E>;
          // Spark tasks refit on an executor too; fit threads leave the refit to this thread.
          const model =
            workers?.refit === undefined
              ? await searched.fit(data, map)
              : await workers.refit(data, map as ParamOverrides<Estimator>);
          return whole(model as ModelOf<E>);
        },
      });
    } finally {
      await workers?.close();
      await data.unpersist();
    }
  }

  override async saveImpl(dir: string): Promise<void> {
    await writeStage(this.getEstimator(), join(dir, 'estimator'));
  }

  /** Prepares the estimator (see {@link PipelineStage.prepare}). */
  override async prepare(): Promise<void> {
    await this.getEstimator().prepare();
  }

  /**
   * The estimator's output schema, after checking (as Spark's `ValidatorParams`) that the grid is not empty, that
   * every map names params of the estimator with valid values, and that the estimator accepts `schema` with each
   * map. Throws `ParamError` (`PARAM_NOT_DEFINED`, `EMPTY_PARAM_GRID`, `INVALID_PARAM_GRID`) or the estimator's
   * `SchemaError`, before anything is fitted.
   *
   * @example
   * ```ts
   * cv.transformSchema(await df.schema());
   * ```
   */
  transformSchema(schema: StructType): StructType {
    this.getEvaluator();
    const estimator = this.getEstimator();
    const maps = this.getEstimatorParamMaps();
    checkSearch(estimator, maps, schema, this.uid);
    return estimator.copy(maps[0]).transformSchema(schema);
  }

  /** A required param's value, or `ParamError` `PARAM_NOT_DEFINED` saying how to set it. */
  private required<T>(param: Param<T>): T {
    if (!this.isDefined(param)) {
      throw new ParamError(
        'PARAM_NOT_DEFINED',
        `${this.uid}: param '${param.name}' is not set; it is required. Pass it to the constructor ` +
          `({ ${param.name}: … }) or call set${param.name[0]?.toUpperCase()}${param.name.slice(1)}(…).`,
        { stage: this.uid, param: param.name },
      );
    }
    return this.getOrDefault(param);
  }
}

/** What a saved tuner holds besides its own params: the estimator, the evaluator and the param maps. */
export async function loadTunerParts<E extends Estimator>({
  path,
  metadata,
}: LoadContext): Promise<{ estimator: E; evaluator: Evaluator; estimatorParamMaps: ParamOverrides<E>[] }> {
  const estimator = await loadStage(join(path, 'estimator'));
  if (!(estimator instanceof Estimator)) {
    throw new IOError(
      'INVALID_METADATA',
      `The tuner saved at '${path}' holds no estimator under estimator/.`,
      {
        path,
        expected: 'an Estimator',
      },
    );
  }
  const spec = metadata.extra?.evaluator as { className?: unknown; params?: unknown } | null | undefined;
  if (typeof spec?.className !== 'string' || typeof spec.params !== 'object' || spec.params === null) {
    throw new IOError(
      'INVALID_METADATA',
      `The tuner saved at '${path}' has no extra.evaluator {className, params}.`,
      {
        path,
        field: 'extra.evaluator',
      },
    );
  }
  return {
    estimator: estimator as E,
    evaluator: makeEvaluator({ className: spec.className, params: spec.params as Record<string, unknown> }),
    estimatorParamMaps: paramMapsFromJson(estimator as E, metadata.extra?.estimatorParamMaps, path),
  };
}
