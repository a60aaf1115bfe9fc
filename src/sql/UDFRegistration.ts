import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { DeepImagePredictor } from '../dl/DeepImagePredictor.js';
import { OnnxStageBase } from '../dl/OnnxStageBase.js';
import { ParamError } from '../errors.js';
import type { Session } from '../frame/Session.js';
import type { ImagePreprocessSpec } from '../image/preprocess.js';
import { PipelineModel } from '../ml/PipelineModel.js';
import type { Transformer } from '../ml/Transformer.js';
import { type DataType, DataTypes, parseTypeName } from '../types/DataType.js';
import { moduleSpecifier, resolveStageFunction } from '../worker/moduleStage.js';
import type { ScalarFunctionStageSpec } from '../worker/scalarFunctionStage.js';
import { checkSqlName } from './names.js';
import { pipelineOverloads } from './pipelineFunction.js';

/** Options of {@link UDFRegistration.registerImageModel}. */
export interface ImageModelFunctionOptions {
  /**
   * Return the `topK` most likely classes as `array<struct<class, description, probability>>` instead of the
   * class probabilities as `vector<classes>` (default false).
   *
   * @example
   * ```ts
   * { decodePredictions: true, topK: 3 }
   * ```
   */
  readonly decodePredictions?: boolean;
  /** Classes kept with `decodePredictions` (default 5). */
  readonly topK?: number;
  /** How images become the model's input, when the model card or zoo entry does not say (or to override it). */
  readonly preprocessing?: ImagePreprocessSpec;
  /** Rows per model run (default 64). */
  readonly batchSize?: number;
  /** What an image that cannot be read gives: null (`'null'`, the default) or a failed query (`'fail'`). */
  readonly onError?: 'null' | 'fail';
}

/**
 * Registers models as SQL functions of a session (`session.udf`), after Spark's `spark.udf` and Deep Learning
 * Pipelines' `registerKerasImageUDF`. A registered function is called by name in `session.sql` and in `expr`
 * anywhere an expression goes — projections, `WHERE`, `GROUP BY`, join conditions — and runs its model batched on
 * worker threads, never row by row on the calling thread.
 *
 * On the embedded engine the function is a DuckDB scalar function: each chunk of up to 2,048 rows is split across
 * worker threads (one model session each) while the query waits for it. Registering a function on a Spark session is
 * not supported yet.
 *
 * @example
 * ```ts
 * await session.udf.registerImageModel('classify', 'DigitsCNN', { decodePredictions: true, topK: 1 });
 * await images.createOrReplaceTempView('images');
 * await session.sql('SELECT classify(image)[1].class AS digit, count(*) AS n FROM images GROUP BY digit').show();
 * ```
 */
export class UDFRegistration {
  /** @internal Use `session.udf`. */
  constructor(private readonly session: Session) {}

  /**
   * Registers an image model (a zoo name, a shipped model, or an `.onnx` file with its model card) as a function of
   * one image: an image struct (`session.read.images`) or a file path.
   *
   * @example
   * ```ts
   * await session.udf.registerImageModel('digit_probs', 'models/digits-cnn.onnx');
   * session.sql('SELECT image.origin, digit_probs(image) AS p FROM images');
   * ```
   */
  async registerImageModel(
    name: string,
    model: string,
    options: ImageModelFunctionOptions = {},
  ): Promise<void> {
    const source =
      extname(model).toLowerCase() === '.onnx' || existsSync(model) ? { model } : { modelName: model };
    const predictor = new DeepImagePredictor({
      inputCol: 'image',
      outputCol: 'result',
      ...source,
      decodePredictions: options.decodePredictions ?? false,
      ...(options.topK === undefined ? {} : { topK: options.topK }),
      ...(options.preprocessing === undefined ? {} : { preprocessing: options.preprocessing }),
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      onError: options.onError ?? 'null',
    });
    await this.registerModel(name, predictor);
  }

