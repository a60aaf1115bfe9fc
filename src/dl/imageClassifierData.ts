/**
 * Reading an image classifier's training rows: a model (the frozen part of a backbone, or an identity that only
 * preprocesses) runs over the image column in the worker pool or on Spark executors, and its output vectors come
 * back with the labels.
 *
 * @module
 */

import type * as arrow from 'apache-arrow';
import { ParamError, SchemaError } from '../errors.js';
import type { DataFrame } from '../frame/DataFrame.js';
import { col } from '../frame/functions.js';
import { imageColumnSchema } from '../image/ImageSchema.js';
import type { ImagePreprocessSpec } from '../image/preprocess.js';
import { appendColumn } from '../ml/schemaUtils.js';
import { modelFileFromBytes } from '../models/modelSources.js';
import type { OnnxStageSpec } from '../models/onnxStage.js';
import { GraphBuilder } from '../nn/graph.js';
import { trainingThreads } from '../nn/threads.js';
import { vectorValues } from '../tensor/vectors.js';
import { DataTypes, isNumeric, type StructType, simpleString } from '../types/DataType.js';
import { requireField } from '../types/Schema.js';

/** The columns an image classifier reads, and the stage reading them (for messages). */
export interface ImageColumns {
  readonly inputCol: string;
  readonly labelCol: string;
  readonly stage: string;
}

/** Checks the image and label columns; says whether the images are structs or file paths. */
export function checkImageColumns(
  schema: StructType,
  cols: ImageColumns,
  withLabel: boolean,
): 'image' | 'imageFile' {
  const field = requireField(schema, cols.inputCol, `the input of stage '${cols.stage}'`);
  const isImage =
    field.type.kind === 'struct' &&
    field.type.fields.map((f) => f.name).join() === imageColumnSchema.fields.map((f) => f.name).join();
  if (!isImage && field.type.kind !== 'string') {
    throw new SchemaError(
      'INVALID_INPUT_COLUMN',
      `${cols.stage}: column '${cols.inputCol}' is ${simpleString(field.type)}; expected an image struct (as session.read.images gives) or a string column of image file paths.`,
      { stage: cols.stage, column: cols.inputCol, actual: simpleString(field.type) },
    );
  }
  if (withLabel) {
    const label = requireField(schema, cols.labelCol, `the input of stage '${cols.stage}'`);
    if (!isNumeric(label.type)) {
      throw new SchemaError(
        'COLUMN_TYPE_MISMATCH',
        `Column '${cols.labelCol}' given to stage '${cols.stage}' must be numeric (class indices 0, 1, 2, …; index string labels with a StringIndexer), but is ${simpleString(label.type)}.`,
        { column: cols.labelCol, stage: cols.stage, expected: 'numeric', actual: simpleString(label.type) },
      );
    }
  }
  return isImage ? 'image' : 'imageFile';
}

/** An ONNX model that only passes preprocessed images through: input `image`, output `pixels`. */
export function identityImageModel(spec: ImagePreprocessSpec): Uint8Array {
  const g = new GraphBuilder('deepframe_pixels');
  const shape = imageShape(spec);
  const x = g.input('image', 'float32', ['N', ...shape]);
  g.output(g.node('Identity', [x]), 'float32', ['N', ...shape], 'pixels');
  return g.toBytes();
}

/** An image tensor's shape without the batch, in the spec's layout. */
export function imageShape(spec: ImagePreprocessSpec): number[] {
  return spec.layout === 'NCHW'
    ? [spec.channels, spec.height, spec.width]
    : [spec.height, spec.width, spec.channels];
}

/** The model to run over the images and what to keep of it. */
export interface RowModel {
  readonly bytes: Uint8Array;
  readonly input: string;
  readonly output: string;
  /** Values of the output per row. */
  readonly size: number;
}

/**
 * Runs `model` over the image column and returns its outputs (rows × size) and the labels. Images that do not
 * decode, null images and labels that are not class indices fail the fit, naming the row.
 */
export async function readImageRows(
  df: DataFrame,
  cols: ImageColumns,
  preprocess: ImagePreprocessSpec,
  model: RowModel,
): Promise<{ x: Float32Array; labels: Float64Array }> {
  const { scored, out } = await scoreImageRows(df, cols, preprocess, model);
  return collectRows(scored, out, cols, model.size);
}

/**
 * The DataFrame with `model`'s output per image appended as a `vector<size>` column (named `out`), computed where
 * the engine runs stages (the worker pool, or Spark's executors); nothing runs until it is read.
 *
 * @example
 * ```ts
 * const { scored, out } = await scoreImageRows(df, cols, preprocess, model);
 * ```
 */
export async function scoreImageRows(
  df: DataFrame,
  cols: ImageColumns,
  preprocess: ImagePreprocessSpec,
  model: RowModel,
): Promise<{ scored: DataFrame; out: string }> {
  const schema = await df.schema();
  const source = checkImageColumns(schema, cols, true);
  const out = `__${cols.stage}_rows`;
  const spec: OnnxStageSpec = {
    kind: 'onnx',
    modelPath: await modelFileFromBytes(model.bytes),
    session: {
      intraOpNumThreads: trainingThreads() ?? 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    },
    inputs: [{ name: model.input, column: cols.inputCol, source, preprocess }],
    outputs: [{ name: model.output, column: out, kind: 'vector', size: model.size }],
    keep: [],
    batchSize: 64,
    onError: 'fail',
  };
  const scored = df.withPlan({
    kind: 'mapBatches',
    input: df.plan,
    stage: spec,
    outputSchema: appendColumn(schema, out, DataTypes.vector(model.size), cols.stage),
    batchSize: spec.batchSize,
    appendToInput: true,
  });
  return { scored, out };
}

async function collectRows(
  scored: DataFrame,
  out: string,
  cols: ImageColumns,
  size: number,
): Promise<{ x: Float32Array; labels: Float64Array }> {
  const model = { size };
  const parts: Float32Array[] = [];
  const labels: number[] = [];
  for await (const batch of scored.select(col(out), col(cols.labelCol)).toBatches()) {
    const lv = batch.getChildAt(1) as arrow.Vector;
    parts.push(vectorValues(batch.getChildAt(0) as arrow.Vector, model.size, out));
    for (let i = 0; i < batch.numRows; i++) {
      const label = lv.get(i);
      const y = label === null ? Number.NaN : Number(label);
      if (!(Number.isInteger(y) && y >= 0)) {
        throw new ParamError(
          'INVALID_LABEL',
          `${cols.stage}: row ${labels.length} has label ${String(label)} in column '${cols.labelCol}'; expected a class index 0, 1, 2, … (index string labels with a StringIndexer).`,
          { stage: cols.stage, column: cols.labelCol, row: String(labels.length), value: String(label) },
        );
      }
      labels.push(y);
    }
  }
  if (labels.length === 0) {
    throw new ParamError('EMPTY_DATASET', `${cols.stage} cannot train on an empty DataFrame.`, {
      stage: cols.stage,
    });
  }
  const x = new Float32Array(labels.length * model.size);
  let k = 0;
  for (const p of parts) {
    x.set(p, k);
    k += p.length;
  }
  return { x, labels: Float64Array.from(labels) };
}
