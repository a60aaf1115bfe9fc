/**
 * Block-wise functions over DataFrames, in the spirit of TensorFrames: a function runs on blocks of rows (Arrow
 * record batches) in the worker pool or on executors. The function is named, not passed: an export of an ES
 * module, `(batch, options, context) => RecordBatch`.
 *
 * @module
 */
import { ParamError } from '../errors.js';
import type { DataFrame } from '../frame/DataFrame.js';
import { batchToRows } from '../frame/rows.js';
import { concatBatches } from '../tensor/concat.js';
import { fromArrowSchema } from '../types/arrow.js';
import { DataTypes, type StructType } from '../types/DataType.js';
import type { Row } from '../types/Value.js';
import { resolveStageFunction } from '../worker/moduleStage.js';
import { createStageContext, type JsonValue } from '../worker/StageSpec.js';

/** A block function: an export of an ES module. */
export interface BlockFunction {
  readonly modulePath: string;
  readonly exportName: string;
  readonly options?: JsonValue;
}

/** Options of {@link mapBlocks}. */
export interface MapBlocksOptions {
  /** Keep only the function's columns; otherwise they are appended to each block's (the default). */
  readonly trim?: boolean;
  /** Rows per block. Default 4096. */
  readonly blockSize?: number;
}

/**
 * Applies `fn` to blocks of rows; its columns (described by `outputColumns`) are appended to each block's rows,
 * or replace them with `trim` (then the function may return any number of rows).
 *
 * @example
 * ```ts
 * // blocks.js: export function norm(batch) { … return new RecordBatch({ norm: … }); }
 * const out = mapBlocks(df, { modulePath: '/abs/blocks.js', exportName: 'norm' },
 *   DataTypes.struct([DataTypes.field('norm', DataTypes.double)]));
 * ```
 */
export async function mapBlocks(
  df: DataFrame,
  fn: BlockFunction,
  outputColumns: StructType,
  options: MapBlocksOptions = {},
): Promise<DataFrame> {
  const trim = options.trim ?? false;
  const blockSize = options.blockSize ?? 4096;
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new ParamError(
      'INVALID_PARAMETER_VALUE',
      `mapBlocks() blockSize must be a whole number ≥ 1, got ${blockSize}.`,
    );
  }
  const input = await df.schema();
  const outputSchema = trim ? outputColumns : DataTypes.struct([...input.fields, ...outputColumns.fields]);
  const stage = {
    kind: 'mapBlocks' as const,
    modulePath: fn.modulePath,
    exportName: fn.exportName,
    options: fn.options ?? null,
    trim,
  };
  return df.withPlan({ kind: 'mapBatches', input: df.plan, stage, outputSchema, batchSize: blockSize });
}

/**
 * Reduces all rows to one with `fn`, applied first to each block (in the worker pool), then to the blocks'
 * results together on this thread, until one row is left — TensorFrames' `reduce_blocks`. `fn` must accept its
 * own output as input (for a sum: `{x}` → one row `{x: Σx}`).
 *
 * @example
 * ```ts
 * const total = await reduceBlocks(df.select('x'), { modulePath: '/abs/blocks.js', exportName: 'sumX' },
 *   DataTypes.struct([DataTypes.field('x', DataTypes.double)]));
 * total.x; // the sum
 * ```
 */
export async function reduceBlocks(
  df: DataFrame,
  fn: BlockFunction,
  outputColumns: StructType,
  options: { readonly blockSize?: number } = {},
): Promise<Row> {
  const partials = await mapBlocks(df, fn, outputColumns, {
    trim: true,
    blockSize: options.blockSize ?? 4096,
  });
  const batches = [];
  for await (const batch of partials) if (batch.numRows > 0) batches.push(batch);
  if (batches.length === 0) {
    throw new ParamError('EMPTY_REDUCE', 'reduceBlocks() has no rows to reduce.');
  }
  const reduce = await resolveStageFunction({
    kind: 'module',
    modulePath: fn.modulePath,
    exportName: fn.exportName,
    options: fn.options ?? null,
  });
  let combined = concatBatches(batches);
  const context = createStageContext({ partitionIndex: 0, batchIndex: 0 });
  while (combined.numRows > 1 || batches.length > 1) {
    combined = await reduce(combined, fn.options ?? null, context);
    batches.length = 1;
  }
  const [row] = batchToRows(combined, fromArrowSchema(combined.schema));
  return row!;
}
