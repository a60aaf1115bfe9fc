import type { DataFrame } from '../../frame/DataFrame.js';
import { col, count, lit } from '../../frame/functions.js';
import type { StructType } from '../../types/DataType.js';
import { requireField } from '../../types/Schema.js';
import { Estimator } from '../Estimator.js';
import type { StageOptions } from '../Params.js';
import { registerStage } from '../persistence.js';
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
import { labelText } from './labelLookup.js';
import {
  type StringIndexerHandleInvalid,
  StringIndexerModel,
  StringIndexerParams,
  type StringOrderType,
  stringIndexerSchema,
} from './StringIndexerModel.js';

/**
 * Spark ML's `StringIndexer`: learns, per input column, an index for each distinct label, and its model maps labels
 * to those indices (doubles). Labels are ordered by `stringOrderType`: by frequency, most frequent first
 * (`frequencyDesc`, the default) or last (`frequencyAsc`), ties broken alphabetically; or alphabetically
 * (`alphabetAsc`, `alphabetDesc`). Numeric input columns are cast to string; nulls (and NaNs) are not labels.
 *
 * Fitting counts the columns' values in the engine (one `groupBy` query for all input columns) and brings back
 * only the counts. The model's `handleInvalid` says what happens to nulls and unseen labels (see
 * {@link StringIndexerModel}).
 *
 * @example
 * ```ts
 * const indexer = new StringIndexer({ inputCol: 'color', outputCol: 'colorIndex' });
 * const model = await indexer.fit(df);
 * model.labels; // ['red', 'blue', 'green']: red is the most frequent
 * const indexed = await model.transform(df);
 *
 * const several = new StringIndexer({ inputCols: ['a', 'b'], outputCols: ['ai', 'bi'], stringOrderType: 'alphabetAsc' });
 * ```
 */
