import type { StructType } from '../types/DataType.js';
import type { StageSpec } from '../worker/StageSpec.js';
import type { Expr, SortOrder } from './expressions.js';

/** How a join keeps rows: Spark's join types. */
export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti' | 'cross';

/** A file format that the readers and writers know. */
export type FileFormat = 'parquet' | 'csv' | 'json' | 'arrow';

/** Options of the image reader, as `session.read.images` takes them. */
export interface ImageReadOptions {
  readonly recursive: boolean;
  readonly labelFromFolder: boolean;
  readonly sampleRatio: number;
  readonly seed: number;
  readonly dropInvalid: boolean;
  /** A string column with why an image did not decode, or none. */
  readonly errorColumn?: string;
}

/**
 * A node of the logical plan: plain, JSON-serializable data with a `kind` discriminant. DataFrames build these;
 * engines compile and run them. Local data is referenced by `dataId` (held by the session), not inlined.
 */
export type PlanNode =
  | { readonly kind: 'localData'; readonly dataId: string; readonly schema: StructType }
  | {
      readonly kind: 'range';
      readonly start: number;
      readonly end: number;
      readonly step: number;
      readonly numPartitions?: number;
    }
  | {
      readonly kind: 'readFiles';
      readonly format: FileFormat;
      readonly paths: readonly string[];
      readonly options: Readonly<Record<string, string>>;
      readonly schema?: StructType;
    }
  | { readonly kind: 'readImages'; readonly path: string; readonly options: ImageReadOptions }
  | { readonly kind: 'project'; readonly input: PlanNode; readonly exprs: readonly Expr[] }
  | {
      readonly kind: 'withColumns';
      readonly input: PlanNode;
      readonly columns: readonly { readonly name: string; readonly expr: Expr }[];
    }
  | {
      readonly kind: 'renameColumns';
      readonly input: PlanNode;
      readonly renames: readonly { readonly from: string; readonly to: string }[];
    }
  | { readonly kind: 'drop'; readonly input: PlanNode; readonly columns: readonly string[] }
  | { readonly kind: 'filter'; readonly input: PlanNode; readonly condition: Expr }
  | { readonly kind: 'limit'; readonly input: PlanNode; readonly n: number }
  | { readonly kind: 'offset'; readonly input: PlanNode; readonly n: number }
  | {
      readonly kind: 'sample';
      readonly input: PlanNode;
      readonly lowerBound: number;
      readonly upperBound: number;
      readonly withReplacement: boolean;
      readonly seed: number;
    }
  | { readonly kind: 'union'; readonly inputs: readonly PlanNode[]; readonly byName: boolean }
  | {
      readonly kind: 'join';
      readonly left: PlanNode;
      readonly right: PlanNode;
      readonly how: JoinType;
      readonly usingColumns?: readonly string[];
      readonly condition?: Expr;
    }
  | {
      readonly kind: 'aggregate';
      readonly input: PlanNode;
      readonly groupBy: readonly Expr[];
      readonly aggregates: readonly Expr[];
    }
  | { readonly kind: 'sort'; readonly input: PlanNode; readonly orders: readonly SortOrder[] }
  | { readonly kind: 'distinct'; readonly input: PlanNode; readonly columns?: readonly string[] }
  | { readonly kind: 'subqueryAlias'; readonly input: PlanNode; readonly alias: string }
  | { readonly kind: 'repartition'; readonly input: PlanNode; readonly numPartitions: number }
  | {
      readonly kind: 'mapBatches';
      readonly input: PlanNode;
      readonly stage: StageSpec;
      readonly outputSchema: StructType;
      readonly batchSize: number;
      /**
       * The stage returns only new columns, which the engine appends to the rows it sent (so that wide input
       * columns such as images never travel back from the worker).
       */
      readonly appendToInput?: boolean;
      /**
       * The stage's tasks start together as one gang, one per partition (Spark's barrier mode), and each gets its
       * whole partition: data-parallel training (`distributed/`). Only the Spark engine runs such a node.
       */
      readonly barrier?: boolean;
    }
  | { readonly kind: 'cache'; readonly input: PlanNode; readonly cacheId: string }
  | { readonly kind: 'sql'; readonly query: string }
  /** A table or temporary view by name (`session.table(name)`). */
  | { readonly kind: 'table'; readonly name: string };

/** A node's `kind`. */
export type PlanKind = PlanNode['kind'];

/** The plan's child nodes, left to right. */
export function children(node: PlanNode): readonly PlanNode[] {
  switch (node.kind) {
    case 'localData':
    case 'range':
    case 'readFiles':
    case 'readImages':
    case 'sql':
    case 'table':
      return [];
    case 'union':
      return node.inputs;
    case 'join':
      return [node.left, node.right];
    default:
      return [node.input];
  }
}
