/**
 * `worker/`: runs one serialized stage over Arrow record batches. The entry point is `main.ts` (a worker thread,
 * or `--stdio` for a standalone process); this barrel is what the rest of deepframe uses.
 *
 * @module
 */
export { batchFromIPC, batchToIPC, emptyBatch, transferableBuffer } from './ipc.js';
export type { StageReply, StageRequest, TaskInfo } from './messages.js';
export { isStageRequest } from './messages.js';
export { moduleSpecifier } from './moduleStage.js';
export { runStage, validateStageSpec } from './runStage.js';
export type {
  JsonValue,
  ModuleStageSpec,
  StageContext,
  StageFunction,
  StageKind,
  StageSpec,
  StageSpecKinds,
  StageSpecOf,
  WorkerTransport,
} from './StageSpec.js';
export { createStageContext, describeStage } from './StageSpec.js';
export type { StageHandler } from './stages.js';
export { registerStageHandler, resolveStageHandler, stageKinds } from './stages.js';
export type { RunStdioOptions } from './stdio.js';
export { runStdio } from './stdio.js';
export type { FramedInput, StdioHeader } from './stdioFraming.js';
export { encodeStdioHeader, MAX_HEADER_BYTES, readStdioHeader, STDIO_MAGIC } from './stdioFraming.js';
export type { WireError } from './wireError.js';
export { errorFromWire, errorToWire, isWireError } from './wireError.js';
