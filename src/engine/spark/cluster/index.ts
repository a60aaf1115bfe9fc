/**
 * A real Apache Spark on this machine for development and tests: pyspark from PyPI in deepframe's cache
 * ({@link ensurePyspark}) and a Spark Connect server on loopback in local or standalone mode
 * ({@link LocalSparkCluster}), with records that let `deepframe spark stop` find every JVM.
 *
 * @module
 */
export type { ClusterRecord, RecordedCluster, SparkClusterMode } from './clusterRecords.js';
export { LocalSparkCluster, type LocalSparkClusterOptions } from './LocalSparkCluster.js';
export { type JavaRuntime, type PythonRuntime, requireJava, requirePython } from './prerequisites.js';
export type { ClusterProcess } from './processes.js';
export {
  type EnsurePysparkOptions,
  ensurePyspark,
  PYSPARK_PACKAGES,
  PYSPARK_VERSION,
  type PysparkInstall,
} from './pyspark.js';
export type { StandaloneMasterState } from './sparkLaunch.js';
