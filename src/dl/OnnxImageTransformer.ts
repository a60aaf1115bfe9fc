import { SchemaError } from '../errors.js';
import type { StageOptions } from '../ml/Params.js';
import { registerStage } from '../ml/persistence.js';
import { appendColumn } from '../ml/schemaUtils.js';
import type { OnnxStageSpec } from '../models/onnxStage.js';
import { DataTypes, type StructType } from '../types/DataType.js';
import { toNonEmptyString } from './converters.js';
import { ImageModelStage } from './ImageModelStage.js';
import type { RowTensor } from './modelShapes.js';

/**
 * Applies an image-in ONNX model to an image column — image structs, or a string column of image file paths or
 * `file:` URIs, read and decoded in the workers — with a preprocessing spec (from the model card, the zoo, or the
 * `preprocessing` param); one model output becomes a `vector<N>` column. The analogue of Deep Learning Pipelines'
 * `TFImageTransformer` and `KerasImageFileTransformer`.
 *
 * @example
 * ```ts
 * const t = new OnnxImageTransformer({ inputCol: 'path', outputCol: 'logits', model: 'models/digits-cnn.onnx' });
 * const out = await t.transform(session.createDataFrame(files.map((path) => ({ path }))));
 * ```
 */
export class OnnxImageTransformer extends ImageModelStage {
  readonly outputTensor = this.declareParam({
    name: 'outputTensor',
    doc: "the model output to keep (default: the model's first output).",
    converter: toNonEmptyString,
  });

  constructor(options: StageOptions<OnnxImageTransformer> = {}) {
    super(options);
    this.setDefault(this.outputCol, 'output');
    this.applyOptions(options);
  }

  getOutputTensor(): string | undefined {
    return this.isDefined(this.outputTensor) ? this.getOrDefault(this.outputTensor) : undefined;
  }
  setOutputTensor(value: string): this {
    return this.set(this.outputTensor, value);
  }

  private output(): RowTensor {
    const { shapes, model } = this.requirePrepared();
    const name = this.getOutputTensor();
    const output = name === undefined ? shapes.outputs[0] : shapes.outputs.find((o) => o.name === name);
    if (output === undefined) {
      throw new SchemaError(
        'MODEL_OUTPUT_MISMATCH',
        `${this.uid}: model '${model.name}' has no output '${name}'. Its outputs: ${shapes.outputs.map((o) => `'${o.name}'`).join(', ')}.`,
        { stage: this.uid, output: String(name) },
      );
    }
    return output;
  }

  transformSchema(schema: StructType): StructType {
    this.imageInput(schema, true);
    return appendColumn(schema, this.getOutputCol(), DataTypes.vector(this.output().size), this.uid);
  }

  protected stageSpec(schema: StructType, parallelism: number): OnnxStageSpec {
    return this.vectorStageSpec(schema, parallelism, this.output());
  }
}
registerStage(OnnxImageTransformer);
