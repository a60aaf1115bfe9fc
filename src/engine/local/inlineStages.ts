/**
 * Tensor stages run on the session's own thread, batch after batch: what `deepframe.local.stageThreads = 0` gives a
 * session that lives in a worker thread already (a model search's fit thread), where a pool of further threads would
 * only add their start-up and hops.
 *
 * @module
 */
import type * as arrow from 'apache-arrow';
import { runStage } from '../../worker/runStage.js';
import { createStageContext, type StageSpec } from '../../worker/StageSpec.js';

/** The part of a stage pool the engine uses: ordered `map` and `close`. */
export interface StagePool {
  map(
    spec: StageSpec,
    batches: AsyncIterable<arrow.RecordBatch> | Iterable<arrow.RecordBatch>,
    options?: { readonly signal?: AbortSignal },
  ): AsyncGenerator<arrow.RecordBatch, void, undefined>;
  close(): Promise<void>;
}

/**
 * Runs each batch through the stage here, in order, with one stage cache for the session (a loaded model stays).
 *
 * @example
 * ```ts
 * const stages = new InlineStages();
 * for await (const out of stages.map(spec, batches)) console.log(out.numRows);
 * ```
 */
export class InlineStages implements StagePool {
  private readonly cache = new Map<string, unknown>();

  async *map(
    spec: StageSpec,
    batches: AsyncIterable<arrow.RecordBatch> | Iterable<arrow.RecordBatch>,
    options: { readonly signal?: AbortSignal } = {},
  ): AsyncGenerator<arrow.RecordBatch, void, undefined> {
    let batchIndex = 0;
    for await (const batch of batches) {
      options.signal?.throwIfAborted();
      yield await runStage(spec, batch, createStageContext({ batchIndex: batchIndex++, cache: this.cache }));
    }
  }

  async close(): Promise<void> {
    this.cache.clear();
  }
}
