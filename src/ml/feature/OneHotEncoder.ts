import { ExecutionError } from '../../errors.js';
import type { Column } from '../../frame/Column.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { col, count, first, lit, max, when } from '../../frame/functions.js';
import { DataTypes, isNumeric, type StructType } from '../../types/DataType.js';
import { Estimator } from '../Estimator.js';
import type { StageOptions } from '../Params.js';
import { registerStage } from '../persistence.js';
import { appendColumn, checkColumnType } from '../schemaUtils.js';
import {
  type HasInputCol,
  type HasInputCols,
  type HasOutputCol,
  type HasOutputCols,
  SharedParams,
} from '../sharedParams.js';
import {
  inputOutputColumns,
  type MultiColumnParams,
  nonEmptyInputCols,
  nonEmptyOutputCols,
} from './featureParams.js';
import {
  MAX_CATEGORIES,
  type OneHotEncoderHandleInvalid,
  OneHotEncoderModel,
  OneHotEncoderParams,
} from './OneHotEncoderModel.js';
import { UNSIZED_VECTOR } from './vectorColumns.js';

/**
 * Spark ML's `OneHotEncoder`: learns the number of categories of each input column of category indices (such as a
 * {@link StringIndexerModel}'s output), the largest index plus one, and its model encodes each index as a one-hot
 * vector (see {@link OneHotEncoderModel} for `dropLast`, `handleInvalid` and the vector sizes).
 *
 * Fitting runs one aggregation in the engine (the largest value, the nulls and the first invalid value of each
 * column) and brings back one row. As in Spark, a null, a negative, a fractional or a NaN value in the fitting data
 * is an error (`ExecutionError` `INVALID_CATEGORY_INDEX`).
 *
 * Differences from Spark: Spark takes the number of categories from the column's ML attribute metadata when a
 * StringIndexer wrote it (its label count, plus one with `handleInvalid: 'keep'`); deepframe has no such metadata
 * and always counts from the data. Outputs are dense vectors of 32-bit floats, at most {@link MAX_CATEGORIES}
 * categories per column.
 *
 * @example
 * ```ts
 * const encoder = new OneHotEncoder({ inputCols: ['colorIndex', 'sizeIndex'], outputCols: ['colorVec', 'sizeVec'] });
 * const model = await encoder.fit(df);
 * model.categorySizes; // [3, 2]
 * const encoded = await model.transform(df); // colorVec: vector<2>, sizeVec: vector<1>
 * ```
 */
