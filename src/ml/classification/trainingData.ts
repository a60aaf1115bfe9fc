/**
 * Gathers a classifier's training rows — features, labels, weights — from a DataFrame into typed arrays, checking
 * every value on the way in, so that a bad row fails the fit before any training starts, with its row number.
 *
 * @module
 */

import type * as arrow from 'apache-arrow';
import { ParamError, SchemaError } from '../../errors.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { col } from '../../frame/functions.js';
import { vectorValues } from '../../tensor/vectors.js';
import { type DataType, isNumeric, simpleString } from '../../types/DataType.js';
import { requireField } from '../../types/Schema.js';
import { isUnsizedVector } from '../feature/vectorColumns.js';

/** A classifier's training rows. */
export interface TrainingData {
  /** Features, row after row (`rows × numFeatures`). */
  readonly x: Float32Array;
  readonly labels: Float64Array;
  /** Row weights; `undefined` when every weight is 1. */
  readonly weights: Float64Array | undefined;
  readonly rows: number;
  readonly numFeatures: number;
  /** `max(label) + 1`. */
  readonly numClasses: number;
}

/** Which columns to read, and the stage reading them (for messages). */
export interface TrainingColumns {
  readonly featuresCol: string;
  readonly labelCol: string;
  /** Empty or undefined: every weight is 1. */
  readonly weightCol?: string | undefined;
  readonly stage: string;
}

/**
 * Checks the columns' types: a `vector<N>` feature column and numeric label and weight columns. Returns N, or
 * `undefined` for a vector whose size only an earlier stage's fit decides (a pipeline checked before it is fitted).
 */
export function checkTrainingSchema(
  schema: Parameters<typeof requireField>[0],
  cols: TrainingColumns,
): number | undefined {
  const features = requireField(schema, cols.featuresCol, `the input of stage '${cols.stage}'`);
  if (features.type.kind !== 'vector' && !isUnsizedVector(features.type)) {
    throw typeError(
      cols.featuresCol,
      features.type,
      'vector<N> (a features vector; use a VectorAssembler)',
      cols.stage,
    );
  }
  const label = requireField(schema, cols.labelCol, `the input of stage '${cols.stage}'`);
  if (!isNumeric(label.type)) throw typeError(cols.labelCol, label.type, 'numeric', cols.stage);
  if (cols.weightCol) {
    const weight = requireField(schema, cols.weightCol, `the input of stage '${cols.stage}'`);
    if (!isNumeric(weight.type)) throw typeError(cols.weightCol, weight.type, 'numeric', cols.stage);
  }
  return features.type.kind === 'vector' ? features.type.size : undefined;
}

function typeError(column: string, type: DataType, expected: string, stage: string): SchemaError {
  return new SchemaError(
    'COLUMN_TYPE_MISMATCH',
    `Column '${column}' given to stage '${stage}' must be ${expected}, but is ${simpleString(type)}.`,
    { column, stage, expected, actual: simpleString(type) },
  );
}

/**
 * Reads the training rows. Throws before returning on a null or non-finite feature, a label that is null, NaN,
 * negative or not an integer (classes are `0 … k−1`, as Spark ML requires), and a weight that is null, NaN or
 * negative — each error names the column, the row and the value.
 *
 * @example
 * ```ts
 * const data = await readTrainingData(df, { featuresCol: 'features', labelCol: 'label', stage: this.uid });
 * ```
 */
export async function readTrainingData(df: DataFrame, cols: TrainingColumns): Promise<TrainingData> {
  const numFeatures = checkTrainingSchema(await df.schema(), cols);
  if (numFeatures === undefined) {
    throw new SchemaError(
      'COLUMN_TYPE_MISMATCH',
      `Column '${cols.featuresCol}' given to stage '${cols.stage}' must be vector<N> when it trains; it has no size.`,
      { column: cols.featuresCol, stage: cols.stage },
    );
  }
  const names = [cols.featuresCol, cols.labelCol, ...(cols.weightCol ? [cols.weightCol] : [])];
  const parts: Float32Array[] = [];
  const labels: number[] = [];
  const weights: number[] = [];
  let row = 0;
  let maxLabel = -1;
  for await (const batch of df.select(...names.map((n) => col(n))).toBatches()) {
    const fv = batch.getChildAt(0) as arrow.Vector;
    const lv = batch.getChildAt(1) as arrow.Vector;
    const wv = cols.weightCol ? (batch.getChildAt(2) as arrow.Vector) : undefined;
    const values = vectorValues(fv, numFeatures, cols.featuresCol);
    for (let i = 0; i < batch.numRows; i++, row++) {
      if (!fv.isValid(i)) throw rowError('NULL_FEATURES', cols, cols.featuresCol, row, 'null', 'a vector');
      const label = lv.get(i);
      const y = label === null ? Number.NaN : Number(label);
      if (!(Number.isInteger(y) && y >= 0)) {
        throw rowError(
          'INVALID_LABEL',
          cols,
          cols.labelCol,
          row,
          String(label),
          'a class index 0, 1, 2, … (labels must be integers >= 0; index string labels with a StringIndexer)',
        );
      }
      labels.push(y);
      if (y > maxLabel) maxLabel = y;
      if (wv !== undefined) {
        const w = wv.get(i);
        const wn = w === null ? Number.NaN : Number(w);
        if (!(wn >= 0) || !Number.isFinite(wn)) {
          throw rowError(
            'INVALID_WEIGHT',
            cols,
            cols.weightCol ?? '',
            row,
            String(w),
            'a finite weight >= 0',
          );
        }
        weights.push(wn);
      }
    }
    const start = row - batch.numRows;
    for (let j = 0; j < values.length; j++) {
      if (!Number.isFinite(values[j] as number)) {
        const bad = start + Math.floor(j / numFeatures);
        throw rowError(
          'NON_FINITE_FEATURE',
          cols,
          cols.featuresCol,
          bad,
          `${values[j]} at index ${j % numFeatures}`,
          'finite numbers (drop or impute rows with NaN or infinite features first)',
        );
      }
    }
    parts.push(Float32Array.from(values));
  }
  if (row === 0) {
    throw new ParamError('EMPTY_TRAINING_DATA', `Stage '${cols.stage}' cannot fit on an empty DataFrame.`, {
      stage: cols.stage,
    });
  }
  const x = new Float32Array(row * numFeatures);
  let offset = 0;
  for (const p of parts) {
    x.set(p, offset);
    offset += p.length;
  }
  return {
    x,
    labels: Float64Array.from(labels),
    weights: wv(cols) ? Float64Array.from(weights) : undefined,
    rows: row,
    numFeatures,
    numClasses: maxLabel + 1,
  };
}

function wv(cols: TrainingColumns): boolean {
  return cols.weightCol !== undefined && cols.weightCol !== '';
}

function rowError(
  code: string,
  cols: TrainingColumns,
  column: string,
  row: number,
  value: string,
  expected: string,
): SchemaError {
  return new SchemaError(
    code,
    `Stage '${cols.stage}' cannot train on row ${row}: column '${column}' is ${value}; expected ${expected}.`,
    { stage: cols.stage, column, row: String(row), value },
  );
}
