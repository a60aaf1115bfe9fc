import type { DataFrame } from '../../frame/DataFrame.js';
import { col } from '../../frame/functions.js';
import type { StructType } from '../../types/DataType.js';
import type { Estimator } from '../Estimator.js';
import type { Evaluator } from '../evaluation/Evaluator.js';
import type { ParamOverrides, ParamsOptions } from '../Params.js';
import { ParamValidators } from '../ParamValidators.js';
import { registerStage } from '../persistence.js';
import { TypeConverters } from '../TypeConverters.js';
import { CrossValidatorModel } from './CrossValidatorModel.js';
import { bestIndex, checkFoldColType, checkFoldColValues, type ModelOf, searchSplits } from './search.js';
import { loadTunerParts, Validator } from './Validator.js';

/** Options of {@link CrossValidator}'s constructor: its params by name. */
export interface CrossValidatorOptions<E extends Estimator> extends ParamsOptions {
  /** The estimator to tune. */
  readonly estimator?: E;
  /** The param maps to try (what {@link ParamGridBuilder.build} returns). */
  readonly estimatorParamMaps?: readonly ParamOverrides<E>[];
  /** The evaluator that scores each candidate. */
  readonly evaluator?: Evaluator;
  /** The number of folds, `>= 2`; default 3. */
  readonly numFolds?: number;
  /** The seed of the random folds; default the Java hash of `'CrossValidator'`. */
  readonly seed?: number;
  /** How many candidates are fitted at once, `>= 1`; default 1. */
  readonly parallelism?: number;
  /** Keep every candidate model in `subModels`; default `false`. */
  readonly collectSubModels?: boolean;
  /** An integer column of fold numbers `0 … numFolds − 1`; default `''` (random folds). */
  readonly foldCol?: string;
}

/**
 * K-fold cross-validation, as Spark ML's `CrossValidator`: splits the dataset into `numFolds` folds; for each fold,
 * fits every param map of `estimatorParamMaps` on the other folds and evaluates it on that fold with `evaluator`;
 * averages each param map's metric over the folds (`avgMetrics`); refits the best param map (by the evaluator's
 * `isLargerBetter()`) on the whole dataset. Works on both engines: it uses only DataFrame operations, the estimator
 * and the evaluator.
 *
 * Folds are pyspark's: each row draws a seeded uniform `r` in [0, 1), and fold `i` validates on the rows with
 * `i/k ≤ r < (i+1)/k` and trains on the rest; or, with `foldCol`, fold `i` validates on the rows whose fold column
 * is `i`. The input is cached once for the whole search, so an expensive upstream (a featurizer) runs once, not once
 * per fold and candidate; a searched Pipeline's leading transformers that no param map changes run once too.
 *
 * `parallelism` runs up to that many candidate fits and evaluations at once — on the embedded engine on fit
 * threads, every fold's fits in one queue; the metrics are kept in param-map order, so results are the same for any
 * `parallelism` (for estimators whose fits are deterministic).
 *
 * On a Spark session, each candidate (a param map on a fold) of an estimator that deepframe trains (an MLP with
 * solver `'adam'`, an `ImageClassifier`, a Pipeline of deepframe stages, …) is fitted and evaluated in a Spark task
 * of its own on an executor, up to `parallelism` at once, longest first; the folds' rows are collected once and
 * shipped to the executors once for all of them, and the best param map's refit runs in a task too. The results
 * are those of the embedded engine on the same folds. Estimators that fit with Spark MLlib, evaluators that are not
 * deepframe's, and estimators with their own `fitMultiple` fit from the driver instead; so does every search of a
 * session whose `deepframe.spark.searchTasks` is `'false'`.
 *
 * @example
 * ```ts
 * const lr = new LogisticRegression({ maxIter: 50 });
 * const grid = new ParamGridBuilder<LogisticRegression>().addGrid('regParam', [0.1, 0.01, 0.001]).build();
 * const cv = new CrossValidator({
 *   estimator: lr,
 *   estimatorParamMaps: grid,
 *   evaluator: new MulticlassClassificationEvaluator({ metricName: 'accuracy' }),
 *   numFolds: 3,
 *   seed: 42,
 * });
 * const cvModel = await cv.fit(train);
 * cvModel.avgMetrics;                          // one mean accuracy per regParam
 * const predictions = await cvModel.transform(test);
 * ```
 */
export class CrossValidator<E extends Estimator = Estimator> extends Validator<
  E,
  CrossValidatorModel<ModelOf<E>>
