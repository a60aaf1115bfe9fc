import { ParamError, SchemaError } from '../../errors.js';
import type { Column } from '../../frame/Column.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { array, col, when } from '../../frame/functions.js';
import { DataTypes, isNumeric, type StructType } from '../../types/DataType.js';
import { Model } from '../Model.js';
import { describeValue, type ParamSpec } from '../Param.js';
import type { StageOptions } from '../Params.js';
import { registerStage, type StageMetadata } from '../persistence.js';
import { appendColumn, checkColumnType } from '../schemaUtils.js';
import {
  type HasInputCol,
  type HasInputCols,
  type HasOutputCol,
  type HasOutputCols,
  SharedParams,
} from '../sharedParams.js';
import { TypeConverters } from '../TypeConverters.js';
import {
  handleInvalidParam,
  inputOutputColumns,
  type MultiColumnParams,
  nonEmptyInputCols,
  nonEmptyOutputCols,
} from './featureParams.js';
import { type CheckedColumn, messageOf, withCheckedColumns } from './invalidValues.js';
import { modelDataField, readModelData, writeModelData } from './modelData.js';
import { withVectorTypes } from './vectorColumns.js';

/** What {@link OneHotEncoder} and its model do with invalid indices (`handleInvalid`). */
export type OneHotEncoderHandleInvalid = 'error' | 'keep';

/**
 * The most categories a column may have: deepframe's one-hot vectors are dense, one output value per category
 * (Spark's are sparse).
 *
 * @example
 * ```ts
 * MAX_CATEGORIES; // 100000: a fit that sees the index 100000 fails
 * ```
 */
export const MAX_CATEGORIES = 100_000;

/**
 * The params that {@link OneHotEncoder} and {@link OneHotEncoderModel} share, with Spark's docs and defaults.
 *
 * @example
 * ```ts
 * OneHotEncoderParams.dropLast.default; // true
 * ```
 */
export const OneHotEncoderParams = Object.freeze({
  handleInvalid: handleInvalidParam<OneHotEncoderHandleInvalid>(
    ['keep', 'error'],
    "how to handle invalid data during transform. Options are 'keep' (invalid data presented as an extra " +
      "categorical feature) or 'error' (throw an error). Note that this Param is only used during transform; " +
      'during fitting, invalid data will result in an error.',
    'error',
  ),
  dropLast: {
    name: 'dropLast',
    doc: 'whether to drop the last category.',
    converter: TypeConverters.toBoolean,
    default: true,
  } satisfies ParamSpec<boolean>,
});

/** Options of {@link OneHotEncoderModel}'s constructor: its params, and each input column's number of categories. */
export type OneHotEncoderModelOptions = StageOptions<OneHotEncoderModel> & {
  /** The number of categories of each input column (indices `0 … size − 1`). */
  readonly categorySizes?: readonly number[];
};

/**
 * A fitted {@link OneHotEncoder}: turns each input column of category indices into a one-hot vector, as Spark's
 * `OneHotEncoderModel`. An index `i` in `[0, categorySize)` (a fraction is truncated toward zero) sets element `i`;
 * with `dropLast` (the default) the last category is dropped, so it and invalid indices in `keep` mode encode as
 * all zeros. Invalid indices (negative, too large, NaN) fail the query with `handleInvalid` `'error'` (the default;
 * on the embedded engine `transform` checks the input first and throws an `ExecutionError`
 * `USER_RAISED_EXCEPTION`), or become an extra last category with `'keep'`. A null index gives a null vector.
 *
 * Vector sizes, as Spark's: `categorySize − 1` with `dropLast` and `'error'`, `categorySize + 1` without
 * `dropLast` and with `'keep'`, `categorySize` otherwise.
 *
 * Difference from Spark: the output is a dense `vector<N>` of 32-bit floats, not a sparse vector; so a vector of
 * size 0 (one category, dropped) is an error, and a column may have at most {@link MAX_CATEGORIES} categories.
 *
 * @example
 * ```ts
 * const model = new OneHotEncoderModel({ categorySizes: [3], inputCol: 'colorIndex', outputCol: 'colorVec' });
 * await (await model.transform(df)).show(); // 0 → [1, 0], 1 → [0, 1], 2 → [0, 0]
 * ```
 */
