/**
 * Evaluators as data, so that a model search can hand its evaluator to a fit worker thread: the class name and the
 * explicitly set params, for the evaluators deepframe ships.
 *
 * @module
 */
import { ParamError } from '../../errors.js';
import { BinaryClassificationEvaluator } from '../evaluation/BinaryClassificationEvaluator.js';
import type { Evaluator } from '../evaluation/Evaluator.js';
import { MulticlassClassificationEvaluator } from '../evaluation/MulticlassClassificationEvaluator.js';
import { RegressionEvaluator } from '../evaluation/RegressionEvaluator.js';

/** An evaluator's class and its set params. */
export interface EvaluatorSpec {
  readonly className: string;
  readonly params: Readonly<Record<string, unknown>>;
}

const CLASSES: Readonly<Record<string, new (options: Record<string, unknown>) => Evaluator>> = {
  BinaryClassificationEvaluator: BinaryClassificationEvaluator as never,
  MulticlassClassificationEvaluator: MulticlassClassificationEvaluator as never,
  RegressionEvaluator: RegressionEvaluator as never,
};

/** The spec of `evaluator`, or `undefined` when it is not one of the shipped evaluator classes. */
export function evaluatorSpec(evaluator: Evaluator): EvaluatorSpec | undefined {
  const className = evaluator.constructor.name;
  if (CLASSES[className] !== evaluator.constructor) return undefined;
  const params: Record<string, unknown> = {};
  for (const param of evaluator.params) {
    if (evaluator.isSet(param)) params[param.name] = evaluator.getOrDefault(param);
  }
  return { className, params };
}

/** The evaluator a spec describes. */
export function makeEvaluator(spec: EvaluatorSpec): Evaluator {
  const Class = CLASSES[spec.className];
  if (Class === undefined) {
    throw new ParamError('INVALID_PARAM', `Unknown evaluator class '${spec.className}'.`, {
      param: 'evaluator',
      value: spec.className,
    });
  }
  return new Class({ ...spec.params });
}
