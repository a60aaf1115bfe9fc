import type { Plan } from './commands.js';
import type { MlCommandResult } from './ml.js';
import type { Relation } from './relations.js';
import type { DataType, Int64 } from './types.js';

/**
 * TypeScript shapes of the requests and responses of `spark.connect.SparkConnectService` (`spark/connect/base.proto`;
 * see `types.ts` for the conventions). Requests carry the session (`sessionId`, `userContext`), the client's
 * `clientType`, and the server-side session id the client saw last, so that the server can tell a restart.
 */

/** `spark.connect.UserContext`. */
export interface UserContext {
  readonly userId?: string;
  readonly userName?: string;
}

/** The fields that every request to a session carries. */
export interface SessionFields {
  readonly sessionId?: string;
  readonly userContext?: UserContext;
  readonly clientType?: string;
  readonly clientObservedServerSideSessionId?: string;
}

/** `spark.connect.StorageLevel`. */
export interface StorageLevel {
  readonly useDisk?: boolean;
  readonly useMemory?: boolean;
  readonly useOffHeap?: boolean;
  readonly deserialized?: boolean;
  readonly replication?: number;
}

/** Spark's explain modes. */
export type ExplainMode =
  | 'EXPLAIN_MODE_UNSPECIFIED'
  | 'EXPLAIN_MODE_SIMPLE'
  | 'EXPLAIN_MODE_EXTENDED'
  | 'EXPLAIN_MODE_CODEGEN'
  | 'EXPLAIN_MODE_COST'
  | 'EXPLAIN_MODE_FORMATTED';

/** `spark.connect.AnalyzePlanRequest`: one of the analyses is set. */
export interface AnalyzePlanRequest extends SessionFields {
  readonly schema?: { readonly plan?: Plan };
  readonly explain?: { readonly plan?: Plan; readonly explainMode?: ExplainMode };
  readonly treeString?: { readonly plan?: Plan; readonly level?: number };
  readonly sparkVersion?: Record<string, never>;
  readonly ddlParse?: { readonly ddlString?: string };
  readonly persist?: { readonly relation?: Relation; readonly storageLevel?: StorageLevel };
  readonly unpersist?: { readonly relation?: Relation; readonly blocking?: boolean };
}

/** `spark.connect.AnalyzePlanResponse`. */
export interface AnalyzePlanResponse {
  readonly sessionId?: string;
  readonly serverSideSessionId?: string;
  readonly schema?: { readonly schema?: DataType };
  readonly explain?: { readonly explainString?: string };
  readonly treeString?: { readonly treeString?: string };
  readonly sparkVersion?: { readonly version?: string };
  readonly ddlParse?: { readonly parsed?: DataType };
  readonly persist?: Record<string, never>;
  readonly unpersist?: Record<string, never>;
}

/** `spark.connect.ExecutePlanRequest`. */
export interface ExecutePlanRequest extends SessionFields {
  readonly plan?: Plan;
  readonly operationId?: string;
  readonly requestOptions?: readonly { readonly reattachOptions?: { readonly reattachable?: boolean } }[];
  readonly tags?: readonly string[];
}

/** `spark.connect.ExecutePlanResponse.ExecutionProgress`: how far the running stages are. */
export interface ExecutionProgress {
  readonly stages?: readonly {
    readonly stageId?: Int64;
    readonly numTasks?: Int64;
    readonly numCompletedTasks?: Int64;
    readonly inputBytesRead?: Int64;
    readonly done?: boolean;
  }[];
  readonly numInflightTasks?: Int64;
}

/** `spark.connect.ExecutePlanResponse.Metrics`: per plan node, the SQL metrics of the execution. */
export interface ExecutionMetrics {
  readonly metrics?: readonly {
    readonly name?: string;
    readonly planId?: Int64;
    readonly parent?: Int64;
    readonly executionMetrics?: Readonly<
      Record<string, { readonly name?: string; readonly value?: Int64; readonly metricType?: string }>
    >;
  }[];
}

/** `spark.connect.ExecutePlanResponse`: one message of an execution's response stream. */
export interface ExecutePlanResponse {
  readonly sessionId?: string;
  readonly serverSideSessionId?: string;
  readonly operationId?: string;
  readonly responseId?: string;
  /** An Arrow IPC stream of `rowCount` rows. */
  readonly arrowBatch?: {
    readonly rowCount?: Int64;
    readonly data?: Uint8Array;
    readonly startOffset?: Int64;
  };
  readonly sqlCommandResult?: { readonly relation?: Relation };
  /** The last message of a reattachable execution. */
  readonly resultComplete?: Record<string, never>;
  readonly executionProgress?: ExecutionProgress;
  /** The result of an `MlCommand`. */
  readonly mlCommandResult?: MlCommandResult;
  readonly metrics?: ExecutionMetrics;
  readonly schema?: DataType;
}

/** `spark.connect.KeyValue`. */
export interface KeyValue {
  readonly key?: string;
  readonly value?: string;
}

/** `spark.connect.ConfigRequest`: one operation is set. */
export interface ConfigRequest extends SessionFields {
  readonly operation?: {
    readonly set?: { readonly pairs?: readonly KeyValue[]; readonly silent?: boolean };
    readonly get?: { readonly keys?: readonly string[] };
    readonly getWithDefault?: { readonly pairs?: readonly KeyValue[] };
    readonly getOption?: { readonly keys?: readonly string[] };
    readonly getAll?: { readonly prefix?: string };
    readonly unset?: { readonly keys?: readonly string[] };
    readonly isModifiable?: { readonly keys?: readonly string[] };
  };
}

