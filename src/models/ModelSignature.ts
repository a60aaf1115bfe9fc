/**
 * What a model takes and gives: the names, element types and shapes of its inputs and outputs, read from an
 * ONNX Runtime session or from the ONNX file itself, and the check that the tensors a stage will feed fit them.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import type { InferenceSession } from 'onnxruntime-node';
import { describeCause, ModelError } from '../errors.js';
import { type Dim, decodeModel, type ModelProto, type TypeProto, tensorTypeOf } from './onnxProto.js';

export type { Dim } from './onnxProto.js';

/**
 * One input or output of a model.
 *
 * @example
 * ```ts
 * const input: TensorSpec = { name: 'data', isTensor: true, dtype: 'float32', shape: ['N', 3, 224, 224] };
 * ```
 */
export interface TensorSpec {
  readonly name: string;
  /** Whether the value is a tensor (and not a sequence, map or optional value). */
  readonly isTensor: boolean;
  /**
   * The element type as ONNX Runtime JS names it (`float32`, `int64`, `uint8`, `bool`, `string`, …) for a tensor;
   * the kind of value (`sequence`, `map`, `optional`, `sparse_tensor`, `unknown`) otherwise.
   */
  readonly dtype: string;
  /**
   * The dimensions: a number for a fixed size, a string for a named symbolic dimension (`'N'`, `'batch_size'`),
   * `-1` for an unnamed one. `null` when the model does not say (and for non-tensors). ONNX Runtime's metadata
   * cannot tell a scalar from a tensor of unknown shape, so a signature read from a session gives `null` for both.
   */
  readonly shape: readonly Dim[] | null;
}

/**
 * The inputs and outputs of a model, in the model's order.
 *
 * @example
 * ```ts
 * const sig = await readModelSignatureFile('/models/mobilenetv2-12.onnx');
 * sig.inputs[0]; // { name: 'input', isTensor: true, dtype: 'float32', shape: ['batch_size', 3, 224, 224] }
 * ```
 */
export interface ModelSignature {
  /** The inputs a caller must feed (initializers that are also listed as graph inputs are left out). */
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

/**
 * A tensor a stage is about to feed a model, for {@link checkInputs}.
 *
 * @example
 * ```ts
 * const provided: ProvidedTensor = { name: 'data', dtype: 'float32', shape: [-1, 3, 224, 224] }; // batch unknown
 * ```
 */
export interface ProvidedTensor {
  readonly name: string;
  /** The element type, as ONNX Runtime JS names it. */
  readonly dtype: string;
  /** The dimensions; `-1` (or a string) for one not known yet, such as the batch size. */
  readonly shape: readonly Dim[];
}

/**
 * The signature of a loaded session, from its `inputMetadata` and `outputMetadata` (onnxruntime-node ≥ 1.22).
 *
 * @example
 * ```ts
 * const session = await getSession('/models/m.onnx', {}, context.cache);
 * const sig = signatureFromSession(session);
 * ```
 */
export function signatureFromSession(session: InferenceSession): ModelSignature {
  const convert = (m: InferenceSession.ValueMetadata): TensorSpec =>
    m.isTensor
      ? { name: m.name, isTensor: true, dtype: m.type, shape: m.shape.length === 0 ? null : [...m.shape] }
      : { name: m.name, isTensor: false, dtype: 'unknown', shape: null };
  return { inputs: session.inputMetadata.map(convert), outputs: session.outputMetadata.map(convert) };
}

/**
 * The signature written in an ONNX model, without creating a session (for the driver, which validates a stage
 * before any worker loads the model).
 *
 * @param model - the model's bytes, or a decoded model.
 * @param where - the file the bytes came from, for error messages.
 * @throws ModelError `MODEL_LOAD_FAILED` when the bytes are not an ONNX model.
 * @example
 * ```ts
 * const sig = readModelSignature(await readFile('m.onnx'), 'm.onnx');
 * ```
 */
export function readModelSignature(model: Uint8Array | ModelProto, where?: string): ModelSignature {
  const proto = model instanceof Uint8Array ? decodeModel(model, where) : model;
  const graph = proto.graph;
  const initializers = new Set<string>();
  for (const t of graph?.initializer ?? []) if (t.name) initializers.add(t.name);
  for (const t of graph?.sparseInitializer ?? []) if (t.values?.name) initializers.add(t.values.name);
  const convert = (v: { name?: string | null; type?: TypeProto | null }): TensorSpec =>
    specFromType(v.name ?? '', v.type);
  return {
    inputs: (graph?.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(convert),
    outputs: (graph?.output ?? []).map(convert),
  };
}

/**
 * The signature written in an ONNX model file.
 *
 * @throws ModelError `MODEL_LOAD_FAILED` when the file is missing or is not ONNX.
 * @example
 * ```ts
 * const { inputs } = await readModelSignatureFile('/models/resnet50-v2-7.onnx');
 * ```
 */
export async function readModelSignatureFile(path: string): Promise<ModelSignature> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const reason = describeCause(e);
    throw new ModelError(
      'MODEL_LOAD_FAILED',
      `Cannot load the ONNX model '${path}': the file does not exist or cannot be read (${reason}). Check the ` +
        'path, or name a model of the zoo.',
      { path, reason },
      { cause: e },
    );
  }
  return readModelSignature(bytes, path);
}

