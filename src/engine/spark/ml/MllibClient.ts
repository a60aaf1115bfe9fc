import * as arrow from 'apache-arrow';
import { SparkError } from '../../../errors.js';
import type { PlanNode } from '../../../plan/nodes.js';
import type { Engine } from '../../Engine.js';
import type * as proto from '../proto/index.js';
import { SparkEngine } from '../SparkEngine.js';
import {
  type MlParamValue,
  type MlValue,
  mlParams,
  mlValue,
  paramLiteral,
  VECTOR_UDT,
} from './mlLiterals.js';

/** What Spark ML over Connect needs of a Spark session: its engine gives it (`SparkEngine.ml()`). */
export interface MlConnection {
  /** The relation of a plan, ready to run (deepframe's stages in it shipped to the executors). */
  dataset(plan: PlanNode): Promise<proto.Relation>;
  /** Runs a Spark ML command; a server error comes back as the engine's error. */
  command(command: proto.MlCommand): Promise<proto.MlCommandResult>;
  /** Runs a relation, streaming its rows. */
  execute(relation: proto.Relation): AsyncIterable<arrow.RecordBatch>;
  /** Spark's schema of a relation, without running it. */
  schema(relation: proto.Relation): Promise<proto.DataType>;
}

/** A fitted model in the session's server-side ML cache. */
export interface MllibModelRef {
  /** The cache's id of the model. */
  readonly id: string;
  /** The estimator's JVM class that fitted it. */
  readonly estimator: string;
}

/** One method call of {@link MllibClient.fetch}: a name, or a name with arguments. */
export type MllibMethod = string | { readonly method: string; readonly args: readonly MlParamValue[] };

/** How deepframe's columns become Spark ML's: which to keep, which vectors, which doubles. */
export interface MllibColumns {
  /** Columns that deepframe keeps as `array<float>` and Spark ML reads as vectors (`VectorUDT`). */
  readonly vectors: readonly string[];
  /** Columns that Spark ML reads as doubles (labels, weights). */
  readonly doubles?: readonly string[];
  /** Keep only the vectors and doubles (a fit's dataset); by default every column stays. */
  readonly only?: boolean;
}

const attribute = (name: string): proto.Expression => ({
  unresolvedAttribute: { unparsedIdentifier: quote(name) },
});

