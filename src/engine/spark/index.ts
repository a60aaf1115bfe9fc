import { registerEngine } from '../Engine.js';
import { SparkConnectClient } from './connect/SparkConnectClient.js';
import { SparkEngine } from './SparkEngine.js';

export { type ConnectClientLike, SPARK_SESSION_DEFAULTS, SparkEngine } from './SparkEngine.js';

registerEngine('spark', {
  matches: (master) => master.startsWith('sc://'),
  create: (options) => SparkEngine.create(options, (url) => SparkConnectClient.connect(url)),
});
