/**
 * Per-epoch checkpoints of data-parallel training (whole, or sharded: each worker writes its shard of the weights and
 * of the optimizer's state, and rank 0 the index): the replicas' training state (weights, optimizer state, layer
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

/** Where one worker's shard of a sharded checkpoint sits in the full arrays. */
export interface ShardLayout {
  readonly rank: number;
  /** The range of the flat parameter vector (and of each optimizer slot) the shard holds. */
  readonly start: number;
  readonly end: number;
}

/** What the index of a sharded checkpoint says besides the shards. */
export interface ShardedCheckpointMeta {
  readonly epoch: number;
  readonly history: readonly number[];
  readonly steps: number;
  readonly restarts: number;
  /** Parameters (the flat vector's length). */
  readonly params: number;
  /** Optimizer arrays per parameter (Adam 2, SGD with momentum 1, plain SGD 0). */
  readonly slots: number;
  /** The layers' state arrays (kept in rank 0's file, after its shard). */
  readonly layerSizes: readonly number[];
  readonly shards: readonly ShardLayout[];
}

interface ShardedJson extends ShardedCheckpointMeta {
  readonly format: 'deepframe-checkpoint-sharded';
  readonly version: 1;
  readonly run: string;
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

const shardFile = (epoch: number, rank: number) => `shard-${epoch}-${rank}.bin`;

/**
 * Writes worker `rank`'s part of a sharded checkpoint of `epoch`: its shard of the weights and of each optimizer
 * slot (and, for rank 0, the layers' state after them), float32. Every worker writes its own file, side by side;
 * the checkpoint exists once {@link commitShardedCheckpoint} has written the index.
 *
 * @example
 * ```ts
 * await writeCheckpointShard(dir, epoch, rank, [weights.subarray(start, end), ...optimizer.state]);
 * ```
 */
export async function writeCheckpointShard(
  dir: string,
  epoch: number,
  rank: number,
  parts: readonly Float32Array[],
): Promise<void> {
  const file = join(dir, shardFile(epoch, rank));
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(
      `${file}.tmp`,
      Buffer.concat(parts.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength))),
    );
    await rename(`${file}.tmp`, file);
  } catch (error) {
    throw new IOError(
      'CHECKPOINT_WRITE_FAILED',
      `Could not write worker ${rank}'s checkpoint of epoch ${epoch} to '${dir}': ${(error as Error).message}.`,
      { path: dir, epoch: String(epoch) },
    );
  }
}

/**
 * Makes the shards of `meta.epoch` (all written: the workers met at a barrier) the run's checkpoint: writes the
 * index, then drops older shards.
 *
 * @example
 * ```ts
 * await commitShardedCheckpoint(dir, run, { epoch, history, steps, restarts: 0, params, slots: 2, layerSizes: [], shards });
 * ```
 */
export async function commitShardedCheckpoint(
  dir: string,
  run: string,
  meta: ShardedCheckpointMeta,
): Promise<void> {
  const index: ShardedJson = { format: 'deepframe-checkpoint-sharded', version: 1, run, ...meta };
  try {
    await writeFile(join(dir, `${INDEX}.tmp`), JSON.stringify(index));
    await rename(join(dir, `${INDEX}.tmp`), join(dir, INDEX));
    const keep = new Set(meta.shards.map((s) => shardFile(meta.epoch, s.rank)));
    for (const name of await readdir(dir)) {
      if (/^(shard|checkpoint)-\d+(-\d+)?\.bin$/.test(name) && !keep.has(name))
        await rm(join(dir, name), { force: true });
    }
  } catch (error) {
    throw new IOError(
      'CHECKPOINT_WRITE_FAILED',
      `Could not write the checkpoint index of epoch ${meta.epoch} to '${dir}': ${(error as Error).message}.`,
      { path: dir, epoch: String(meta.epoch) },
    );
  }
}

/** A sharded checkpoint put together: `weights` (one flat array), `optimizer` (one flat array per slot), `layers`. */
async function loadSharded(dir: string, index: ShardedJson): Promise<Checkpoint> {
  const weights = new Float32Array(index.params);
  const optimizer = Array.from({ length: index.slots }, () => new Float32Array(index.params));
  let layers: Float32Array[] = [];
  for (const shard of index.shards) {
    const path = join(dir, shardFile(index.epoch, shard.rank));
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw new IOError(
        'CHECKPOINT_READ_FAILED',
        `The checkpoint in '${dir}' names '${path}', which cannot be read: ${(error as Error).message}.`,
        { path },
      );
    }
    const n = shard.end - shard.start;
    const floats = new Float32Array(new Uint8Array(bytes).buffer);
    const layerTotal = shard.rank === 0 ? index.layerSizes.reduce((a, b) => a + b, 0) : 0;
    if (floats.length !== n * (1 + index.slots) + layerTotal) {
      throw new IOError(
        'CHECKPOINT_CORRUPT',
        `Checkpoint file '${path}' holds ${floats.length} floats; its index describes ${n * (1 + index.slots) + layerTotal}.`,
        { path },
      );
    }
    weights.set(floats.subarray(0, n), shard.start);
    optimizer.forEach((o, k) => {
      o.set(floats.subarray((k + 1) * n, (k + 2) * n), shard.start);
    });
    if (shard.rank === 0) {
      let k = n * (1 + index.slots);
      layers = index.layerSizes.map((size) => {
        const part = floats.slice(k, k + size);
        k += size;
        return part;
      });
    }
  }
  return {
    epoch: index.epoch,
    history: index.history,
    steps: index.steps,
    restarts: index.restarts,
    arrays: { weights: [weights], optimizer, layers },
  };
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
  if (index.run !== run) return undefined;
  if ((index as unknown as ShardedJson).format === 'deepframe-checkpoint-sharded') {
    return loadSharded(dir, index as unknown as ShardedJson);
  }
  if (index.format !== 'deepframe-checkpoint') return undefined;
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
