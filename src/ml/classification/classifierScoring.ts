/**
 * How a classifier's inference model becomes Spark ML's output columns: `rawPrediction` and `probability`
 * (`vector<numClasses>`) and `prediction` (double), each left out when its column param is `''`, computed by one
 * `onnx` stage in the worker pool (or on Spark executors). Shared by the classification models on feature vectors
 * and by the image classifier.
 *
 * @module
 */

import type { DataFrame } from '../../frame/DataFrame.js';
import type { OnnxStageInput, OnnxStageOutput, OnnxStageSpec } from '../../models/onnxStage.js';
import type { SessionOptionsJson } from '../../models/sessions.js';
import { DataTypes, type StructType } from '../../types/DataType.js';
import { appendColumn } from '../schemaUtils.js';
import { CLASSIFIER_IO } from './classifierGraph.js';

/** The output columns' names; `''` leaves a column out. */
export interface ClassifierColumns {
  readonly rawPrediction: string;
  readonly probability: string;
  readonly prediction: string;
}

/** `schema` with the classifier's output columns appended. */
export function appendClassifierColumns(
  schema: StructType,
  cols: ClassifierColumns,
  numClasses: number,
  stage: string,
): StructType {
  let out = schema;
  const vector = DataTypes.vector(numClasses);
  if (cols.rawPrediction) out = appendColumn(out, cols.rawPrediction, vector, stage);
  if (cols.probability) out = appendColumn(out, cols.probability, vector, stage);
  if (cols.prediction) out = appendColumn(out, cols.prediction, DataTypes.double, stage);
  return out;
}

/** What runs the inference model: its file, session options, input, and batching. */
export interface ClassifierRun {
  readonly modelPath: string;
  readonly session: SessionOptionsJson;
  readonly input: OnnxStageInput;
  readonly batchSize: number;
  readonly onError: 'null' | 'fail';
}

/**
 * The classifier's one `onnx` stage as a step that runs in a worker by itself (a SQL function's chain): the same
 * outputs, `prediction` written as a double directly.
 */
export function classifierStageSpec(
  cols: ClassifierColumns,
  numClasses: number,
  run: ClassifierRun,
): OnnxStageSpec {
  const outputs: OnnxStageOutput[] = [];
  if (cols.rawPrediction) {
    outputs.push({
      name: CLASSIFIER_IO.rawPrediction,
      column: cols.rawPrediction,
      kind: 'vector',
      size: numClasses,
    });
  }
  if (cols.probability) {
    outputs.push({
      name: CLASSIFIER_IO.probability,
      column: cols.probability,
      kind: 'vector',
      size: numClasses,
    });
  }
  if (cols.prediction)
    outputs.push({ name: CLASSIFIER_IO.prediction, column: cols.prediction, kind: 'scalar' });
  return {
    kind: 'onnx',
    modelPath: run.modelPath,
    session: run.session,
    inputs: [run.input],
    outputs,
    keep: [],
    batchSize: run.batchSize,
    onError: run.onError,
  };
}

/**
 * `df` with the classifier's output columns (`outputSchema`, as {@link appendClassifierColumns} gave it): the
 * model's `rawPrediction` and `probability` outputs and its `prediction` as a double, by one `onnx` stage.
 */
export function scoreClassifier(
  df: DataFrame,
  outputSchema: StructType,
  cols: ClassifierColumns,
  numClasses: number,
  run: ClassifierRun,
): DataFrame {
  if (!cols.rawPrediction && !cols.probability && !cols.prediction) return df;
  const spec = classifierStageSpec(cols, numClasses, run);
  return df.withPlan({
    kind: 'mapBatches',
    input: df.plan,
    stage: spec,
    outputSchema,
    batchSize: spec.batchSize,
    appendToInput: true,
  });
}
