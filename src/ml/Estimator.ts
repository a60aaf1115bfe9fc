import type { DataFrame } from '../frame/DataFrame.js';
import type { Model } from './Model.js';
import type { ParamOverrides } from './Params.js';
import { PipelineStage } from './PipelineStage.js';

/**
 * A stage that learns a {@link Model} from a DataFrame. After pyspark's `ml/base.py`: the public
 * {@link Estimator.fit} copies the estimator with the overrides, checks the input schema with `transformSchema`
 * before anything runs, then calls the protected {@link Estimator._fit} that subclasses implement, and records
 * itself as the model's parent. Many param maps go to {@link Estimator.fitMultiple}.
 *
 * @example
 * ```ts
 * class MeanCenterer extends Estimator<MeanCentererModel> {
 *   // params, constructor, transformSchema …
 *   protected async _fit(df: DataFrame): Promise<MeanCentererModel> {
 *     const [row] = await df.select(avg(this.getInputCol())).collect();
 *     return this.copyValues(new MeanCentererModel({ mean: Number(Object.values(row!)[0]) }));
 *   }
 * }
 * const model = await new MeanCenterer({ inputCol: 'x' }).fit(df);
 * ```
 */
export abstract class Estimator<M extends Model = Model> extends PipelineStage {
  /**
   * Fits a model to `df`, with `overrides` (param values for this fit only) applied to a copy of this estimator.
   * Throws the `SchemaError` of `transformSchema` when `df` does not fit, before any work starts. The model's
   * `parent` is the estimator copy that fit it.
   *
   * @example
   * ```ts
   * const model = await lr.fit(train);
   * const quick = await lr.fit(train, { maxIter: 5 });
   * ```
   */
  async fit(df: DataFrame, overrides?: ParamOverrides<this>): Promise<M> {
    const estimator = overrides === undefined ? this : this.copy(overrides);
    await estimator.prepare();
    estimator.transformSchema(await df.schema());
    const model = await estimator._fit(df);
    return model.setParent(estimator);
  }

  /**
   * Fits one model per entry of `paramMaps`, yielding `[index, model]` pairs as the models are ready: the index
   * says which param map made the model. This default fits them one after another, in order; estimators that can
   * share work across fits (or run them in parallel) override it, and may yield out of order.
   *
   * @example
   * ```ts
   * const models: LogisticRegressionModel[] = [];
   * for await (const [i, model] of lr.fitMultiple(df, [{ regParam: 0.1 }, { regParam: 0.01 }])) models[i] = model;
   * ```
   */
  async *fitMultiple(
    df: DataFrame,
    paramMaps: readonly ParamOverrides<this>[],
  ): AsyncGenerator<[index: number, model: M], void, undefined> {
    for (const [i, overrides] of paramMaps.entries()) yield [i, await this.fit(df, overrides)];
  }

  /**
   * Hook for estimator authors: learns the model from a DataFrame that `transformSchema` has accepted, with this
   * estimator's final params. Use `this.copyValues(model)` to give the model the params they share.
   *
   * @example
   * ```ts
   * protected async _fit(df: DataFrame): Promise<ScalerModel> {
   *   return this.copyValues(new ScalerModel({ factor: await computeFactor(df) }));
   * }
   * ```
   */
  protected abstract _fit(df: DataFrame): Promise<M>;
}
