import { ParamError, SchemaError } from '../errors.js';
import { imageColumnSchema } from '../image/ImageSchema.js';
import type { ImagePreprocessSpec } from '../image/preprocess.js';
import { invalidValue, type TypeConverter } from '../ml/Param.js';
import { SharedParams } from '../ml/sharedParams.js';
import type { OnnxStageInput, OnnxStageSpec } from '../models/onnxStage.js';
import { DataTypes, type StructType, sameType, simpleString } from '../types/DataType.js';
import { requireField } from '../types/Schema.js';
import { toNonEmptyString } from './converters.js';
import { type ImageModel, resolveImageModel } from './imageModels.js';
import { type ModelShapes, readModelShapes } from './modelShapes.js';
import { OnnxStageBase } from './OnnxStageBase.js';

/** @internal Checks an image preprocessing spec given as a param value. */
export const toPreprocess: TypeConverter<ImagePreprocessSpec> = (value: unknown) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidValue(
      value,
      'an image preprocessing spec {height, width, channels, channelOrder, layout, resize, scale, mean, std}',
    );
  }
  return Object.freeze({ ...(value as ImagePreprocessSpec) });
};

/** What an image-model stage learned in `prepare`: the model, the file it runs, and that file's shapes. */
export interface PreparedImageModel {
  readonly key: string;
  readonly model: ImageModel;
  /** The file the stage runs (the model itself, or a copy cut at the feature tensor). */
  readonly path: string;
  readonly shapes: ModelShapes;
}

/**
 * The base of stages that run an image model over an image column: the model by zoo name (`modelName`) or file
 * (`model`), the preprocessing (from the zoo entry or model card, or given), and input checks.
 */
export abstract class ImageModelStage extends OnnxStageBase {
  readonly inputCol = this.declareParam({ ...SharedParams.inputCol, default: 'image' });
  readonly outputCol = this.declareParam(SharedParams.outputCol);
  readonly modelName = this.declareParam({
    name: 'modelName',
    doc: "a model of the zoo or shipped with deepframe, such as 'MobileNetV2', 'ResNet50', 'InceptionV3', 'EfficientNetB0', 'SqueezeNet', 'DigitsCNN'.",
    converter: toNonEmptyString,
  });
  readonly model = this.declareParam({
    name: 'model',
    doc: 'path of an ONNX image model file (instead of modelName); a model card <file>.json beside it gives its preprocessing and labels.',
    converter: toNonEmptyString,
  });
  readonly preprocessing = this.declareParam({
    name: 'preprocessing',
    doc: "how images become the model's input (size, channel order, layout, scaling); overrides the model's own.",
    converter: toPreprocess,
  });
  /** What `prepare` resolved (an own property, so `copy` keeps it). */
  protected prepared: PreparedImageModel | undefined;

  getInputCol(): string {
    return this.getOrDefault(this.inputCol);
  }
  setInputCol(value: string): this {
    return this.set(this.inputCol, value);
  }
  getOutputCol(): string {
    return this.getOrDefault(this.outputCol);
  }
  setOutputCol(value: string): this {
    return this.set(this.outputCol, value);
  }
  getModelName(): string | undefined {
    return this.isDefined(this.modelName) ? this.getOrDefault(this.modelName) : undefined;
  }
  setModelName(value: string): this {
    return this.set(this.modelName, value);
  }
  getModel(): string | undefined {
    return this.isDefined(this.model) ? this.getOrDefault(this.model) : undefined;
  }
  setModel(value: string): this {
    return this.set(this.model, value);
  }
  getPreprocessing(): ImagePreprocessSpec | undefined {
    return this.isDefined(this.preprocessing) ? this.getOrDefault(this.preprocessing) : undefined;
  }
  setPreprocessing(value: ImagePreprocessSpec): this {
    return this.set(this.preprocessing, value);
  }

  /** A key of what `prepare` depends on. */
  protected prepareKey(): string {
    return JSON.stringify([this.getModelName(), this.getModel(), this.getPreprocessing()]);
  }

  /** The file this stage runs, given the resolved model (the featurizer cuts the graph). */
  protected async modelFile(model: ImageModel): Promise<string> {
    return model.path;
  }

