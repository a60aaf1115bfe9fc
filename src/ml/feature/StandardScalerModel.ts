import { ParamError } from '../../errors.js';
import type { Column } from '../../frame/Column.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { array, col, when } from '../../frame/functions.js';
import { DataTypes, type StructType, simpleString } from '../../types/DataType.js';
import { Model } from '../Model.js';
import type { ParamSpec } from '../Param.js';
import type { StageOptions } from '../Params.js';
import { registerStage, type StageMetadata } from '../persistence.js';
import { appendColumn, checkColumnType } from '../schemaUtils.js';
import { type HasInputCol, type HasOutputCol, SharedParams } from '../sharedParams.js';
import { TypeConverters } from '../TypeConverters.js';
import {
  doublesFromJson,
  doublesToJson,
  modelDataField,
  readModelData,
  writeModelData,
} from './modelData.js';
import { doubleLit, vectorElement, withVectorTypes } from './vectorColumns.js';

/**
 * The params that {@link StandardScaler} and {@link StandardScalerModel} share, with Spark's docs and defaults.
 *
 * @example
 * ```ts
 * StandardScalerParams.withStd.default; // true
 * ```
 */
export const StandardScalerParams = Object.freeze({
  withMean: {
    name: 'withMean',
    doc: 'whether to center data with mean.',
    converter: TypeConverters.toBoolean,
    default: false,
  } satisfies ParamSpec<boolean>,
  withStd: {
    name: 'withStd',
    doc: 'whether to scale the data to unit standard deviation.',
    converter: TypeConverters.toBoolean,
    default: true,
  } satisfies ParamSpec<boolean>,
});

/** Options of {@link StandardScalerModel}'s constructor: its params, and the statistics it scales with. */
export type StandardScalerModelOptions = StageOptions<StandardScalerModel> & {
  /** The mean of each vector component. */
  readonly mean?: ArrayLike<number>;
  /** The (unbiased, n − 1) standard deviation of each vector component. */
  readonly std?: ArrayLike<number>;
};

/**
 * A fitted {@link StandardScaler}: `(x − mean) / std` per vector component, as Spark's `StandardScalerModel`
 * (subtracting the mean only with `withMean`, dividing only with `withStd`; a component whose standard deviation is
 * 0 scales to 0). Computed in doubles, written as a `vector<N>` of 32-bit floats. A null vector gives null.
 *
 * @example
 * ```ts
 * const model = await new StandardScaler({ inputCol: 'features', outputCol: 'scaled', withMean: true }).fit(df);
 * model.mean; // Float64Array
 * model.std;  // Float64Array
 * const scaled = await model.transform(df);
 * ```
 */
export class StandardScalerModel extends Model implements HasInputCol, HasOutputCol {
  /**
   * The `vector<N>` column to scale.
   *
   * @example
   * ```ts
   * model.setInputCol('features');
   * ```
   */
  readonly inputCol = this.declareParam(SharedParams.inputCol);
  /**
   * The output `vector<N>` column; default `<uid>__output`.
   *
   * @example
   * ```ts
   * model.setOutputCol('scaled');
   * ```
   */
  readonly outputCol = this.declareParam(SharedParams.outputCol);
  /**
   * Whether to subtract the mean; default `false`.
   *
   * @example
   * ```ts
   * model.setWithMean(true);
   * ```
   */
  readonly withMean = this.declareParam(StandardScalerParams.withMean);
  /**
   * Whether to divide by the standard deviation; default `true`.
   *
   * @example
   * ```ts
   * model.setWithStd(false);
   * ```
   */
  readonly withStd = this.declareParam(StandardScalerParams.withStd);
  private meanData: Float64Array;
  private stdData: Float64Array;

  /**
   * A model that scales with `options.mean` and `options.std` (same length: the vector size).
   *
   * @example
   * ```ts
   * new StandardScalerModel({ mean: [0, 10], std: [1, 2], inputCol: 'v', outputCol: 'scaled', withMean: true });
   * ```
   */
  constructor(options: StandardScalerModelOptions = {}) {
    const { mean, std, ...params } = options;
    super(params);
    this.meanData = Float64Array.from(mean ?? []);
    this.stdData = Float64Array.from(std ?? []);
    if (this.meanData.length !== this.stdData.length) {
      throw new ParamError(
        'INVALID_PARAM_VALUE',
        `StandardScalerModel '${this.uid}' needs a mean and a std of the same length (the vector size), but got ` +
          `${this.meanData.length} means and ${this.stdData.length} standard deviations.`,
        { stage: this.uid, mean: String(this.meanData.length), std: String(this.stdData.length) },
      );
    }
    this.applyOptions(params);
  }

