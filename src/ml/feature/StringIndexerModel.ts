import { ParamError } from '../../errors.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { coalesce, col } from '../../frame/functions.js';
import { type DataType, DataTypes, isNumeric, type StructType } from '../../types/DataType.js';
import { requireField } from '../../types/Schema.js';
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
import { labelText, withLabelIndex } from './labelLookup.js';
import { modelDataField, readModelData, writeModelData } from './modelData.js';
import { doubleLit } from './vectorColumns.js';

/** What {@link StringIndexer} and {@link StringIndexerModel} do with invalid values (`handleInvalid`). */
export type StringIndexerHandleInvalid = 'error' | 'skip' | 'keep';

/** How {@link StringIndexer} orders labels (`stringOrderType`). */
export type StringOrderType = 'frequencyDesc' | 'frequencyAsc' | 'alphabetDesc' | 'alphabetAsc';

/**
 * The params that {@link StringIndexer} and {@link StringIndexerModel} share, with Spark's docs and defaults.
 *
 * @example
 * ```ts
 * StringIndexerParams.stringOrderType.default; // 'frequencyDesc'
 * ```
 */
export const StringIndexerParams = Object.freeze({
  handleInvalid: handleInvalidParam<StringIndexerHandleInvalid>(
    ['skip', 'error', 'keep'],
    "how to handle invalid data (unseen labels or null values). Options are 'skip' (filter out rows with " +
      "invalid data), 'error' (throw an error), or 'keep' (put invalid data in a special additional bucket, at " +
      'index numLabels).',
    'error',
  ),
  stringOrderType: {
    name: 'stringOrderType',
    doc:
      'how to order labels of string column. The first label after ordering is assigned an index of 0. ' +
      'Supported options: frequencyDesc, frequencyAsc, alphabetDesc, alphabetAsc. Default is frequencyDesc. In ' +
      'case of equal frequency when under frequencyDesc/Asc, the strings are further sorted alphabetically.',
    converter: TypeConverters.toOneOf<StringOrderType>([
      'frequencyDesc',
      'frequencyAsc',
      'alphabetDesc',
      'alphabetAsc',
    ]),
    default: 'frequencyDesc',
  } satisfies ParamSpec<StringOrderType>,
});

/** Options of {@link StringIndexerModel}'s constructor: its params, and the labels of each input column. */
export type StringIndexerModelOptions = StageOptions<StringIndexerModel> & {
  /** The labels of each input column, in index order (`labelsArray[i][j]` gets index `j` in column `i`). */
  readonly labelsArray?: readonly (readonly string[])[];
};

/**
 * A fitted {@link StringIndexer}: maps each input column's labels to their indices (doubles), as Spark's
 * `StringIndexerModel`. A numeric input column is cast to string first, as when it was fitted. Labels are found by
 * a binary search written as an expression (about log2(labels) comparisons per row, rows kept in order); on Spark,
 * a model of more than 256 labels finds them with a broadcast join on a table of its labels instead.
 *
 * With `handleInvalid` `'error'` (the default), a null or a label the model does not know fails the query; `'skip'`
 * drops such rows; `'keep'` gives them the index `numLabels`. Where the engine cannot raise an error from inside a
 * query (the embedded engine), `transform` checks the input columns for invalid values before it returns, and
 * throws an `ExecutionError` `USER_RAISED_EXCEPTION`; on Spark the query fails as Spark's own stage does.
 *
 * Differences from Spark: output columns carry no ML attribute metadata (deepframe has none; {@link IndexToString}
 * takes the labels as a param); an input column that is missing fails `transformSchema` (Spark skips it with a
 * warning); a double column's labels are the engine's text for the numbers, which for doubles of 1e7 and more or
 * under 1e-3 differs between the engines (Spark's `1.0E10` and `1.0E-5` are `10000000000.0` and `1e-05` on the
 * embedded engine; a model fitted on one engine indexes such numbers as unseen on the other).
 *
 * @example
 * ```ts
 * const model = StringIndexerModel.fromLabels(['b', 'a'], { inputCol: 'letter', outputCol: 'index' });
 * await (await model.transform(df)).show(); // b → 0.0, a → 1.0
 * ```
 */