  /**
   * Registers a model stage, or a fitted PipelineModel, as a SQL function: its input columns become the function's
   * arguments, in order, and its output column the result. Takes the ONNX stages — `DeepImagePredictor`,
   * `DeepImageFeaturizer` and `OnnxImageTransformer` (one image argument: struct or path), `OnnxTransformer` (one
   * vector argument per mapped input) — and PipelineModels of those, classification models and `IndexToString`,
   * which run as one chain in the worker (the result: `options.outputCol`, or the last column the pipeline adds).
   * The stage is copied: changing it afterwards does not change the function.
   *
   * @example
   * ```ts
   * const featurizer = new DeepImageFeaturizer({ modelName: 'DigitsBackbone0to4' });
   * await session.udf.registerModel('features', featurizer);
   * session.sql('SELECT label, features(image) AS f FROM images');
   * ```
   */
  async register(
    name: string,
    modulePath: string,
    exportName: string,
    returnType: DataType | string,
    options: FunctionOptions = {},
  ): Promise<void> {
    checkSqlName(name, 'SQL function', 'INVALID_FUNCTION_NAME');
    const path = moduleSpecifier(modulePath);
    // Fail here, naming the module or export, rather than in the first query.
    await resolveStageFunction({ kind: 'module', modulePath: path, exportName, options: null });
    const type = dataType(returnType, name);
    const args = (options.argTypes ?? []).map((t, i) => DataTypes.field(`arg${i}`, dataType(t, name)));
    const output = { column: 'result', type };
    const spec: ScalarFunctionStageSpec = {
      kind: 'scalarFunction',
      name,
      modulePath: path,
      exportName,
      arguments: args.map((a) => a.name),
      output,
    };
    await this.session.engine.registerFunction({
      name,
      overloads: [
        {
          args,
          anyArguments: options.argTypes === undefined,
          spec,
          output,
          batchSize: 2048,
          onError: 'fail',
        },
      ],
    });
  }

  async registerModel(name: string, model: Transformer, options: ModelFunctionOptions = {}): Promise<void> {
    checkSqlName(name, 'SQL function', 'INVALID_FUNCTION_NAME');
    if (model instanceof PipelineModel) {
      const overloads = await pipelineOverloads(name, model, this.session.parallelism, options.outputCol);
      await this.session.engine.registerFunction({ name, overloads });
      return;
    }
    if (!(model instanceof OnnxStageBase)) {
      throw new ParamError(
        'UNSUPPORTED_SQL_FUNCTION',
        `Cannot register ${model.uid} as the SQL function '${name}': a SQL function runs one model stage (DeepImagePredictor, DeepImageFeaturizer, OnnxImageTransformer or OnnxTransformer); apply other stages with the DataFrame API.`,
        { function: name, stage: model.uid },
      );
    }
    const stage = model.copy();
    await stage.prepare();
    const overloads = stage.sqlFunctionOverloads(name, this.session.parallelism);
    await this.session.engine.registerFunction({ name, overloads });
  }
}

/** Options of {@link UDFRegistration.registerModel}. */
export interface ModelFunctionOptions {
  /**
   * For a PipelineModel: the column the function returns (default: the last column the pipeline adds, such as an
   * `IndexToString`'s labels).
   *
   * @example
   * ```ts
   * { outputCol: 'probability' }
   * ```
   */
  readonly outputCol?: string;
}

/** Options of {@link UDFRegistration.register}. */
export interface FunctionOptions {
  /**
   * The arguments' types, in order (`DataType`s or Spark type names such as `'double'`, `'vector<3>'`): the
   * embedded engine then checks calls' arity and types. Undeclared, the function takes any arguments, named
   * `arg0`, `arg1`, … and typed as the call gives them.
   *
   * @example
   * ```ts
   * { argTypes: ['double', 'double'] }
   * ```
   */
  readonly argTypes?: readonly (DataType | string)[];
}

/** A type, or a type name parsed (a ParamError naming the function when it is not one). */
function dataType(type: DataType | string, fn: string): DataType {
  if (typeof type !== 'string') return type;
  const parsed = parseTypeName(type);
  if (parsed === undefined) {
    throw new ParamError(
      'INVALID_TYPE_NAME',
      `SQL function '${fn}': '${type}' is not a type name; use Spark's names such as 'double', 'string', 'array<float>' or deepframe's 'vector<N>'.`,
      { function: fn, type },
    );
  }
  return parsed;
}
