import { ParamError } from '../../errors.js';
import type { Model } from '../Model.js';
import type { JsonValue } from '../Param.js';
import type { ParamsOptions } from '../Params.js';
import { ParamValidators } from '../ParamValidators.js';
import { registerStage } from '../persistence.js';
import { SharedParams } from '../sharedParams.js';
import { TypeConverters } from '../TypeConverters.js';
import { loadValidatorParts, metricsFromJson, metricsToJson, ValidatorModel } from './ValidatorModel.js';

/** Options of {@link TrainValidationSplitModel}'s constructor. */
export interface TrainValidationSplitModelOptions<M extends Model> extends ParamsOptions {
  /** The best model, fitted on the whole dataset. */
  readonly bestModel: M;
  /** Each param map's metric on the validation part, in param-map order. */
  readonly validationMetrics: readonly number[];
  /** Every candidate model, in param-map order, when they were collected. */
  readonly subModels?: readonly M[] | undefined;
  /** The fraction of rows the candidates were trained on; default 0.75. */
  readonly trainRatio?: number;
  /** The seed of the random split. */
  readonly seed?: number;
}

/**
 * What {@link TrainValidationSplit} fits: the best model refitted on the whole dataset (whose `transform` this
 * is), each param map's metric on the validation part (`validationMetrics`, in param-map order), and the
 * candidates (`subModels[paramMapIndex]`) when `collectSubModels` was set. Saves and loads with the best model
 * (and the candidates) inside.
 *
 * @example
 * ```ts
 * const tvsModel = await tvs.fit(train);
 * tvsModel.validationMetrics; // [0.93, 0.95]
 * await tvsModel.transform(test);
 * ```
 */
export class TrainValidationSplitModel<M extends Model = Model> extends ValidatorModel<M> {
  /** The fraction of rows the candidates were trained on. */
  readonly trainRatio = this.declareParam({
    name: 'trainRatio',
    doc: 'ratio between training set and validation set (> 0 and < 1).',
    converter: TypeConverters.toFloat,
    validator: ParamValidators.inRange(0, 1, false, false),
    default: 0.75,
  });
  /** The seed of the random split. */
  readonly seed = this.declareParam(SharedParams.seed);
  /** Each param map's metric on the validation part, in param-map order. */
  readonly validationMetrics: readonly number[];

  /**
   * A model of `options.bestModel` and its metrics; {@link TrainValidationSplit.fit} makes them.
   *
   * @example
   * ```ts
   * const m = new TrainValidationSplitModel({ bestModel: lrModel, validationMetrics: [0.9, 0.8] });
   * ```
   */
  constructor(options: TrainValidationSplitModelOptions<M>) {
    const { bestModel, subModels, validationMetrics, ...params } = options;
    super({
      bestModel,
      subModels: subModels === undefined ? undefined : [subModels],
      ...(options.uid === undefined ? {} : { uid: options.uid }),
    });
    if (subModels !== undefined && subModels.length !== validationMetrics.length) {
      throw new ParamError(
        'INVALID_PARAM_VALUE',
        `A TrainValidationSplitModel needs one sub-model per metric; got ${subModels.length} and ${validationMetrics.length}.`,
        { param: 'subModels', expected: String(validationMetrics.length), actual: String(subModels.length) },
      );
    }
    this.validationMetrics = Object.freeze([...validationMetrics]);
    this.applyOptions(params);
  }

  /**
   * The candidate models in param-map order, when the split had `collectSubModels`; else `undefined`.
   *
   * @example
   * ```ts
   * tvsModel.subModels?.[1]; // the model of the second param map
   * ```
   */
  get subModels(): readonly M[] | undefined {
    return this.splitModels?.[0];
  }

  /**
   * The fraction of rows the candidates were trained on.
   *
   * @example
   * ```ts
   * tvsModel.getTrainRatio(); // 0.75
   * ```
   */
  getTrainRatio(): number {
    return this.getOrDefault(this.trainRatio);
  }
  /**
   * The seed of the random split.
   *
   * @example
   * ```ts
   * tvsModel.getSeed();
   * ```
   */
  getSeed(): number {
    return this.getOrDefault(this.seed);
  }

  protected metricsJson(): { readonly [key: string]: JsonValue } {
    return { validationMetrics: metricsToJson(this.validationMetrics) };
  }
}

registerStage('TrainValidationSplitModel', async (context) => {
  const { bestModel, subModels, extra } = await loadValidatorParts(context);
  return new TrainValidationSplitModel({
    uid: context.metadata.uid,
    bestModel,
    subModels: subModels?.[0],
    validationMetrics: metricsFromJson(extra, 'validationMetrics', context.path),
  }).setParamsFromJson(context.metadata);
});
