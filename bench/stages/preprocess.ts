/** A stage that only decodes and preprocesses image files into model-ready tensors, for the inference benchmark. */
import * as arrow from 'apache-arrow';
import { type ImagePreprocessSpec, imageFileToTensor, imageTensorSize } from '../../src/image/preprocess.js';
import { configureSharpForWorkers, DECODE_CONCURRENCY } from '../../src/image/sharpConfig.js';
import { vectorData } from '../../src/tensor/vectors.js';
import { forEachLimited } from '../../src/worker/limit.js';
import type { StageFunction } from '../../src/worker/StageSpec.js';

/** `path` → `tensor` (`vector<H·W·C>`): JPEG file → model-ready tensor, as the inference stage makes it. */
export const toTensor: StageFunction = async (batch, options) => {
  const spec = options as unknown as ImagePreprocessSpec;
  const paths = batch.getChild('path')!.toArray() as string[];
  const size = imageTensorSize(spec);
  const out = new Float32Array(paths.length * size);
  configureSharpForWorkers();
  await forEachLimited(paths, DECODE_CONCURRENCY, (path, i) => imageFileToTensor(path, spec, out, i * size));
  return new arrow.RecordBatch({ tensor: vectorData(out, size) });
};
