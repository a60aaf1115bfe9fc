/**
 * The messages between a driver and a worker thread.
 *
 * The driver posts a {@link StageRequest} with the batch as Arrow IPC stream bytes in an ArrayBuffer that it
 * transfers (not copies); the worker answers each request, in any order, with a {@link StageReply} carrying
 * the same `id` and either the result's IPC bytes (transferred back) or the error as plain data.
 *
 * @module
 */
import type { StageSpec } from './StageSpec.js';
import type { WireError } from './wireError.js';

/** Where a batch belongs, for the stage's {@link StageContext}. */
export interface TaskInfo {
  readonly partitionIndex: number;
  readonly batchIndex: number;
}

/** Run `spec` over the one record batch in `ipc`. */
export interface StageRequest {
  /** Chosen by the driver; echoed in the reply. */
  readonly id: number;
  readonly spec: StageSpec;
  /** Arrow IPC stream bytes of one record batch; transferred. */
  readonly ipc: ArrayBuffer;
  /** Absent: partition and batch are unknown (`-1`). */
  readonly task?: TaskInfo;
}

/** The answer to the {@link StageRequest} with the same `id`. */
export type StageReply =
  | { readonly id: number; readonly ipc: ArrayBuffer }
  | { readonly id: number; readonly error: WireError };

/** Whether a value has the shape of a {@link StageRequest}. */
export function isStageRequest(value: unknown): value is StageRequest {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'number' && v.ipc instanceof ArrayBuffer && typeof v.spec === 'object';
}
