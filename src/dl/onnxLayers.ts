/**
 * Turning the last layers of a pretrained ONNX network into trainable deepframe layers, with the network's weights
 * as their starting values: what fine-tuning the last blocks of a backbone needs.
 *
 * The layers imported are a chain (each node reads one computed tensor, besides its weights) that ends at the
 * feature tensor: `Conv` (no groups or dilation, padding none or "same"), `Gemm` and `MatMul` (+ `Add`) as
 * {@link Dense}, `Relu`/`Sigmoid`/`Tanh`, `MaxPool`/`AveragePool`, `GlobalAveragePool`/`GlobalMaxPool`, `Flatten`,
 * and `Dropout` / `Identity` (left out: they compute nothing at inference). Anything else (a residual `Add`, a batch
 * normalization that was not folded) stops the import with a ModelError naming the node.
 *
 * @module
 */

import { ModelError } from '../errors.js';
import { type ModelProto, type NodeProto, type TensorProto, toNumber } from '../models/onnxProto.js';
import { Conv2D } from '../nn/conv.js';
import { ActivationLayer, Dense, Flatten, type Layer } from '../nn/layers.js';
import { AvgPool2D, GlobalAvgPool2D, GlobalMaxPool2D, MaxPool2D } from '../nn/pooling.js';

/** The trainable tail of a network: where it starts, its layers, and their starting weights. */
export interface ImportedTail {
  /** The tensor the tail reads (the frozen part's output, or the model's input). */
  readonly from: string;
  /** Whether `from` is the model's input (every layer up to the features is trained). */
  readonly fromInput: boolean;
  readonly layers: readonly Layer[];
  /** One array per trainable tensor, in the order of `new Sequential(layers).params(...)`. */
  readonly weights: readonly Float32Array[];
}

const WEIGHTED = new Set(['Conv', 'Gemm', 'MatMul']);

/**
 * The last `count` weighted layers (convolutions and dense layers) of `model` before `featureTensor`, and every
 * parameter-free op between them and it, as layers with the model's weights.
 *
 * @throws ModelError `UNSUPPORTED_FINE_TUNING` when the tail is not a chain of the supported ops, or the model has
 *   fewer than `count` weighted layers before the feature tensor.
 * @example
 * ```ts
 * const tail = importTail(decodeModel(bytes), 'features', 1); // conv3 → relu → global pool → flatten
 * ```
 */
