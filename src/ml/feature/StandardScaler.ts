import { ExecutionError, SchemaError } from '../../errors.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { type DataType, type StructType, simpleString } from '../../types/DataType.js';
import { requireField } from '../../types/Schema.js';
import { Estimator } from '../Estimator.js';
import type { StageOptions } from '../Params.js';
import { registerStage } from '../persistence.js';
import { appendColumn } from '../schemaUtils.js';
import { type HasInputCol, type HasOutputCol, SharedParams } from '../sharedParams.js';
import { componentStats } from './componentStats.js';
import { StandardScalerModel, StandardScalerParams } from './StandardScalerModel.js';
import { isUnsizedVector } from './vectorColumns.js';

/**
 * Spark ML's `StandardScaler`: learns the mean and the unbiased (n − 1) standard deviation of each component of a
 * `vector<N>` column, and its model standardizes the vectors: `(x − mean) / std` per component, centering only with
 * `withMean` (default false) and scaling only with `withStd` (default true). A component whose standard deviation
 * is 0 (a constant, or a single row) scales to 0, as in Spark.
 *
 * Fitting aggregates in the engine (a mean and a sample variance per component, with the engines' numerically
 * stable aggregates; see `componentStats.ts` for the plan each engine gets) and brings back only the statistics.
 *
 * Differences from Spark: a null vector fails the fit (Spark fails too, with a `MatchError`) with a message that
 * says so; the output is a dense `vector<N>` of 32-bit floats computed from doubles.
 *
 * @example
 * ```ts
 * const scaler = new StandardScaler({ inputCol: 'features', outputCol: 'scaled', withMean: true });
 * const model = await scaler.fit(train);
 * const scaled = await model.transform(test);
 * ```
 */
export class StandardScaler extends Estimator<StandardScalerModel> implements HasInputCol, HasOutputCol {
  /**
   * The `vector<N>` column to standardize.
   *
   * @example
   * ```ts
   * new StandardScaler({ inputCol: 'features' });
   * ```
   */
  readonly inputCol = this.declareParam(SharedParams.inputCol);
  /**
   * The output `vector<N>` column; default `<uid>__output`.
   *
   * @example
   * ```ts
   * scaler.setOutputCol('scaled');
   * ```
   */
  readonly outputCol = this.declareParam(SharedParams.outputCol);
  /**
   * Whether to subtract the mean; default `false`.
   *
   * @example
   * ```ts
   * new StandardScaler({ inputCol: 'features', withMean: true });
   * ```
   */
  readonly withMean = this.declareParam(StandardScalerParams.withMean);
  /**
   * Whether to divide by the standard deviation; default `true`.
   *
   * @example
   * ```ts
   * new StandardScaler({ inputCol: 'features', withStd: false, withMean: true }); // centering only
   * ```
   */
  readonly withStd = this.declareParam(StandardScalerParams.withStd);

  /**
   * A standard scaler with `options`' params.
   *
   * @example
   * ```ts
   * new StandardScaler({ inputCol: 'features', outputCol: 'scaled' });
   * ```
   */
  constructor(options: StageOptions<StandardScaler> = {}) {
    super(options);
    this.applyOptions(options);
  }

  /** @example `scaler.getInputCol(); // 'features'` */
  getInputCol(): string {
    return this.getOrDefault(this.inputCol);
  }
  /** @example `scaler.setInputCol('features');` */
  setInputCol(value: string): this {
    return this.set(this.inputCol, value);
  }
  /** @example `scaler.getOutputCol(); // 'scaled'` */
  getOutputCol(): string {
    return this.getOrDefault(this.outputCol);
  }
  /** @example `scaler.setOutputCol('scaled');` */
  setOutputCol(value: string): this {
    return this.set(this.outputCol, value);
  }
  /** @example `scaler.getWithMean(); // false` */
  getWithMean(): boolean {
    return this.getOrDefault(this.withMean);
  }
  /** @example `scaler.setWithMean(true);` */
  setWithMean(value: boolean): this {
    return this.set(this.withMean, value);
  }
  /** @example `scaler.getWithStd(); // true` */
  getWithStd(): boolean {
    return this.getOrDefault(this.withStd);
  }
  /** @example `scaler.setWithStd(false);` */
  setWithStd(value: boolean): this {
    return this.set(this.withStd, value);
  }

  /**
   * Adds the output column, a vector of the input's size. Throws `SchemaError` `COLUMN_TYPE_MISMATCH` when the
   * input is not a `vector<N>`, `UNRESOLVED_COLUMN` when it is missing, `COLUMN_ALREADY_EXISTS` when the output
   * exists. An `array<float>` input (a vector whose size a stage before it learns when fitted, such as a one-hot
   * encoder's output in a pipeline) passes here and gives an `array<float>` output; fitting needs a `vector<N>`.
   *
   * @example
   * ```ts
   * scaler.transformSchema(schema); // schema + scaled: vector<3>
   * ```
   */
  transformSchema(schema: StructType): StructType {
    const field = requireField(schema, this.getInputCol(), `the input of stage '${this.uid}'`);
    if (field.type.kind !== 'vector' && !isUnsizedVector(field.type))
      throw this.notAVector(field.name, field.type);
    return appendColumn(schema, this.getOutputCol(), field.type, this.uid);
  }

  protected async _fit(df: DataFrame): Promise<StandardScalerModel> {
    const input = this.getInputCol();
    const field = requireField(await df.schema(), input);
    if (field.type.kind !== 'vector') throw this.notAVector(field.name, field.type);
    const size = field.type.size;
    const stats = await componentStats(df, input, size);
    if (stats.rows === 0) {
      throw new ExecutionError(
        'EMPTY_DATASET',
        `StandardScaler '${this.uid}' cannot fit on an empty DataFrame: it has no rows to learn column ` +
          `'${input}''s mean and standard deviation from.`,
        { stage: this.uid, column: input },
      );
    }
    const nulls = stats.rows - Math.min(...stats.values);
    if (nulls > 0) {
      throw new ExecutionError(
        'NULL_VECTOR',
        `StandardScaler '${this.uid}' cannot fit: column '${input}' has ${nulls} null vector(s) in ` +
          `${stats.rows} rows. Filter them out first (df.filter(col('${input}').isNotNull())).`,
        { stage: this.uid, column: input, nulls: String(nulls) },
      );
    }
    // A NaN or infinite value makes the standard deviation NaN, as Spark's summarizer gives it; one row has no
    // sample variance, which Spark's summarizer takes as 0, so that the component scales to 0.
    const std = stats.variance.map((v, i) =>
      stats.finite[i]! < stats.values[i]! ? Number.NaN : stats.rows === 1 ? 0 : Math.sqrt(Math.max(v, 0)),
    );
    return this.copyValues(new StandardScalerModel({ uid: this.uid, mean: stats.mean, std }));
  }

  private notAVector(column: string, type: DataType): SchemaError {
    const actual = simpleString(type);
    return new SchemaError(
      'COLUMN_TYPE_MISMATCH',
      `Column '${column}' given to stage '${this.uid}' must be of type vector<N>, but is ${actual}. ` +
        (type.kind === 'array'
          ? 'An array has no fixed size: cast it to vector<N> (col(name).cast("vector<N>")) first.'
          : 'Assemble numeric columns into a vector with VectorAssembler first.'),
      { column, stage: this.uid, expected: 'vector<N>', actual },
    );
  }
}
registerStage(StandardScaler);