export class OneHotEncoder
  extends Estimator<OneHotEncoderModel>
  implements HasInputCol, HasInputCols, HasOutputCol, HasOutputCols, MultiColumnParams
{
  /**
   * The input column of category indices (one column). Set this or {@link OneHotEncoder.inputCols}.
   *
   * @example
   * ```ts
   * new OneHotEncoder({ inputCol: 'colorIndex', outputCol: 'colorVec' });
   * ```
   */
  readonly inputCol = this.declareParam(SharedParams.inputCol);
  /**
   * The input columns of category indices (several). Set this or {@link OneHotEncoder.inputCol}.
   *
   * @example
   * ```ts
   * new OneHotEncoder({ inputCols: ['a', 'b'], outputCols: ['av', 'bv'] });
   * ```
   */
  readonly inputCols = this.declareParam(nonEmptyInputCols);
  /**
   * The output vector column of `inputCol`; default `<uid>__output`.
   *
   * @example
   * ```ts
   * encoder.setOutputCol('colorVec');
   * ```
   */
  readonly outputCol = this.declareParam(SharedParams.outputCol);
  /**
   * The output vector columns of `inputCols`, one each.
   *
   * @example
   * ```ts
   * encoder.setOutputCols(['av', 'bv']);
   * ```
   */
  readonly outputCols = this.declareParam(nonEmptyOutputCols);
  /**
   * What the model does with invalid indices: `'error'` (default) or `'keep'` (an extra category). Fitting fails
   * on invalid values whatever it says.
   *
   * @example
   * ```ts
   * new OneHotEncoder({ inputCol: 'colorIndex', handleInvalid: 'keep' });
   * ```
   */
  readonly handleInvalid = this.declareParam(OneHotEncoderParams.handleInvalid);
  /**
   * Whether to drop the last category; default `true`.
   *
   * @example
   * ```ts
   * new OneHotEncoder({ inputCol: 'colorIndex', dropLast: false });
   * ```
   */
  readonly dropLast = this.declareParam(OneHotEncoderParams.dropLast);

  /**
   * A one-hot encoder with `options`' params.
   *
   * @example
   * ```ts
   * new OneHotEncoder({ inputCol: 'colorIndex', outputCol: 'colorVec', dropLast: false });
   * ```
   */
  constructor(options: StageOptions<OneHotEncoder> = {}) {
    super(options);
    this.applyOptions(options);
  }

  /** @example `encoder.getInputCol(); // 'colorIndex'` */
  getInputCol(): string {
    return this.getOrDefault(this.inputCol);
  }
  /** @example `encoder.setInputCol('colorIndex');` */
  setInputCol(value: string): this {
    return this.set(this.inputCol, value);
  }
  /** @example `encoder.getInputCols(); // ['a', 'b']` */
  getInputCols(): readonly string[] {
    return this.getOrDefault(this.inputCols);
  }
  /** @example `encoder.setInputCols(['a', 'b']);` */
  setInputCols(value: readonly string[]): this {
    return this.set(this.inputCols, value);
  }
  /** @example `encoder.getOutputCol(); // 'colorVec'` */
  getOutputCol(): string {
    return this.getOrDefault(this.outputCol);
  }
  /** @example `encoder.setOutputCol('colorVec');` */
  setOutputCol(value: string): this {
    return this.set(this.outputCol, value);
  }
  /** @example `encoder.getOutputCols(); // ['av', 'bv']` */
  getOutputCols(): readonly string[] {
    return this.getOrDefault(this.outputCols);
  }
  /** @example `encoder.setOutputCols(['av', 'bv']);` */
  setOutputCols(value: readonly string[]): this {
    return this.set(this.outputCols, value);
  }
  /** @example `encoder.getHandleInvalid(); // 'error'` */
  getHandleInvalid(): OneHotEncoderHandleInvalid {
    return this.getOrDefault(this.handleInvalid);
  }
  /** @example `encoder.setHandleInvalid('keep');` */
  setHandleInvalid(value: OneHotEncoderHandleInvalid): this {
    return this.set(this.handleInvalid, value);
  }
  /** @example `encoder.getDropLast(); // true` */
  getDropLast(): boolean {
    return this.getOrDefault(this.dropLast);
  }
  /** @example `encoder.setDropLast(false);` */
  setDropLast(value: boolean): this {
    return this.set(this.dropLast, value);
  }

  /**
   * Checks the columns (numeric inputs, new outputs) and adds one output column per input. The output vectors'
   * sizes are known only once fitted, so the schema gives them as `array<float>` (which {@link VectorAssembler}
   * and {@link StandardScaler} accept in their `transformSchema`, so that a pipeline is checked before it is
   * fitted); the model's `transformSchema` gives `vector<N>`.
   *
   * @example
   * ```ts
   * encoder.transformSchema(schema); // schema + colorVec: array<float>
   * ```
   */
  transformSchema(schema: StructType): StructType {
    const { inputs, outputs } = inputOutputColumns(this);
    let out = schema;
    for (const [i, input] of inputs.entries()) {
      checkColumnType(schema, input, isNumeric, 'a numeric type', this.uid);
      out = appendColumn(out, outputs[i]!, UNSIZED_VECTOR, this.uid);
    }
    return out;
  }

  protected async _fit(df: DataFrame): Promise<OneHotEncoderModel> {
    const { inputs } = inputOutputColumns(this);
    const aggregates: Column[] = [count(lit(1)).alias('rows')];
    for (const [i, input] of inputs.entries()) {
      const index = col(input).cast(DataTypes.double);
      // NaN is not equal to 0 and greater than every number, on both engines.
      const invalid = index
        .lt(0)
        .or(index.mod(1).notEqual(0))
        .or(index.gt(MAX_CATEGORIES - 1));
      aggregates.push(
        count(col(input)).alias(`values_${i}`),
        max(index).alias(`max_${i}`),
        first(when(invalid, index), true).alias(`invalid_${i}`),
      );
    }
    const [row] = await df.agg(...aggregates).collect();
    const rows = Number(row?.rows ?? 0);
    const categorySizes = inputs.map((input, i) => {
      const nulls = rows - Number(row?.[`values_${i}`] ?? 0);
      if (nulls > 0) {
        throw this.invalidIndex(input, `has ${nulls} null value(s); filter them out first`);
      }
      const invalid = row?.[`invalid_${i}`];
      if (invalid !== null && invalid !== undefined) {
        const value = Number(invalid);
        throw this.invalidIndex(
          input,
          value > MAX_CATEGORIES - 1 && Number.isInteger(value)
            ? `has the index ${value}, but deepframe's one-hot vectors are dense and take at most ` +
                `${MAX_CATEGORIES} categories`
            : `must hold category indices (whole numbers >= 0), but has ${value}`,
        );
      }
      const largest = row?.[`max_${i}`];
      return (largest === null || largest === undefined ? 0 : Number(largest)) + 1;
    });
    return this.copyValues(new OneHotEncoderModel({ uid: this.uid, categorySizes }));
  }

  private invalidIndex(input: string, problem: string): ExecutionError {
    return new ExecutionError(
      'INVALID_CATEGORY_INDEX',
      `OneHotEncoder '${this.uid}' cannot fit: column '${input}' ${problem}.`,
      { stage: this.uid, column: input, problem },
    );
  }
}
registerStage(OneHotEncoder);
