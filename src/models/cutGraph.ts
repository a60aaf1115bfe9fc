/**
 * Cutting an ONNX graph at an intermediate tensor, so that a classifier becomes a featurizer: the model that
 * computes only that tensor, from the inputs it needs, with everything after it (and everything it does not need)
 * removed. Also the help to choose where to cut: {@link listTensors} and {@link penultimateTensor}.
 *
 * How the new output gets its type: from the tensor's `value_info` when the model has one (or when the tensor is
 * already a graph output); otherwise the cut model is loaded once by ONNX Runtime, without running it, and the
 * element type and shape that ONNX Runtime's own type and shape inference gives the output are written into the
 * model. Dimensions ONNX Runtime cannot infer stay symbolic (named, or unnamed). No data is needed, and no dimension
 * is guessed from a sample.
 *
 * Models whose weights live in external data files keep their references: write the cut model next to the
 * original's data files.
 *
 * @module
 */

import type { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describeCause, ModelError } from '../errors.js';
import {
  type Dim,
  decodeModel,
  encodeModel,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TypeProto,
  tensorType,
  tensorTypeOf,
} from './onnxProto.js';

/**
 * One tensor that a node of the graph computes, for choosing a cut point.
 *
 * @example
 * ```ts
 * { name: 'resnetv24_flatten0_reshape0', opType: 'Flatten', nodeName: 'resnetv24_flatten0', nodeIndex: 120,
 *   dtype: 'float32', shape: ['N', 2048], isGraphOutput: false }
 * ```
 */
export interface GraphTensor {
  /** The tensor's name: what {@link cutGraph} takes. */
  readonly name: string;
  /** The operator of the node that computes it (`Conv`, `Relu`, `Gemm`, …). */
  readonly opType: string;
  /** The node's name (may be empty). */
  readonly nodeName: string;
  /** The node's position in the graph (nodes are in topological order). */
  readonly nodeIndex: number;
  /** The element type, when the model records it for this tensor. */
  readonly dtype: string | null;
  /** The shape, when the model records it for this tensor. */
  readonly shape: readonly Dim[] | null;
  /** Whether the tensor is an output of the model. */
  readonly isGraphOutput: boolean;
}

/**
 * Every tensor the model's nodes compute, in node order, with its operator and, where the model records them, its
 * type and shape.
 *
 * @throws ModelError `MODEL_LOAD_FAILED` when the bytes are not an ONNX model.
 * @example
 * ```ts
 * const tensors = listTensors(await readFile('resnet50.onnx'));
 * console.table(tensors.slice(-5)); // the last few: where featurizers cut
 * ```
 */
export function listTensors(bytes: Uint8Array | ModelProto): GraphTensor[] {
  const model = bytes instanceof Uint8Array ? decodeModel(bytes) : bytes;
  const graph = model.graph!;
  const types = knownTypes(graph);
  const outputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const result: GraphTensor[] = [];
  (graph.node ?? []).forEach((node, nodeIndex) => {
    for (const name of node.output ?? []) {
      if (!name) continue;
      const t = tensorTypeOf(types.get(name));
      result.push({
        name,
        opType: node.opType ?? '',
        nodeName: node.name ?? '',
        nodeIndex,
        dtype: t?.dtype ?? null,
        shape: t?.shape ?? null,
        isGraphOutput: outputs.has(name),
      });
    }
  });
  return result;
}

/**
 * The tensor a featurizer cuts at when it is not told where: the input of the model's last `Gemm` or `MatMul` (the
 * classifier; after a `Flatten`, that is the flattened feature vector), among the nodes the first output depends
 * on. A network whose classifier is a convolution (SqueezeNet, MXNet's MobileNet) has none: then it is the input of
 * the last `Conv`, which for such networks is the pooled feature map (MobileNet: `[N,1280,1,1]`) or the last
 * feature map (SqueezeNet: `[N,512,13,13]`).
 *
 * @throws ModelError `NO_PENULTIMATE_TENSOR` when the model has neither (name the tensor, using
 *   {@link listTensors}); `MODEL_LOAD_FAILED` when the bytes are not ONNX.
 * @example
 * ```ts
 * const cut = await cutGraph(bytes, penultimateTensor(bytes)); // a featurizer from a classifier
 * ```
 */
