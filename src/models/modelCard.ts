/**
 * Model cards: a JSON file beside an ONNX model (`model.onnx` → `model.json`) that says how to feed it images and
 * read its outputs, so that a stage given only the file knows its preprocessing, labels and feature tensor.
 *
 * ```json
 * {
 *   "name": "DigitsCNN",
 *   "preprocess": { "height": 32, "width": 32, "channels": 3, "channelOrder": "RGB", "layout": "NCHW",
 *                   "resize": "fill", "scale": 0.00392156862745098, "mean": [0, 0, 0], "std": [1, 1, 1] },
 *   "labels": ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
 *   "featureTensor": "features",
 *   "outputIsProbabilities": false
 * }
 * ```
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describeCause, IOError } from '../errors.js';
import { type ImagePreprocessSpec, validatePreprocessSpec } from '../image/preprocess.js';
import type { LabelEntry } from './onnxStage.js';

/** What a model card holds. */
export interface ModelCard {
  /** The model's name, for messages and `modelName`. */
  readonly name: string;
  /** How images become the model's input. */
  readonly preprocess: ImagePreprocessSpec;
  /** Class labels in output order: strings, or `{class, description}` entries. */
  readonly labels?: readonly (string | LabelEntry)[];
  /** The tensor a featurizer cuts the graph at (the penultimate layer's output). */
  readonly featureTensor?: string;
  /** Whether the model's output is already probabilities (otherwise logits, and softmax is applied). */
  readonly outputIsProbabilities?: boolean;
  /** Anything else the card records (accuracy, source, license). */
  readonly [key: string]: unknown;
}

/** The card's path for a model file: the same name with `.json`. */
export function modelCardPath(modelPath: string): string {
  return `${modelPath.replace(/\.onnx$/i, '')}.json`;
}

/** Labels as `{class, description}` entries (a plain string is both). */
export function labelEntries(labels: readonly (string | LabelEntry)[]): LabelEntry[] {
  return labels.map((l) => (typeof l === 'string' ? { class: l, description: l } : l));
}

/** The `<model>.labels.json` file beside a model: its labels when the card does not list them. */
export function labelsPath(modelPath: string): string {
  return `${modelPath.replace(/\.onnx$/i, '')}.labels.json`;
}

/**
 * Reads and checks the card beside a model file; `undefined` when there is none. Also accepted: `preprocessing`
 * for `preprocess`, labels in a `<model>.labels.json` file, and the feature tensor as `outputs.features.name`.
 */
export async function readModelCard(modelPath: string): Promise<ModelCard | undefined> {
  const path = modelCardPath(modelPath);
  if (!existsSync(path)) return undefined;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new IOError('INVALID_MODEL_CARD', `Model card '${path}' is not valid JSON: ${describeCause(e)}`, {
      path,
    });
  }
  const preprocess = (raw.preprocess ?? raw.preprocessing) as ImagePreprocessSpec | undefined;
  if (typeof raw !== 'object' || raw === null || typeof preprocess !== 'object' || preprocess === null) {
    throw new IOError('INVALID_MODEL_CARD', `Model card '${path}' needs a "preprocess" object.`, { path });
  }
  validatePreprocessSpec(preprocess, `model card '${path}'`);
  let labels = raw.labels as ModelCard['labels'] | undefined;
  if (labels === undefined && existsSync(labelsPath(modelPath))) {
    try {
      labels = JSON.parse(await readFile(labelsPath(modelPath), 'utf8')) as ModelCard['labels'];
    } catch (e) {
      throw new IOError(
        'INVALID_MODEL_CARD',
        `Labels file '${labelsPath(modelPath)}' is not valid JSON: ${describeCause(e)}`,
        {
          path: labelsPath(modelPath),
        },
      );
    }
  }
  const outputs = raw.outputs as { features?: { name?: unknown } } | undefined;
  const featureTensor = raw.featureTensor ?? outputs?.features?.name;
  return {
    ...raw,
    name: typeof raw.name === 'string' ? raw.name : modelPath,
    preprocess,
    ...(labels === undefined ? {} : { labels }),
    ...(typeof featureTensor === 'string' ? { featureTensor } : {}),
    outputIsProbabilities: raw.outputIsProbabilities === true,
  };
}
