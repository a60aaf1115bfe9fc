import * as ort from 'onnxruntime-node';
import { describeCause, ModelError } from '../errors.js';
import { type ModelSignature, readModelSignatureFile, type TensorSpec } from '../models/ModelSignature.js';

/** A model input or output with the shape of one row (the batch axis removed) and its values per row. */
export interface RowTensor {
  readonly name: string;
  readonly dtype: string;
  readonly rowShape: readonly number[];
  readonly size: number;
}

/** The model's signature with static per-row shapes: what a stage needs to check columns and size outputs. */
export interface ModelShapes {
  readonly path: string;
  readonly signature: ModelSignature;
  readonly inputs: readonly RowTensor[];
  readonly outputs: readonly RowTensor[];
}

const isStatic = (dims: readonly (number | string)[]) => dims.every((d) => typeof d === 'number' && d >= 0);

/**
 * Reads a model's inputs and outputs and the shape of one row of each: input rows must have static shapes;
 * output shapes that the file leaves symbolic are learned by running the model once on zeros.
 */
export async function readModelShapes(
  path: string,
  fixedInputs: Readonly<Record<string, readonly number[]>> = {},
): Promise<ModelShapes> {
  const signature = await readModelSignatureFile(path);
  const inputs = signature.inputs.map((spec): RowTensor => {
    const rowShape = fixedInputs[spec.name] ?? (spec.shape ?? []).slice(1);
    if (!isStatic(rowShape)) {
      throw new ModelError(
        'DYNAMIC_INPUT_SHAPE',
        `Input '${spec.name}' of model '${path}' has shape [${(spec.shape ?? []).join(', ')}]: deepframe needs every axis but the first (the batch) to be fixed.`,
        { model: path, input: spec.name },
      );
    }
    const dims = rowShape as number[];
    return { name: spec.name, dtype: spec.dtype, rowShape: dims, size: dims.reduce((a, b) => a * b, 1) };
  });
  let outputs = signature.outputs.map((spec: TensorSpec) => {
    const rowShape = (spec.shape ?? []).slice(1);
    return { name: spec.name, dtype: spec.dtype, rowShape, size: -1 };
  });
  if (outputs.every((o) => isStatic(o.rowShape))) {
    return {
      path,
      signature,
      inputs,
      outputs: outputs.map((o) => ({
        ...o,
        rowShape: o.rowShape as number[],
        size: (o.rowShape as number[]).reduce((a, b) => a * b, 1),
      })),
    };
  }
  // Learn the output shapes from one run on a batch of one.
  let session: ort.InferenceSession | undefined;
  try {
    session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const feeds: Record<string, ort.Tensor> = {};
    for (const input of inputs) {
      if (input.dtype !== 'float32') {
        throw new ModelError(
          'UNSUPPORTED_INPUT_TYPE',
          `Input '${input.name}' of model '${path}' is ${input.dtype}; deepframe feeds float32.`,
          {
            model: path,
            input: input.name,
          },
        );
      }
      feeds[input.name] = new ort.Tensor('float32', new Float32Array(input.size), [1, ...input.rowShape]);
    }
    const results = await session.run(feeds);
    outputs = outputs.map((o) => {
      const t = results[o.name] as ort.Tensor;
      const rowShape = t.dims.slice(1);
      return { ...o, rowShape, size: rowShape.reduce((a, b) => a * b, 1) };
    });
  } catch (e) {
    if (e instanceof ModelError) throw e;
    throw new ModelError(
      'MODEL_LOAD_FAILED',
      `Cannot run model '${path}' to learn its output shapes: ${describeCause(e)}`,
      { model: path },
      { cause: e },
    );
  } finally {
    await session?.release();
  }
  return { path, signature, inputs, outputs: outputs as RowTensor[] };
}
