/**
 * Params and column checks that several feature stages share: the single-or-multi-column params of Spark's
 * `HasInputCol`/`HasInputCols` stages, and their rules (Spark's `ParamValidators.checkSingleVsMultiColumnParams`).
 *
 * @module
 */
import { ParamError } from '../../errors.js';
import { describeValue, type Param, type ParamSpec } from '../Param.js';
import type { Params } from '../Params.js';
import { ParamValidators } from '../ParamValidators.js';
import { SharedParams } from '../sharedParams.js';
import { TypeConverters } from '../TypeConverters.js';

/** `inputCols` for feature stages: at least one column. */
export const nonEmptyInputCols: ParamSpec<readonly string[]> = {
  ...SharedParams.inputCols,
  validator: ParamValidators.arrayLengthGt(0),
};

/** `outputCols` for feature stages: at least one column. */
export const nonEmptyOutputCols: ParamSpec<readonly string[]> = {
  ...SharedParams.outputCols,
  validator: ParamValidators.arrayLengthGt(0),
};

/**
 * A `handleInvalid` param that accepts `allowed`, with Spark's doc for the stage and `'error'` as default.
 *
 * @example
 * ```ts
 * readonly handleInvalid = this.declareParam(handleInvalidParam(['error', 'keep'] as const, 'How to handle …'));
 * ```
 */
export function handleInvalidParam<const V extends string>(
  allowed: readonly V[],
  doc: string,
  defaultValue: NoInfer<V>,
): ParamSpec<V> {
  return {
    name: 'handleInvalid',
    doc,
    converter: TypeConverters.toOneOf(allowed),
    default: defaultValue,
  };
}

/** A stage with Spark's four column params: one input and output column, or several. */
export interface MultiColumnParams extends Params {
  readonly inputCol: Param<string>;
  readonly inputCols: Param<readonly string[]>;
  readonly outputCol: Param<string>;
  readonly outputCols: Param<readonly string[]>;
}

/**
 * The input and output columns of a stage that takes `inputCol`/`outputCol` or `inputCols`/`outputCols`, checked
 * as Spark checks them: exactly one of `inputCol` and `inputCols` is set; with `inputCol`, `outputCols` is not set
 * (`outputCol` may keep its default); with `inputCols`, `outputCol` is not set and `outputCols` has one name per
 * input; output names are distinct. Throws `ParamError` `INVALID_COLUMN_PARAMS` saying which rule was broken.
 *
 * @example
 * ```ts
 * const { inputs, outputs } = inputOutputColumns(indexer); // { inputs: ['color'], outputs: ['colorIndex'] }
 * ```
 */
export function inputOutputColumns(stage: MultiColumnParams): {
  inputs: readonly string[];
  outputs: readonly string[];
} {
  const single = stage.isSet(stage.inputCol);
  const multi = stage.isSet(stage.inputCols);
  if (single && multi) {
    throw columnParamsError(
      stage,
      `takes either inputCol (one column) or inputCols (several), but both are set: inputCol ` +
        `${describeValue(stage.getOrDefault(stage.inputCol))}, inputCols ` +
        `${describeValue(stage.getOrDefault(stage.inputCols))}. Clear one of them.`,
    );
  }
  if (!single && !multi) {
    throw columnParamsError(stage, 'has no input column: set inputCol (one column) or inputCols (several).');
  }
  let inputs: readonly string[];
  let outputs: readonly string[];
  if (single) {
    if (stage.isSet(stage.outputCols)) {
      throw columnParamsError(
        stage,
        `has inputCol set, so it writes outputCol, but outputCols is set too ` +
          `(${describeValue(stage.getOrDefault(stage.outputCols))}). Clear outputCols, or use inputCols.`,
      );
    }
    inputs = [stage.getOrDefault(stage.inputCol)];
    outputs = [stage.getOrDefault(stage.outputCol)];
  } else {
    if (stage.isSet(stage.outputCol)) {
      throw columnParamsError(
        stage,
        `has inputCols set, so it writes outputCols, but outputCol is set too ` +
          `(${describeValue(stage.getOrDefault(stage.outputCol))}). Clear outputCol and set outputCols.`,
      );
    }
    if (!stage.isSet(stage.outputCols)) {
      throw columnParamsError(
        stage,
        'has inputCols set but no outputCols: set one output column per input column.',
      );
    }
    inputs = stage.getOrDefault(stage.inputCols);
    outputs = stage.getOrDefault(stage.outputCols);
    if (inputs.length !== outputs.length) {
      throw columnParamsError(
        stage,
        `has ${inputs.length} inputCols (${describeValue(inputs)}) but ${outputs.length} outputCols ` +
          `(${describeValue(outputs)}); give one output column per input column.`,
      );
    }
  }
  checkDistinct(stage, outputs, 'output');
  return { inputs, outputs };
}

/**
 * Throws `ParamError` `INVALID_COLUMN_PARAMS` when `names` has a name twice (`what`: `input`, `output`).
 *
 * @example
 * ```ts
 * checkDistinct(stage, ['a', 'a'], 'output'); // throws
 * ```
 */
export function checkDistinct(stage: Params, names: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      throw columnParamsError(
        stage,
        `names ${what} column '${name}' twice (${describeValue(names)}); ${what} columns must be distinct.`,
      );
    }
    seen.add(name);
  }
}

function columnParamsError(stage: Params, problem: string): ParamError {
  return new ParamError('INVALID_COLUMN_PARAMS', `Stage '${stage.uid}' ${problem}`, {
    stage: stage.uid,
    problem,
  });
}
