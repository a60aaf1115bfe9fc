/**
 * Per-epoch checkpoints of data-parallel training: the replicas' training state (weights, optimizer state, layer
 * state, updates applied), the epochs done and their losses. A checkpoint is two files in the run's directory:
 * `checkpoint-<epoch>.bin` (the arrays, little-endian, one after another) and `checkpoint.json` (what they are),
 * each written to a temporary name and renamed, the JSON last — so a reader sees the previous checkpoint or the
 * new one, never half of one, even when the writer dies mid-write.
 *
 * @module
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IOError } from '../errors.js';

/** What a checkpoint holds. */
export interface Checkpoint {
  /** Epochs done. */
  readonly epoch: number;
  /** Each epoch's mean training loss. */
  readonly history: readonly number[];
  /** Updates applied so far. */
  readonly steps: number;
  /** How many times the run resumed from a checkpoint before this one was written. */
  readonly restarts?: number;
  /** Named groups of arrays (weights, optimizer state, …). */
  readonly arrays: Readonly<Record<string, readonly (Float32Array | Float64Array)[]>>;
}

interface CheckpointJson {
  readonly format: 'deepframe-checkpoint';
  readonly version: 1;
  /** Identifies the training run: a checkpoint of another run is never resumed. */
  readonly run: string;
  readonly epoch: number;
  readonly history: readonly number[];
  readonly steps: number;
  readonly restarts: number;
  readonly file: string;
  readonly arrays: Readonly<Record<string, readonly { dtype: 'float32' | 'float64'; length: number }[]>>;
}

const INDEX = 'checkpoint.json';

/**
 * Writes a checkpoint of run `run` into `dir` (created if missing), replacing the one before.
 *
 * @example
 * ```ts
 * await saveCheckpoint(dir, runId, { epoch: 3, history, steps, arrays: { weights, optimizer, layers } });
 * ```
 */
export async function saveCheckpoint(dir: string, run: string, checkpoint: Checkpoint): Promise<void> {
  await mkdir(dir, { recursive: true });
  const file = `checkpoint-${checkpoint.epoch}.bin`;
  const groups = Object.entries(checkpoint.arrays);
  const parts = groups.flatMap(([, list]) =>
    list.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)),
  );
  const index: CheckpointJson = {
    format: 'deepframe-checkpoint',
    version: 1,
    run,
    epoch: checkpoint.epoch,
    history: checkpoint.history,
    steps: checkpoint.steps,
    restarts: checkpoint.restarts ?? 0,
    file,
    arrays: Object.fromEntries(
      groups.map(([name, list]) => [
        name,
        list.map((a) => ({ dtype: a instanceof Float64Array ? 'float64' : 'float32', length: a.length })),
      ]),
    ) as CheckpointJson['arrays'],
  };
  try {
    await writeFile(join(dir, `${file}.tmp`), Buffer.concat(parts));
    await rename(join(dir, `${file}.tmp`), join(dir, file));
    await writeFile(join(dir, `${INDEX}.tmp`), JSON.stringify(index));
    await rename(join(dir, `${INDEX}.tmp`), join(dir, INDEX));
    for (const name of await readdir(dir)) {
      if (/^checkpoint-\d+\.bin$/.test(name) && name !== file) await rm(join(dir, name), { force: true });
    }
  } catch (error) {
    throw new IOError(
      'CHECKPOINT_WRITE_FAILED',
      `Could not write the checkpoint of epoch ${checkpoint.epoch} to '${dir}': ${(error as Error).message}.`,
      { path: dir, epoch: String(checkpoint.epoch) },
    );
  }
}

/**
 * The latest checkpoint of run `run` in `dir`, or `undefined` when there is none (or only another run's).
 *
 * @example
 * ```ts
 * const resume = await loadCheckpoint(dir, runId); // undefined on the first attempt
 * ```
 */
export async function loadCheckpoint(dir: string, run: string): Promise<Checkpoint | undefined> {
  let index: CheckpointJson;
  try {
    index = JSON.parse(await readFile(join(dir, INDEX), 'utf8')) as CheckpointJson;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new IOError(
      'CHECKPOINT_READ_FAILED',
      `Could not read the checkpoint in '${dir}': ${(error as Error).message}.`,
      { path: dir },
    );
  }
  if (index.format !== 'deepframe-checkpoint' || index.run !== run) return undefined;
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, index.file));
  } catch (error) {
    throw new IOError(
      'CHECKPOINT_READ_FAILED',
      `The checkpoint in '${dir}' names '${index.file}', which cannot be read: ${(error as Error).message}.`,
      { path: join(dir, index.file) },
    );
  }
  let offset = 0;
  const arrays: Record<string, (Float32Array | Float64Array)[]> = {};
  for (const [name, list] of Object.entries(index.arrays)) {
    arrays[name] = list.map(({ dtype, length }) => {
      const width = dtype === 'float64' ? 8 : 4;
      const copy = new Uint8Array(bytes.subarray(offset, offset + length * width));
      offset += length * width;
      return dtype === 'float64' ? new Float64Array(copy.buffer) : new Float32Array(copy.buffer);
    });
  }
  if (offset !== bytes.length) {
    throw new IOError(
      'CHECKPOINT_CORRUPT',
      `The checkpoint file '${index.file}' in '${dir}' holds ${bytes.length} bytes; its index describes ${offset}.`,
      { path: join(dir, index.file) },
    );
  }
  return {
    epoch: index.epoch,
    history: index.history,
    steps: index.steps,
    restarts: index.restarts ?? 0,
    arrays,
  };
}
