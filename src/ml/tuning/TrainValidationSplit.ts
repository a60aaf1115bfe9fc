import type { DataFrame } from '../../frame/DataFrame.js';
import type { Estimator } from '../Estimator.js';
import type { Evaluator } from '../evaluation/Evaluator.js';
import type { ParamOverrides, ParamsOptions } from '../Params.js';
import { ParamValidators } from '../ParamValidators.js';
import { registerStage } from '../persistence.js';
import { TypeConverters } from '../TypeConverters.js';
import { bestIndex, type ModelOf, searchSplit } from './search.js';
import { TrainValidationSplitModel } from './TrainValidationSplitModel.js';
import { loadTunerParts, Validator } from './Validator.js';

/** Options of {@link TrainValidationSplit}'s constructor: its params by name. */
export interface TrainValidationSplitOptions<E extends Estimator> extends ParamsOptions {
  /** The estimator to tune. */
  readonly estimator?: E;
  /** The param maps to try (what {@link ParamGridBuilder.build} returns). */
  readonly estimatorParamMaps?: readonly ParamOverrides<E>[];
  /** The evaluator that scores each candidate. */
  readonly evaluator?: Evaluator;
  /** The fraction of rows to train on, in (0, 1); default 0.75. */
  readonly trainRatio?: number;
  /** The seed of the random split; default the Java hash of `'TrainValidationSplit'`. */
  readonly seed?: number;
  /** How many candidates are fitted at once, `>= 1`; default 1. */
  readonly parallelism?: number;
  /** Keep every candidate model in `subModels`; default `false`. */
  readonly collectSubModels?: boolean;
}

/**
 * Model selection on one random split, as Spark ML's `TrainValidationSplit`: each row draws a seeded uniform `r`;
 * the rows with `r < trainRatio` train every param map of `estimatorParamMaps`, the others evaluate them with
 * `evaluator`; the best param map (by the evaluator's `isLargerBetter()`) is refitted on the whole dataset. Cheaper
 * than {@link CrossValidator} (one fit per param map, not `numFolds`), noisier on small data. The input is cached
 * once; `parallelism` runs up to that many candidates at once, with the same results as one at a time. On a Spark
 * session, candidates of an estimator that deepframe trains run as Spark tasks on the executors, one candidate per
 * task (see {@link CrossValidator}), the split's rows shipped once for all of them.
 *
 * @example
 * ```ts
 * const tvs = new TrainValidationSplit({
 *   estimator: new LogisticRegression({ maxIter: 50 }),
 *   estimatorParamMaps: new ParamGridBuilder<LogisticRegression>().addGrid('regParam', [0.1, 0.01]).build(),
 *   evaluator: new MulticlassClassificationEvaluator({ metricName: 'accuracy' }),
 *   trainRatio: 0.8,
 *   seed: 7,
 * });
 * const tvsModel = await tvs.fit(train);
 * tvsModel.validationMetrics; // one accuracy per regParam
 * ```
 */
export class TrainValidationSplit<E extends Estimator = Estimator> extends Validator<
  E,
  TrainValidationSplitModel<ModelOf<E>>
> {
  /** The fraction of rows to train on, in (0, 1); default 0.75. */
  readonly trainRatio = this.declareParam({
    name: 'trainRatio',
    doc: 'ratio between training set and validation set (> 0 and < 1).',
    converter: TypeConverters.toFloat,
    validator: ParamValidators.inRange(0, 1, false, false),
    default: 0.75,
  });

  /**
   * A train-validation split with `options`' params.
   *
   * @example
   * ```ts
   * const tvs = new TrainValidationSplit({ estimator: lr, estimatorParamMaps: grid, evaluator, trainRatio: 0.8 });
   * ```
   */
  constructor(options: TrainValidationSplitOptions<E> = {}) {
    super(options);
    this.applyOptions(options);
  }

  /**
   * The fraction of rows to train on.
   *
   * @example
   * ```ts
   * tvs.getTrainRatio(); // 0.75
   * ```
   */
  getTrainRatio(): number {
    return this.getOrDefault(this.trainRatio);
  }
  /**
   * Sets the fraction of rows to train on, in (0, 1).
   *
   * @example
   * ```ts
   * tvs.setTrainRatio(0.8);
   * ```
   */
  setTrainRatio(value: number): this {
    return this.set(this.trainRatio, value);
  }

  protected async _fit(df: DataFrame): Promise<TrainValidationSplitModel<ModelOf<E>>> {
    const maps = this.getEstimatorParamMaps();
    const evaluator = this.getEvaluator();
    const ratio = this.getTrainRatio();
    const collect = this.getCollectSubModels();
    return this.withSearch(df, async ({ data, searched, workers, whole, refit }) => {
      const [train, validation] = data.randomSplit([ratio, 1 - ratio], this.getSeed()) as [
        DataFrame,
        DataFrame,
      ];
      const result = await searchSplit({
        estimator: searched,
        maps,
        evaluator,
        train,
        validation,
        fold: 0,
        parallelism: this.getParallelism(),
        collectModels: collect,
        workers,
      });
      const model = new TrainValidationSplitModel<ModelOf<E>>({
        uid: this.uid,
        bestModel: await refit(bestIndex(result.metrics, evaluator.isLargerBetter())),
        subModels: result.models?.map(whole),
        validationMetrics: result.metrics,
      });
      return this.copyValues(model);
    });
  }
}

registerStage('TrainValidationSplit', async (context) => {
  const parts = await loadTunerParts(context);
  return new TrainValidationSplit({ uid: context.metadata.uid, ...parts }).setParamsFromJson(
    context.metadata,
  );
});
