/**
 * The `scalarFunction` stage: a TypeScript (compiled JavaScript) function of Arrow columns that a SQL function
 * calls, vectorized: `fn(...columns: arrow.Vector[]) => arrow.Vector | ArrayLike<unknown>`, one result per row,
 * turned into a column of the declared type.
 *
 * @module
 */
import type * as arrow from 'apache-arrow';
import { ExecutionError, ParamError } from '../errors.js';
import { rowsToArrow } from '../frame/rows.js';
import { type DataType, DataTypes } from '../types/DataType.js';
import type { Row } from '../types/Value.js';
import { resolveStageFunction } from './moduleStage.js';
import type { StageHandler } from './stages.js';

/** Spec of a `scalarFunction` stage. */
export interface ScalarFunctionStageSpec {
  readonly kind: 'scalarFunction';
  /** The SQL function's name, for messages. */
  readonly name: string;
  readonly modulePath: string;
  readonly exportName: string;
  /** The input columns passed as the function's arguments, in order. */
  readonly arguments: readonly string[];
  /** The output column and its type. */
  readonly output: { readonly column: string; readonly type: DataType };
}

declare module './StageSpec.js' {
  interface StageSpecKinds {
    scalarFunction: ScalarFunctionStageSpec;
  }
}

/** A function a SQL function may call: Arrow columns in, one value per row out. */
export type ScalarFunction = (
  ...columns: arrow.Vector[]
) => arrow.Vector | ArrayLike<unknown> | Promise<arrow.Vector | ArrayLike<unknown>>;

export const scalarFunctionStage: StageHandler<'scalarFunction'> = {
  validate(spec) {
    if (!Array.isArray(spec.arguments) || typeof spec.output?.column !== 'string') {
      throw new ParamError(
        'INVALID_STAGE_SPEC',
        `The scalar function stage '${spec.name}' needs 'arguments' (column names) and 'output' {column, type}.`,
        { kind: 'scalarFunction' },
      );
    }
  },
  async run(spec, batch) {
    const fn = (await resolveStageFunction({
      kind: 'module',
      modulePath: spec.modulePath,
      exportName: spec.exportName,
      options: null,
    })) as unknown as ScalarFunction;
    if (fn.length > 0 && fn.length !== spec.arguments.length) {
      throw new ExecutionError(
        'WRONG_NUM_ARGS',
        `SQL function ${spec.name} was called with ${spec.arguments.length} argument(s), but '${spec.exportName}' of '${spec.modulePath}' takes ${fn.length}.`,
        { function: spec.name, expected: String(fn.length), actual: String(spec.arguments.length) },
      );
    }
    const columns = spec.arguments.map((name) => batch.getChild(name) as arrow.Vector);
    const result = await fn(...columns);
    const length = (result as { length?: unknown }).length;
    if (typeof length !== 'number' || length !== batch.numRows) {
      throw new ExecutionError(
        'FUNCTION_RESULT_SIZE',
        `SQL function ${spec.name} ('${spec.exportName}' of '${spec.modulePath}') must return one value per row: ${batch.numRows} for this batch; it returned ${typeof length === 'number' ? length : 'no array'}.`,
        { function: spec.name, expected: String(batch.numRows) },
      );
    }
    const values = Array.from(result as ArrayLike<unknown>);
    const rows = values.map((v) => ({ [spec.output.column]: v }) as Row);
    const table = rowsToArrow(
      rows,
      DataTypes.struct([DataTypes.field(spec.output.column, spec.output.type)]),
    );
    return table.batches[0] as arrow.RecordBatch;
  },
};
