/**
 * The `mapBlocks` stage: a user function over a block of rows (a record batch) whose result columns are appended
 * to the block's own (or replace them, with `trim`) — TensorFrames' `map_blocks`.
 *
 * @module
 */
import { DeepframeError } from '../errors.js';
import { zipColumns } from '../tensor/concat.js';
import { resolveStageFunction } from './moduleStage.js';
import type { JsonValue } from './StageSpec.js';
import type { StageHandler } from './stages.js';

/** Spec of a `mapBlocks` stage. */
export interface MapBlocksStageSpec {
  readonly kind: 'mapBlocks';
  readonly modulePath: string;
  readonly exportName: string;
  readonly options: JsonValue;
  /** Keep only the function's columns (otherwise they are appended to the block's). */
  readonly trim: boolean;
}

declare module './StageSpec.js' {
  interface StageSpecKinds {
    mapBlocks: MapBlocksStageSpec;
  }
}

/** The `mapBlocks` stage handler. */
export const mapBlocksStage: StageHandler<'mapBlocks'> = {
  validate(spec) {
    if (
      typeof spec.modulePath !== 'string' ||
      typeof spec.exportName !== 'string' ||
      typeof spec.trim !== 'boolean'
    ) {
      throw new DeepframeError(
        'INVALID_STAGE_SPEC',
        'A mapBlocks stage needs modulePath, exportName and trim.',
      );
    }
  },
  async run(spec, batch, context) {
    const fn = await resolveStageFunction({
      kind: 'module',
      modulePath: spec.modulePath,
      exportName: spec.exportName,
      options: spec.options,
    });
    const out = await fn(batch, spec.options, context);
    if (spec.trim) return out;
    if (out.numRows !== batch.numRows) {
      throw new DeepframeError(
        'BLOCK_ROWS_MISMATCH',
        `mapBlocks function '${spec.exportName}' returned ${out.numRows} rows for a block of ${batch.numRows}; without trim it must return one row per input row.`,
        { expected: String(batch.numRows), actual: String(out.numRows) },
      );
    }
    return zipColumns(batch, out);
  },
};