> {
  /** The number of folds, `>= 2`; default 3. */
  readonly numFolds = this.declareParam({
    name: 'numFolds',
    doc: 'number of folds for cross validation (>= 2).',
    converter: TypeConverters.toInt,
    validator: ParamValidators.gtEq(2),
    default: 3,
  });
  /** An integer column giving each row's fold (`0 … numFolds − 1`); default `''`: random folds from `seed`. */
  readonly foldCol = this.declareParam({
    name: 'foldCol',
    doc: "the fold column name; when set, its integer values 0 … numFolds-1 give each row's fold.",
    converter: TypeConverters.toString,
    default: '',
  });

  /**
   * A cross-validator with `options`' params.
   *
   * @example
   * ```ts
   * const cv = new CrossValidator({ estimator: lr, estimatorParamMaps: grid, evaluator, numFolds: 5 });
   * ```
   */
  constructor(options: CrossValidatorOptions<E> = {}) {
    super(options);
    this.applyOptions(options);
  }

  /**
   * The number of folds.
   *
   * @example
   * ```ts
   * cv.getNumFolds(); // 3
   * ```
   */
  getNumFolds(): number {
    return this.getOrDefault(this.numFolds);
  }
  /**
   * Sets the number of folds (`>= 2`).
   *
   * @example
   * ```ts
   * cv.setNumFolds(5);
   * ```
   */
  setNumFolds(value: number): this {
    return this.set(this.numFolds, value);
  }
  /**
   * The fold column, or `''`.
   *
   * @example
   * ```ts
   * cv.getFoldCol(); // ''
   * ```
   */
  getFoldCol(): string {
    return this.getOrDefault(this.foldCol);
  }
  /**
   * Sets the fold column: an integer column whose values `0 … numFolds − 1` give each row's fold.
   *
   * @example
   * ```ts
   * cv.setFoldCol('fold');
   * ```
   */
  setFoldCol(value: string): this {
    return this.set(this.foldCol, value);
  }

  /**
   * Checks the search (see {@link Validator.transformSchema}) and the fold column's type when one is set; returns
   * the estimator's output schema.
   *
   * @example
   * ```ts
   * cv.transformSchema(await df.schema());
   * ```
   */
  override transformSchema(schema: StructType): StructType {
    const foldCol = this.getFoldCol();
    if (foldCol !== '') checkFoldColType(schema, foldCol, this.uid);
    return super.transformSchema(schema);
  }

  protected async _fit(df: DataFrame): Promise<CrossValidatorModel<ModelOf<E>>> {
    const maps = this.getEstimatorParamMaps();
    const evaluator = this.getEvaluator();
    const k = this.getNumFolds();
    const foldCol = this.getFoldCol();
    const collect = this.getCollectSubModels();
    if (foldCol !== '') await checkFoldColValues(df, foldCol, k, this.uid);
    return this.withSearch(df, async ({ data, searched, workers, whole, refit }) => {
      const splits = foldCol === '' ? randomFolds(data, k, this.getSeed()) : columnFolds(data, foldCol, k);
      const results = await searchSplits({
        estimator: searched,
        maps,
        evaluator,
        splits,
        folds: splits.map((s) => s.validation),
        parallelism: this.getParallelism(),
        collectModels: collect,
        workers,
      });
      const metrics = results.map((r) => r.metrics);
      const avgMetrics = maps.map((_, j) => mean(metrics.map((m) => m[j] as number)));
      const stdMetrics = maps.map((_, j) => std(metrics.map((m) => m[j] as number)));
      const model = new CrossValidatorModel<ModelOf<E>>({
        uid: this.uid,
        bestModel: await refit(bestIndex(avgMetrics, evaluator.isLargerBetter())),
        subModels: collect ? results.map((r) => (r.models ?? []).map(whole)) : undefined,
        avgMetrics,
        stdMetrics,
      });
      return this.copyValues(model);
    });
  }
}

/** The k folds of pyspark's `_kFold`: fold i validates on `i/k ≤ r < (i+1)/k` of one seeded uniform draw `r`. */
function randomFolds(
  data: DataFrame,
  k: number,
  seed: number,
): { train: DataFrame; validation: DataFrame }[] {
  const parts = data.randomSplit(
    Array.from({ length: k }, () => 1),
    seed,
  );
  return parts.map((validation, i) => {
    const others = parts.filter((_, j) => j !== i);
    const train = others.slice(1).reduce((acc, part) => acc.union(part), others[0] as DataFrame);
    return { train, validation };
  });
}

/** The folds given by an integer fold column. */
function columnFolds(
  data: DataFrame,
  foldCol: string,
  k: number,
): { train: DataFrame; validation: DataFrame }[] {
  return Array.from({ length: k }, (_, i) => ({
    train: data.filter(col(foldCol).notEqual(i)),
    validation: data.filter(col(foldCol).equalTo(i)),
  }));
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Population standard deviation (numpy's default `ddof=0`, as pyspark's `stdMetrics`). */
function std(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((a, b) => a + (b - m) * (b - m), 0) / values.length);
}

registerStage('CrossValidator', async (context) => {
  const parts = await loadTunerParts(context);
  return new CrossValidator({ uid: context.metadata.uid, ...parts }).setParamsFromJson(context.metadata);
});
