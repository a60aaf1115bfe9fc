/**
 * The registry of stage kinds: a stage spec's `kind` names a {@link StageHandler} registered here.
 *
 * Built-in kinds register at the bottom of this file, so that every worker entry point (a worker thread, the
 * stdio process, a Spark executor) knows them as soon as it imports `runStage`. A kind registered anywhere else
 * exists only in the thread or process that registered it; code that must run on workers and is not built in
 * goes in a `module` stage.
 *
 * @module
 */
import type * as arrow from 'apache-arrow';
import { dataParallelStage } from '../distributed/dataParallelStage.js';
import { DeepframeError } from '../errors.js';
import { decodeImagesStage } from '../image/decodeStage.js';
import { indexToStringStage } from '../ml/feature/indexToStringStage.js';
import { fitCandidateStage } from '../ml/tuning/fitCandidateStage.js';
import { onnxStage } from '../models/onnxStage.js';
import { mapBlocksStage } from './blocksStage.js';
import { chainStage } from './chainStage.js';
import { moduleStage } from './moduleStage.js';
import type { StageContext, StageKind, StageSpecOf } from './StageSpec.js';
import { scalarFunctionStage } from './scalarFunctionStage.js';

/**
 * Runs the stages of one kind.
 *
 * @example
 * ```ts
 * const identity: StageHandler<'module'> = {
 *   validate(spec) {},
 *   run(spec, batch) { return batch; },
 * };
 * ```
 */
export interface StageHandler<K extends StageKind = StageKind> {
  /**
   * Checks a spec that arrived as plain data, before it runs; throws a `ParamError` (`INVALID_STAGE_SPEC`) that
   * names the field that is missing or wrong.
   */
  validate(spec: StageSpecOf<K>): void;
  /** Runs the stage over one batch. A thrown error fails the batch; the caller adds where it happened. */
  run(
    spec: StageSpecOf<K>,
    batch: arrow.RecordBatch,
    context: StageContext,
  ): arrow.RecordBatch | Promise<arrow.RecordBatch>;
}

const handlers = new Map<string, StageHandler>();

/**
 * Registers the handler of a stage kind. Registering a kind twice throws `STAGE_KIND_ALREADY_REGISTERED`.
 *
 * @example
 * ```ts
 * registerStageHandler('onnx', onnxStage);
 * ```
 */
export function registerStageHandler<K extends StageKind>(kind: K, handler: StageHandler<K>): void {
  if (handlers.has(kind)) {
    throw new DeepframeError(
      'STAGE_KIND_ALREADY_REGISTERED',
      `A handler for stage kind '${kind}' is already registered; each kind has one handler.`,
      { kind },
    );
  }
  handlers.set(kind, handler as unknown as StageHandler);
}

/** The names of the registered stage kinds, sorted. */
export function stageKinds(): string[] {
  return [...handlers.keys()].sort();
}

/**
 * The handler of a stage kind. An unknown kind throws a `DeepframeError` `UNKNOWN_STAGE_KIND` listing the
 * known ones.
 */
export function resolveStageHandler(kind: string): StageHandler {
  const handler = handlers.get(kind);
  if (handler === undefined) {
    const known = stageKinds();
    throw new DeepframeError(
      'UNKNOWN_STAGE_KIND',
      `Unknown stage kind '${kind}'. Known kinds: ${known.map((k) => `'${k}'`).join(', ')}. ` +
        'A worker built from an older deepframe may lack a newer kind; run the same version on driver and workers.',
      { kind, knownKinds: known.join(', ') },
    );
  }
  return handler;
}

// Built-in kinds.
registerStageHandler('module', moduleStage);
registerStageHandler('decodeImages', decodeImagesStage);
registerStageHandler('mapBlocks', mapBlocksStage);
registerStageHandler('onnx', onnxStage);
registerStageHandler('scalarFunction', scalarFunctionStage);
registerStageHandler('chain', chainStage);
registerStageHandler('indexToString', indexToStringStage);
registerStageHandler('dataParallel', dataParallelStage);
registerStageHandler('fitCandidate', fitCandidateStage);
