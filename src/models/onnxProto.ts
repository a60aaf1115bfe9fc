/**
 * Reading and writing ONNX model files as protobuf messages, through `onnx-proto` (the ONNX 1.10 schema, IR
 * version 8, compiled by protobufjs).
 *
 * Fields that this schema does not know (added to ONNX after 1.10, such as `ValueInfoProto.metadata_props`) are
 * skipped on decoding, so a model that is decoded and encoded again loses them; the graph itself (nodes,
 * initializers, types, opsets, functions) survives.
 *
 * @module
 */

import type { onnx } from 'onnx-proto';
import onnxProto from 'onnx-proto';
import { describeCause, ModelError } from '../errors.js';

/** The protobufjs classes of the ONNX schema. */
export const OnnxProto = onnxProto.onnx;

/** A decoded `ModelProto`. */
export type ModelProto = onnx.ModelProto;
/** A decoded `GraphProto`. */
export type GraphProto = onnx.IGraphProto;
/** A decoded `NodeProto`. */
export type NodeProto = onnx.INodeProto;
/** A decoded `ValueInfoProto`. */
export type ValueInfoProto = onnx.IValueInfoProto;
/** A decoded `TensorProto`. */
export type TensorProto = onnx.ITensorProto;
/** A decoded `TypeProto`. */
export type TypeProto = onnx.ITypeProto;

/**
 * Decodes ONNX model bytes.
 *
 * @param where - the file or name the bytes came from, for the error message.
 * @throws ModelError `MODEL_LOAD_FAILED` when the bytes are not an ONNX model.
 */
export function decodeModel(bytes: Uint8Array, where = '(bytes)'): ModelProto {
  if (isLfsPointer(bytes)) {
    throw notOnnx(where, 'the file is a Git LFS pointer, not the model it points to');
  }
  let model: ModelProto;
  try {
    model = OnnxProto.ModelProto.decode(bytes);
  } catch (e) {
    throw notOnnx(where, `the bytes do not parse as an ONNX ModelProto (${describeCause(e)})`, e);
  }
  if (model.graph === null || model.graph === undefined || bytes.length === 0) {
    throw notOnnx(where, 'the bytes parse, but hold no graph');
  }
  return model;
}

/** Whether bytes are a Git LFS pointer file (`version https://git-lfs.github.com/spec/v1 …`). */
export function isLfsPointer(bytes: Uint8Array): boolean {
  const head = 'version https://git-lfs';
  if (bytes.length < head.length || bytes.length > 1024) return false;
  for (let i = 0; i < head.length; i++) if (bytes[i] !== head.charCodeAt(i)) return false;
  return true;
}

/** Encodes a model to ONNX bytes. */
export function encodeModel(model: onnx.IModelProto): Uint8Array {
  return OnnxProto.ModelProto.encode(model).finish();
}

function notOnnx(where: string, reason: string, cause?: unknown): ModelError {
  return new ModelError(
    'MODEL_LOAD_FAILED',
    `Cannot load the ONNX model '${where}': ${reason}. Check that the file is a complete .onnx model (a download ` +
      'that stopped early, or a Git LFS pointer file instead of the model, gives this error).',
    { path: where, reason },
    cause === undefined ? {} : { cause },
  );
}

/**
 * A protobuf 64-bit integer as a JavaScript number. protobufjs gives `Long` objects for int64 fields when the
 * `long` package is installed, and numbers otherwise.
 */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'object' && value !== null) {
    const v = value as { toNumber?: () => number; low?: number; high?: number };
    if (typeof v.toNumber === 'function') return v.toNumber();
    if (typeof v.low === 'number' && typeof v.high === 'number') return v.high * 2 ** 32 + (v.low >>> 0);
  }
  return Number(value);
}

/** The element types of ONNX tensors, by their `TensorProto.DataType` number, as ONNX Runtime JS names them. */
export const ONNX_ELEMENT_TYPES: Readonly<Record<number, string>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  21: 'uint4',
  22: 'int4',
};

/** The `TensorProto.DataType` number of an element type name such as `float32`; `0` when unknown. */
export function elementTypeNumber(dtype: string): number {
  for (const [k, v] of Object.entries(ONNX_ELEMENT_TYPES)) if (v === dtype) return Number(k);
  return 0;
}

/** A dimension of a tensor shape: a size, or the name of a symbolic dimension, or `-1` when unnamed. */
export type Dim = number | string;

/** The element type and shape a `TypeProto` describes, when it is a tensor type. */
export function tensorTypeOf(
  type: TypeProto | null | undefined,
): { dtype: string; shape: Dim[] | null } | null {
  const t = type?.tensorType;
  if (t === null || t === undefined) return null;
  const dtype = ONNX_ELEMENT_TYPES[t.elemType ?? 0] ?? 'undefined';
  if (t.shape === null || t.shape === undefined) return { dtype, shape: null };
  const shape: Dim[] = (t.shape.dim ?? []).map((d) => {
    if (d.dimParam !== null && d.dimParam !== undefined && d.dimParam !== '') return d.dimParam;
    if (d.dimValue !== null && d.dimValue !== undefined) return toNumber(d.dimValue);
    return -1;
  });
  return { dtype, shape };
}

/** A tensor `TypeProto` for an element type and shape (`-1` gives an unnamed dimension; `null`, no shape). */
export function tensorType(dtype: string, shape: readonly Dim[] | null): onnx.ITypeProto {
  const elemType = elementTypeNumber(dtype);
  if (shape === null) return { tensorType: { elemType } };
  return {
    tensorType: {
      elemType,
      shape: {
        dim: shape.map((d) => (typeof d === 'string' ? { dimParam: d } : d < 0 ? {} : { dimValue: d })),
      },
    },
  };
}