export class OneHotEncoderModel
  extends Model
  implements HasInputCol, HasInputCols, HasOutputCol, HasOutputCols, MultiColumnParams
{
  /**
   * The input column of category indices (one column). Set this or {@link OneHotEncoderModel.inputCols}.
   *
   * @example
   * ```ts
   * model.setInputCol('colorIndex');
   * ```
   */
  readonly inputCol = this.declareParam(SharedParams.inputCol);
  /**
   * The input columns of category indices (several). Set this or {@link OneHotEncoderModel.inputCol}.
   *
   * @example
   * ```ts
   * model.setInputCols(['colorIndex', 'sizeIndex']);
   * ```
   */
  readonly inputCols = this.declareParam(nonEmptyInputCols);
  /**
   * The output vector column of `inputCol`; default `<uid>__output`.
   *
   * @example
   * ```ts
   * model.setOutputCol('colorVec');
   * ```
   */
  readonly outputCol = this.declareParam(SharedParams.outputCol);
  /**
   * The output vector columns of `inputCols`, one each.
   *
   * @example
   * ```ts
   * model.setOutputCols(['colorVec', 'sizeVec']);
   * ```
   */
  readonly outputCols = this.declareParam(nonEmptyOutputCols);
  /**
   * What to do with invalid indices: `'error'` (default) or `'keep'` (an extra category).
   *
   * @example
   * ```ts
   * model.setHandleInvalid('keep');
   * ```
   */
  readonly handleInvalid = this.declareParam(OneHotEncoderParams.handleInvalid);
  /**
   * Whether to drop the last category; default `true`.
   *
   * @example
   * ```ts
   * model.setDropLast(false);
   * ```
   */
  readonly dropLast = this.declareParam(OneHotEncoderParams.dropLast);
  private sizes: readonly number[];

  /**
   * A model with `options.categorySizes` (one per input column) and `options`' params.
   *
   * @example
   * ```ts
   * new OneHotEncoderModel({ categorySizes: [3, 2], inputCols: ['a', 'b'], outputCols: ['av', 'bv'] });
   * ```
   */
  constructor(options: OneHotEncoderModelOptions = {}) {
    const { categorySizes, ...params } = options;
    super(params);
    this.sizes = toCategorySizes(categorySizes ?? [], this.uid);
    this.applyOptions(params);
  }

  /**
   * The number of categories of each input column (the largest index seen in the fit, plus one).
   *
   * @example
   * ```ts
   * model.categorySizes; // [3, 2]
   * ```
   */
  get categorySizes(): readonly number[] {
    return this.sizes;
  }

  /** @example `model.getInputCol(); // 'colorIndex'` */
  getInputCol(): string {
    return this.getOrDefault(this.inputCol);
  }
  /** @example `model.setInputCol('colorIndex');` */
  setInputCol(value: string): this {
    return this.set(this.inputCol, value);
  }
  /** @example `model.getInputCols(); // ['a', 'b']` */
  getInputCols(): readonly string[] {
    return this.getOrDefault(this.inputCols);
  }
  /** @example `model.setInputCols(['a', 'b']);` */
  setInputCols(value: readonly string[]): this {
    return this.set(this.inputCols, value);
  }
  /** @example `model.getOutputCol(); // 'colorVec'` */
  getOutputCol(): string {
    return this.getOrDefault(this.outputCol);
  }
  /** @example `model.setOutputCol('colorVec');` */
  setOutputCol(value: string): this {
    return this.set(this.outputCol, value);
  }
  /** @example `model.getOutputCols(); // ['av', 'bv']` */
  getOutputCols(): readonly string[] {
    return this.getOrDefault(this.outputCols);
  }
  /** @example `model.setOutputCols(['av', 'bv']);` */
  setOutputCols(value: readonly string[]): this {
    return this.set(this.outputCols, value);
  }
  /** @example `model.getHandleInvalid(); // 'error'` */
  getHandleInvalid(): OneHotEncoderHandleInvalid {
    return this.getOrDefault(this.handleInvalid);
  }
  /** @example `model.setHandleInvalid('keep');` */
  setHandleInvalid(value: OneHotEncoderHandleInvalid): this {
    return this.set(this.handleInvalid, value);
  }
  /** @example `model.getDropLast(); // true` */
  getDropLast(): boolean {
    return this.getOrDefault(this.dropLast);
  }
  /** @example `model.setDropLast(false);` */
  setDropLast(value: boolean): this {
    return this.set(this.dropLast, value);
  }

  /**
   * Adds a `vector<N>` output column per input column (N from the category size, `dropLast` and
   * `handleInvalid`). Throws `ParamError` `INVALID_COLUMN_PARAMS` for inconsistent column params,
   * `CATEGORY_SIZES_MISMATCH` when the model has sizes for another number of columns, `EMPTY_VECTOR` for an
   * output of size 0; `SchemaError`s for a missing or non-numeric input or an output that exists.
   *
   * @example
   * ```ts
   * model.transformSchema(schema); // schema + colorVec: vector<2>
   * ```
   */
  transformSchema(schema: StructType): StructType {
    const { inputs, outputs } = inputOutputColumns(this);
    if (inputs.length !== this.sizes.length) {
      throw new ParamError(
        'CATEGORY_SIZES_MISMATCH',
        `OneHotEncoderModel '${this.uid}' has category sizes for ${this.sizes.length} column(s) but ` +
          `${inputs.length} input column(s) (${describeValue(inputs)}). Give one category size per input column.`,
        { stage: this.uid, categorySizes: String(this.sizes.length), inputs: String(inputs.length) },
      );
    }
    let out = schema;
    for (const [i, input] of inputs.entries()) {
      checkColumnType(schema, input, isNumeric, 'a numeric type', this.uid);
      out = appendColumn(out, outputs[i]!, DataTypes.vector(this.vectorSize(i, input)), this.uid);
    }
    return out;
  }

  protected async _transform(df: DataFrame): Promise<DataFrame> {
    const { inputs, outputs } = inputOutputColumns(this);
    const keepInvalid = this.getHandleInvalid() === 'keep';
    const vectorSizes = new Map<string, number>();
    // First each row's category (an integer column of its own), then the vector's elements compare it with
    // their positions: small expressions, however many categories (one expression per element that repeated
    // the input's conversion ran Spark out of memory at 1,000 categories).
    const categoryColumns = inputs.map((_, i) => `__${this.uid}_category_${i}`);
    const categories: Record<string, Column> = {};
    const columns = inputs.map((input, i): CheckedColumn => {
      const count = this.sizes[i]!;
      const size = this.vectorSize(i, input);
      vectorSizes.set(outputs[i]!, size);
      const index = col(input).cast(DataTypes.double);
      // NaN compares greater than every number on both engines, so it falls outside [0, count).
      const valid = index.geq(0).and(index.lt(count));
      // A valid index truncated toward zero; an invalid one is the extra category `count` (kept only when the
      // vector has room for it) or, with handleInvalid error, null (its row fails).
      const category = when(valid, index.cast(DataTypes.integer));
      categories[categoryColumns[i]!] = keepInvalid ? category.when(index.isNotNull(), count) : category;
      const position = col(categoryColumns[i]!);
      const elements = Array.from({ length: size }, (_, j) => position.equalTo(j).cast(DataTypes.float));
      // The CASE yields a list, cast after it: DuckDB's CASE cannot yield fixed-size arrays.
      const value = when(position.isNotNull(), array(...elements)).cast(DataTypes.vector(size));
      if (keepInvalid) return { name: outputs[i]!, value, checks: [] };
      const fix = `To handle invalid values, set handleInvalid to 'keep'.`;
      return {
        name: outputs[i]!,
        value,
        checks: [
          {
            when: index.lt(0),
            message: messageOf(
              'Negative value: ',
              index,
              `. Input column '${input}' of OneHotEncoderModel '${this.uid}' can't be negative. ${fix}`,
            ),
          },
          {
            when: index.isNotNull().and(valid.not()),
            message: messageOf(
              'Unseen value: ',
              index,
              `. OneHotEncoderModel '${this.uid}' knows ${count} categories (0 to ${count - 1}) for ` +
                `column '${input}'. ${fix}`,
            ),
          },
        ],
      };
    });
    const encoded = await withCheckedColumns(df.withColumns(categories), columns);
    return withVectorTypes(encoded.drop(...categoryColumns), vectorSizes);
  }

  /**
   * Writes the category sizes to `data.json`.
   *
   * @example
   * ```ts
   * await model.save('/models/encoder');
   * ```
   */
  override async saveImpl(dir: string): Promise<void> {
    await writeModelData(dir, { categorySizes: this.sizes });
  }

  /**
   * Reads the category sizes back from `data.json`.
   *
   * @example
   * ```ts
   * const model = await OneHotEncoderModel.load('/models/encoder');
   * ```
   */
  override async loadImpl(dir: string, _metadata: StageMetadata): Promise<void> {
    const data = await readModelData(dir, this.uid);
    this.sizes = modelDataField(data, 'categorySizes', dir, this.uid, 'an array of integers >= 1', (json) => {
      try {
        return toCategorySizes(json, this.uid);
      } catch {
        return undefined;
      }
    });
  }

  /** The output vector size of input `i`, as Spark's `getConfigedCategorySizes`; 0 is an error here. */
  private vectorSize(i: number, input: string): number {
    const categories = this.sizes[i]!;
    const dropLast = this.getDropLast();
    const keepInvalid = this.getHandleInvalid() === 'keep';
    const size = dropLast === keepInvalid ? categories : dropLast ? categories - 1 : categories + 1;
    if (size === 0) {
      throw new SchemaError(
        'EMPTY_VECTOR',
        `OneHotEncoderModel '${this.uid}' would encode column '${input}', which has a single category, as vectors ` +
          "of size 0 (dropLast drops that category). deepframe's vectors cannot be empty: set dropLast to false, " +
          "or handleInvalid to 'keep'.",
        { stage: this.uid, column: input },
      );
    }
    return size;
  }
}
registerStage(OneHotEncoderModel);

function toCategorySizes(value: unknown, stage: string): readonly number[] {
  const expected = `an array of integers in [1, ${MAX_CATEGORIES}], one per input column`;
  let sizes: readonly number[];
  try {
    sizes = TypeConverters.toListInt(value);
  } catch {
    sizes = [0];
  }
  if (sizes.some((s) => s < 1 || s > MAX_CATEGORIES)) {
    throw new ParamError(
      'INVALID_PARAM_VALUE',
      `Invalid category sizes for OneHotEncoderModel '${stage}': got ${describeValue(value)}; expected ${expected}.`,
      { stage, param: 'categorySizes', value: describeValue(value), expected },
    );
  }
  return sizes;
}
