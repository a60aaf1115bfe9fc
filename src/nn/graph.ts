/**
 * A small builder of ONNX graphs (opset 17) over `onnx-proto`: nodes, initializers, typed inputs and outputs, and
 * unique value names; {@link GraphBuilder.toBytes} serializes the model for `ort.InferenceSession.create`.
 *
 * @module
 */

import type { onnx } from 'onnx-proto';
import { encodeModel } from '../models/onnxProto.js';

/** Element types the training graphs use. */
export type ElemType = 'float32' | 'float64' | 'int64';

/** A dimension: a fixed size, or a symbolic name such as `'N'` for the batch. */
export type Dim = number | string;

/** The ONNX opset version of every graph built here. */
export const OPSET = 17;

const TYPE_CODE: Readonly<Record<ElemType, number>> = { float32: 1, float64: 11, int64: 7 };

/** Integer attributes (`axis`, `transA`, `keepdims`, …) by name. */
export type IntAttrs = Readonly<Record<string, number | readonly number[]>>;

/**
 * Builds one ONNX graph.
 *
 * @example
 * ```ts
 * const g = new GraphBuilder('double');
 * g.input('x', 'float32', ['N', 3]);
 * const y = g.node('Relu', ['x']);
 * g.output(y, 'float32', ['N', 3], 'y');
 * const session = await ort.InferenceSession.create(g.toBytes());
 * ```
 */
export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  private counter = 0;

  constructor(readonly name = 'deepframe') {}

  /** A value name not used yet, starting with `prefix`. */
  fresh(prefix: string): string {
    let name = prefix;
    while (this.used.has(name)) name = `${prefix}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  /** Declares a graph input and returns its name (which must be unused). */
  input(name: string, type: ElemType, dims: readonly Dim[]): string {
    const n = this.fresh(name);
    this.inputs.push(valueInfo(n, type, dims));
    return n;
  }

  /** Declares a graph output: `value`, renamed to `name` through an Identity node when a name is given. */
  output(value: string, type: ElemType, dims: readonly Dim[], name?: string): string {
    let out = value;
    if (name !== undefined && name !== value) {
      out = this.fresh(name);
      this.nodes.push({ opType: 'Identity', input: [value], output: [out], name: out });
    }
    this.outputs.push(valueInfo(out, type, dims));
    return out;
  }

  /** Adds a constant tensor and returns its name. */
  initializer(prefix: string, type: ElemType, dims: readonly number[], data: ArrayLike<number>): string {
    const name = this.fresh(prefix);
    const typed =
      type === 'float32'
        ? Float32Array.from(data)
        : type === 'float64'
          ? Float64Array.from(data)
          : BigInt64Array.from(Array.from(data, (v) => BigInt(v)));
    this.initializers.push({
      name,
      dataType: TYPE_CODE[type],
      dims: [...dims],
      rawData: new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength),
    });
    return name;
  }

  /** Adds a node with one output and returns the output's name. */
  node(
    opType: string,
    inputs: readonly string[],
    attrs: IntAttrs = {},
    prefix = opType.toLowerCase(),
  ): string {
    const out = this.fresh(prefix);
    this.nodes.push({
      opType,
      input: [...inputs],
      output: [out],
      name: out,
      attribute: Object.entries(attrs).map(([name, v]) =>
        typeof v === 'number' ? { name, type: 2, i: v } : { name, type: 7, ints: [...v] },
      ),
    });
    return out;
  }

  /** The model, opset {@link OPSET}, IR version 8. */
  toModel(): onnx.IModelProto {
    return {
      irVersion: 8,
      producerName: 'deepframe',
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
  }

  /** The serialized model. */
  toBytes(): Uint8Array {
    return encodeModel(this.toModel());
  }
}

function valueInfo(name: string, type: ElemType, dims: readonly Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: TYPE_CODE[type],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