export function importTail(
  model: ModelProto,
  featureTensor: string,
  count: number,
  where: string,
): ImportedTail {
  const graph = model.graph!;
  const initializers = new Map<string, TensorProto>();
  for (const t of graph.initializer ?? []) if (t.name) initializers.set(t.name, t);
  const producer = new Map<string, NodeProto>();
  for (const n of graph.node ?? []) for (const o of n.output ?? []) if (o) producer.set(o, n);
  const inputs = new Set((graph.input ?? []).map((v) => v.name ?? ''));
  const fail = (reason: string, node?: NodeProto) =>
    new ModelError(
      'UNSUPPORTED_FINE_TUNING',
      `Cannot fine-tune the last ${count} layer(s) of ${where}: ${reason}. Fine-tune fewer layers (trainableLayers), or freeze the backbone (trainableLayers 0).`,
      { path: where, node: node?.name ?? '', op: node?.opType ?? '' },
    );
  const chain: NodeProto[] = [];
  let tensor = featureTensor;
  let weighted = 0;
  while (weighted < count) {
    const node = producer.get(tensor);
    if (node === undefined) {
      throw fail(
        inputs.has(tensor)
          ? `it has only ${weighted} weighted layer(s) (Conv, Gemm, MatMul) before '${featureTensor}'`
          : `no node computes '${tensor}'`,
      );
    }
    const data = (node.input ?? []).filter((i) => i && !initializers.has(i));
    if (data.length !== 1) {
      throw fail(
        `node '${node.name || node.output?.[0]}' (${node.opType}) reads ${data.length} computed tensors; only a chain of single-input layers can be fine-tuned`,
        node,
      );
    }
    chain.unshift(node);
    if (WEIGHTED.has(node.opType ?? '')) weighted++;
    tensor = data[0] as string;
  }
  const layers: Layer[] = [];
  const weights: Float32Array[] = [];
  for (let i = 0; i < chain.length; i++) {
    const node = chain[i] as NodeProto;
    const attrs = attributes(node);
    const weight = (k: number) => {
      const name = node.input?.[k];
      const t = name ? initializers.get(name) : undefined;
      if (t === undefined)
        throw fail(`input ${k} of node '${node.name}' (${node.opType}) is not a weight`, node);
      return { dims: (t.dims ?? []).map(toNumber), data: floats(t, where) };
    };
    switch (node.opType) {
      case 'Conv': {
        const w = weight(1);
        const [filters, , kh, kw] = w.dims as [number, number, number, number];
        if (attrs.int('group', 1) !== 1 || attrs.ints('dilations', [1, 1]).some((d) => d !== 1)) {
          throw fail(`node '${node.name}' is a grouped or dilated convolution`, node);
        }
        const strides = attrs.ints('strides', [1, 1]) as [number, number];
        const pads = attrs.ints('pads', [0, 0, 0, 0]);
        const autoPad = attrs.str('auto_pad');
        const padding =
          autoPad === 'SAME_UPPER' || (autoPad !== 'VALID' && pads.some((p) => p !== 0)) ? 'same' : 'valid';
        const layer = new Conv2D(filters, [kh, kw], {
          strides,
          padding,
          useBias: (node.input ?? []).length > 2,
        });
        if (padding === 'same' && autoPad !== 'SAME_UPPER' && !sameOffsets(pads, [kh, kw], strides)) {
          throw fail(`node '${node.name}' pads [${pads.join(', ')}], neither none nor "same"`, node);
        }
        layers.push(layer);
        weights.push(w.data);
        if (layer.useBias) weights.push(weight(2).data);
        break;
      }
      case 'Gemm': {
        if (attrs.int('transA', 0) !== 0 || attrs.int('alpha', 1) !== 1 || attrs.int('beta', 1) !== 1) {
          throw fail(`node '${node.name}' is a Gemm with transA, alpha or beta`, node);
        }
        const w = weight(1);
        const transB = attrs.int('transB', 0) === 1;
        const [rows, cols] = w.dims as [number, number];
        const units = transB ? rows : cols;
        layers.push(new Dense(units));
        weights.push(transB ? transpose(w.data, rows, cols) : w.data);
        weights.push((node.input ?? []).length > 2 ? weight(2).data : new Float32Array(units));
        break;
      }
      case 'MatMul': {
        const w = weight(1);
        const units = w.dims[1] as number;
        const next = chain[i + 1];
        const biasName =
          next?.opType === 'Add' ? next.input?.find((n) => initializers.has(n ?? '')) : undefined;
        layers.push(new Dense(units));
        weights.push(w.data);
        if (biasName) {
          weights.push(floats(initializers.get(biasName) as TensorProto, where));
          i++;
        } else weights.push(new Float32Array(units));
        break;
      }
      case 'Relu':
        layers.push(new ActivationLayer('relu'));
        break;
      case 'Sigmoid':
        layers.push(new ActivationLayer('sigmoid'));
        break;
      case 'Tanh':
        layers.push(new ActivationLayer('tanh'));
        break;
      case 'MaxPool':
      case 'AveragePool': {
        const kernel = attrs.ints('kernel_shape', []) as [number, number];
        const strides = attrs.ints('strides', kernel) as [number, number];
        const pads = attrs.ints('pads', [0, 0, 0, 0]);
        if (attrs.int('ceil_mode', 0) !== 0 || attrs.ints('dilations', [1, 1]).some((d) => d !== 1)) {
          throw fail(`node '${node.name}' pools with ceil_mode or dilations`, node);
        }
        const padding =
          pads.some((p) => p !== 0) || attrs.str('auto_pad') === 'SAME_UPPER' ? 'same' : 'valid';
        if (
          padding === 'same' &&
          attrs.str('auto_pad') !== 'SAME_UPPER' &&
          !sameOffsets(pads, kernel, strides)
        ) {
          throw fail(`node '${node.name}' pads [${pads.join(', ')}], neither none nor "same"`, node);
        }
        const Pool = node.opType === 'MaxPool' ? MaxPool2D : AvgPool2D;
        layers.push(new Pool(kernel, { strides, padding }));
        break;
      }
      case 'GlobalAveragePool':
        layers.push(new GlobalAvgPool2D());
        break;
      case 'GlobalMaxPool':
        layers.push(new GlobalMaxPool2D());
        break;
      case 'Flatten':
        if (attrs.int('axis', 1) !== 1)
          throw fail(`node '${node.name}' flattens at axis ${attrs.int('axis', 1)}`, node);
        layers.push(new Flatten());
        break;
      case 'Dropout':
      case 'Identity':
        break;
      default:
        throw fail(
          `node '${node.name || node.output?.[0]}' is a ${node.opType}, which deepframe cannot train (it trains Conv, Gemm, MatMul, Relu, Sigmoid, Tanh, MaxPool, AveragePool, global pools and Flatten)`,
          node,
        );
    }
  }
  // A global pool gives [C] here, where ONNX gives [N, C, 1, 1]: a Flatten after it is then a no-op, kept.
  return { from: tensor, fromInput: inputs.has(tensor), layers, weights };
}

