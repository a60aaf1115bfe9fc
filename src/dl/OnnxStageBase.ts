import { availableParallelism } from 'node:os';
import { ModelError, ParamError } from '../errors.js';
import type { DataFrame } from '../frame/DataFrame.js';
import { Transformer } from '../ml/Transformer.js';
import type { OnnxStageSpec } from '../models/onnxStage.js';
import type { SessionOptionsJson } from '../models/sessions.js';
import { trainingThreads } from '../nn/threads.js';
import type { SqlFunctionOverload } from '../sql/sqlFunction.js';
import type { StructField, StructType } from '../types/DataType.js';
import { OnnxParams } from './onnxParams.js';

/**
 * What every ONNX stage shares: batching, session options, the per-row error policy, and running its `onnx`
 * stage spec over a DataFrame in the worker pool (or on Spark executors). Subclasses resolve their model in
 * {@link PipelineStage.prepare} and describe the stage with {@link OnnxStageBase.stageSpec}.
 */
export abstract class OnnxStageBase extends Transformer {
  readonly batchSize = this.declareParam(OnnxParams.batchSize);
  readonly executionProviders = this.declareParam(OnnxParams.executionProviders);
  readonly intraOpNumThreads = this.declareParam(OnnxParams.intraOpNumThreads);
  readonly onError = this.declareParam(OnnxParams.onError);

  /** Rows per model run. */
  getBatchSize(): number {
    return this.getOrDefault(this.batchSize);
  }
  setBatchSize(value: number): this {
    return this.set(this.batchSize, value);
  }
  /** ONNX Runtime execution providers, in order of preference. */
  getExecutionProviders(): readonly string[] {
    return this.getOrDefault(this.executionProviders);
  }
  setExecutionProviders(value: readonly string[]): this {
    return this.set(this.executionProviders, value);
  }
  /** Threads per model session; 0 shares the cores among the worker threads. */
  getIntraOpNumThreads(): number {
    return this.getOrDefault(this.intraOpNumThreads);
  }
  setIntraOpNumThreads(value: number): this {
    return this.set(this.intraOpNumThreads, value);
  }
  /** What an unusable row becomes: `'null'` outputs or a failed job (`'fail'`). */
  getOnError(): 'null' | 'fail' {
    return this.getOrDefault(this.onError);
  }
  setOnError(value: 'null' | 'fail'): this {
    return this.set(this.onError, value);
  }

  /** The session options for a DataFrame of `session`: threads shared among the engine's parallel tasks. */
  protected sessionOptions(parallelism: number): SessionOptionsJson {
    const threads = this.getIntraOpNumThreads();
    return {
      executionProviders: [...this.getExecutionProviders()],
      intraOpNumThreads:
        threads > 0
          ? threads
          : (trainingThreads() ?? Math.max(1, Math.floor(availableParallelism() / Math.max(1, parallelism)))),
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    };
  }

  /** Throws unless {@link PipelineStage.prepare} has run for the current params. */
  protected notPrepared(): ModelError {
    return new ModelError(
      'STAGE_NOT_PREPARED',
      `${this.uid} has not read its model yet: call 'await stage.prepare()' before transformSchema(), or use transform(), which does.`,
      { stage: this.uid },
    );
  }

  /** The spec of the `onnx` stage this transformer runs, for a DataFrame of the given schema. */
  protected abstract stageSpec(schema: StructType, parallelism: number): OnnxStageSpec;

  /** The argument lists a SQL function of this stage takes: one schema of its input columns per overload. */
  protected abstract sqlArguments(): StructType[];

  /** @internal {@link OnnxStageBase.sqlArguments}, for a pipeline's SQL function. Call after `prepare`. */
  sqlArgumentSchemas(): StructType[] {
    return this.sqlArguments();
  }

  /** @internal The stage's spec over `schema`, as one step of a pipeline's SQL function. Call after `prepare`. */
  workerStageSpec(schema: StructType, parallelism: number): OnnxStageSpec {
    return this.stageSpec(schema, parallelism);
  }

  /**
   * @internal How a SQL function of this stage computes: for each argument list, the stage spec and its one output
   * column. Call after {@link PipelineStage.prepare}.
   */
  sqlFunctionOverloads(name: string, parallelism: number): SqlFunctionOverload[] {
    return this.sqlArguments().map((args) => {
      const added = this.transformSchema(args).fields.slice(args.fields.length);
      if (added.length !== 1) {
        throw new ParamError(
          'UNSUPPORTED_SQL_FUNCTION',
          `SQL function '${name}': a SQL function returns one value, but stage ${this.uid} adds ${added.length} columns (${added.map((f) => f.name).join(', ')}); map one output only.`,
          { function: name, stage: this.uid },
        );
      }
      return {
        args: args.fields,
        spec: this.stageSpec(args, parallelism),
        output: { column: (added[0] as StructField).name, type: (added[0] as StructField).type },
        batchSize: this.getBatchSize(),
        onError: this.getOnError(),
      };
    });
  }

  protected async _transform(df: DataFrame): Promise<DataFrame> {
    const schema = await df.schema();
    const spec = this.stageSpec(schema, df.session.parallelism);
    const outputSchema = this.transformSchema(schema);
    return df.withPlan({
      kind: 'mapBatches',
      input: df.plan,
      stage: spec,
      outputSchema,
      batchSize: spec.batchSize,
      appendToInput: true,
    });
  }
}
