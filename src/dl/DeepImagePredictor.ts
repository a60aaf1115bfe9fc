import { ParamError } from '../errors.js';
import type { StageOptions } from '../ml/Params.js';
import { ParamValidators } from '../ml/ParamValidators.js';
import { registerStage } from '../ml/persistence.js';
import { appendColumn } from '../ml/schemaUtils.js';
import { TypeConverters } from '../ml/TypeConverters.js';
import type { OnnxStageSpec } from '../models/onnxStage.js';
import { type DataType, DataTypes, type StructType } from '../types/DataType.js';
import { ImageModelStage } from './ImageModelStage.js';

/** The type of a decoded-predictions column: the top K classes with their probabilities. */
export const decodedPredictionsType: DataType = DataTypes.array(
  DataTypes.struct([
    DataTypes.field('class', DataTypes.string, false),
    DataTypes.field('description', DataTypes.string, false),
    DataTypes.field('probability', DataTypes.float, false),
  ]),
  false,
);

/**
 * Classifies images with a pretrained network, batched, in the worker pool — Deep Learning Pipelines'
 * `DeepImagePredictor`. The output is the model's class probabilities as a `vector<classes>` (softmax applied
 * when the model gives logits), or with `decodePredictions` the `topK` most likely classes as
 * `array<struct<class, description, probability>>`.
 *
 * @example
 * ```ts
 * const predictor = new DeepImagePredictor({
 *   inputCol: 'image', outputCol: 'predicted', modelName: 'MobileNetV2', decodePredictions: true, topK: 5,
 * });
 * const out = await predictor.transform(session.read.images('photos/'));
 * ```
 */
export class DeepImagePredictor extends ImageModelStage {
  readonly decodePredictions = this.declareParam({
    name: 'decodePredictions',
    doc: 'output the topK classes with names and probabilities instead of the probability vector.',
    converter: TypeConverters.toBoolean,
    default: false,
  });
  readonly topK = this.declareParam({
    name: 'topK',
    doc: 'how many classes decodePredictions keeps (≥ 1).',
    converter: TypeConverters.toInt,
    validator: ParamValidators.gtEq(1),
    default: 5,
  });

  constructor(options: StageOptions<DeepImagePredictor> = {}) {
    super(options);
    this.setDefault(this.outputCol, 'predictions');
    this.applyOptions(options);
  }

  getDecodePredictions(): boolean {
    return this.getOrDefault(this.decodePredictions);
  }
  setDecodePredictions(value: boolean): this {
    return this.set(this.decodePredictions, value);
  }
  getTopK(): number {
    return this.getOrDefault(this.topK);
  }
  setTopK(value: number): this {
    return this.set(this.topK, value);
  }

  private outputSize(): number {
    const { shapes, model } = this.requirePrepared();
    const output = shapes.outputs[0]!;
    if (this.getDecodePredictions() && model.labels !== undefined && model.labels.length !== output.size) {
      throw new ParamError(
        'LABELS_MISMATCH',
        `${this.uid}: model '${model.name}' outputs ${output.size} classes but has ${model.labels.length} labels.`,
        { stage: this.uid },
      );
    }
    return output.size;
  }

  transformSchema(schema: StructType): StructType {
    this.imageInput(schema, true);
    const size = this.outputSize();
    const type = this.getDecodePredictions() ? decodedPredictionsType : DataTypes.vector(size);
    return appendColumn(schema, this.getOutputCol(), type, this.uid);
  }

  protected stageSpec(schema: StructType, parallelism: number): OnnxStageSpec {
    const { model, path, shapes } = this.requirePrepared();
    const output = shapes.outputs[0]!;
    const size = this.outputSize();
    const softmax = !model.outputIsProbabilities;
    return {
      kind: 'onnx',
      modelPath: path,
      session: this.sessionOptions(parallelism),
      inputs: [this.imageInput(schema, true)],
      outputs: [
        this.getDecodePredictions()
          ? {
              name: output.name,
              column: this.getOutputCol(),
              kind: 'topK',
              k: this.getTopK(),
              labels:
                model.labels ??
                Array.from({ length: size }, (_, i) => ({ class: String(i), description: String(i) })),
              softmax,
            }
          : { name: output.name, column: this.getOutputCol(), kind: 'vector', size, softmax },
      ],
      keep: [],
      batchSize: this.getBatchSize(),
      onError: this.getOnError(),
    };
  }
}
registerStage(DeepImagePredictor);
