/**
 * deepframe's Spark Connect client: sessions on a Spark 4.x server over gRPC ({@link SparkConnectClient}), results
 * as Arrow record batches ({@link SparkExecution}), Spark's errors as {@link SparkConnectError}s, and the mapping
 * between Spark's data types and deepframe's.
 *
 * @module
 */
export {
  type ArtifactEntry,
  type ArtifactSummary,
  cacheArtifactName,
  DEFAULT_ARTIFACT_CHUNK_SIZE,
  validateArtifactName,
} from './artifacts.js';
export {
  type ConnectionString,
  DEFAULT_SPARK_CONNECT_PORT,
  parseConnectionString,
} from './connectionString.js';
export { crc32 } from './crc32.js';
export { fromSparkDataType, fromSparkSchema, sparkTypeName, toSparkDataType } from './dataTypes.js';
export { SparkConfig } from './SparkConfig.js';
export {
  type ExplainMode,
  type InterruptTarget,
  SparkConnectClient,
  type SparkConnectOptions,
} from './SparkConnectClient.js';
export { SparkConnectError, type SparkConnectErrorDetails } from './SparkConnectError.js';
export { type ExecuteEvent, type ExecuteOptions, SparkExecution } from './SparkExecution.js';
export { checkSparkVersion, isSupportedSparkVersion, SUPPORTED_SPARK_VERSIONS } from './sparkVersion.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './transport.js';
