/**
 * A PipelineModel as a SQL function: its stages as one `chain` stage that runs in a worker (or on a Spark
 * executor), each stage a step — ONNX stages, the classification models' inference graphs (prediction written as a
 * double), `IndexToString` — so that `SELECT digit(image) FROM images` runs the whole pipeline batched.
 *
 * @module
 */
import { ImageClassificationModel } from '../dl/ImageClassificationModel.js';
import { OnnxStageBase } from '../dl/OnnxStageBase.js';
import { ParamError } from '../errors.js';
import { imageColumnSchema } from '../image/ImageSchema.js';
import { classifierStageSpec } from '../ml/classification/classifierScoring.js';
import { ProbabilisticClassificationModel } from '../ml/classification/ProbabilisticClassificationModel.js';
import { IndexToString } from '../ml/feature/IndexToString.js';
import type { PipelineModel } from '../ml/PipelineModel.js';
import type { Transformer } from '../ml/Transformer.js';
import { DataTypes, type StructField, type StructType } from '../types/DataType.js';
import type { StageSpec } from '../worker/StageSpec.js';
import type { SqlFunctionOverload } from './sqlFunction.js';

/**
 * The overloads of a SQL function that runs `model`: one per argument list its first stage takes; the result is
 * `outputCol`, or the last column the pipeline adds.
 */
export async function pipelineOverloads(
  name: string,
  model: PipelineModel,
  parallelism: number,
  outputCol?: string,
): Promise<SqlFunctionOverload[]> {
  const stages = model.stages;
  if (stages.length === 0) throw unsupported(name, model, 'it has no stages');
  for (const stage of stages) await stage.prepare();
  const overloads: SqlFunctionOverload[] = [];
  for (const args of argumentLists(name, stages[0] as Transformer)) {
    let schema = args;
    const steps: StageSpec[] = [];
    for (const stage of stages) {
      steps.push(await step(name, stage, schema, parallelism));
      schema = stage.transformSchema(schema);
    }
    const added = schema.fields.slice(args.fields.length);
    const output =
      outputCol === undefined ? added[added.length - 1] : added.find((f) => f.name === outputCol);
    if (output === undefined) {
      throw new ParamError(
        'UNKNOWN_OUTPUT_COLUMN',
        `SQL function '${name}': the pipeline ${model.uid} adds ${added.map((f) => `'${f.name}'`).join(', ') || 'no column'}${outputCol === undefined ? '' : `, not '${outputCol}'`}.`,
        { function: name, stage: model.uid },
      );
    }
    overloads.push({
      args: args.fields,
      spec: { kind: 'chain', steps, output: [(output as StructField).name] },
      output: { column: (output as StructField).name, type: (output as StructField).type },
      batchSize: 64,
      onError: 'null',
    });
  }
  return overloads;
}

function argumentLists(name: string, first: Transformer): StructType[] {
  if (first instanceof OnnxStageBase) return first.sqlArgumentSchemas();
  if (first instanceof ImageClassificationModel) {
    const column = first.getInputCol();
    return [
      DataTypes.struct([DataTypes.field(column, imageColumnSchema)]),
      DataTypes.struct([DataTypes.field(column, DataTypes.string)]),
    ];
  }
  if (first instanceof ProbabilisticClassificationModel) {
    return [DataTypes.struct([DataTypes.field(first.getFeaturesCol(), DataTypes.vector(first.numFeatures))])];
  }
  throw unsupported(name, first, 'its first stage does not take images or features');
}

async function step(
  name: string,
  stage: Transformer,
  schema: StructType,
  parallelism: number,
): Promise<StageSpec> {
  if (stage instanceof OnnxStageBase) return stage.workerStageSpec(schema, parallelism);
  if (stage instanceof ImageClassificationModel || stage instanceof ProbabilisticClassificationModel) {
    const run = await stage.classifierRun(schema, parallelism);
    return classifierStageSpec(stage.classifierColumns(), stage.numClasses, run);
  }
  if (stage instanceof IndexToString) {
    return {
      kind: 'indexToString',
      stage: stage.uid,
      inputCol: stage.getInputCol(),
      outputCol: stage.getOutputCol(),
      labels: stage.getLabels(),
    };
  }
  throw unsupported(name, stage, 'it cannot run inside a worker');
}

function unsupported(name: string, stage: Transformer, why: string): ParamError {
  return new ParamError(
    'UNSUPPORTED_SQL_FUNCTION',
    `Cannot register the SQL function '${name}': stage ${stage.uid} (${stage.constructor.name}) cannot be part of it: ${why}. A pipeline SQL function runs ONNX stages (DeepImageFeaturizer, DeepImagePredictor, OnnxImageTransformer, OnnxTransformer), classification models (LogisticRegressionModel, MultilayerPerceptronClassificationModel, ImageClassificationModel) and IndexToString.`,
    { function: name, stage: stage.uid },
  );
}