  /**
   * The mean of each component (a copy).
   *
   * @example
   * ```ts
   * model.mean; // Float64Array [4, 5, 2]
   * ```
   */
  get mean(): Float64Array {
    return this.meanData.slice();
  }

  /**
   * The unbiased (n − 1) standard deviation of each component (a copy).
   *
   * @example
   * ```ts
   * model.std; // Float64Array [3.605551275463989, 0, 2]
   * ```
   */
  get std(): Float64Array {
    return this.stdData.slice();
  }

  /** @example `model.getInputCol(); // 'features'` */
  getInputCol(): string {
    return this.getOrDefault(this.inputCol);
  }
  /** @example `model.setInputCol('features');` */
  setInputCol(value: string): this {
    return this.set(this.inputCol, value);
  }
  /** @example `model.getOutputCol(); // 'scaled'` */
  getOutputCol(): string {
    return this.getOrDefault(this.outputCol);
  }
  /** @example `model.setOutputCol('scaled');` */
  setOutputCol(value: string): this {
    return this.set(this.outputCol, value);
  }
  /** @example `model.getWithMean(); // false` */
  getWithMean(): boolean {
    return this.getOrDefault(this.withMean);
  }
  /** @example `model.setWithMean(true);` */
  setWithMean(value: boolean): this {
    return this.set(this.withMean, value);
  }
  /** @example `model.getWithStd(); // true` */
  getWithStd(): boolean {
    return this.getOrDefault(this.withStd);
  }
  /** @example `model.setWithStd(false);` */
  setWithStd(value: boolean): this {
    return this.set(this.withStd, value);
  }

  /**
   * Adds the output `vector<N>` column. Throws `SchemaError` `COLUMN_TYPE_MISMATCH` when the input is not a
   * `vector<N>` of the model's size, `UNRESOLVED_COLUMN` when it is missing, `COLUMN_ALREADY_EXISTS` when the output
   * exists.
   *
   * @example
   * ```ts
   * model.transformSchema(schema); // schema + scaled: vector<3>
   * ```
   */
  transformSchema(schema: StructType): StructType {
    const size = this.meanData.length;
    const expected = simpleString(DataTypes.vector(size));
    checkColumnType(schema, this.getInputCol(), DataTypes.vector(size), expected, this.uid);
    return appendColumn(schema, this.getOutputCol(), DataTypes.vector(size), this.uid);
  }

  protected async _transform(df: DataFrame): Promise<DataFrame> {
    const size = this.meanData.length;
    const input = col(this.getInputCol());
    const withMean = this.getWithMean();
    const withStd = this.getWithStd();
    const elements: Column[] = [];
    for (let i = 0; i < size; i++) {
      let element = vectorElement(input, i);
      if (withMean) element = element.minus(doubleLit(this.meanData[i]!));
      if (withStd) {
        const std = this.stdData[i]!;
        element = element.multiply(doubleLit(std === 0 ? 0 : 1 / std));
      }
      elements.push(element);
    }
    // A null vector gives null (not a vector of nulls); the CASE yields a list, cast after it (DuckDB's CASE cannot
    // yield fixed-size arrays).
    const vector = when(input.isNotNull(), array(...elements)).cast(DataTypes.vector(size));
    const scaled = df.withColumn(this.getOutputCol(), vector);
    return withVectorTypes(scaled, new Map([[this.getOutputCol(), size]]));
  }

  /**
   * Writes the mean and std to `data.json`.
   *
   * @example
   * ```ts
   * await model.save('/models/scaler');
   * ```
   */
  override async saveImpl(dir: string): Promise<void> {
    await writeModelData(dir, { mean: doublesToJson(this.meanData), std: doublesToJson(this.stdData) });
  }

  /**
   * Reads the mean and std back from `data.json`.
   *
   * @example
   * ```ts
   * const model = await StandardScalerModel.load('/models/scaler');
   * ```
   */
  override async loadImpl(dir: string, _metadata: StageMetadata): Promise<void> {
    const data = await readModelData(dir, this.uid);
    const expected = 'an array of numbers';
    const mean = modelDataField(data, 'mean', dir, this.uid, expected, doublesFromJson);
    const std = modelDataField(data, 'std', dir, this.uid, `${expected} as long as mean`, (json) => {
      const values = doublesFromJson(json);
      return values?.length === mean.length ? values : undefined;
    });
    this.meanData = mean;
    this.stdData = std;
  }
}
registerStage(StandardScalerModel);
