/**
 * Finding labels: a label column's text, and its index among a model's labels.
 *
 * The index is a binary search written as nested `CASE WHEN`s ({@link labelIndex}): it keeps the rows in order and
 * needs no data but the expression. Its size grows with the labels, and Spark plans large expressions slowly
 * (about 10 s for 10,000 labels), so on Spark a model with more than {@link JOIN_LOOKUP_LABELS} labels looks them
 * up with a join on a small table of the labels instead, which Spark broadcasts (Spark keeps no row order
 * anyway; its broadcast join keeps the rows of each partition in order).
 *
 * @module
 */
import { Column } from '../../frame/Column.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { col, when } from '../../frame/functions.js';
import { type DataType, DataTypes } from '../../types/DataType.js';
import { doubleLit } from './vectorColumns.js';

/** The most labels that Spark looks up with a search expression; more are looked up with a join. */
export const JOIN_LOOKUP_LABELS = 256;

/**
 * The label text of column `name`: the column itself when it is a string, else the column cast to string (as
 * Spark's StringIndexer casts numeric columns).
 *
 * @example
 * ```ts
 * labelText('size', DataTypes.integer); // CAST(size AS STRING)
 * ```
 */
export function labelText(name: string, type: DataType): Column {
  return type.kind === 'string' ? col(name) : col(name).cast(DataTypes.string);
}

/** Labels compared per binary-search step; a leaf compares this many labels in turn. */
const LEAF_SIZE = 8;

/**
 * The index (a double) of `text` among `labels`, null for a null or unseen label. Labels are found by a binary
 * search written as nested `CASE WHEN`s over the labels sorted by their UTF-8 bytes (the order both engines
 * compare strings in), so each row costs about log2(labels) comparisons, and the expression grows linearly with
 * the labels. A label listed twice gets its last index, as in Spark.
 *
 * @example
 * ```ts
 * df.withColumn('index', labelIndex(col('color'), ['red', 'blue'])); // red → 0.0, blue → 1.0, others → null
 * ```
 */
export function labelIndex(text: Column, labels: readonly string[]): Column {
  const entries = [...labelIndices(labels)]
    .map(([label, index]) => ({ label, index, bytes: Buffer.from(label, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes));
  const search = (from: number, to: number): Column => {
    if (to - from <= LEAF_SIZE) {
      let found = when(text.equalTo(entries[from]!.label), doubleLit(entries[from]!.index));
      for (let i = from + 1; i < to; i++) {
        found = found.when(text.equalTo(entries[i]!.label), doubleLit(entries[i]!.index));
      }
      return found;
    }
    const middle = (from + to) >> 1;
    return when(text.lt(entries[middle]!.label), search(from, middle)).otherwise(search(middle, to));
  };
  return entries.length === 0
    ? new Column({ kind: 'literal', value: null, type: DataTypes.double })
    : search(0, entries.length);
}

/**
 * `df` with column `name` holding the index (a double) of string column `text` among `labels`: null for a null
 * or unseen label. A search expression, or on Spark a join for more than {@link JOIN_LOOKUP_LABELS} labels (see the
 * module's doc); `name` must be a new column name, and so must `<name>_label`.
 *
 * @example
 * ```ts
 * const indexed = withLabelIndex(df, 'color', ['red', 'blue'], '__index'); // red → 0.0, blue → 1.0
 * ```
 */
export function withLabelIndex(
  df: DataFrame,
  text: string,
  labels: readonly string[],
  name: string,
): DataFrame {
  const indices = labelIndices(labels);
  if (df.session.engine.name === 'local' || indices.size <= JOIN_LOOKUP_LABELS) {
    return df.withColumn(name, labelIndex(col(text), labels));
  }
  const label = `${name}_label`;
  const table = df.session.createDataFrame(
    [...indices].map(([value, index]) => ({ [label]: value, [name]: index })),
    DataTypes.struct([DataTypes.field(label, DataTypes.string), DataTypes.field(name, DataTypes.double)]),
  );
  return df.join(table, col(text).equalTo(col(label)), 'left').drop(label);
}

/** Each label's index; a label listed twice gets its last index, as in Spark. */
function labelIndices(labels: readonly string[]): Map<string, number> {
  const indices = new Map<string, number>();
  for (const [i, label] of labels.entries()) indices.set(label, i);
  return indices;
}
