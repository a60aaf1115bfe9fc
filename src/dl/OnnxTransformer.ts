import { SchemaError } from '../errors.js';
import type { StageOptions } from '../ml/Params.js';
import { registerStage } from '../ml/persistence.js';
import { appendColumn } from '../ml/schemaUtils.js';
import { localModelFile } from '../models/modelSources.js';
import type { OnnxStageSpec } from '../models/onnxStage.js';
import { type DataType, DataTypes, isNumeric, type StructType, simpleString } from '../types/DataType.js';
import { requireField } from '../types/Schema.js';
import { toNonEmptyString, toStringMap } from './converters.js';
import { type ModelShapes, readModelShapes } from './modelShapes.js';
import { OnnxStageBase } from './OnnxStageBase.js';

/**
 * Applies any ONNX model to tensor columns, batched, in the worker pool — the analogue of Deep Learning
 * Pipelines' `TFTransformer`. Each model input reads a `vector<N>` column (N = the input's values per row; a
 * numeric column for a one-value input); each chosen output becomes a `vector<M>` column. Column sizes are checked
 * against the model before anything runs.
 *
 * @example
 * ```ts
 * const t = new OnnxTransformer({
 *   model: 'models/mlp.onnx',
 *   inputMapping: { features: 'input' },      // column → model input
 *   outputMapping: { logits: 'scores' },      // model output → column
 * });
 * const scored = await t.transform(df);
 * ```
 */
export class OnnxTransformer extends OnnxStageBase {
  readonly model = this.declareParam({
    name: 'model',
    doc: "the ONNX model: a file path, a zoo name, or an http(s) URL with its checksum ('…/m.onnx#sha256=…').",
    converter: toNonEmptyString,
  });
  readonly inputMapping = this.declareParam({
    name: 'inputMapping',
    doc: 'which column feeds each model input: {column: input}.',
    converter: toStringMap,
  });
  readonly outputMapping = this.declareParam({
    name: 'outputMapping',
    doc: 'which model outputs to keep, as which columns: {output: column}.',
    converter: toStringMap,
  });
  /** What `prepare` read, for the model path it read it from (an own property, so `copy` keeps it). */
  protected shapesCache: { key: string; shapes: ModelShapes } | undefined;

  constructor(options: StageOptions<OnnxTransformer> = {}) {
    super(options);
    this.applyOptions(options);
  }

  getModel(): string {
    return this.getOrDefault(this.model);
  }
  setModel(value: string): this {
    return this.set(this.model, value);
  }
  getInputMapping(): Readonly<Record<string, string>> {
    return this.getOrDefault(this.inputMapping);
  }
  setInputMapping(value: Readonly<Record<string, string>>): this {
    return this.set(this.inputMapping, value);
  }
  getOutputMapping(): Readonly<Record<string, string>> {
    return this.getOrDefault(this.outputMapping);
  }
  setOutputMapping(value: Readonly<Record<string, string>>): this {
    return this.set(this.outputMapping, value);
  }

  /** Reads the model's inputs and outputs (and their sizes per row). */
  override async prepare(): Promise<void> {
    const model = this.getModel();
    if (this.shapesCache?.key !== model) {
      this.shapesCache = { key: model, shapes: await readModelShapes(await localModelFile(model)) };
    }
  }

  private preparedShapes(): ModelShapes {
    if (this.shapesCache === undefined || this.shapesCache.key !== this.getModel()) throw this.notPrepared();
    return this.shapesCache.shapes;
  }

  transformSchema(schema: StructType): StructType {
    const shapes = this.preparedShapes();
    const model = this.getModel();
    for (const [column, inputName] of Object.entries(this.getInputMapping())) {
      const input = shapes.inputs.find((i) => i.name === inputName);
      if (input === undefined) {
        throw new SchemaError(
          'MODEL_INPUT_MISMATCH',
          `${this.uid}: model '${model}' has no input '${inputName}' (mapped from column '${column}'). Its inputs: ${shapes.inputs.map((i) => `'${i.name}' [${i.rowShape.join(', ')}]`).join(', ')}.`,
          { stage: this.uid, input: inputName },
        );
      }
      const field = requireField(schema, column, `${this.uid}'s input`);
      checkTensorColumn(field.type, input.size, input.rowShape, column, inputName, model, this.uid);
    }
    const fed = new Set(Object.values(this.getInputMapping()));
    const missing = shapes.inputs.filter((i) => !fed.has(i.name));
    if (missing.length > 0) {
      throw new SchemaError(
        'MODEL_INPUT_MISMATCH',
        `${this.uid}: model '${model}' also needs input(s) ${missing.map((i) => `'${i.name}'`).join(', ')}; add them to inputMapping.`,
        { stage: this.uid },
      );
    }
    let out = schema;
    for (const [outputName, column] of Object.entries(this.getOutputMapping())) {
      const output = shapes.outputs.find((o) => o.name === outputName);
      if (output === undefined) {
        throw new SchemaError(
          'MODEL_OUTPUT_MISMATCH',
          `${this.uid}: model '${model}' has no output '${outputName}'. Its outputs: ${shapes.outputs.map((o) => `'${o.name}'`).join(', ')}.`,
          { stage: this.uid, output: outputName },
        );
      }
      out = appendColumn(out, column, DataTypes.vector(output.size), this.uid);
    }
    return out;
  }

  /** One vector argument per mapped input, in the mapping's order. */
  protected sqlArguments(): StructType[] {
    const shapes = this.preparedShapes();
    return [
      DataTypes.struct(
        Object.entries(this.getInputMapping()).map(([column, name]) =>
          DataTypes.field(column, DataTypes.vector(shapes.inputs.find((i) => i.name === name)?.size ?? 1)),
        ),
      ),
    ];
  }

  protected stageSpec(_schema: StructType, parallelism: number): OnnxStageSpec {
    const shapes = this.preparedShapes();
    return {
      kind: 'onnx',
      modelPath: shapes.path,
      session: this.sessionOptions(parallelism),
      inputs: Object.entries(this.getInputMapping()).map(([column, name]) => ({
        name,
        column,
        source: 'tensor' as const,
        shape: shapes.inputs.find((i) => i.name === name)!.rowShape,
      })),
      outputs: Object.entries(this.getOutputMapping()).map(([name, column]) => ({
        name,
        column,
        kind: 'vector' as const,
        size: shapes.outputs.find((o) => o.name === name)!.size,
      })),
      keep: [],
      batchSize: this.getBatchSize(),
      onError: this.getOnError(),
    };
  }
}
registerStage(OnnxTransformer);

/** Checks that a column can feed a model input of `size` values per row. */
export function checkTensorColumn(
  type: DataType,
  size: number,
  rowShape: readonly number[],
  column: string,
  input: string,
  model: string,
  stage: string,
): void {
  const fits = type.kind === 'vector' ? type.size === size : size === 1 && isNumeric(type);
  if (!fits) {
    throw new SchemaError(
      'MODEL_INPUT_MISMATCH',
      `${stage}: column '${column}' is ${simpleString(type)}, but input '${input}' of model '${model}' takes ` +
        `[${rowShape.join(', ')}] = ${size} float(s) per row, so the column must be vector<${size}>${size === 1 ? ' or numeric' : ''}.`,
      { stage, column, expected: `vector<${size}>`, actual: simpleString(type) },
    );
  }
}
