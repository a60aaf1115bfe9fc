/**
 * The `onnx` stage: runs an ONNX model over record batches in a worker, batched. Inputs come from vector columns
 * (tensors), image structs or image files (preprocessed with sharp); outputs become vector columns or decoded
 * top-K predictions. The model session is cached per worker, so it is created once and reused across batches,
 * tasks and stages.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import * as ort from 'onnxruntime-node';
import { DeepframeError, describeCause, IOError, ModelError } from '../errors.js';
import { imageAt } from '../image/imageBatch.js';
import {
  type ImagePreprocessSpec,
  imageFileToTensor,
  imageTensorShape,
  imageTensorSize,
  imageToTensor,
} from '../image/preprocess.js';
import { configureSharpForWorkers, DECODE_CONCURRENCY } from '../image/sharpConfig.js';
import { vectorData, vectorValues } from '../tensor/vectors.js';
import { forEachLimited } from '../worker/limit.js';
import type { StageContext } from '../worker/StageSpec.js';
import type { StageHandler } from '../worker/stages.js';
import { getSession, type SessionOptionsJson } from './sessions.js';

/** Where one model input comes from. */
export type OnnxStageInput =
  | {
      /** The model input's name. */
      readonly name: string;
      /** The column it reads: a `vector<N>` column, or a numeric column for a one-value input. */
      readonly column: string;
      readonly source: 'tensor';
      /** The input's shape for one row (without the batch axis); its product is N. */
      readonly shape: readonly number[];
    }
  | {
      readonly name: string;
      /** An image-struct column (`source: 'image'`) or a string column of file paths or `file:` URIs. */
      readonly column: string;
      readonly source: 'image' | 'imageFile';
      readonly preprocess: ImagePreprocessSpec;
    };

/** One class of a label list: its id and its human-readable description. */
export interface LabelEntry {
  readonly class: string;
  readonly description: string;
}

/** What one model output becomes. */
export type OnnxStageOutput =
  | {
      /** The model output's name. */
      readonly name: string;
      /** The column to write. */
      readonly column: string;
      /** A `vector<size>` column of the output's values per row (after softmax, if asked). */
      readonly kind: 'vector';
      readonly size: number;
      readonly softmax?: boolean;
    }
  | {
      readonly name: string;
      readonly column: string;
      /** A `double` column of the output's one value per row (a classifier's `prediction`). */
      readonly kind: 'scalar';
    }
  | {
      readonly name: string;
      readonly column: string;
      /** The `k` most likely classes per row: `array<struct<class, description, probability>>`. */
      readonly kind: 'topK';
      readonly k: number;
      readonly labels: readonly LabelEntry[];
      /** Apply softmax to the output first (when the model outputs logits). */
      readonly softmax: boolean;
    };

/** Spec of an `onnx` stage. */
export interface OnnxStageSpec {
  readonly kind: 'onnx';
  /** The model file, local to the worker. */
  readonly modelPath: string;
  readonly session: SessionOptionsJson;
  readonly inputs: readonly OnnxStageInput[];
  readonly outputs: readonly OnnxStageOutput[];
  /** Input columns copied to the output, first, in this order. */
  readonly keep: readonly string[];
  /** Rows per `session.run`. */
  readonly batchSize: number;
  /**
   * What a row whose input is unusable (null, or an image that does not decode) becomes: `null` outputs
   * (`'null'`, the default) or a failed job naming the row (`'fail'`).
   */
  readonly onError: 'null' | 'fail';
}

declare module '../worker/StageSpec.js' {
  interface StageSpecKinds {
    onnx: OnnxStageSpec;
  }
}

/** The Arrow type of a top-K column. */
export const topKArrowType = new arrow.List(
  new arrow.Field(
    'element',
    new arrow.Struct([
      new arrow.Field('class', new arrow.Utf8(), false),
      new arrow.Field('description', new arrow.Utf8(), false),
      new arrow.Field('probability', new arrow.Float32(), false),
    ]),
    false,
  ),
);

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

function softmaxRows(values: Float32Array, size: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < values.length / size; r++) {
    const o = r * size;
    let max = -Infinity;
    for (let j = 0; j < size; j++) max = Math.max(max, values[o + j]!);
    let sum = 0;
    for (let j = 0; j < size; j++) {
      const e = Math.exp(values[o + j]! - max);
      out[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < size; j++) out[o + j]! /= sum;
  }
  return out;
}

