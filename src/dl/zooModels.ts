import type { ImagePreprocessSpec } from '../image/preprocess.js';
import { resolveModel } from '../models/download.js';
import { resolveLabels } from '../models/labels.js';
import { findModelEntry, listModels, type ModelZooEntry } from '../models/zoo.js';
import type { ImageModel } from './imageModels.js';

/** The zoo's model names. */
export function zooModelNames(): string[] {
  return listModels();
}

/** A zoo entry's preprocessing as a stage spec holds it. */
export function zooPreprocess(entry: ModelZooEntry): ImagePreprocessSpec {
  return {
    height: entry.inputSize[0],
    width: entry.inputSize[1],
    channels: 3,
    channelOrder: entry.channelOrder,
    layout: entry.layout,
    resize: entry.resize === 'squash' ? 'fill' : 'cover',
    ...(entry.resize === 'shorterSideThenCenterCrop' ? { cropFraction: entry.cropFraction ?? 0.875 } : {}),
    scale: entry.scale,
    mean: entry.mean,
    std: entry.std,
  };
}

/**
 * A zoo model, downloaded (with its labels) into `DEEPFRAME_HOME` unless cached; `undefined` when the zoo has no
 * such name. Offline (`DEEPFRAME_OFFLINE=1`) an uncached model is an error that says where to put the file.
 */
export async function resolveZooImageModel(
  name: string,
  override?: ImagePreprocessSpec,
): Promise<ImageModel | undefined> {
  const entry = findModelEntry(name);
  if (entry === undefined) return undefined;
  const { path } = await resolveModel(name);
  const labels = await resolveLabels(entry.labels);
  return {
    name: entry.name,
    path,
    preprocess: override ?? zooPreprocess(entry),
    labels,
    ...(entry.featureTensor === undefined ? {} : { featureTensor: entry.featureTensor }),
    outputIsProbabilities: entry.outputIsProbabilities,
  };
}