export class StringIndexer
  extends Estimator<StringIndexerModel>
  implements HasInputCol, HasInputCols, HasOutputCol, HasOutputCols, MultiColumnParams
{
  /**
   * The input column (one column), string or numeric. Set this or {@link StringIndexer.inputCols}.
   *
   * @example
   * ```ts
   * new StringIndexer({ inputCol: 'color', outputCol: 'colorIndex' });
   * ```
   */
  readonly inputCol = this.declareParam(SharedParams.inputCol);
  /**
   * The input columns (several), each string or numeric. Set this or {@link StringIndexer.inputCol}.
   *
   * @example
   * ```ts
   * new StringIndexer({ inputCols: ['color', 'size'], outputCols: ['ci', 'si'] });
   * ```
   */
  readonly inputCols = this.declareParam(nonEmptyInputCols);
  /**
   * The output column of `inputCol`; default `<uid>__output`.
   *
   * @example
   * ```ts
   * indexer.setOutputCol('colorIndex');
   * ```
   */
  readonly outputCol = this.declareParam(SharedParams.outputCol);
  /**
   * The output columns of `inputCols`, one each.
   *
   * @example
   * ```ts
   * indexer.setOutputCols(['ci', 'si']);
   * ```
   */
  readonly outputCols = this.declareParam(nonEmptyOutputCols);
  /**
   * What the model does with nulls and unseen labels: `'error'` (default), `'skip'` (drop the row) or `'keep'`
   * (index numLabels).
   *
   * @example
   * ```ts
   * new StringIndexer({ inputCol: 'color', handleInvalid: 'keep' });
   * ```
   */
  readonly handleInvalid = this.declareParam(StringIndexerParams.handleInvalid);
  /**
   * How labels are ordered: `'frequencyDesc'` (default), `'frequencyAsc'`, `'alphabetDesc'`, `'alphabetAsc'`.
   *
   * @example
   * ```ts
   * new StringIndexer({ inputCol: 'color', stringOrderType: 'alphabetAsc' });
   * ```
   */
  readonly stringOrderType = this.declareParam(StringIndexerParams.stringOrderType);

  /**
   * A string indexer with `options`' params.
   *
   * @example
   * ```ts
   * const indexer = new StringIndexer({ inputCol: 'color', outputCol: 'colorIndex', handleInvalid: 'skip' });
   * ```
   */
  constructor(options: StageOptions<StringIndexer> = {}) {
    super(options);
    this.applyOptions(options);
  }

  /** @example `indexer.getInputCol(); // 'color'` */
  getInputCol(): string {
    return this.getOrDefault(this.inputCol);
  }
  /** @example `indexer.setInputCol('color');` */
  setInputCol(value: string): this {
    return this.set(this.inputCol, value);
  }
  /** @example `indexer.getInputCols(); // ['color', 'size']` */
  getInputCols(): readonly string[] {
    return this.getOrDefault(this.inputCols);
  }
  /** @example `indexer.setInputCols(['color', 'size']);` */
  setInputCols(value: readonly string[]): this {
    return this.set(this.inputCols, value);
  }
  /** @example `indexer.getOutputCol(); // 'colorIndex'` */
  getOutputCol(): string {
    return this.getOrDefault(this.outputCol);
  }
  /** @example `indexer.setOutputCol('colorIndex');` */
  setOutputCol(value: string): this {
    return this.set(this.outputCol, value);
  }
  /** @example `indexer.getOutputCols(); // ['ci', 'si']` */
  getOutputCols(): readonly string[] {
    return this.getOrDefault(this.outputCols);
  }
  /** @example `indexer.setOutputCols(['ci', 'si']);` */
  setOutputCols(value: readonly string[]): this {
    return this.set(this.outputCols, value);
  }
  /** @example `indexer.getHandleInvalid(); // 'error'` */
  getHandleInvalid(): StringIndexerHandleInvalid {
    return this.getOrDefault(this.handleInvalid);
  }
  /** @example `indexer.setHandleInvalid('keep');` */
  setHandleInvalid(value: StringIndexerHandleInvalid): this {
    return this.set(this.handleInvalid, value);
  }
  /** @example `indexer.getStringOrderType(); // 'frequencyDesc'` */
  getStringOrderType(): StringOrderType {
    return this.getOrDefault(this.stringOrderType);
  }
  /** @example `indexer.setStringOrderType('alphabetAsc');` */
  setStringOrderType(value: StringOrderType): this {
    return this.set(this.stringOrderType, value);
  }

  /**
   * Adds a `double` output column per input column, which must be string or numeric; throws `ParamError`
   * `INVALID_COLUMN_PARAMS` for inconsistent column params, and `SchemaError`s for a missing or mistyped input or
   * an output that exists.
   *
   * @example
   * ```ts
   * indexer.transformSchema(schema); // schema + colorIndex: double
   * ```
   */
  transformSchema(schema: StructType): StructType {
    return stringIndexerSchema(this, schema);
  }

  protected async _fit(df: DataFrame): Promise<StringIndexerModel> {
    const schema = await df.schema();
    const { inputs } = inputOutputColumns(this);
    // One query for every column: each column's labels, tagged with the column's position, then counted.
    const labelled = inputs.map((input, i) => {
      const type = requireField(schema, input).type;
      let values = df.filter(col(input).isNotNull());
      if (type.kind === 'float' || type.kind === 'double') values = values.filter(col(input).isNaN().not());
      return values.select(lit(i).alias('column'), labelText(input, type).alias('label'));
    });
    const counts = await labelled
      .reduce((all, next) => all.union(next))
      .groupBy('column', 'label')
      .agg(count('*').alias('count'))
      .collect();
    const perColumn = inputs.map((): { label: string; count: number }[] => []);
    for (const row of counts) {
      perColumn[Number(row.column)]?.push({ label: String(row.label), count: Number(row.count) });
    }
    const order = this.getStringOrderType();
    const labelsArray = perColumn.map((columnCounts) => sortLabels(columnCounts, order));
    return this.copyValues(new StringIndexerModel({ uid: this.uid, labelsArray }));
  }
}
registerStage(StringIndexer);

/**
 * Labels in the order `order` gives them: by count (ties alphabetically, ascending, as Spark 3+) or alphabetically.
 * "Alphabetically" is by Unicode code points (the order of the UTF-8 bytes), as Spark 4 compares its strings; not
 * JavaScript's `<`, which compares UTF-16 code units and puts '😀' before 'ｚ'.
 */
function sortLabels(counts: readonly { label: string; count: number }[], order: StringOrderType): string[] {
  const bytes = new Map(counts.map(({ label }) => [label, Buffer.from(label, 'utf8')]));
  const alphabetical = (a: string, b: string) => Buffer.compare(bytes.get(a)!, bytes.get(b)!);
  const sorted = [...counts];
  switch (order) {
    case 'frequencyDesc':
      sorted.sort((a, b) => b.count - a.count || alphabetical(a.label, b.label));
      break;
    case 'frequencyAsc':
      sorted.sort((a, b) => a.count - b.count || alphabetical(a.label, b.label));
      break;
    case 'alphabetAsc':
      sorted.sort((a, b) => alphabetical(a.label, b.label));
      break;
    case 'alphabetDesc':
      sorted.sort((a, b) => alphabetical(b.label, a.label));
      break;
    default: {
      const never: never = order;
      return never;
    }
  }
  return sorted.map((c) => c.label);
}
