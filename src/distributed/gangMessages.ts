/**
 * What the driver of a thread gang and its worker threads tell each other.
 *
 * @module
 */
import type { WireError } from '../worker/wireError.js';
import type { Checkpoint } from './checkpoint.js';
import type { DataParallelJob } from './replica.js';
import type { SharedRing } from './sharedMemoryRing.js';

/** A worker thread's `workerData`. */
export interface GangThreadData {
  readonly job: DataParallelJob;
  readonly rank: number;
  readonly size: number;
  readonly ring: SharedRing;
  /** ONNX Runtime intra-op threads of this worker. */
  readonly threads: number;
  /** The rows, shared: features (float32), labels and row weights (float64), the rows' content order (uint32). */
  readonly data: {
    readonly x: SharedArrayBuffer;
    readonly labels: SharedArrayBuffer;
    readonly weights: SharedArrayBuffer | undefined;
    readonly order: SharedArrayBuffer;
    readonly rows: number;
  };
  readonly initialWeights: readonly (Float32Array | Float64Array)[] | undefined;
  /** `Int32Array` view: non-zero when the driver asks the gang to finish after the current epoch. */
  readonly finish: SharedArrayBuffer;
  /** Where checkpoints go, and the run they belong to. */
  readonly checkpoint: { readonly dir: string; readonly run: string };
}

/** A worker thread's messages (each tagged with the run it belongs to). */
export type GangThreadReply = GangThreadMessage & { readonly run: number };

/** A worker thread's messages. */
export type GangThreadMessage =
  | {
      readonly kind: 'epoch';
      readonly epoch: number;
      readonly loss: number;
      /** Rank 0's parameters and layer state after the epoch, when the job asks for them. */
      readonly weights?: readonly Float32Array[];
      readonly layers?: readonly Float32Array[];
    }
  | {
      readonly kind: 'done';
      readonly history: readonly number[];
      readonly stopReason: 'maxIter' | 'converged' | 'stopped';
      readonly final: Checkpoint;
    }
  | { readonly kind: 'error'; readonly error: WireError };
