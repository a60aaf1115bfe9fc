/**
 * Finding labels with column expressions: a label column's text, and its index among a model's labels.
 *
 * @module
 */
import { Column } from '../../frame/Column.js';
import { col, when } from '../../frame/functions.js';
import { type DataType, DataTypes } from '../../types/DataType.js';
import { doubleLit } from './vectorColumns.js';

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
  const indices = new Map<string, number>();
  for (const [i, label] of labels.entries()) indices.set(label, i);
  const entries = [...indices]
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
