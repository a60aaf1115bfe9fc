/**
 * The inference model of a trained image classifier: the frozen part of the backbone (when there is one), then the
 * trained layers, then Spark ML's three outputs `rawPrediction`, `probability` and `prediction` — one ONNX graph
 * that the worker pool, a Spark executor or any ONNX runtime runs on image tensors.
 *
 * @module
 */

import { ModelError } from '../errors.js';
import { CLASSIFIER_IO } from '../ml/classification/classifierGraph.js';
import { decodeModel, encodeModel, type ModelProto, type NodeProto } from '../models/onnxProto.js';
import { Tape, type Value } from '../nn/autodiff.js';
import { GraphBuilder, OPSET } from '../nn/graph.js';
import type { Sequential } from '../nn/layers.js';

/** What the trained network was: its layers, input shape, and trained weights and layer state. */
export interface TrainedNetwork {
  readonly network: Sequential;
  readonly inputShape: readonly number[];
  readonly weights: readonly Float32Array[];
  readonly state: readonly Float32Array[];
}

const HEAD_INPUT = 'trained_input';
const OUTPUTS: ReadonlySet<string> = new Set([
  CLASSIFIER_IO.rawPrediction,
  CLASSIFIER_IO.probability,
  CLASSIFIER_IO.prediction,
]);

/**
 * The trained network as an inference graph: input `trained_input` `[N, ...inputShape]`; outputs `rawPrediction`
 * (the last layer before its softmax) and `probability` `[N, classes]`, `prediction` `[N, 1]` (the argmax, as a
 * float).
 */
export function trainedNetworkGraph(t: TrainedNetwork): Uint8Array {
  const g = new GraphBuilder('deepframe_image_classifier');
  const tape = new Tape(g, 'float32');
  const x = tape.leaf(g.input(HEAD_INPUT, 'float32', ['N', ...t.inputShape]), [-1, ...t.inputShape], false);
  const specs = t.network.params(t.inputShape);
  const stateSpecs = t.network.state(t.inputShape);
  const params = specs.map((p, i) =>
    tape.leaf(g.initializer(p.name, 'float32', p.shape, t.weights[i] as Float32Array), p.shape, false),
  );
  const state = stateSpecs.map((s, i) =>
    tape.leaf(g.initializer(s.name, 'float32', s.shape, t.state[i] as Float32Array), s.shape, false),
  );
  const raw: Value = t.network.apply(tape, x, params, { state, logits: true }).output;
  const classes = t.network.outputShape(t.inputShape)[0] as number;
  const probability = g.node('Softmax', [raw.name], { axis: 1 });
  const prediction = g.node('Cast', [g.node('ArgMax', [probability], { axis: 1, keepdims: 1 })], { to: 1 });
  g.output(raw.name, 'float32', ['N', classes], CLASSIFIER_IO.rawPrediction);
  g.output(probability, 'float32', ['N', classes], CLASSIFIER_IO.probability);
  g.output(prediction, 'float32', ['N', 1], CLASSIFIER_IO.prediction);
  return g.toBytes();
}

/**
 * One model: `frozen` (a model whose one output is `cut`) feeding the trained network's graph; or, without a
 * frozen part, the trained network's graph with its input renamed `inputName`. The opset is the higher of the two.
 *
 * @throws ModelError `MODEL_COMPOSE_FAILED` when the frozen part already has a tensor named like an output.
 */
export function composeClassifier(
  frozen: Uint8Array | undefined,
  cut: string,
  trained: Uint8Array,
  inputName: string,
): Uint8Array {
  const head = decodeModel(trained, 'the trained layers');
  if (frozen === undefined) return encodeModel(renameHead(head, inputName, undefined));
  const base = decodeModel(frozen, 'the frozen backbone');
  const taken = new Set<string>();
  for (const n of base.graph?.node ?? []) for (const o of n.output ?? []) taken.add(o);
  for (const v of base.graph?.input ?? []) taken.add(v.name ?? '');
  const clash = [...OUTPUTS].find((o) => taken.has(o));
  if (clash !== undefined) {
    throw new ModelError(
      'MODEL_COMPOSE_FAILED',
      `The backbone has a tensor named '${clash}', the name of an output of the classifier; rename it in the backbone.`,
      { tensor: clash },
    );
  }
  const renamed = renameHead(head, cut, base);
  const g = base.graph!;
  const h = renamed.graph!;
  return encodeModel({
    ...base,
    irVersion: Math.max(Number(base.irVersion ?? 8), Number(head.irVersion ?? 8)),
    opsetImport: mergeOpsets(base, head),
    graph: {
      ...g,
      node: [...(g.node ?? []), ...(h.node ?? [])],
      initializer: [...(g.initializer ?? []), ...(h.initializer ?? [])],
      output: h.output ?? [],
    },
  });
}

/** The trained graph with every internal name under `deepframe_head/`, reading `input` (and, alone, declaring it). */
function renameHead(head: ModelProto, input: string, base: ModelProto | undefined): ModelProto {
  const rename = (name: string) =>
    name === HEAD_INPUT ? input : OUTPUTS.has(name) || name === '' ? name : `deepframe_head/${name}`;
  const graph = head.graph!;
  const node: NodeProto[] = (graph.node ?? []).map((n) => ({
    ...n,
    name: n.name ? `deepframe_head/${n.name}` : null,
    input: (n.input ?? []).map(rename),
    output: (n.output ?? []).map(rename),
  }));
  return {
    ...head,
    opsetImport: base === undefined ? head.opsetImport : mergeOpsets(base, head),
    graph: {
      ...graph,
      node,
      initializer: (graph.initializer ?? []).map((t) => ({ ...t, name: rename(t.name ?? '') })),
      input: (graph.input ?? []).map((v) => ({ ...v, name: rename(v.name ?? '') })),
    },
  } as ModelProto;
}

function mergeOpsets(base: ModelProto, head: ModelProto): ModelProto['opsetImport'] {
  const versions = new Map<string, number>();
  for (const o of [...(base.opsetImport ?? []), ...(head.opsetImport ?? [])]) {
    const domain = o.domain ?? '';
    versions.set(domain, Math.max(versions.get(domain) ?? 0, Number(o.version ?? OPSET)));
  }
  return [...versions].map(([domain, version]) => ({ domain, version })) as ModelProto['opsetImport'];
}
