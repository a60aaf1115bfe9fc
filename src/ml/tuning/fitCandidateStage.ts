/**
 * The `fitCandidate` worker stage: fits candidates of a model search (`CrossValidator`, `TrainValidationSplit`)
 * where the stage runs — on a Spark executor, one candidate per Spark task — and evaluates each on its split's
 * validation rows.
 *
 * The spec names everything a candidate needs as shipped files and plain data: the search's estimator saved and
 * packed into one file (`directoryBundle.ts`), the param maps as JSON (`paramMapsJson.ts`), the evaluator as data
 * (`evaluatorSpec.ts`), and the search's rows as an Arrow IPC stream file, each row tagged with the part (the fold)
 * it belongs to, so that one file serves every split: a split trains on some parts and validates on others. Each
 * input row
 * (column `index`) names the param map to fit; each output row ({@link CANDIDATE_RESULT_SCHEMA}) gives its metric,
 * the fitted model when asked for (a packed directory), or the error that stopped the fit, and where it ran. A fit
 * that fails is a result, not a failed task: Spark would retry it to the same end.
 *
 * The handler loads the fitting code (deepframe's ML stages, an embedded session) only when a batch arrives, so
 * that workers that never fit pay nothing for it.
 *
 * @module
 */
import { ParamError } from '../../errors.js';
import { DataTypes, type StructType } from '../../types/DataType.js';
import type { JsonValue } from '../../worker/StageSpec.js';
import type { StageHandler } from '../../worker/stages.js';
import type { EvaluatorSpec } from './evaluatorSpec.js';

/** Spec of a `fitCandidate` stage: one search's split. */
export interface FitCandidateStageSpec {
  readonly kind: 'fitCandidate';
  /** The tuner's uid, for messages. */
  readonly search: string;
  /** The search's estimator, saved and packed into one file (a `deepframe-file:` placeholder on executors). */
  readonly estimator: string;
  /** Every param map of the search, as `paramMapsToJson` writes them; input rows name one by its index. */
  readonly paramMaps: JsonValue;
  /** The evaluator, as data; `null` to fit only (the best param map's refit on all rows). */
  readonly evaluator: EvaluatorSpec | null;
  /** The rows: an Arrow IPC stream file. */
  readonly rows: string;
  /** The column of `rows` that holds each row's part (not an input of the fit); `null`: all rows are part 0. */
  readonly partCol: string | null;
  /** The parts the split trains on. */
  readonly train: readonly number[];
  /** The parts the split validates on; `null` when there is no evaluation. */
  readonly validation: readonly number[] | null;
  /** The split's number (the fold), for messages. */
  readonly fold: number;
  /** Threads of the fit: ONNX Runtime's intra-op threads and the embedded engine's (Spark's cores per task). */
  readonly threads: number;
  /** Whether each result carries the fitted model. */
  readonly keepModel: boolean;
}

declare module '../../worker/StageSpec.js' {
  interface StageSpecKinds {
    fitCandidate: FitCandidateStageSpec;
  }
}

/**
 * What a `fitCandidate` stage returns, one row per candidate: the param map's `index`; its `metric` (null without
 * an evaluator or after an error); the fitted `model` as a packed directory (when the spec keeps models); the
 * `error` that stopped the fit, as deepframe's wire error in JSON (else null); and where the fit ran: the worker's
 * process id, host name and working directory (a Spark session's folder on the executor), and how long it took.
 */
export const CANDIDATE_RESULT_SCHEMA: StructType = DataTypes.struct([
  DataTypes.field('index', DataTypes.long, false),
  DataTypes.field('metric', DataTypes.double),
  DataTypes.field('model', DataTypes.binary),
  DataTypes.field('error', DataTypes.string),
  DataTypes.field('pid', DataTypes.integer, false),
  DataTypes.field('host', DataTypes.string, false),
  DataTypes.field('workDir', DataTypes.string, false),
  DataTypes.field('millis', DataTypes.double, false),
]);

function invalid(field: string, expected: string, value: unknown): ParamError {
  return new ParamError(
    'INVALID_STAGE_SPEC',
    `A fitCandidate stage spec needs '${field}' as ${expected}; got ${JSON.stringify(value) ?? typeof value}.`,
    { kind: 'fitCandidate', field, value: String(value) },
  );
}

/** The handler of `fitCandidate` stages. */
export const fitCandidateStage: StageHandler<'fitCandidate'> = {
  validate(spec) {
    for (const field of ['search', 'estimator', 'rows'] as const) {
      if (typeof spec[field] !== 'string' || spec[field] === '') {
        throw invalid(field, 'a non-empty string', spec[field]);
      }
    }
    if (spec.partCol !== null && typeof spec.partCol !== 'string') {
      throw invalid('partCol', 'a column name or null', spec.partCol);
    }
    const parts = (v: unknown) => Array.isArray(v) && v.every((p) => Number.isInteger(p) && p >= 0);
    if (!parts(spec.train)) throw invalid('train', 'an array of part numbers', spec.train);
    if (spec.validation !== null && !parts(spec.validation)) {
      throw invalid('validation', 'an array of part numbers or null', spec.validation);
    }
    if (!Array.isArray(spec.paramMaps)) throw invalid('paramMaps', 'an array', spec.paramMaps);
    if (!Number.isInteger(spec.threads) || spec.threads < 1) {
      throw invalid('threads', 'a positive integer', spec.threads);
    }
    if (spec.evaluator !== null && typeof spec.evaluator?.className !== 'string') {
      throw invalid('evaluator', '{className, params} or null', spec.evaluator);
    }
  },
  async run(spec, batch, context) {
    const { fitCandidates } = await import('./fitCandidate.js');
    return fitCandidates(spec, batch, context);
  },
};