function specFromType(name: string, type: TypeProto | null | undefined): TensorSpec {
  const tensor = tensorTypeOf(type);
  if (tensor !== null) return { name, isTensor: true, dtype: tensor.dtype, shape: tensor.shape };
  let kind = 'unknown';
  if (type?.sequenceType) kind = 'sequence';
  else if (type?.mapType) kind = 'map';
  else if (type?.optionalType) kind = 'optional';
  else if (type?.sparseTensorType) kind = 'sparse_tensor';
  return { name, isTensor: false, dtype: kind, shape: null };
}

/**
 * A shape as messages show it: `[N,3,224,224]`, with `?` for an unnamed dimension; `[?…]` when unknown.
 *
 * @example
 * ```ts
 * formatShape(['N', 3, -1]); // '[N,3,?]'
 * ```
 */
export function formatShape(shape: readonly Dim[] | null): string {
  if (shape === null) return '[?…]';
  return `[${shape.map((d) => (typeof d === 'number' && d < 0 ? '?' : String(d))).join(',')}]`;
}

/**
 * Checks, before any work starts, that the tensors a stage will feed fit the model: every input the model needs
 * is fed, nothing the model does not know is fed, element types are equal, ranks are equal and every fixed
 * dimension has its size (a symbolic dimension takes any size, but the same size wherever its name appears).
 * Dimensions the caller does not know yet (`-1`, or a string, such as the batch size) are not checked.
 *
 * @param where - the model or stage, for the message (e.g. `"model 'ResNet50'"`).
 * @throws ModelError `MODEL_INPUT_MISMATCH`, naming the input, the expected and the actual type and shape.
 * @example
 * ```ts
 * checkInputs(sig, [{ name: 'data', dtype: 'float32', shape: [-1, 3, 299, 299] }], "model 'ResNet50'");
 * // ModelError: [MODEL_INPUT_MISMATCH] Input 'data' of model 'ResNet50' expects float32[N,3,224,224], but the
 * //   stage feeds float32[?,3,299,299]: dimension 2 is 299, expected 224. …
 * ```
 */
export function checkInputs(
  signature: ModelSignature,
  provided: readonly ProvidedTensor[],
  where = 'the model',
): void {
  const expectedNames = signature.inputs.map((i) => `'${i.name}'`).join(', ');
  const byName = new Map(provided.map((p) => [p.name, p]));
  for (const p of provided) {
    if (!signature.inputs.some((i) => i.name === p.name)) {
      throw mismatch(
        `${where} has no input named '${p.name}'. Its inputs are: ${expectedNames}.`,
        p.name,
        'an input of the model',
        describeTensor(p.dtype, p.shape),
      );
    }
  }
  const symbols = new Map<string, { size: number; input: string; axis: number }>();
  for (const input of signature.inputs) {
    const p = byName.get(input.name);
    if (p === undefined) {
      throw mismatch(
        `Input '${input.name}' of ${where} (${describeTensor(input.dtype, input.shape)}) is not fed. ` +
          `Inputs fed: ${provided.map((x) => `'${x.name}'`).join(', ') || 'none'}.`,
        input.name,
        describeTensor(input.dtype, input.shape),
        'nothing',
      );
    }
    const expected = describeTensor(input.dtype, input.shape);
    const actual = describeTensor(p.dtype, p.shape);
    const fail = (reason: string): never => {
      throw mismatch(
        `Input '${input.name}' of ${where} expects ${expected}, but the stage feeds ${actual}: ${reason}. ` +
          "Check the stage's preprocessing (image size, layout NCHW/NHWC, channels, element type) against the model.",
        input.name,
        expected,
        actual,
      );
    };
    if (!input.isTensor) fail(`the model takes a ${input.dtype} here, not a tensor`);
    if (input.dtype !== p.dtype) fail(`the element type is ${p.dtype}, expected ${input.dtype}`);
    if (input.shape === null) continue;
    if (input.shape.length !== p.shape.length) {
      fail(`the rank is ${p.shape.length}, expected ${input.shape.length}`);
    }
    input.shape.forEach((want, axis) => {
      const got = p.shape[axis];
      if (typeof got !== 'number' || got < 0) return;
      if (typeof want === 'number') {
        if (want >= 0 && want !== got) fail(`dimension ${axis} is ${got}, expected ${want}`);
        return;
      }
      const seen = symbols.get(want);
      if (seen === undefined) symbols.set(want, { size: got, input: input.name, axis });
      else if (seen.size !== got) {
        fail(
          `dimension ${axis} ('${want}') is ${got}, but '${want}' is ${seen.size} at dimension ${seen.axis} of ` +
            `input '${seen.input}'`,
        );
      }
    });
  }
}

function describeTensor(dtype: string, shape: readonly Dim[] | null): string {
  return `${dtype}${formatShape(shape)}`;
}

function mismatch(message: string, input: string, expected: string, actual: string): ModelError {
  return new ModelError('MODEL_INPUT_MISMATCH', message, { input, expected, actual });
}
