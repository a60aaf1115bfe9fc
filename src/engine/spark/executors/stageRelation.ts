/**
 * A deepframe stage as a Spark Connect relation: `MapPartitions` with a Python UDF of the map-in-Arrow eval type,
 * what pyspark's `mapInArrow` sends. Its command is a pickle that only names the executor module's
 * `make_runner` with the stage's configuration (see `pickle.ts`), so Spark's Python worker runs deepframe's
 * runner, which streams the partition's Arrow batches through the packed Node.js worker.
 *
 * @module
 */
import type { PlanNode } from '../../../plan/nodes.js';
import type { StageSpec } from '../../../worker/StageSpec.js';
import { describeStage } from '../../../worker/StageSpec.js';
import type { ConnectRelation } from '../compileRelation.js';
import type { ExecutorRuntime } from './artifacts.js';
import { mapInArrowCommand } from './pickle.js';
import { type SparkJson, sparkJsonSchema, sparkJsonType, sparkProtoSchema } from './sparkSchema.js';

/** pyspark's `PythonEvalType.SQL_MAP_ARROW_ITER_UDF` (`pyspark/util.py`): a map-in-Arrow function. */
export const SQL_MAP_ARROW_ITER_UDF = 207;

/** The version of {@link StageConfig} (the executor module's `CONFIG_VERSION`). */
export const STAGE_CONFIG_VERSION = 1;

/** The factory in the executor module that the pickle calls. */
export const RUNNER_FACTORY = 'make_runner';

/** The factory for a gang's stage (barrier mode; see `make_gang_runner` in the executor module). */
export const GANG_RUNNER_FACTORY = 'make_gang_runner';

/** A `mapBatches` plan node. */
export type MapBatchesNode = Extract<PlanNode, { kind: 'mapBatches' }>;

/** What the executor module's `make_runner` receives, as JSON (documented there). */
export interface StageConfig {
  readonly version: number;
  readonly spec: StageSpec;
  readonly stage: string;
  readonly worker: ExecutorRuntime['worker'];
  readonly batchSize: number;
  readonly appendToInput: boolean;
  readonly vectors: Readonly<Record<string, number>>;
  readonly outputColumns: readonly string[];
  readonly outputType: SparkJson;
  readonly linkNodeModules: boolean;
}

/** A stage made ready for executors: its files shipped, its input's vector columns known. */
export interface PreparedStage {
  /** The spec as executors see it (shipped files as placeholders). */
  readonly spec: StageSpec;
  readonly runtime: ExecutorRuntime;
  /** Input columns the stage reads as vectors, with their sizes. */
  readonly vectors: Readonly<Record<string, number>>;
  /** The executors' Python, `major.minor`. */
  readonly pythonVersion: string;
  /**
   * The input's columns, passed to the UDF as its arguments (as pyspark's `mapInArrow` does): without them,
   * Spark's optimizer sees a function that reads no column and prunes them all from its input.
   */
  readonly inputColumns: readonly string[];
}

/**
 * The executor module's configuration for a stage.
 *
 * @example
 * ```ts
 * JSON.stringify(stageConfig(node, prepared)); // '{"version":1,"spec":{"kind":"onnx",…},"batchSize":64,…}'
 * ```
 */
export function stageConfig(node: MapBatchesNode, prepared: PreparedStage): StageConfig {
  const kind = prepared.spec.kind;
  return {
    version: STAGE_CONFIG_VERSION,
    spec: prepared.spec,
    stage: describeStage(node.stage),
    worker: prepared.runtime.worker,
    batchSize: node.batchSize,
    appendToInput: node.appendToInput === true,
    vectors: prepared.vectors,
    outputColumns: node.outputSchema.fields.map((f) => f.name),
    outputType: sparkJsonType(node.outputSchema),
    linkNodeModules: kind === 'module' || kind === 'mapBlocks',
  };
}

/**
 * The `MapPartitions` relation that runs a prepared stage over `input`'s rows on the executors. Its output type
 * is the node's output schema, vectors as `array<float>` with their sizes in the fields' metadata.
 *
 * @example
 * ```ts
 * const relation = stageRelation(node, inputRelation, prepared);
 * // { mapPartitions: { input, func: { functionName: 'deepframe_onnx', pythonUdf: { evalType: 207, … } }, isBarrier: false } }
 * ```
 */
export function stageRelation(
  node: MapBatchesNode,
  input: ConnectRelation,
  prepared: PreparedStage,
): ConnectRelation {
  const config = JSON.stringify(stageConfig(node, prepared));
  return {
    mapPartitions: {
      input,
      func: {
        functionName: `deepframe_${node.stage.kind}`,
        deterministic: true,
        arguments: prepared.inputColumns.map((name) => ({
          unresolvedAttribute: { unparsedIdentifier: `\`${name.replaceAll('`', '``')}\`` },
        })),
        pythonUdf: {
          outputType: sparkProtoSchema(node.outputSchema),
          evalType: SQL_MAP_ARROW_ITER_UDF,
          command: mapInArrowCommand(
            prepared.runtime.pythonModule,
            node.barrier === true ? GANG_RUNNER_FACTORY : RUNNER_FACTORY,
            config,
            sparkJsonSchema(node.outputSchema),
          ),
          pythonVer: prepared.pythonVersion,
        },
      },
      isBarrier: node.barrier === true,
    },
  };
}
