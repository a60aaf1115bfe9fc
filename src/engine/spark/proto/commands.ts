import type { CommonInlineUserDefinedFunction, Expression } from './expressions.js';
import type { MlCommand } from './ml.js';
import type { Relation } from './relations.js';

/**
 * TypeScript shapes of the Spark Connect messages in `spark/connect/commands.proto` and of `Plan` (see `types.ts`
 * for the conventions).
 */

/** `spark.connect.Command`: a plan that does rather than returns; exactly one variant is set. */
export interface Command {
  /** Registers a function for the session: a `javaUdf` from an uploaded jar, or a `pythonUdf`. */
  readonly registerFunction?: CommonInlineUserDefinedFunction;
  readonly writeOperation?: WriteOperation;
  readonly createDataframeView?: {
    readonly input?: Relation;
    readonly name?: string;
    readonly isGlobal?: boolean;
    readonly replace?: boolean;
  };
  /** Runs a SQL statement now; a query comes back as a relation (`ExecutePlanResponse.sqlCommandResult`). */
  readonly sqlCommand?: {
    readonly sql?: string;
    readonly namedArguments?: Readonly<Record<string, Expression>>;
    readonly posArguments?: readonly Expression[];
    readonly input?: Relation;
  };
  /** Spark ML over Connect: fit, fetch, delete; the answer is `ExecutePlanResponse.mlCommandResult`. */
  readonly mlCommand?: MlCommand;
}

/** `spark.connect.WriteOperation`: writes the rows of `input` to `path` (or a table) with a data source. */
export interface WriteOperation {
  readonly input?: Relation;
  readonly source?: string;
  readonly path?: string;
  readonly table?: {
    readonly tableName?: string;
    readonly saveMethod?:
      | 'TABLE_SAVE_METHOD_UNSPECIFIED'
      | 'TABLE_SAVE_METHOD_SAVE_AS_TABLE'
      | 'TABLE_SAVE_METHOD_INSERT_INTO';
  };
  readonly mode?:
    | 'SAVE_MODE_UNSPECIFIED'
    | 'SAVE_MODE_APPEND'
    | 'SAVE_MODE_OVERWRITE'
    | 'SAVE_MODE_ERROR_IF_EXISTS'
    | 'SAVE_MODE_IGNORE';
  readonly sortColumnNames?: readonly string[];
  readonly partitioningColumns?: readonly string[];
  readonly options?: Readonly<Record<string, string>>;
}

/**
 * `spark.connect.Plan`: what ExecutePlan runs, a relation (rows come back) or a command.
 *
 * @example
 * ```ts
 * const plan: Plan = { root: { range: { end: 10, step: 1 } } };
 * ```
 */
export type Plan = { readonly root: Relation } | { readonly command: Command };
