import { ParamError } from '../../errors.js';
import type { Model } from '../Model.js';
import type { JsonValue } from '../Param.js';
import { ParamValidators } from '../ParamValidators.js';
import { registerStage } from '../persistence.js';
import { SharedParams } from '../sharedParams.js';
import { TypeConverters } from '../TypeConverters.js';
import {
  loadValidatorParts,
  metricsFromJson,
  metricsToJson,
  ValidatorModel,
  type ValidatorModelOptions,
} from './ValidatorModel.js';

/** Options of {@link CrossValidatorModel}'s constructor. */
export interface CrossValidatorModelOptions<M extends Model> extends ValidatorModelOptions<M> {
  /** The mean metric of each param map over the folds, in param-map order. */
  readonly avgMetrics: readonly number[];
  /** The standard deviation (population, as numpy's `std`) of each param map's metric over the folds. */
  readonly stdMetrics?: readonly number[];
  /** The number of folds; default 3. */
  readonly numFolds?: number;
  /** The seed of the random folds. */
  readonly seed?: number;
  /** The fold column, or `''`. */
  readonly foldCol?: string;
}

/**
 * What {@link CrossValidator} fits: the best model refitted on the whole dataset ({@link ValidatorModel.bestModel},
 * whose `transform` this is), each param map's mean and standard deviation of the metric over the folds
 * (`avgMetrics`, `stdMetrics`, in param-map order), and the candidates (`subModels[fold][paramMapIndex]`) when
 * `collectSubModels` was set. Saves and loads with the best model (and the candidates) inside.
 *
 * @example
 * ```ts
 * const cvModel = await cv.fit(train);
 * cvModel.avgMetrics;              // [0.93, 0.95, 0.91]
 * await cvModel.transform(test);   // the best model's predictions
 * await cvModel.save('/models/cv');
 * const again = await CrossValidatorModel.load('/models/cv');
 * ```
 */
export class CrossValidatorModel<M extends Model = Model> extends ValidatorModel<M> {
  /** The number of folds the metrics were computed over. */
  readonly numFolds = this.declareParam({
    name: 'numFolds',
    doc: 'number of folds for cross validation (>= 2).',
    converter: TypeConverters.toInt,
    validator: ParamValidators.gtEq(2),
    default: 3,
  });
  /** The seed of the random folds. */
  readonly seed = this.declareParam(SharedParams.seed);
  /** The fold column the folds came from, or `''` for random folds. */
  readonly foldCol = this.declareParam({
    name: 'foldCol',
    doc: "the fold column name; when set, its integer values 0 … numFolds-1 give each row's fold.",
    converter: TypeConverters.toString,
    default: '',
  });
  /** The mean metric of each param map over the folds, in param-map order. */
  readonly avgMetrics: readonly number[];
  /** The standard deviation of each param map's metric over the folds (population, as pyspark's). */
  readonly stdMetrics: readonly number[];

  /**
   * A model of `options.bestModel` and its metrics; {@link CrossValidator.fit} makes them.
   *
   * @example
   * ```ts
   * const m = new CrossValidatorModel({ bestModel: lrModel, avgMetrics: [0.9], stdMetrics: [0.01], numFolds: 3 });
   * ```
   */
  constructor(options: CrossValidatorModelOptions<M>) {
    const { bestModel, subModels, avgMetrics, stdMetrics, ...params } = options;
    super(options);
    this.avgMetrics = Object.freeze([...avgMetrics]);
    this.stdMetrics = Object.freeze([...(stdMetrics ?? avgMetrics.map(() => 0))]);
    if (this.stdMetrics.length !== this.avgMetrics.length) {
      throw new ParamError(
        'INVALID_PARAM_VALUE',
        `A CrossValidatorModel needs one stdMetrics value per avgMetrics value; got ${this.stdMetrics.length} and ${this.avgMetrics.length}.`,
        {
          param: 'stdMetrics',
          expected: String(this.avgMetrics.length),
          actual: String(this.stdMetrics.length),
        },
      );
    }
    this.applyOptions(params);
  }

  /**
   * The candidate models, `subModels[fold][paramMapIndex]`, when the cross-validator had `collectSubModels`; else
   * `undefined`.
   *
   * @example
   * ```ts
   * cvModel.subModels?.[0]?.[2]; // fold 0's model for the third param map
   * ```
   */
  get subModels(): readonly (readonly M[])[] | undefined {
    return this.splitModels;
  }

  /**
   * The number of folds.
   *
   * @example
   * ```ts
   * cvModel.getNumFolds(); // 3
   * ```
   */
  getNumFolds(): number {
    return this.getOrDefault(this.numFolds);
  }
  /**
   * The seed of the random folds.
   *
   * @example
   * ```ts
   * cvModel.getSeed();
   * ```
   */
  getSeed(): number {
    return this.getOrDefault(this.seed);
  }
  /**
   * The fold column, or `''`.
   *
   * @example
   * ```ts
   * cvModel.getFoldCol(); // ''
   * ```
   */
  getFoldCol(): string {
    return this.getOrDefault(this.foldCol);
  }

  protected metricsJson(): { readonly [key: string]: JsonValue } {
    return { avgMetrics: metricsToJson(this.avgMetrics), stdMetrics: metricsToJson(this.stdMetrics) };
  }
}

registerStage('CrossValidatorModel', async (context) => {
  const { bestModel, subModels, extra } = await loadValidatorParts(context);
  return new CrossValidatorModel({
    uid: context.metadata.uid,
    bestModel,
    subModels,
    avgMetrics: metricsFromJson(extra, 'avgMetrics', context.path),
    stdMetrics: metricsFromJson(extra, 'stdMetrics', context.path),
  }).setParamsFromJson(context.metadata);
});