export class StringIndexerModel
  extends Model
  implements HasInputCol, HasInputCols, HasOutputCol, HasOutputCols, MultiColumnParams
{
  /**
   * The input column (one column). Set this or {@link StringIndexerModel.inputCols}.
   *
   * @example
   * ```ts
   * model.setInputCol('letter');
   * ```
   */
  readonly inputCol = this.declareParam(SharedParams.inputCol);
  /**
   * The input columns (several). Set this or {@link StringIndexerModel.inputCol}.
   *
   * @example
   * ```ts
   * model.setInputCols(['letter', 'word']);
   * ```
   */
  readonly inputCols = this.declareParam(nonEmptyInputCols);
  /**
   * The output column of `inputCol`; default `<uid>__output`.
   *
   * @example
   * ```ts
   * model.setOutputCol('letterIndex');
   * ```
   */
  readonly outputCol = this.declareParam(SharedParams.outputCol);
  /**
   * The output columns of `inputCols`, one each.
   *
   * @example
   * ```ts
   * model.setOutputCols(['letterIndex', 'wordIndex']);
   * ```
   */
  readonly outputCols = this.declareParam(nonEmptyOutputCols);
  /**
   * What to do with nulls and unseen labels: `'error'` (default), `'skip'` or `'keep'` (index numLabels).
   *
   * @example
   * ```ts
   * model.setHandleInvalid('keep');
   * ```
   */
  readonly handleInvalid = this.declareParam(StringIndexerParams.handleInvalid);
  /**
   * How the estimator ordered the labels (kept from the fit; it does not change the model).
   *
   * @example
   * ```ts
   * model.getStringOrderType(); // 'frequencyDesc'
   * ```
   */
  readonly stringOrderType = this.declareParam(StringIndexerParams.stringOrderType);
  private labelsData: readonly (readonly string[])[];

  /**
   * A model of `options.labelsArray` (one array of labels per input column) with `options`' params.
   *
   * @example
   * ```ts
   * new StringIndexerModel({ labelsArray: [['a', 'b'], ['x']], inputCols: ['s', 't'], outputCols: ['i', 'j'] });
   * ```
   */
  constructor(options: StringIndexerModelOptions = {}) {
    const { labelsArray, ...params } = options;
    super(params);
    this.labelsData = toLabelsArray(labelsArray ?? [], this.uid);
    this.applyOptions(params);
  }

  /**
   * A model that indexes one column with `labels` (Spark's `StringIndexerModel.from_labels`).
   *
   * @example
   * ```ts
   * const model = StringIndexerModel.fromLabels(['a', 'b', 'c'], { inputCol: 'letter', outputCol: 'index' });
   * ```
   */
  static fromLabels(
    labels: readonly string[],
    options: StageOptions<StringIndexerModel> = {},
  ): StringIndexerModel {
    return new StringIndexerModel({ ...options, labelsArray: [labels] });
  }

  /**
   * A model that indexes several columns, each with its own labels (Spark's
   * `StringIndexerModel.from_arrays_of_labels`).
   *
   * @example
   * ```ts
   * StringIndexerModel.fromArraysOfLabels([['a', 'b'], ['x', 'y']], { inputCols: ['s', 't'], outputCols: ['i', 'j'] });
   * ```
   */
  static fromArraysOfLabels(
    labelsArray: readonly (readonly string[])[],
    options: StageOptions<StringIndexerModel> = {},
  ): StringIndexerModel {
    return new StringIndexerModel({ ...options, labelsArray });
  }

  /**
   * The labels of the one input column, in index order. Throws `ParamError` `MULTIPLE_COLUMNS` for a model of
   * several columns: use {@link StringIndexerModel.labelsArray}.
   *
   * @example
   * ```ts
   * (await new StringIndexer({ inputCol: 'letter' }).fit(df)).labels; // ['a', 'c', 'b']
   * ```
   */
  get labels(): readonly string[] {
    const [only, ...more] = this.labelsData;
    if (only === undefined || more.length > 0) {
      throw new ParamError(
        'MULTIPLE_COLUMNS',
        `StringIndexerModel '${this.uid}' has labels for ${this.labelsData.length} columns, so it has no single ` +
          'labels array: read labelsArray instead.',
        { stage: this.uid, columns: String(this.labelsData.length) },
      );
    }
    return only;
  }

  /**
   * The labels of each input column, in index order.
   *
   * @example
   * ```ts
   * model.labelsArray; // [['a', 'b'], ['y', 'x']]
   * ```
   */
  get labelsArray(): readonly (readonly string[])[] {
    return this.labelsData;
  }

  /** @example `model.getInputCol(); // 'letter'` */
  getInputCol(): string {
    return this.getOrDefault(this.inputCol);
  }
  /** @example `model.setInputCol('letter');` */
  setInputCol(value: string): this {
    return this.set(this.inputCol, value);
  }
  /** @example `model.getInputCols(); // ['s', 't']` */
  getInputCols(): readonly string[] {
    return this.getOrDefault(this.inputCols);
  }
  /** @example `model.setInputCols(['s', 't']);` */
  setInputCols(value: readonly string[]): this {
    return this.set(this.inputCols, value);
  }
  /** @example `model.getOutputCol(); // 'index'` */
  getOutputCol(): string {
    return this.getOrDefault(this.outputCol);
  }
  /** @example `model.setOutputCol('index');` */
  setOutputCol(value: string): this {
    return this.set(this.outputCol, value);
  }
  /** @example `model.getOutputCols(); // ['i', 'j']` */
  getOutputCols(): readonly string[] {
    return this.getOrDefault(this.outputCols);
  }
  /** @example `model.setOutputCols(['i', 'j']);` */
  setOutputCols(value: readonly string[]): this {
    return this.set(this.outputCols, value);
  }
  /** @example `model.getHandleInvalid(); // 'error'` */
  getHandleInvalid(): StringIndexerHandleInvalid {
    return this.getOrDefault(this.handleInvalid);
  }
  /** @example `model.setHandleInvalid('skip');` */
  setHandleInvalid(value: StringIndexerHandleInvalid): this {
    return this.set(this.handleInvalid, value);
  }
  /** @example `model.getStringOrderType(); // 'frequencyDesc'` */
  getStringOrderType(): StringOrderType {
    return this.getOrDefault(this.stringOrderType);
  }
  /** @example `model.setStringOrderType('alphabetAsc');` */
  setStringOrderType(value: StringOrderType): this {
    return this.set(this.stringOrderType, value);
  }

  /**
   * Adds a `double` output column per input column, which must be string or numeric. Throws `ParamError`
   * `INVALID_COLUMN_PARAMS` for inconsistent column params and `LABELS_MISMATCH` when the model has labels for
   * another number of columns; `SchemaError`s for a missing or mistyped input or an output that exists.
   *
   * @example
   * ```ts
   * model.transformSchema(schema); // schema + index: double
   * ```
   */
  transformSchema(schema: StructType): StructType {
    const out = stringIndexerSchema(this, schema);
    const { inputs } = inputOutputColumns(this);
    if (inputs.length !== this.labelsData.length) {
      throw new ParamError(
        'LABELS_MISMATCH',
        `StringIndexerModel '${this.uid}' has labels for ${this.labelsData.length} column(s) but ` +
          `${inputs.length} input column(s) (${describeValue(inputs)}). Give one labels array per input column.`,
        { stage: this.uid, labels: String(this.labelsData.length), inputs: String(inputs.length) },
      );
    }
    return out;
  }

  protected async _transform(df: DataFrame): Promise<DataFrame> {
    const schema = await df.schema();
    const { inputs, outputs } = inputOutputColumns(this);
    const handleInvalid = this.getHandleInvalid();
    // Each input's text (a numeric column cast to string) and its index get columns of their own, which the
    // outputs and their checks read.
    const staged: string[] = [];
    let withIndices = df;
    const columns = inputs.map((input, i): CheckedColumn => {
      const labels = this.labelsData[i]!;
      const type = requireField(schema, input).type;
      let text = input;
      if (type.kind !== 'string') {
        text = `__${this.uid}_label_${i}`;
        withIndices = withIndices.withColumn(text, labelText(input, type));
        staged.push(text);
      }
      const index = `__${this.uid}_index_${i}`;
      withIndices = withLabelIndex(withIndices, text, labels, index);
      staged.push(index);
      if (handleInvalid === 'keep') {
        return { name: outputs[i]!, value: coalesce(col(index), doubleLit(labels.length)), checks: [] };
      }
      if (handleInvalid === 'skip') return { name: outputs[i]!, value: col(index), checks: [] };
      return {
        name: outputs[i]!,
        value: col(index),
        checks: [
          {
            when: col(text).isNull(),
            message: messageOf(
              `StringIndexer '${this.uid}' met a null value in column '${input}'. To keep nulls (at index ` +
                `${labels.length}) or drop their rows, set handleInvalid to 'keep' or 'skip'.`,
            ),
          },
          {
            when: col(index).isNull(),
            message: messageOf(
              'Unseen label: ',
              col(text),
              `. StringIndexer '${this.uid}' knows ${labels.length} label(s) for column '${input}'. To handle ` +
                `unseen labels, set handleInvalid to 'keep' (index ${labels.length}) or 'skip' (drop the row).`,
            ),
          },
        ],
      };
    });
    const indexed = (await withCheckedColumns(withIndices, columns)).drop(...staged);
    if (handleInvalid !== 'skip') return indexed;
    const [first, ...rest] = outputs.map((name) => col(name).isNotNull());
    return indexed.filter(rest.reduce((all, next) => all.and(next), first!));
  }

  /**
   * Writes the labels to `data.json`.
   *
   * @example
   * ```ts
   * await model.save('/models/indexer');
   * ```
   */
  override async saveImpl(dir: string): Promise<void> {
    await writeModelData(dir, { labelsArray: this.labelsData });
  }

  /**
   * Reads the labels back from `data.json`.
   *
   * @example
   * ```ts
   * const model = await StringIndexerModel.load('/models/indexer');
   * ```
   */
  override async loadImpl(dir: string, _metadata: StageMetadata): Promise<void> {
    const data = await readModelData(dir, this.uid);
    this.labelsData = modelDataField(
      data,
      'labelsArray',
      dir,
      this.uid,
      'an array of arrays of strings',
      (json) => {
        try {
          return toLabelsArray(json, this.uid);
        } catch {
          return undefined;
        }
      },
    );
  }
}
registerStage(StringIndexerModel);