/** `spark.connect.ConfigResponse`. */
export interface ConfigResponse {
  readonly sessionId?: string;
  readonly serverSideSessionId?: string;
  readonly pairs?: readonly KeyValue[];
  readonly warnings?: readonly string[];
}

/** `spark.connect.AddArtifactsRequest.ArtifactChunk`: bytes and their CRC-32. */
export interface ArtifactChunk {
  readonly data?: Uint8Array;
  readonly crc?: Int64;
}

/** `spark.connect.AddArtifactsRequest`: a batch of small artifacts, or the start or a further chunk of a large one. */
export interface AddArtifactsRequest extends SessionFields {
  readonly batch?: {
    readonly artifacts?: readonly { readonly name?: string; readonly data?: ArtifactChunk }[];
  };
  readonly beginChunk?: {
    readonly name?: string;
    readonly totalBytes?: Int64;
    readonly numChunks?: Int64;
    readonly initialChunk?: ArtifactChunk;
  };
  readonly chunk?: ArtifactChunk;
}

/** `spark.connect.AddArtifactsResponse`. */
export interface AddArtifactsResponse {
  readonly sessionId?: string;
  readonly serverSideSessionId?: string;
  readonly artifacts?: readonly { readonly name?: string; readonly isCrcSuccessful?: boolean }[];
}

/** `spark.connect.ArtifactStatusesRequest`. */
export interface ArtifactStatusesRequest extends SessionFields {
  readonly names?: readonly string[];
}

/** `spark.connect.ArtifactStatusesResponse`. */
export interface ArtifactStatusesResponse {
  readonly sessionId?: string;
  readonly serverSideSessionId?: string;
  readonly statuses?: Readonly<Record<string, { readonly exists?: boolean }>>;
}

/** `spark.connect.InterruptRequest`. */
export interface InterruptRequest extends SessionFields {
  readonly interruptType?:
    | 'INTERRUPT_TYPE_UNSPECIFIED'
    | 'INTERRUPT_TYPE_ALL'
    | 'INTERRUPT_TYPE_TAG'
    | 'INTERRUPT_TYPE_OPERATION_ID';
  readonly operationTag?: string;
  readonly operationId?: string;
}

/** `spark.connect.InterruptResponse`. */
export interface InterruptResponse {
  readonly sessionId?: string;
  readonly serverSideSessionId?: string;
  readonly interruptedIds?: readonly string[];
}

/** `spark.connect.ReattachExecuteRequest`: resume after `lastResponseId` (from the start when absent). */
export interface ReattachExecuteRequest extends SessionFields {
  readonly operationId?: string;
  readonly lastResponseId?: string;
}

/** `spark.connect.ReleaseExecuteRequest`. */
export interface ReleaseExecuteRequest extends SessionFields {
  readonly operationId?: string;
  readonly releaseAll?: Record<string, never>;
  readonly releaseUntil?: { readonly responseId?: string };
}

/** `spark.connect.ReleaseExecuteResponse`. */
export interface ReleaseExecuteResponse {
  readonly sessionId?: string;
  readonly serverSideSessionId?: string;
  readonly operationId?: string;
}

/** `spark.connect.ReleaseSessionRequest`. */
export interface ReleaseSessionRequest {
  readonly sessionId?: string;
  readonly userContext?: UserContext;
  readonly clientType?: string;
  readonly allowReconnect?: boolean;
}

/** `spark.connect.ReleaseSessionResponse`. */
export interface ReleaseSessionResponse {
  readonly sessionId?: string;
  readonly serverSideSessionId?: string;
}

/** `spark.connect.FetchErrorDetailsRequest`. */
export interface FetchErrorDetailsRequest extends SessionFields {
  readonly errorId?: string;
}

/** `spark.connect.FetchErrorDetailsResponse.QueryContext`: where in a query an error arose. */
export interface QueryContext {
  readonly contextType?: 'SQL' | 'DATAFRAME';
  readonly objectType?: string;
  readonly objectName?: string;
  readonly startIndex?: number;
  readonly stopIndex?: number;
  readonly fragment?: string;
  readonly callSite?: string;
  readonly summary?: string;
}

/** `spark.connect.FetchErrorDetailsResponse.Error`: one exception of a chain. */
export interface ErrorDetail {
  /** The exception's class, then its superclasses. */
  readonly errorTypeHierarchy?: readonly string[];
  readonly message?: string;
  readonly causeIdx?: number;
  readonly sparkThrowable?: {
    readonly errorClass?: string;
    readonly messageParameters?: Readonly<Record<string, string>>;
    readonly queryContexts?: readonly QueryContext[];
    readonly sqlState?: string;
  };
}

/** `spark.connect.FetchErrorDetailsResponse`. */
export interface FetchErrorDetailsResponse {
  readonly sessionId?: string;
  readonly serverSideSessionId?: string;
  readonly rootErrorIdx?: number;
  readonly errors?: readonly ErrorDetail[];
}

/** `google.rpc.ErrorInfo`, the error detail Spark attaches to a failed call. */
export interface ErrorInfo {
  readonly reason?: string;
  readonly domain?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * `google.rpc.Status`, from a failed call's `grpc-status-details-bin` trailer. Its details are
 * `google.protobuf.Any`s, whose field names protobufjs keeps in snake case.
 */
export interface RpcStatus {
  readonly code?: number;
  readonly message?: string;
  readonly details?: readonly { readonly type_url?: string; readonly value?: Uint8Array }[];
}
