import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ModelError, ParamError } from '../errors.js';
import { type ImagePreprocessSpec, validatePreprocessSpec } from '../image/preprocess.js';
import { labelEntries, readModelCard } from '../models/modelCard.js';
import { localModelFile } from '../models/modelSources.js';
import type { LabelEntry } from '../models/onnxStage.js';
import { resolveZooImageModel, zooModelNames } from './zooModels.js';

/** An image model ready to run: its local file, preprocessing, labels and feature tensor. */
export interface ImageModel {
  readonly name: string;
  readonly path: string;
  readonly preprocess: ImagePreprocessSpec;
  readonly labels?: readonly LabelEntry[];
  readonly featureTensor?: string;
  readonly outputIsProbabilities: boolean;
}

/** Models that ship with deepframe, trained by its own scripts under `tools/` (files under `models/`). */
const SHIPPED: Readonly<Record<string, string>> = {
  DigitsCNN: 'digits-cnn.onnx',
  DigitsBackbone0to4: 'digits-backbone-0to4.onnx',
};

/** The shipped models' names. */
export function shippedModelNames(): string[] {
  return Object.keys(SHIPPED);
}

/** The path of a shipped model file (the package's `models/` folder). */
export function shippedModelPath(name: string): string | undefined {
  const file = SHIPPED[name];
  return file === undefined ? undefined : fileURLToPath(new URL(`../../../models/${file}`, import.meta.url));
}

async function fromFile(path: string, name: string, override?: ImagePreprocessSpec): Promise<ImageModel> {
  if (!existsSync(path)) {
    throw new ModelError('MODEL_NOT_FOUND', `Model file '${path}' does not exist.`, { model: path });
  }
  const card = await readModelCard(path);
  const preprocess = override ?? card?.preprocess;
  if (preprocess === undefined) {
    throw new ParamError(
      'PREPROCESSING_REQUIRED',
      `Model '${path}' has no model card ('${path.replace(/\.onnx$/i, '')}.json') saying how to preprocess images; pass the stage's preprocessing param.`,
      { model: path },
    );
  }
  validatePreprocessSpec(preprocess, `preprocessing of model '${name}'`);
  return {
    name: card?.name ?? name,
    path,
    preprocess,
    ...(card?.labels === undefined ? {} : { labels: labelEntries(card.labels) }),
    ...(card?.featureTensor === undefined ? {} : { featureTensor: card.featureTensor }),
    outputIsProbabilities: card?.outputIsProbabilities ?? false,
  };
}

/**
 * Resolves a stage's model: a file (with its model card, or the given preprocessing), a model shipped with
 * deepframe, or a zoo model (downloaded into `DEEPFRAME_HOME` when not cached; an error when offline). An unknown
 * name lists the known ones.
 */
export async function resolveImageModel(
  ref: { readonly model: string } | { readonly modelName: string },
  override?: ImagePreprocessSpec,
): Promise<ImageModel> {
  if ('model' in ref) return fromFile(await localModelFile(ref.model), ref.model, override);
  const shipped = shippedModelPath(ref.modelName);
  if (shipped !== undefined) return fromFile(shipped, ref.modelName, override);
  const zoo = await resolveZooImageModel(ref.modelName, override);
  if (zoo !== undefined) return zoo;
  const known = [...shippedModelNames(), ...zooModelNames()];
  throw new ModelError(
    'UNKNOWN_MODEL',
    `Unknown model '${ref.modelName}'. Known models: ${known.join(', ')}.`,
    {
      model: ref.modelName,
      known: known.join(','),
    },
  );
}
