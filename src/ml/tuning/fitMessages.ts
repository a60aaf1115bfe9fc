/**
 * The messages between a model search and its fit worker threads ({@link FitWorkers}).
 *
 * @module
 */
import type { WireError } from '../../worker/wireError.js';
import type { EvaluatorSpec } from './evaluatorSpec.js';

/** Sent to each thread when a search starts: what every task of the search shares. */
export interface FitInit {
  readonly kind: 'init';
  /** The search's number, which its tasks carry. */
  readonly search: number;
  /** Where the driver saved the search's estimator. */
  readonly estimatorDir: string;
  readonly evaluator: EvaluatorSpec;
  /** ONNX Runtime intra-op threads of the worker's training sessions. */
  readonly threads: number;
}

/** A param map as data: values by name, or (for a `ParamMap`) by the owning stage's uid and the param's name. */
export type SerializedOverrides =
  | { readonly kind: 'object'; readonly values: Readonly<Record<string, unknown>> }
  | {
      readonly kind: 'paramMap';
      readonly pairs: readonly { readonly stage: string; readonly name: string; readonly value: unknown }[];
    };

/** Fit one param map on a split's training rows and evaluate the model on its validation rows. */
export interface FitTask {
  readonly kind: 'task';
  readonly id: number;
  /** The search (see {@link FitInit}) the task belongs to. */
  readonly search: number;
  readonly overrides: SerializedOverrides;
  /** Arrow IPC stream bytes of the split's training rows, shared with the driver. */
  readonly train: SharedArrayBuffer;
  /** Arrow IPC stream bytes of the split's validation rows, shared with the driver. */
  readonly validation: SharedArrayBuffer;
  /** Where to save the model (when the search collects sub-models). */
  readonly modelDir?: string;
}

/** A search is over: the thread lets go of its estimator and data. */
export interface FitEnd {
  readonly kind: 'end';
  readonly search: number;
}

/** A task's metric, or the error that stopped it. */
export type FitReply =
  | { readonly id: number; readonly metric: number }
  | { readonly id: number; readonly error: WireError };
