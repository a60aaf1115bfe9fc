/**
 * A deepframe SQL function as a Spark Connect command: `Command.register_function` with a Python UDF of the scalar
 * Arrow iterator eval type (Spark 4.1+), whose command is a pickle naming the executor module's
 * `make_scalar_udf` with the function's configuration. Spark's Python worker then streams each task's argument
 * batches through deepframe's Node.js worker, batched, as the stage's runner does for DataFrames.
 *
 * @module
 */
import type { SqlFunction } from '../../../sql/sqlFunction.js';
import { type DataType, DataTypes } from '../../../types/DataType.js';
import type { StageSpec } from '../../../worker/StageSpec.js';
import type * as proto from '../proto/index.js';
import type { ExecutorRuntime } from './artifacts.js';
import { mapInArrowCommand } from './pickle.js';
import { type SparkJson, sparkJsonType, sparkProtoSchema } from './sparkSchema.js';
import { STAGE_CONFIG_VERSION } from './stageRelation.js';

/** pyspark's `PythonEvalType.SQL_SCALAR_ARROW_ITER_UDF` (Spark 4.1+): arrays in, arrays out, per task. */
export const SQL_SCALAR_ARROW_ITER_UDF = 251;

/** One overload as executors see it: its stage (files shipped), argument kinds and vector arguments. */
export interface ShippedOverload {
  readonly spec: StageSpec;
  readonly argKinds: readonly string[];
  readonly vectors: Readonly<Record<string, number>>;
  /** Spark types (JSON) the arguments are cast to before the stage runs. */
  readonly casts?: readonly SparkJson[];
}

/** The kind of Arrow array an argument of `type` arrives as (what the executor module matches overloads by). */
export function argumentKind(type: DataType): string {
  if (type.kind === 'struct') return 'struct';
  if (type.kind === 'string') return 'string';
  if (type.kind === 'vector' || type.kind === 'array') return 'list';
  return type.kind;
}

/**
 * The `register_function` command of a SQL function whose overloads' stages are shipped.
 *
 * @example
 * ```ts
 * await client.executePlan({ command: functionCommand(fn, shipped, runtime, '3.11') });
 * ```
 */
export function functionCommand(
  fn: SqlFunction,
  shipped: readonly ShippedOverload[],
  runtime: ExecutorRuntime,
  pythonVersion: string,
): proto.Command {
  const first = fn.overloads[0]!;
  const output = DataTypes.struct([DataTypes.field(first.output.column, first.output.type)]);
  const config = {
    version: STAGE_CONFIG_VERSION,
    spec: shipped[0]!.spec,
    stage: `SQL function ${fn.name}`,
    worker: runtime.worker,
    batchSize: first.batchSize,
    appendToInput: false,
    vectors: shipped[0]!.vectors,
    outputColumns: [first.output.column],
    outputType: sparkJsonType(output),
    // A function's own module may import packages: let it see the worker's.
    linkNodeModules: shipped.some((o) => o.spec.kind === 'scalarFunction'),
    arguments: first.args.map((a) => a.name),
    overloads: shipped,
  };
  const returnType = sparkProtoSchema(output).struct?.fields?.[0]?.dataType;
  return {
    registerFunction: {
      functionName: fn.name,
      deterministic: true,
      arguments: [],
      pythonUdf: {
        ...(returnType === undefined ? {} : { outputType: returnType }),
        evalType: SQL_SCALAR_ARROW_ITER_UDF,
        command: mapInArrowCommand(
          runtime.pythonModule,
          'make_scalar_udf',
          JSON.stringify(config),
          JSON.stringify(sparkJsonType(first.output.type)),
        ),
        pythonVer: pythonVersion,
      },
    },
  };
}
