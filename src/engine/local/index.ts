import { registerEngine } from '../Engine.js';
import { LocalEngine, parseLocalMaster } from './LocalEngine.js';

export { LocalEngine, parseLocalMaster } from './LocalEngine.js';
export type { MapOptions, RunOptions, WorkerPoolOptions } from './WorkerPool.js';
export { WorkerPool } from './WorkerPool.js';

registerEngine('local', {
  matches: (master) => parseLocalMaster(master) !== undefined,
  create: (options) => LocalEngine.create(options),
});