function columnOf(batch: arrow.RecordBatch, name: string): arrow.Vector {
  const column = batch.getChild(name);
  if (column === null) {
    throw new DeepframeError(
      'INVALID_STAGE_INPUT',
      `The onnx stage expected a column '${name}' in its input batch.`,
      {
        column: name,
      },
    );
  }
  return column;
}

/** Fills the model-input tensor of `input` for `rows`; marks rows whose input is unusable in `failed`. */
/**
 * A float buffer of at least `length` values for `key`, kept in the worker's cache and reused batch after batch:
 * image batches are megabytes, and allocating them anew each time costs garbage collection. The caller must be
 * done with the buffer (the model run awaited) before asking for it again.
 */
function scratch(cache: Map<string, unknown>, key: string, length: number): Float32Array {
  const cacheKey = `onnx/scratch:${key}`;
  let buffer = cache.get(cacheKey) as Float32Array | undefined;
  if (buffer === undefined || buffer.length < length) {
    buffer = new Float32Array(length);
    cache.set(cacheKey, buffer);
  }
  return buffer.subarray(0, length);
}

async function buildInput(
  input: OnnxStageInput,
  batch: arrow.RecordBatch,
  rows: readonly number[],
  failed: Map<number, string>,
  cache: Map<string, unknown>,
): Promise<{ data: Float32Array; dims: number[] }> {
  const column = columnOf(batch, input.column);
  if (input.source === 'tensor') {
    const size = product(input.shape);
    const data = new Float32Array(rows.length * size);
    if (arrow.DataType.isFixedSizeList(column.type)) {
      const values = vectorValues(column, size, `column '${input.column}'`);
      rows.forEach((r, i) => {
        if (!column.isValid(r)) failed.set(r, `column '${input.column}' is null`);
        else data.set(values.subarray(r * size, (r + 1) * size), i * size);
      });
    } else {
      rows.forEach((r, i) => {
        const v = column.get(r) as number | bigint | null;
        if (v === null) failed.set(r, `column '${input.column}' is null`);
        else data[i] = Number(v);
      });
    }
    return { data, dims: [rows.length, ...input.shape] };
  }
  const size = imageTensorSize(input.preprocess);
  const data = scratch(cache, input.name, rows.length * size);
  configureSharpForWorkers();
  await forEachLimited(rows, DECODE_CONCURRENCY, async (r, i) => {
    try {
      if (input.source === 'image') {
        const image = imageAt(column, r);
        if (image === null) {
          failed.set(r, `image in column '${input.column}' is null`);
          return;
        }
        await imageToTensor(image, input.preprocess, data, i * size);
      } else {
        const uri = column.get(r) as string | null;
        if (uri === null) {
          failed.set(r, `column '${input.column}' is null`);
          return;
        }
        await imageFileToTensor(
          uri.startsWith('file:') ? new URL(uri).pathname : uri,
          input.preprocess,
          data,
          i * size,
        );
      }
    } catch (e) {
      failed.set(r, describeCause(e));
    }
  });
  return { data, dims: [rows.length, ...imageTensorShape(input.preprocess)] };
}

function topKColumn(
  values: Float32Array,
  size: number,
  rows: number,
  valid: readonly boolean[],
  out: Extract<OnnxStageOutput, { kind: 'topK' }>,
): arrow.Data {
  const probabilities = out.softmax ? softmaxRows(values, size) : values;
  const k = Math.min(out.k, size);
  const builder = arrow.makeBuilder({ type: topKArrowType, nullValues: [null] });
  const order = new Int32Array(size);
  for (let r = 0; r < rows; r++) {
    if (!valid[r]) {
      builder.append(null);
      continue;
    }
    const o = r * size;
    for (let j = 0; j < size; j++) order[j] = j;
    const sorted = Array.from(order).sort((a, b) => probabilities[o + b]! - probabilities[o + a]!);
    builder.append(
      // The list builder takes plain arrays of plain objects, though its type says vectors.
      sorted.slice(0, k).map((j) => ({
        class: out.labels[j]?.class ?? String(j),
        description: out.labels[j]?.description ?? String(j),
        probability: probabilities[o + j]!,
      })) as unknown as arrow.Vector<arrow.Struct>,
    );
  }
  return builder.finish().flush();
}

async function runModel(
  session: ort.InferenceSession,
  spec: OnnxStageSpec,
  feeds: Record<string, { data: Float32Array; dims: number[] }>,
): Promise<ort.InferenceSession.OnnxValueMapType> {
  const tensors: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) tensors[name] = new ort.Tensor('float32', t.data, t.dims);
  try {
    return await session.run(
      tensors,
      spec.outputs.map((o) => o.name),
    );
  } catch (e) {
    throw new ModelError(
      'MODEL_RUN_FAILED',
      `Running the model '${spec.modelPath}' failed: ${describeCause(e)}`,
      {
        model: spec.modelPath,
      },
      { cause: e },
    );
  }
}