/** A column name as Spark's identifier, in backquotes. */
function quote(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/**
 * Spark MLlib itself, run through Spark Connect's ML support (Spark 4.0+) on a Spark session: fit an estimator by
 * its JVM class with params on a DataFrame's rows, call the fitted model's methods (`coefficientMatrix`,
 * `weights`, `summary` then `objectiveHistory`, …), transform rows with it, and drop it. The model lives in the
 * session's ML cache on the server until {@link MllibClient.delete} (or the session's end).
 *
 * deepframe keeps vectors on Spark as `array<float>`; the datasets this client sends to MLlib convert the columns
 * that {@link MllibColumns} names to Spark ML vectors (`array_to_vector`) and labels to doubles, and
 * {@link MllibClient.transform} turns MLlib's vector outputs back into arrays of doubles.
 *
 * @example
 * ```ts
 * const mllib = MllibClient.for(df.session.engine); // undefined unless df is on a Spark session
 * const dataset = await mllib!.dataset(df.plan, { vectors: ['features'], doubles: ['label'], only: true });
 * const model = await mllib!.fit('org.apache.spark.ml.classification.LogisticRegression', { maxIter: 20 }, dataset);
 * const coefficients = await mllib!.fetch(model, 'coefficientMatrix');
 * await mllib!.delete(model);
 * ```
 */
export class MllibClient {
  readonly #connection: MlConnection;

  /**
   * A client over a session's ML connection; {@link MllibClient.for} makes one from an engine.
   *
   * @example
   * ```ts
   * const mllib = new MllibClient(sparkEngine.ml());
   * ```
   */
  constructor(connection: MlConnection) {
    this.#connection = connection;
  }

  /**
   * The client of an engine: Spark's engine has Spark ML; any other (the embedded engine) gives `undefined`.
   *
   * @example
   * ```ts
   * if (MllibClient.for(df.session.engine) === undefined) console.log('not a Spark session');
   * ```
   */
  static for(engine: Engine): MllibClient | undefined {
    return engine instanceof SparkEngine ? new MllibClient(engine.ml()) : undefined;
  }

  /**
   * The relation of a plan as Spark ML reads it: `columns.vectors` as vectors, `columns.doubles` cast to double,
   * the other columns as they are (or left out with `only`).
   *
   * @example
   * ```ts
   * const dataset = await mllib.dataset(df.plan, { vectors: ['features'], doubles: ['label'], only: true });
   * ```
   */
  async dataset(plan: PlanNode, columns: MllibColumns): Promise<proto.Relation> {
    const input = await this.#connection.dataset(plan);
    const aliases: proto.Alias[] = [
      ...columns.vectors.map((name) => ({
        expr: { unresolvedFunction: { functionName: 'array_to_vector', arguments: [attribute(name)] } },
        name: [name],
      })),
      ...(columns.doubles ?? []).map((name) => ({
        expr: { cast: { expr: attribute(name), type: { double: {} } } },
        name: [name],
      })),
    ];
    if (columns.only === true)
      return { project: { input, expressions: aliases.map((alias) => ({ alias })) } };
    return aliases.length === 0 ? input : { withColumns: { input, aliases } };
  }

  /**
   * Fits an estimator (`org.apache.spark.ml.classification.LogisticRegression`, …) with `params` on `dataset`;
   * resolves to the model's reference. Params left `undefined` keep MLlib's defaults.
   *
   * @example
   * ```ts
   * const ref = await mllib.fit('org.apache.spark.ml.classification.LogisticRegression', { regParam: 0.1 }, dataset);
   * ```
   */
  async fit(
    estimator: string,
    params: Readonly<Record<string, MlParamValue | undefined>>,
    dataset: proto.Relation,
    uid?: string,
  ): Promise<MllibModelRef> {
    const result = await this.#connection.command({
      fit: {
        estimator: {
          name: estimator,
          uid: uid ?? `${estimator.slice(estimator.lastIndexOf('.') + 1)}_deepframe`,
          type: 'OPERATOR_TYPE_ESTIMATOR',
        },
        params: mlParams(params),
        dataset,
      },
    });
    const id = result.operatorInfo?.objRef?.id;
    if (id === undefined || id === '') {
      throw new SparkError(
        'UNEXPECTED_ML_RESULT',
        `Spark ML fitted ${estimator} but returned no model reference; the server needs Spark ML over Connect (Spark 4.0+).`,
        { estimator },
      );
    }
    return { id, estimator };
  }

  /**
   * Calls methods of a fitted model one after another (each on the previous result) and resolves to the last
   * one's value: a number, boolean or string, a `Float64Array` for vectors and arrays of numbers, or a dense
   * row-major matrix.
   *
   * @example
   * ```ts
   * await mllib.fetch(ref, 'numFeatures'); // 5
   * await mllib.fetch(ref, 'summary', 'objectiveHistory'); // Float64Array [0.69, 0.41, …]
   * ```
   */
  async fetch(model: MllibModelRef, ...methods: MllibMethod[]): Promise<MlValue> {
    const result = await this.#connection.command({
      fetch: {
        objRef: { id: model.id },
        methods: methods.map((m) =>
          typeof m === 'string'
            ? { method: m }
            : { method: m.method, args: m.args.map((a) => ({ param: paramLiteral(a) })) },
        ),
      },
    });
    if (result.param === undefined) {
      throw new SparkError(
        'UNEXPECTED_ML_RESULT',
        `Spark ML's ${methods.map((m) => (typeof m === 'string' ? m : m.method)).join('.')} of ${model.estimator}'s model returned no value.`,
        { estimator: model.estimator },
      );
    }
    return mlValue(result.param);
  }

  /**
   * Drops fitted models from the session's ML cache on the server.
   *
   * @example
   * ```ts
   * await mllib.delete(ref);
   * ```
   */
  async delete(...models: MllibModelRef[]): Promise<void> {
    if (models.length === 0) return;
    await this.#connection.command({ delete: { objRefs: models.map((m) => ({ id: m.id })) } });
  }

  /**
   * Runs a fitted model's own transform on the cluster (`MlRelation.Transform`) over `dataset` (see
   * {@link MllibClient.dataset}) with `params` set on a copy of the model, and reads the rows; MLlib's vector
   * columns (`rawPrediction`, `probability`, …) come back as arrays of doubles.
   *
   * @example
   * ```ts
   * const table = await mllib.transform(ref, await mllib.dataset(df.plan, { vectors: ['features'] }));
   * table.getChild('probability')?.get(0); // Float64Array-backed vector of the first row's probabilities
   * ```
   */
  async transform(
    model: MllibModelRef,
    dataset: proto.Relation,
    params: Readonly<Record<string, MlParamValue | undefined>> = {},
  ): Promise<arrow.Table> {
    const transformed: proto.Relation = {
      mlRelation: { transform: { objRef: { id: model.id }, input: dataset, params: mlParams(params) } },
    };
    const schema = await this.#connection.schema(transformed);
    const expressions: proto.Expression[] = (schema.struct?.fields ?? []).map((f) => {
      const name = f.name ?? '';
      if (f.dataType?.udt?.jvmClass !== VECTOR_UDT) return attribute(name);
      const toArray: proto.Expression = {
        unresolvedFunction: {
          functionName: 'vector_to_array',
          arguments: [attribute(name), { literal: { string: 'float64' } }],
        },
      };
      return { alias: { expr: toArray, name: [name] } };
    });
    const batches: arrow.RecordBatch[] = [];
    for await (const batch of this.#connection.execute({ project: { input: transformed, expressions } }))
      batches.push(batch);
    return new arrow.Table(batches);
  }
}