export function penultimateTensor(bytes: Uint8Array | ModelProto): string {
  const model = bytes instanceof Uint8Array ? decodeModel(bytes) : bytes;
  const graph = model.graph!;
  const first = graph.output?.[0]?.name;
  if (!first) {
    throw new ModelError(
      'NO_PENULTIMATE_TENSOR',
      'The model has no outputs, so it has no penultimate tensor.',
      {
        reason: 'no outputs',
      },
    );
  }
  const nodes = graph.node ?? [];
  const kept = ancestors(graph, first).nodes;
  const constants = constantNames(graph);
  const dataInput = (node: NodeProto): string | undefined => {
    const inputs = (node.input ?? []).slice(0, 2).filter((n) => n !== '');
    return inputs.find((n) => !constants.has(n)) ?? inputs[0];
  };
  for (const ops of [['Gemm', 'MatMul'], ['Conv']]) {
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      if (!kept.has(i) || !ops.includes(node.opType ?? '')) continue;
      const input = dataInput(node);
      if (input !== undefined) return input;
    }
  }
  const head = [...kept]
    .sort((a, b) => a - b)
    .slice(-6)
    .map((i) => nodes[i]?.opType ?? '?')
    .join(' → ');
  throw new ModelError(
    'NO_PENULTIMATE_TENSOR',
    `The model has no Gemm, MatMul or Conv before its output '${first}' (its last operators: ${head || 'none'}), ` +
      'so deepframe cannot tell where its features are. Name the tensor to cut at (featureTensor); listTensors() ' +
      'lists the candidates.',
    { output: first, head },
  );
}

/** Options of {@link cutGraph}. */
export interface CutGraphOptions {
  /** The model's file or name, for error messages. */
  readonly where?: string;
}

/**
 * The model that computes only `tensor`: its one output is that tensor, with the nodes, initializers and inputs it
 * does not depend on removed (so a cut model may need fewer inputs than the original). The output's type and shape
 * come from the model's `value_info` or, failing that, from ONNX Runtime's inference (see the module's
 * documentation). The cut point is recorded in the model's metadata as `deepframe:cutAt`.
 *
 * @param bytes - the original model.
 * @param tensor - the name of a tensor that a node computes (see {@link listTensors}).
 * @throws ModelError `UNKNOWN_TENSOR` when no node computes `tensor` (naming the last tensors of the graph);
 *   `MODEL_LOAD_FAILED` when the bytes are not ONNX, or ONNX Runtime cannot load the cut model.
 * @example
 * ```ts
 * const bytes = await readFile(path);
 * const featurizer = await cutGraph(bytes, penultimateTensor(bytes));
 * await writeFile(featurizerPath, featurizer);
 * ```
 */
export async function cutGraph(
  bytes: Uint8Array | ModelProto,
  tensor: string,
  options: CutGraphOptions = {},
): Promise<Uint8Array> {
  const where = options.where ?? '(bytes)';
  const model = bytes instanceof Uint8Array ? decodeModel(bytes, where) : bytes;
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  if (!nodes.some((n) => (n.output ?? []).includes(tensor))) {
    const last = listTensors(model)
      .slice(-8)
      .map((t) => `'${t.name}' (${t.opType})`)
      .join(', ');
    throw new ModelError(
      'UNKNOWN_TENSOR',
      `No node of the model ${where} computes a tensor named '${tensor}'. The last tensors of the graph are: ` +
        `${last || 'none'}. listTensors() lists them all.`,
      { tensor, path: where },
    );
  }
  const { nodes: keptNodes, names } = ancestors(graph, tensor);
  const types = knownTypes(graph);
  const known = types.get(tensor);
  const cutGraphProto: onnx.IGraphProto = {
    ...graph,
    node: nodes.filter((_, i) => keptNodes.has(i)),
    initializer: (graph.initializer ?? []).filter((t) => names.has(t.name ?? '')),
    sparseInitializer: (graph.sparseInitializer ?? []).filter((t) => names.has(t.values?.name ?? '')),
    input: (graph.input ?? []).filter((v) => names.has(v.name ?? '')),
    valueInfo: (graph.valueInfo ?? []).filter((v) => names.has(v.name ?? '') && v.name !== tensor),
    quantizationAnnotation: (graph.quantizationAnnotation ?? []).filter((a) => names.has(a.tensorName ?? '')),
    output: [known === undefined ? { name: tensor } : { name: tensor, type: known }],
  };
  const metadataProps = (model.metadataProps ?? []).filter((p) => p.key !== 'deepframe:cutAt');
  metadataProps.push({ key: 'deepframe:cutAt', value: tensor });
  const cut: onnx.IModelProto = { ...model, graph: cutGraphProto, metadataProps };
  const encoded = encodeModel(cut);
  if (known !== undefined && tensorTypeOf(known)?.shape !== null) return encoded;
  cutGraphProto.output = [{ name: tensor, type: await inferOutputType(encoded, tensor, where) }];
  return encodeModel(cut);
}

