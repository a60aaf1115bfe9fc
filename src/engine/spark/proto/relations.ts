import type { Alias, CommonInlineUserDefinedFunction, Expression, SortOrder } from './expressions.js';
import type { MlRelation } from './ml.js';
import type { Int64 } from './types.js';

/**
 * TypeScript shapes of the Spark Connect messages in `spark/connect/relations.proto` (see `types.ts` for the
 * conventions).
 */

/** `spark.connect.Relation`: a logical plan node; `common` carries its plan id and exactly one node type is set. */
export interface Relation {
  readonly common?: { readonly planId?: Int64 };
  readonly read?: Read;
  readonly project?: { readonly input?: Relation; readonly expressions?: readonly Expression[] };
  readonly filter?: { readonly input?: Relation; readonly condition?: Expression };
  readonly join?: Join;
  readonly setOp?: SetOperation;
  readonly sort?: {
    readonly input?: Relation;
    readonly order?: readonly SortOrder[];
    readonly isGlobal?: boolean;
  };
  readonly limit?: { readonly input?: Relation; readonly limit?: number };
  readonly aggregate?: Aggregate;
  readonly sql?: SQL;
  /** Rows sent with the plan: `data` is an Arrow IPC stream, `schema` a DDL or JSON schema. */
  readonly localRelation?: LocalRelation;
  readonly sample?: Sample;
  readonly offset?: { readonly input?: Relation; readonly offset?: number };
  readonly deduplicate?: {
    readonly input?: Relation;
    readonly columnNames?: readonly string[];
    readonly allColumnsAsKeys?: boolean;
    readonly withinWatermark?: boolean;
  };
  /** The integers `start`, `start + step`, … below `end`, in a column `id`. */
  readonly range?: {
    readonly start?: Int64;
    readonly end?: Int64;
    readonly step?: Int64;
    readonly numPartitions?: number;
  };
  readonly subqueryAlias?: {
    readonly input?: Relation;
    readonly alias?: string;
    readonly qualifier?: readonly string[];
  };
  readonly repartition?: {
    readonly input?: Relation;
    readonly numPartitions?: number;
    readonly shuffle?: boolean;
  };
  readonly toDf?: { readonly input?: Relation; readonly columnNames?: readonly string[] };
  readonly withColumnsRenamed?: {
    readonly input?: Relation;
    readonly renameColumnsMap?: Readonly<Record<string, string>>;
    readonly renames?: readonly { readonly colName?: string; readonly newColName?: string }[];
  };
  readonly showString?: {
    readonly input?: Relation;
    readonly numRows?: number;
    readonly truncate?: number;
    readonly vertical?: boolean;
  };
  readonly drop?: {
    readonly input?: Relation;
    readonly columns?: readonly Expression[];
    readonly columnNames?: readonly string[];
  };
  readonly tail?: { readonly input?: Relation; readonly limit?: number };
  /** Adds or replaces columns; each alias has one name. */
  readonly withColumns?: { readonly input?: Relation; readonly aliases?: readonly Alias[] };
  readonly hint?: {
    readonly input?: Relation;
    readonly name?: string;
    readonly parameters?: readonly Expression[];
  };
  readonly repartitionByExpression?: {
    readonly input?: Relation;
    readonly partitionExprs?: readonly Expression[];
    readonly numPartitions?: number;
  };
  readonly mapPartitions?: MapPartitions;
  /** A LocalRelation uploaded as the artifact `cache/<hash>` (SHA-256 hex of the serialized LocalRelation). */
  readonly cachedLocalRelation?: { readonly hash?: string };
  /** A DataFrame the server keeps, by the id it gave. */
  readonly cachedRemoteRelation?: { readonly relationId?: string };
  /** Spark ML over Connect: a model's transform, or rows that a model's method returns. */
  readonly mlRelation?: MlRelation;
}

/** `spark.connect.Read`: a table by name, or files through a data source. */
export interface Read {
  readonly namedTable?: {
    readonly unparsedIdentifier?: string;
    readonly options?: Readonly<Record<string, string>>;
  };
  readonly dataSource?: {
    readonly format?: string;
    /** A DDL or JSON schema; inferred when absent. */
    readonly schema?: string;
    readonly options?: Readonly<Record<string, string>>;
    readonly paths?: readonly string[];
    readonly predicates?: readonly string[];
  };
  readonly isStreaming?: boolean;
}

/** `spark.connect.Join`: either `joinCondition` or `usingColumns`. */
export interface Join {
  readonly left?: Relation;
  readonly right?: Relation;
  readonly joinCondition?: Expression;
  readonly joinType?:
    | 'JOIN_TYPE_UNSPECIFIED'
    | 'JOIN_TYPE_INNER'
    | 'JOIN_TYPE_FULL_OUTER'
    | 'JOIN_TYPE_LEFT_OUTER'
    | 'JOIN_TYPE_RIGHT_OUTER'
    | 'JOIN_TYPE_LEFT_ANTI'
    | 'JOIN_TYPE_LEFT_SEMI'
    | 'JOIN_TYPE_CROSS';
  readonly usingColumns?: readonly string[];
}

/** `spark.connect.SetOperation`: union (by position or by name), intersect, except. */
export interface SetOperation {
  readonly leftInput?: Relation;
  readonly rightInput?: Relation;
  readonly setOpType?:
    | 'SET_OP_TYPE_UNSPECIFIED'
    | 'SET_OP_TYPE_INTERSECT'
    | 'SET_OP_TYPE_UNION'
    | 'SET_OP_TYPE_EXCEPT';
  readonly isAll?: boolean;
  readonly byName?: boolean;
  readonly allowMissingColumns?: boolean;
}

/** `spark.connect.Aggregate`. */
export interface Aggregate {
  readonly input?: Relation;
  readonly groupType?:
    | 'GROUP_TYPE_UNSPECIFIED'
    | 'GROUP_TYPE_GROUPBY'
    | 'GROUP_TYPE_ROLLUP'
    | 'GROUP_TYPE_CUBE'
    | 'GROUP_TYPE_PIVOT'
    | 'GROUP_TYPE_GROUPING_SETS';
  readonly groupingExpressions?: readonly Expression[];
  readonly aggregateExpressions?: readonly Expression[];
}

/** `spark.connect.SQL`: the rows of a query. */
export interface SQL {
  readonly query?: string;
  readonly namedArguments?: Readonly<Record<string, Expression>>;
  readonly posArguments?: readonly Expression[];
}

/** `spark.connect.LocalRelation`. */
export interface LocalRelation {
  /** An Arrow IPC stream (schema and record batches). */
  readonly data?: Uint8Array;
  /** A DDL or JSON schema naming and typing the columns of `data`. */
  readonly schema?: string;
}

/** `spark.connect.Sample`: rows whose uniform draw in [0, 1) falls in [lowerBound, upperBound). */
export interface Sample {
  readonly input?: Relation;
  readonly lowerBound?: number;
  readonly upperBound?: number;
  readonly withReplacement?: boolean;
  readonly seed?: Int64;
  /** Sort the input first, so that complementary samples (randomSplit) partition the same rows. */
  readonly deterministicOrder?: boolean;
}

/** `spark.connect.MapPartitions`: a function over each partition (mapInArrow); `isBarrier` for barrier mode. */
export interface MapPartitions {
  readonly input?: Relation;
  readonly func?: CommonInlineUserDefinedFunction;
  readonly isBarrier?: boolean;
  readonly profileId?: number;
}
