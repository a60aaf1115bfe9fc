import type { Literal } from './expressions.js';
import type { Relation } from './relations.js';

/**
 * TypeScript shapes of the Spark ML messages of Spark Connect (`spark/connect/ml.proto`, `ml_common.proto`, and
 * `MlRelation` / `Fetch` of `relations.proto`; see `types.ts` for the conventions).
 */

/** `spark.connect.MlParams`: param values by name. */
export interface MlParams {
  readonly params?: Readonly<Record<string, Literal>>;
}

/** `spark.connect.MlOperator`: a Spark ML class by its JVM name, such as `org.apache.spark.ml.classification.LogisticRegression`. */
export interface MlOperator {
  readonly name?: string;
  readonly uid?: string;
  readonly type?:
    | 'OPERATOR_TYPE_UNSPECIFIED'
    | 'OPERATOR_TYPE_ESTIMATOR'
    | 'OPERATOR_TYPE_TRANSFORMER'
    | 'OPERATOR_TYPE_EVALUATOR'
    | 'OPERATOR_TYPE_MODEL';
}

/** `spark.connect.ObjectRef`: an object of the session's server-side ML cache. */
export interface ObjectRef {
  readonly id?: string;
}

/** `spark.connect.Fetch`: methods called one after another, from a cached object. */
export interface Fetch {
  readonly objRef?: ObjectRef;
  readonly methods?: readonly FetchMethod[];
}

/** `spark.connect.Fetch.Method`: a method by name, with its arguments. */
export interface FetchMethod {
  readonly method?: string;
  readonly args?: readonly { readonly param?: Literal; readonly input?: Relation }[];
}

/** `spark.connect.MlCommand`: exactly one variant is set. */
export interface MlCommand {
  readonly fit?: { readonly estimator?: MlOperator; readonly params?: MlParams; readonly dataset?: Relation };
  readonly fetch?: Fetch;
  readonly delete?: { readonly objRefs?: readonly ObjectRef[]; readonly evictOnly?: boolean };
}

/** `spark.connect.MlCommandResult`: exactly one variant is set. */
export interface MlCommandResult {
  readonly param?: Literal;
  /** The id of a cached summary. */
  readonly summary?: string;
  readonly operatorInfo?: {
    readonly objRef?: ObjectRef;
    readonly name?: string;
    readonly uid?: string;
    readonly params?: MlParams;
    readonly warningMessage?: string;
  };
}

/** `spark.connect.MlRelation`: exactly one of `transform` and `fetch` is set. */
export interface MlRelation {
  readonly transform?: {
    readonly objRef?: ObjectRef;
    readonly transformer?: MlOperator;
    readonly input?: Relation;
    readonly params?: MlParams;
  };
  readonly fetch?: Fetch;
  readonly modelSummaryDataset?: Relation;
}