/**
 * The output schema of a string indexer: a `double` column per input column, which must be string or numeric.
 *
 * @example
 * ```ts
 * stringIndexerSchema(indexer, schema);
 * ```
 */
export function stringIndexerSchema(stage: MultiColumnParams, schema: StructType): StructType {
  const { inputs, outputs } = inputOutputColumns(stage);
  let out = schema;
  for (const [i, input] of inputs.entries()) {
    checkColumnType(schema, input, isLabelType, 'string or numeric', stage.uid);
    out = appendColumn(out, outputs[i]!, DataTypes.double, stage.uid);
  }
  return out;
}

function isLabelType(type: DataType): boolean {
  return type.kind === 'string' || isNumeric(type);
}

function toLabelsArray(value: unknown, stage: string): readonly (readonly string[])[] {
  if (!Array.isArray(value)) throw labelsError(value, stage);
  return Object.freeze(
    (value as readonly unknown[]).map((labels) => {
      try {
        return TypeConverters.toListString(labels);
      } catch {
        throw labelsError(value, stage);
      }
    }),
  );
}

function labelsError(value: unknown, stage: string): ParamError {
  const expected = 'an array with one array of string labels per input column';
  return new ParamError(
    'INVALID_PARAM_VALUE',
    `Invalid labels for StringIndexerModel '${stage}': got ${describeValue(value)}; expected ${expected}.`,
    { stage, param: 'labelsArray', value: describeValue(value), expected },
  );
}