  override async prepare(): Promise<void> {
    const key = this.prepareKey();
    if (this.prepared?.key === key) return;
    const name = this.getModelName();
    const file = this.getModel();
    if ((name === undefined) === (file === undefined)) {
      throw new ParamError(
        'MODEL_PARAM_REQUIRED',
        `${this.uid} needs exactly one of modelName (a zoo name) or model (an ONNX file); got ${name === undefined && file === undefined ? 'neither' : 'both'}.`,
        { stage: this.uid },
      );
    }
    const model = await resolveImageModel(
      name === undefined ? { model: file! } : { modelName: name },
      this.getPreprocessing(),
    );
    const path = await this.modelFile(model);
    const shapes = await readModelShapes(path);
    this.prepared = { key, model, path, shapes };
  }

  protected requirePrepared(): PreparedImageModel {
    if (this.prepared === undefined || this.prepared.key !== this.prepareKey()) throw this.notPrepared();
    return this.prepared;
  }

  /** The `onnx` stage spec of an image stage whose output is one model output as a vector column. */
  protected vectorStageSpec(schema: StructType, parallelism: number, output: VectorOutput): OnnxStageSpec {
    return {
      kind: 'onnx',
      modelPath: this.requirePrepared().path,
      session: this.sessionOptions(parallelism),
      inputs: [this.imageInput(schema, true)],
      outputs: [{ name: output.name, column: this.getOutputCol(), kind: 'vector', size: output.size }],
      keep: [],
      batchSize: this.getBatchSize(),
      onError: this.getOnError(),
    };
  }

  /** Image structs, or file paths. */
  protected sqlArguments(): StructType[] {
    const column = this.getInputCol();
    return [
      DataTypes.struct([DataTypes.field(column, imageColumnSchema)]),
      DataTypes.struct([DataTypes.field(column, DataTypes.string)]),
    ];
  }

  /** Checks the input column (an image struct, or a string of paths when `allowUris`) and says which it is. */
  protected imageInput(schema: StructType, allowUris: boolean): OnnxStageInput {
    const { model, shapes } = this.requirePrepared();
    const column = this.getInputCol();
    const field = requireField(schema, column, `${this.uid}'s input`);
    const isImage =
      field.type.kind === 'struct' &&
      sameType(stripNullability(field.type), stripNullability(imageColumnSchema));
    const isUri = field.type.kind === 'string';
    if (!isImage && !(allowUris && isUri)) {
      throw new SchemaError(
        'INVALID_INPUT_COLUMN',
        `${this.uid}: column '${column}' is ${simpleString(field.type)}; expected an image struct (as session.read.images gives)${allowUris ? ' or a string column of image file paths' : ''}.`,
        { stage: this.uid, column, actual: simpleString(field.type) },
      );
    }
    const input = shapes.inputs[0]!;
    if (shapes.inputs.length !== 1) {
      throw new SchemaError(
        'MODEL_INPUT_MISMATCH',
        `${this.uid}: an image model must have one input; '${model.name}' has ${shapes.inputs.length}.`,
        {
          stage: this.uid,
        },
      );
    }
    const p = model.preprocess;
    const expected = p.layout === 'NCHW' ? [p.channels, p.height, p.width] : [p.height, p.width, p.channels];
    if (input.rowShape.join(',') !== expected.join(',')) {
      throw new SchemaError(
        'MODEL_INPUT_MISMATCH',
        `${this.uid}: model '${model.name}' takes input '${input.name}' of shape [N, ${input.rowShape.join(', ')}], but its preprocessing makes [N, ${expected.join(', ')}] (${p.layout}, ${p.height}×${p.width}×${p.channels}).`,
        { stage: this.uid, expected: input.rowShape.join(','), actual: expected.join(',') },
      );
    }
    return { name: input.name, column, source: isImage ? 'image' : 'imageFile', preprocess: p };
  }
}

/** Where a vector-output image stage's spec differs from another's: the model output it keeps. */
export interface VectorOutput {
  readonly name: string;
  readonly size: number;
}

function stripNullability(type: StructType): StructType {
  return { kind: 'struct', fields: type.fields.map((f) => ({ ...f, nullable: true })) };
}
