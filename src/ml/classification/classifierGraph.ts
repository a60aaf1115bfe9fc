/**
 * The inference ONNX model of a trained classifier: dense layers from float64 weights, then Spark ML's three
 * outputs — `rawPrediction`, `probability` and `prediction` — as one graph that the worker pool (or a Spark
 * executor) runs over batches, and that any ONNX runtime can load.
 *
 * Weights are stored as float64 initializers (so a saved model keeps them exactly) and cast to float32 once, when
 * ONNX Runtime constant-folds the graph; the arithmetic is float32.
 *
 * @module
 */

import { ModelError } from '../../errors.js';
import { decodeModel } from '../../models/onnxProto.js';
import { GraphBuilder } from '../../nn/graph.js';

/** One dense layer `activation(x·W + b)`: `kernel` is `inputs × units`, row-major. */
export interface DenseWeights {
  readonly kernel: Float64Array;
  readonly bias: Float64Array;
  readonly units: number;
  readonly activation: 'linear' | 'sigmoid' | 'relu' | 'tanh';
}

/**
 * How scores become Spark ML's outputs: `binomial` (one margin `m`: rawPrediction `[−m, m]`, probability
 * `[1 − σ(m), σ(m)]`, prediction `m > log(t / (1 − t))`), or `softmax` (rawPrediction the last layer's output,
 * probability its softmax, prediction the argmax of probability / thresholds, or of probability).
 */
export type ClassifierHead =
  | { readonly kind: 'binomial'; readonly threshold: number }
  | { readonly kind: 'softmax'; readonly thresholds?: readonly number[] | undefined };

/** The graph's input and output names. */
export const CLASSIFIER_IO = Object.freeze({
  input: 'features',
  rawPrediction: 'rawPrediction',
  probability: 'probability',
  prediction: 'prediction',
});

/** Builds the inference model: input `features` `[N, numFeatures]`, outputs `[N, C]`, `[N, C]`, `[N, 1]`. */
export function classifierGraph(
  numFeatures: number,
  layers: readonly DenseWeights[],
  head: ClassifierHead,
): Uint8Array {
  const g = new GraphBuilder('deepframe_classifier');
  let h = g.input(CLASSIFIER_IO.input, 'float32', ['N', numFeatures]);
  let inputs = numFeatures;
  layers.forEach((layer, i) => {
    const w = g.node(
      'Cast',
      [g.initializer(`layer${i}_kernel`, 'float64', [inputs, layer.units], layer.kernel)],
      {
        to: 1,
      },
    );
    const b = g.node('Cast', [g.initializer(`layer${i}_bias`, 'float64', [layer.units], layer.bias)], {
      to: 1,
    });
    h = g.node('Gemm', [h, w, b]);
    if (layer.activation === 'sigmoid') h = g.node('Sigmoid', [h]);
    else if (layer.activation === 'relu') h = g.node('Relu', [h]);
    else if (layer.activation === 'tanh') h = g.node('Tanh', [h]);
    inputs = layer.units;
  });
  const f32 = (name: string, values: readonly number[]) =>
    g.initializer(name, 'float32', [values.length], values);
  let raw: string;
  let probability: string;
  let prediction: string;
  let classes: number;
  if (head.kind === 'binomial') {
    classes = 2;
    raw = g.node('Concat', [g.node('Neg', [h]), h], { axis: 1 });
    const p1 = g.node('Sigmoid', [h]);
    probability = g.node('Concat', [g.node('Sub', [f32('one', [1]), p1]), p1], { axis: 1 });
    const t = head.threshold;
    const rawThreshold = t === 0 ? -Infinity : t === 1 ? Infinity : Math.log(t / (1 - t));
    prediction = g.node('Cast', [g.node('Greater', [h, f32('raw_threshold', [rawThreshold])])], { to: 1 });
  } else {
    classes = inputs;
    raw = h;
    probability = g.node('Softmax', [h], { axis: 1 });
    // Spark ML: a zero threshold makes its class win whenever its probability is positive.
    const scores =
      head.thresholds === undefined
        ? probability
        : g.node('Div', [
            probability,
            f32(
              'thresholds',
              head.thresholds.map((t) => (t === 0 ? 1e-38 : t)),
            ),
          ]);
    prediction = g.node('Cast', [g.node('ArgMax', [scores], { axis: 1, keepdims: 1 })], { to: 1 });
  }
  g.output(raw, 'float32', ['N', classes], CLASSIFIER_IO.rawPrediction);
  g.output(probability, 'float32', ['N', classes], CLASSIFIER_IO.probability);
  g.output(prediction, 'float32', ['N', 1], CLASSIFIER_IO.prediction);
  return g.toBytes();
}

/** Reads the dense layers' float64 weights back from a model {@link classifierGraph} built. */
export function readClassifierWeights(
  bytes: Uint8Array,
  where: string,
): { kernel: Float64Array; bias: Float64Array }[] {
  const model = decodeModel(bytes, where);
  const byName = new Map<string, Float64Array>();
  for (const t of model.graph?.initializer ?? []) {
    const raw = t.rawData;
    if (t.name && t.dataType === 11 && raw && raw.length > 0) {
      const copy = new Uint8Array(raw);
      byName.set(t.name, new Float64Array(copy.buffer, copy.byteOffset, copy.byteLength / 8));
    }
  }
  const layers: { kernel: Float64Array; bias: Float64Array }[] = [];
  for (let i = 0; byName.has(`layer${i}_kernel`); i++) {
    layers.push({
      kernel: byName.get(`layer${i}_kernel`)!,
      bias: byName.get(`layer${i}_bias`) ?? new Float64Array(),
    });
  }
  if (layers.length === 0) {
    throw new ModelError('MODEL_WEIGHTS_MISSING', `${where} holds no classifier weights (layer0_kernel).`, {
      path: where,
    });
  }
  return layers;
}
