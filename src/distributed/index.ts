/**
 * Distributed training: one model on many workers (synchronous data parallelism by ring all-reduce, threads on the
 * embedded engine, Spark tasks on a cluster), with per-epoch checkpoints and restarts.
 *
 * @module
 */
export type { Checkpoint } from './checkpoint.js';
export { type RingLink, ringAllReduce } from './ring.js';
export { connectTcpRing, type PeerAddress, type TcpRingLink, type TcpRingOptions } from './tcpRing.js';
export { type GangEpoch, type GangResult, runThreadGang, type ThreadGangOptions } from './threadGang.js';
export {
  type DataFrameParallelOptions,
  type DataParallelOptions,
  type DataParallelResult,
  trainDataParallel,
  trainDataParallelOn,
} from './trainDataParallel.js';