async function inferOutputType(bytes: Uint8Array, tensor: string, where: string): Promise<TypeProto> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      graphOptimizationLevel: 'disabled',
      logSeverityLevel: 3,
    });
  } catch (e) {
    const reason = describeCause(e);
    throw new ModelError(
      'MODEL_LOAD_FAILED',
      `The model ${where} cut at '${tensor}' does not load in ONNX Runtime: ${reason}.`,
      { path: where, tensor, reason },
      { cause: e },
    );
  }
  try {
    const meta = session.outputMetadata[0];
    if (meta === undefined || !meta.isTensor) return {};
    const shape = meta.shape.map((d) => (d === '' ? -1 : d));
    return tensorType(meta.type, shape);
  } finally {
    await session.release();
  }
}

/** The types the graph records: value_info, inputs and outputs, by tensor name. */
function knownTypes(graph: GraphProto): Map<string, TypeProto> {
  const types = new Map<string, TypeProto>();
  for (const list of [graph.input, graph.valueInfo, graph.output]) {
    for (const v of list ?? []) if (v.name && v.type) types.set(v.name, v.type);
  }
  return types;
}

/** Initializers and outputs of `Constant` nodes. */
function constantNames(graph: GraphProto): Set<string> {
  const names = new Set<string>();
  for (const t of graph.initializer ?? []) if (t.name) names.add(t.name);
  for (const t of graph.sparseInitializer ?? []) if (t.values?.name) names.add(t.values.name);
  for (const n of graph.node ?? []) if (n.opType === 'Constant') for (const o of n.output ?? []) names.add(o);
  return names;
}

/** The nodes (by index) that `target` depends on, and every tensor name they read or write. */
function ancestors(graph: GraphProto, target: string): { nodes: Set<number>; names: Set<string> } {
  const producer = new Map<string, number>();
  (graph.node ?? []).forEach((n, i) => {
    for (const o of n.output ?? []) if (o) producer.set(o, i);
  });
  const nodes = new Set<number>();
  const names = new Set<string>([target]);
  const stack = [target];
  while (stack.length > 0) {
    const name = stack.pop()!;
    const i = producer.get(name);
    if (i === undefined || nodes.has(i)) continue;
    nodes.add(i);
    const node = graph.node![i]!;
    const reads = [...(node.input ?? []), ...subgraphReads(node)];
    for (const o of node.output ?? []) if (o) names.add(o);
    for (const r of reads) {
      if (!r || names.has(r)) continue;
      names.add(r);
      stack.push(r);
    }
  }
  return { nodes, names };
}

/** The outer-scope tensors that the subgraphs of a node (If, Loop, Scan bodies) read. */
function subgraphReads(node: NodeProto): string[] {
  const reads: string[] = [];
  for (const a of node.attribute ?? []) {
    for (const g of [a.g, ...(a.graphs ?? [])]) if (g) reads.push(...outerScopeReads(g));
  }
  return reads;
}

function outerScopeReads(graph: GraphProto): string[] {
  const defined = new Set<string>();
  for (const v of graph.input ?? []) if (v.name) defined.add(v.name);
  for (const t of graph.initializer ?? []) if (t.name) defined.add(t.name);
  for (const t of graph.sparseInitializer ?? []) if (t.values?.name) defined.add(t.values.name);
  const reads: string[] = [];
  for (const n of graph.node ?? []) {
    for (const r of [...(n.input ?? []), ...subgraphReads(n)]) if (r && !defined.has(r)) reads.push(r);
    for (const o of n.output ?? []) if (o) defined.add(o);
  }
  return reads;
}
