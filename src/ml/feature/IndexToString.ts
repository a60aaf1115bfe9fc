import { ParamError } from '../../errors.js';
import { Column } from '../../frame/Column.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { coalesce, col, lit } from '../../frame/functions.js';
import { DataTypes, isNumeric, type StructType } from '../../types/DataType.js';
import type { StageOptions } from '../Params.js';
import { registerStage } from '../persistence.js';
import { appendColumn, checkColumnType } from '../schemaUtils.js';
import { type HasInputCol, type HasOutputCol, SharedParams } from '../sharedParams.js';
import { Transformer } from '../Transformer.js';
import { TypeConverters } from '../TypeConverters.js';
import { messageOf, withCheckedColumns } from './invalidValues.js';

/**
 * Spark ML's `IndexToString`: maps a column of label indices back to the labels, the inverse of a
 * {@link StringIndexerModel}. An index `i` (any numeric type; a fraction is truncated toward zero, as Spark casts
 * it to an integer) gives `labels[i]`; an index outside `[0, labels.length)`, a NaN or a null fails the query, as in
 * Spark 4 ("Unseen index"). Where the engine cannot raise an error from inside a query (the embedded engine),
 * `transform` checks the input column before it returns and throws an `ExecutionError` `USER_RAISED_EXCEPTION`.
 *
 * Difference from Spark: Spark reads the labels from the input column's ML attribute metadata when `labels` is not
 * set; deepframe has no such metadata, so `labels` is required (take it from the indexer model's `labels`).
 * Spark with ANSI mode off maps NaN to index 0; deepframe treats NaN as an invalid index, as Spark with ANSI on.
 *
 * @example
 * ```ts
 * const indexer = await new StringIndexer({ inputCol: 'color', outputCol: 'colorIndex' }).fit(df);
 * const back = new IndexToString({ inputCol: 'prediction', outputCol: 'predictedColor', labels: indexer.labels });
 * await (await back.transform(predictions)).show();
 * ```
 */
export class IndexToString extends Transformer implements HasInputCol, HasOutputCol {
  /**
   * The column of indices (numeric).
   *
   * @example
   * ```ts
   * new IndexToString({ inputCol: 'prediction', labels: ['a', 'b'] });
   * ```
   */
  readonly inputCol = this.declareParam(SharedParams.inputCol);
  /**
   * The output column (strings); default `<uid>__output`.
   *
   * @example
   * ```ts
   * back.setOutputCol('predictedLabel');
   * ```
   */
  readonly outputCol = this.declareParam(SharedParams.outputCol);
  /**
   * The labels, in index order: index `i` becomes `labels[i]`. Required (deepframe has no ML attribute metadata
   * to read them from).
   *
   * @example
   * ```ts
   * back.setLabels(model.labels);
   * ```
   */
  readonly labels = this.declareParam({
    name: 'labels',
    doc:
      'array of labels specifying index-string mapping: index i becomes labels[i]. Required: deepframe has no ML ' +
      'attribute metadata to read them from.',
    converter: TypeConverters.toListString,
  });

  /**
   * An index-to-string transformer with `options`' params.
   *
   * @example
   * ```ts
   * new IndexToString({ inputCol: 'index', outputCol: 'label', labels: ['a', 'b', 'c'] });
   * ```
   */
  constructor(options: StageOptions<IndexToString> = {}) {
    super(options);
    this.applyOptions(options);
  }

  /** @example `back.getInputCol(); // 'prediction'` */
  getInputCol(): string {
    return this.getOrDefault(this.inputCol);
  }
  /** @example `back.setInputCol('prediction');` */
  setInputCol(value: string): this {
    return this.set(this.inputCol, value);
  }
  /** @example `back.getOutputCol(); // 'predictedLabel'` */
  getOutputCol(): string {
    return this.getOrDefault(this.outputCol);
  }
  /** @example `back.setOutputCol('predictedLabel');` */
  setOutputCol(value: string): this {
    return this.set(this.outputCol, value);
  }
  /** @example `back.getLabels(); // ['a', 'b']` */
  getLabels(): readonly string[] {
    return this.getOrDefault(this.labels);
  }
  /** @example `back.setLabels(['a', 'b']);` */
  setLabels(value: readonly string[]): this {
    return this.set(this.labels, value);
  }

  /**
   * Adds the `string` output column. Throws `ParamError` `MISSING_LABELS` when `labels` is unset or empty, and
   * `SchemaError`s for a missing or non-numeric input or an output that exists.
   *
   * @example
   * ```ts
   * back.transformSchema(schema); // schema + predictedLabel: string
   * ```
   */
  transformSchema(schema: StructType): StructType {
    if (!this.isDefined(this.labels) || this.getLabels().length === 0) {
      throw new ParamError(
        'MISSING_LABELS',
        `IndexToString '${this.uid}' has no labels. Spark reads them from the input column's ML attribute ` +
          "metadata, which deepframe does not keep: set labels, e.g. to the StringIndexerModel's labels.",
        { stage: this.uid, param: 'labels' },
      );
    }
    checkColumnType(schema, this.getInputCol(), isNumeric, 'a numeric type', this.uid);
    return appendColumn(schema, this.getOutputCol(), DataTypes.string, this.uid);
  }

  protected async _transform(df: DataFrame): Promise<DataFrame> {
    const labels = this.getLabels();
    const input = this.getInputCol();
    const index = col(input);
    // An index in (-1, n) truncates to one in [0, n); NaN compares greater than every number on both engines.
    const valid = coalesce(index.gt(-1).and(index.lt(labels.length)), lit(false));
    const array = new Column({ kind: 'literal', value: labels, type: DataTypes.array(DataTypes.string) });
    return withCheckedColumns(df, [
      {
        name: this.getOutputCol(),
        value: new Column({
          kind: 'call',
          name: 'element_at',
          args: [array.expr, index.cast(DataTypes.integer).plus(1).expr],
        }),
        checks: [
          {
            when: valid.not(),
            message: messageOf(
              'Unseen index: ',
              index,
              `. IndexToString '${this.uid}' has ${labels.length} label(s), so column '${input}' must hold ` +
                `indices in [0, ${labels.length}).`,
            ),
          },
        ],
      },
    ]);
  }
}
registerStage(IndexToString);
