/**
 * A SQL function backed by a deepframe stage, as engines register it: for each argument list it accepts, the stage
 * that computes it over a batch of those arguments and the column it reads the result from.
 *
 * @module
 */
import type { DataType, StructField } from '../types/DataType.js';
import type { StageSpec } from '../worker/StageSpec.js';

/** One argument list of a SQL function, and how it is computed. */
export interface SqlFunctionOverload {
  /** The arguments, in order: the names are the stage's input columns. */
  readonly args: readonly StructField[];
  /**
   * Any number of arguments of any types, named `arg0`, `arg1`, … when called (`args` is then empty): a function
   * whose argument types were not declared. The stage's `arguments` are set to the names at each call.
   */
  readonly anyArguments?: boolean;
  /** The stage that computes the result over a batch of the arguments. */
  readonly spec: StageSpec;
  /** The stage's output column, and its type (the function's return type). */
  readonly output: { readonly column: string; readonly type: DataType };
  /** Rows per stage run. */
  readonly batchSize: number;
  /** What a row the stage cannot use becomes (`'null'`) or does (`'fail'`): for error messages. */
  readonly onError: 'null' | 'fail';
}

/** A SQL function: its name and argument lists. */
export interface SqlFunction {
  readonly name: string;
  readonly overloads: readonly SqlFunctionOverload[];
}
