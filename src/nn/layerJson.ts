/**
 * A {@link Sequential} model's architecture as plain JSON, and back: what a saved estimator keeps of the network it
 * trains (weights are not part of it).
 *
 * @module
 */

import { ParamError } from '../errors.js';
import { Conv2D } from './conv.js';
import { Dropout, type DropoutOptions } from './dropout.js';
import { type Activation, ActivationLayer, Dense, Flatten, type Layer, Sequential } from './layers.js';
import { BatchNorm, type BatchNormOptions } from './normalization.js';
import { AvgPool2D, GlobalAvgPool2D, GlobalMaxPool2D, MaxPool2D, type Pool2DOptions } from './pooling.js';

/**
 * One layer as JSON: its `kind` and its options, named as the layer's constructor names them.
 *
 * @example
 * ```ts
 * { kind: 'conv2d', filters: 16, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu', useBias: true, initializer: 'heUniform' }
 * ```
 */
export type LayerJson = { readonly kind: string } & { readonly [option: string]: unknown };

/** A {@link Sequential} model as JSON. */
export interface SequentialJson {
  readonly layers: readonly LayerJson[];
}

/**
 * The JSON of one layer.
 *
 * @example
 * ```ts
 * layerToJson(new Dense(10, { activation: 'softmax' })); // { kind: 'dense', units: 10, activation: 'softmax', initializer: 'glorotUniform' }
 * ```
 */
export function layerToJson(layer: Layer): LayerJson {
  if (layer instanceof Dense) {
    return {
      kind: layer.kind,
      units: layer.units,
      activation: layer.activation,
      initializer: layer.initializer,
    };
  }
  if (layer instanceof Conv2D) {
    return {
      kind: layer.kind,
      filters: layer.filters,
      kernelSize: [...layer.kernelSize],
      strides: [...layer.strides],
      padding: layer.padding,
      activation: layer.activation,
      useBias: layer.useBias,
      initializer: layer.initializer,
    };
  }
  if (layer instanceof MaxPool2D || layer instanceof AvgPool2D) {
    return {
      kind: layer.kind,
      poolSize: [...layer.poolSize],
      strides: [...layer.strides],
      padding: layer.padding,
    };
  }
  if (layer instanceof ActivationLayer) return { kind: layer.kind, activation: layer.activation };
  if (layer instanceof Dropout) {
    return layer.seed === undefined
      ? { kind: layer.kind, rate: layer.rate }
      : { kind: layer.kind, rate: layer.rate, seed: layer.seed };
  }
  if (layer instanceof BatchNorm)
    return { kind: layer.kind, momentum: layer.momentum, epsilon: layer.epsilon };
  if (layer instanceof Flatten || layer instanceof GlobalAvgPool2D || layer instanceof GlobalMaxPool2D) {
    return { kind: layer.kind };
  }
  throw new ParamError(
    'UNSUPPORTED_LAYER',
    `A layer of kind '${layer.kind}' (${layer.constructor.name}) cannot be written as JSON: only deepframe's own layers can.`,
    { kind: layer.kind },
  );
}

/**
 * The layer a JSON object describes; a wrong kind or option throws a ParamError naming it.
 *
 * @example
 * ```ts
 * const dense = layerFromJson({ kind: 'dense', units: 10, activation: 'softmax' });
 * ```
 */
export function layerFromJson(json: LayerJson): Layer {
  // The layers' constructors check every option's value; this only picks the constructor.
  const o = json as unknown as {
    readonly units: number;
    readonly filters: number;
    readonly kernelSize: number;
    readonly poolSize: number;
    readonly activation: Activation;
    readonly rate: number;
  } & Pool2DOptions &
    DropoutOptions &
    BatchNormOptions;
  switch (json.kind) {
    case 'dense':
      return new Dense(o.units, o);
    case 'conv2d':
      return new Conv2D(o.filters, o.kernelSize, o);
    case 'maxPool2d':
      return new MaxPool2D(o.poolSize, o);
    case 'avgPool2d':
      return new AvgPool2D(o.poolSize, o);
    case 'globalAvgPool2d':
      return new GlobalAvgPool2D();
    case 'globalMaxPool2d':
      return new GlobalMaxPool2D();
    case 'flatten':
      return new Flatten();
    case 'activation':
      return new ActivationLayer(o.activation);
    case 'dropout':
      return new Dropout(o.rate, o);
    case 'batchNorm':
      return new BatchNorm(o);
    default:
      throw new ParamError(
        'UNSUPPORTED_LAYER',
        `Unknown layer kind '${String(json.kind)}'; expected one of dense, conv2d, maxPool2d, avgPool2d, globalAvgPool2d, globalMaxPool2d, flatten, activation, dropout, batchNorm.`,
        { kind: String(json.kind) },
      );
  }
}

/**
 * The JSON of a model's architecture.
 *
 * @example
 * ```ts
 * const json = sequentialToJson(new Sequential([new Flatten(), new Dense(10, { activation: 'softmax' })]));
 * const same = sequentialFromJson(json);
 * ```
 */
export function sequentialToJson(model: Sequential): SequentialJson {
  return { layers: model.layers.map(layerToJson) };
}

/**
 * The model a JSON architecture describes.
 *
 * @example
 * ```ts
 * const model = sequentialFromJson({ layers: [{ kind: 'flatten' }, { kind: 'dense', units: 10 }] });
 * ```
 */
export function sequentialFromJson(json: unknown): Sequential {
  const layers = (json as { layers?: unknown } | null)?.layers;
  if (!Array.isArray(layers) || layers.some((l) => typeof l !== 'object' || l === null || !('kind' in l))) {
    throw new ParamError(
      'INVALID_PARAM',
      `A network must be a Sequential model or its JSON {layers: [{kind, …}, …]}; got ${JSON.stringify(json)?.slice(0, 200)}.`,
      { param: 'network' },
    );
  }
  return new Sequential((layers as LayerJson[]).map(layerFromJson));
}