/** The `onnx` stage handler. */
export const onnxStage: StageHandler<'onnx'> = {
  validate(spec) {
    if (typeof spec.modelPath !== 'string' || spec.inputs.length === 0 || spec.outputs.length === 0) {
      throw new DeepframeError('INVALID_STAGE_SPEC', 'An onnx stage needs a modelPath, inputs and outputs.');
    }
  },
  async run(spec, batch, context: StageContext) {
    const session = await getSession(spec.modelPath, spec.session, context.cache);
    const n = batch.numRows;
    const failed = new Map<number, string>();
    const outputs = new Map<string, Float32Array>();
    const sizes = new Map<string, number>();
    for (const o of spec.outputs) {
      const size = o.kind === 'vector' ? o.size : o.kind === 'scalar' ? 1 : o.labels.length;
      sizes.set(o.name, size);
      outputs.set(o.name, new Float32Array(n * size));
    }
    for (let start = 0; start < n; start += spec.batchSize) {
      const candidates = Array.from({ length: Math.min(spec.batchSize, n - start) }, (_, i) => start + i);
      const feeds: Record<string, { data: Float32Array; dims: number[] }> = {};
      for (const input of spec.inputs)
        feeds[input.name] = await buildInput(input, batch, candidates, failed, context.cache);
      const rows = candidates.filter((r) => !failed.has(r));
      if (rows.length === 0) continue;
      if (rows.length < candidates.length) {
        // Leave the unusable rows out of the model's batch.
        for (const [name, t] of Object.entries(feeds)) {
          const per = t.data.length / candidates.length;
          const kept = new Float32Array(rows.length * per);
          for (const [i, r] of rows.entries()) {
            kept.set(t.data.subarray((r - start) * per, (r - start + 1) * per), i * per);
          }
          feeds[name] = { data: kept, dims: [rows.length, ...t.dims.slice(1)] };
        }
      }
      const results = await runModel(session, spec, feeds);
      for (const o of spec.outputs) {
        const tensor = results[o.name] as ort.Tensor | undefined;
        const size = sizes.get(o.name)!;
        if (tensor === undefined || tensor.data.length !== rows.length * size) {
          throw new ModelError(
            'MODEL_OUTPUT_MISMATCH',
            `Model output '${o.name}' has ${tensor === undefined ? 'no value' : `shape [${tensor.dims.join(', ')}]`}; expected ${size} values per row.`,
            { output: o.name, expected: String(size) },
          );
        }
        const values = tensor.data as Float32Array;
        const target = outputs.get(o.name)!;
        for (const [i, r] of rows.entries()) target.set(values.subarray(i * size, (i + 1) * size), r * size);
      }
    }
    if (spec.onError === 'fail' && failed.size > 0) {
      const [row, reason] = [...failed.entries()][0]!;
      throw new IOError(
        'ROW_FAILED',
        `Row ${row} of the batch cannot be used by the model: ${reason}. Set onError to 'null' to get null outputs for such rows instead.`,
        {
          row: String(row),
          reason,
        },
      );
    }
    const valid = Array.from({ length: n }, (_, r) => !failed.has(r));
    const fields: arrow.Field[] = [];
    const children: arrow.Data[] = [];
    for (const name of spec.keep) {
      const column = columnOf(batch, name);
      const field = batch.schema.fields.find((f) => f.name === name)!;
      fields.push(field);
      children.push(column.data.length === 1 ? column.data[0]! : arrow.makeVector(column.toArray()).data[0]!);
    }
    for (const o of spec.outputs) {
      const size = sizes.get(o.name)!;
      const values = outputs.get(o.name)!;
      const data =
        o.kind === 'vector'
          ? vectorData(o.softmax === true ? softmaxRows(values, size) : values, size, valid)
          : o.kind === 'scalar'
            ? arrow.vectorFromArray(
                Array.from(values, (v, r) => (valid[r] ? v : null)),
                new arrow.Float64(),
              ).data[0]!
            : topKColumn(values, size, n, valid, o);
      fields.push(new arrow.Field(o.column, data.type, true));
      children.push(data);
    }
    const type = new arrow.Struct(fields);
    return new arrow.RecordBatch(
      new arrow.Schema(fields),
      arrow.makeData({ type, length: n, nullCount: 0, children }),
    );
  },
};
