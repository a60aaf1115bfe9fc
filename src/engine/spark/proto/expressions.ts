import type { DataType, Int64 } from './types.js';

/**
 * TypeScript shapes of the Spark Connect messages in `spark/connect/expressions.proto` (see `types.ts` for the
 * conventions).
 */

/** `spark.connect.Expression`: a column expression; exactly one variant is set. */
export interface Expression {
  readonly literal?: Literal;
  readonly unresolvedAttribute?: {
    readonly unparsedIdentifier?: string;
    /** The plan id of the relation the column belongs to (a self-join's sides differ by it). */
    readonly planId?: Int64;
    readonly isMetadataColumn?: boolean;
  };
  readonly unresolvedFunction?: {
    readonly functionName?: string;
    readonly arguments?: readonly Expression[];
    readonly isDistinct?: boolean;
    readonly isUserDefinedFunction?: boolean;
  };
  /** A SQL expression as text, parsed by the server. */
  readonly expressionString?: { readonly expression?: string };
  readonly unresolvedStar?: { readonly unparsedTarget?: string; readonly planId?: Int64 };
  readonly alias?: Alias;
  readonly cast?: {
    readonly expr?: Expression;
    readonly type?: DataType;
    /** A type name the server parses, such as `array<float>`; instead of `type`. */
    readonly typeStr?: string;
    readonly evalMode?: 'EVAL_MODE_UNSPECIFIED' | 'EVAL_MODE_LEGACY' | 'EVAL_MODE_ANSI' | 'EVAL_MODE_TRY';
  };
  readonly sortOrder?: SortOrder;
  readonly unresolvedExtractValue?: { readonly child?: Expression; readonly extraction?: Expression };
  readonly commonInlineUserDefinedFunction?: CommonInlineUserDefinedFunction;
  readonly callFunction?: { readonly functionName?: string; readonly arguments?: readonly Expression[] };
}

/**
 * `spark.connect.Expression.Literal`: a constant; exactly one variant is set. `date` is days since 1970-01-01;
 * `timestamp` is microseconds since the epoch.
 */
export interface Literal {
  /** A typed null. */
  readonly null?: DataType;
  readonly binary?: Uint8Array;
  readonly boolean?: boolean;
  readonly byte?: number;
  readonly short?: number;
  readonly integer?: number;
  readonly long?: Int64;
  readonly float?: number;
  readonly double?: number;
  readonly decimal?: { readonly value?: string; readonly precision?: number; readonly scale?: number };
  readonly string?: string;
  readonly date?: number;
  readonly timestamp?: Int64;
  readonly timestampNtz?: Int64;
  readonly array?: { readonly elementType?: DataType; readonly elements?: readonly Literal[] };
  readonly struct?: { readonly structType?: DataType; readonly elements?: readonly Literal[] };
  /** A packed array of one primitive type (Spark 4.1+): how Spark ML sends the parts of vectors and matrices. */
  readonly specializedArray?: SpecializedArray;
}

/** `spark.connect.Expression.Literal.SpecializedArray`: exactly one variant is set. */
export interface SpecializedArray {
  readonly bools?: { readonly values?: readonly boolean[] };
  readonly ints?: { readonly values?: readonly number[] };
  readonly longs?: { readonly values?: readonly Int64[] };
  readonly floats?: { readonly values?: readonly number[] };
  readonly doubles?: { readonly values?: readonly number[] };
  readonly strings?: { readonly values?: readonly string[] };
}

/** `spark.connect.Expression.Alias`. */
export interface Alias {
  readonly expr?: Expression;
  /** The name parts; one for a column. */
  readonly name?: readonly string[];
  /** Column metadata as a JSON object. */
  readonly metadata?: string;
}

/** `spark.connect.Expression.SortOrder`. */
export interface SortOrder {
  readonly child?: Expression;
  readonly direction?:
    | 'SORT_DIRECTION_UNSPECIFIED'
    | 'SORT_DIRECTION_ASCENDING'
    | 'SORT_DIRECTION_DESCENDING';
  readonly nullOrdering?: 'SORT_NULLS_UNSPECIFIED' | 'SORT_NULLS_FIRST' | 'SORT_NULLS_LAST';
}

/** `spark.connect.CommonInlineUserDefinedFunction`: a function carried in the plan. */
export interface CommonInlineUserDefinedFunction {
  readonly functionName?: string;
  readonly deterministic?: boolean;
  readonly arguments?: readonly Expression[];
  readonly pythonUdf?: PythonUDF;
  readonly javaUdf?: JavaUDF;
  readonly isDistinct?: boolean;
}

/** `spark.connect.PythonUDF`: a function run by the executors' Python workers. */
export interface PythonUDF {
  readonly outputType?: DataType;
  /** pyspark's `PythonEvalType` (207 is map-in-Arrow). */
  readonly evalType?: number;
  /** The pickled `(function, return type)` pair. */
  readonly command?: Uint8Array;
  /** `major.minor` of the executors' Python. */
  readonly pythonVer?: string;
  readonly additionalIncludes?: readonly string[];
}

/** `spark.connect.JavaUDF`: a JVM class implementing one of Spark's `UDFn` interfaces. */
export interface JavaUDF {
  readonly className?: string;
  readonly outputType?: DataType;
  readonly aggregate?: boolean;
}
