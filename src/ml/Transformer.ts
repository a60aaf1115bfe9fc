import type { DataFrame } from '../frame/DataFrame.js';
import type { ParamOverrides } from './Params.js';
import { PipelineStage } from './PipelineStage.js';

/**
 * A stage that turns one DataFrame into another, usually by adding columns (a feature transformer, a fitted
 * model). After pyspark's `ml/base.py`: the public {@link Transformer.transform} copies the stage with the
 * overrides, checks the input schema with `transformSchema` before anything runs, then calls the protected
 * {@link Transformer._transform} that subclasses implement.
 *
 * @example
 * ```ts
 * class Scaler extends Transformer {
 *   readonly inputCol = this.declareParam(SharedParams.inputCol);
 *   readonly outputCol = this.declareParam(SharedParams.outputCol);
 *   readonly factor = this.declareParam({ name: 'factor', doc: 'the multiplier.', converter: TypeConverters.toFloat, default: 1 });
 *   constructor(options: StageOptions<Scaler> = {}) {
 *     super(options);
 *     this.applyOptions(options);
 *   }
 *   transformSchema(schema: StructType): StructType {
 *     checkColumnType(schema, this.getOrDefault(this.inputCol), isNumeric, 'a numeric type', this.uid);
 *     return appendColumn(schema, this.getOrDefault(this.outputCol), DataTypes.double, this.uid);
 *   }
 *   protected async _transform(df: DataFrame): Promise<DataFrame> {
 *     return df.withColumn(this.getOrDefault(this.outputCol), col(this.getOrDefault(this.inputCol)).multiply(this.getOrDefault(this.factor)));
 *   }
 * }
 * const scaled = await new Scaler({ inputCol: 'x', outputCol: 'y', factor: 2 }).transform(df);
 * ```
 */
export abstract class Transformer extends PipelineStage {
  /**
   * `df` transformed by this stage, with `overrides` (param values for this call only) applied to a copy.
   * Throws the `SchemaError` of `transformSchema` when `df` does not fit, before any work starts. The result is
   * lazy, like every DataFrame.
   *
   * @example
   * ```ts
   * const out = await scaler.transform(df);
   * const doubled = await scaler.transform(df, { factor: 2, outputCol: 'x2' });
   * ```
   */
  async transform(df: DataFrame, overrides?: ParamOverrides<this>): Promise<DataFrame> {
    const stage = overrides === undefined ? this : this.copy(overrides);
    await stage.prepare();
    stage.transformSchema(await df.schema());
    return stage._transform(df);
  }

  /**
   * Hook for stage authors: the transformation itself, given a DataFrame that `transformSchema` has accepted and
   * this stage's final params.
   *
   * @example
   * ```ts
   * protected async _transform(df: DataFrame): Promise<DataFrame> {
   *   return df.withColumn(this.getOutputCol(), col(this.getInputCol()).multiply(2));
   * }
   * ```
   */
  protected abstract _transform(df: DataFrame): Promise<DataFrame>;
}