/** Whether explicit pads are what "same" padding gives for a kernel and strides (for any input size ≥ stride). */
function sameOffsets(
  pads: readonly number[],
  kernel: readonly number[],
  strides: readonly number[],
): boolean {
  return [0, 1].every((a) => {
    const total = Math.max((kernel[a] as number) - (strides[a] as number), 0);
    return pads[a] === Math.floor(total / 2) && pads[a + 2] === total - Math.floor(total / 2);
  });
}

/** A node's attributes by name: `int`, `ints` and `str` read them with defaults. */
interface NodeAttrs {
  int(name: string, fallback: number): number;
  ints(name: string, fallback: readonly number[]): readonly number[];
  str(name: string): string | undefined;
}

function attributes(node: NodeProto): NodeAttrs {
  const values = new Map<string, number | readonly number[] | string>();
  for (const a of node.attribute ?? []) {
    if (!a.name) continue;
    if (a.ints && a.ints.length > 0) values.set(a.name, a.ints.map(toNumber));
    else if (a.s && a.s.length > 0) values.set(a.name, new TextDecoder().decode(a.s));
    else if (a.type === 1) values.set(a.name, a.f ?? 0);
    else values.set(a.name, toNumber(a.i ?? 0));
  }
  return {
    int: (name, fallback) => {
      const v = values.get(name);
      return typeof v === 'number' ? v : fallback;
    },
    ints: (name, fallback) => {
      const v = values.get(name);
      return Array.isArray(v) ? (v as readonly number[]) : fallback;
    },
    str: (name) => {
      const v = values.get(name);
      return typeof v === 'string' ? v : undefined;
    },
  };
}

/** A float32 initializer's values (raw bytes or `float_data`). */
export function floats(t: TensorProto, where: string): Float32Array {
  if (t.dataType !== 1) {
    throw new ModelError(
      'UNSUPPORTED_FINE_TUNING',
      `Weight '${t.name}' of ${where} is not float32 (ONNX data type ${t.dataType}); only float32 weights can be fine-tuned.`,
      { path: where, tensor: t.name ?? '' },
    );
  }
  if (t.rawData && t.rawData.length > 0) {
    const copy = new Uint8Array(t.rawData);
    return new Float32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4);
  }
  return Float32Array.from(t.floatData ?? []);
}

function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c] as number;
  return out;
}
