/**
 * The `decodeImages` stage: reads image files named in a batch and decodes them into Spark's image struct, in a
 * worker. Input columns: `path` (and `label` when labels are kept); output: `image` (then `label`, then the error
 * column when one is asked for).
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import { DeepframeError, describeCause, IOError } from '../errors.js';
import { fileOrigin } from '../io/imageFiles.js';
import { forEachLimited } from '../worker/limit.js';
import type { StageHandler } from '../worker/stages.js';
import { type ImageDecodeFailure, tryDecodeImage } from './decodeImage.js';
import type { ImageStruct } from './ImageSchema.js';
import { type ImageBatchRow, imageRecordBatch } from './imageBatch.js';
import { configureSharpForWorkers, DECODE_CONCURRENCY } from './sharpConfig.js';

/** Spec of a `decodeImages` stage. */
export interface DecodeImagesStageSpec {
  readonly kind: 'decodeImages';
  /** Drop rows whose file does not decode (Spark's `dropInvalid`); otherwise their image is null. */
  readonly dropInvalid: boolean;
  /** Keep the input's `label` column. */
  readonly withLabel: boolean;
  /** A string column with the reason an image did not decode (null for those that did), or none. */
  readonly errorColumn?: string;
}

declare module '../worker/StageSpec.js' {
  interface StageSpecKinds {
    decodeImages: DecodeImagesStageSpec;
  }
}

async function decodeFile(path: string): Promise<ImageStruct | ImageDecodeFailure> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    return {
      origin: path,
      error: new IOError('UNREADABLE_FILE', `Cannot read image file '${path}': ${describeCause(e)}`, {
        path,
      }),
    };
  }
  return tryDecodeImage(bytes, fileOrigin(path));
}

/** The `decodeImages` stage handler. */
export const decodeImagesStage: StageHandler<'decodeImages'> = {
  validate(spec) {
    if (typeof spec.dropInvalid !== 'boolean' || typeof spec.withLabel !== 'boolean') {
      throw new DeepframeError(
        'INVALID_STAGE_SPEC',
        'A decodeImages stage needs boolean dropInvalid and withLabel.',
      );
    }
  },
  async run(spec, batch) {
    configureSharpForWorkers();
    const paths = batch.getChild('path');
    if (paths === null) {
      throw new DeepframeError('INVALID_STAGE_INPUT', "A decodeImages stage needs a string column 'path'.");
    }
    const files = paths.toArray() as string[];
    const labels = spec.withLabel
      ? (batch.getChild('label')?.toArray() as (string | null)[] | undefined)
      : undefined;
    const rows: ImageBatchRow[] = new Array(files.length);
    await forEachLimited(files, DECODE_CONCURRENCY, async (file, i) => {
      rows[i] = await decodeFile(file);
    });
    let keep = rows.map((_, i) => i);
    if (spec.dropInvalid) keep = keep.filter((i) => !(rows[i] !== null && 'error' in rows[i]!));
    const kept = keep.map((i) => rows[i]!);
    const columns: Record<string, (string | null)[]> = {};
    if (labels !== undefined) columns.label = keep.map((i) => labels[i] ?? null);
    return imageRecordBatch(kept, {
      columns,
      invalidAs: 'null',
      ...(spec.errorColumn === undefined ? {} : { errorColumn: spec.errorColumn }),
    });
  },
};

/** The input batch of a `decodeImages` stage: file paths and optional labels. */
export function imagePathBatch(
  files: readonly { path: string; label?: string }[],
  withLabel: boolean,
): arrow.RecordBatch {
  const columns: Record<string, arrow.Vector> = {
    path: arrow.vectorFromArray(
      files.map((f) => f.path),
      new arrow.Utf8(),
    ),
  };
  if (withLabel)
    columns.label = arrow.vectorFromArray(
      files.map((f) => f.label ?? null),
      new arrow.Utf8(),
    );
  return new arrow.Table(columns).batches[0]!;
}
