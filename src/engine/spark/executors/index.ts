/**
 * deepframe's stages on Spark executors: the packed worker, the artifacts a session ships, the map-in-Arrow
 * relation that runs a stage, and the errors that come back.
 *
 * @module
 */
export {
  type ArtifactClient,
  ExecutorArtifacts,
  type ExecutorArtifactsOptions,
  type ExecutorRuntime,
  type ExecutorWorker,
  executorModuleFile,
  fileSha256,
  localModuleFile,
  SHIPPED_FILE_PREFIX,
} from './artifacts.js';
export {
  deepframePackageRoot,
  type PackWorkerOptions,
  packWorker,
  WORKER_ARCHIVE_FORMAT,
  type WorkerArchive,
} from './packWorker.js';
export { mapInArrowCommand, PARSE_SPARK_JSON_TYPE, type PythonCall, udfCommandPickle } from './pickle.js';
export {
  hasVectors,
  METADATA_KEY,
  type SparkJson,
  sparkJsonSchema,
  sparkJsonType,
  sparkProtoSchema,
  vectorColumns,
  withVectorTypes,
} from './sparkSchema.js';
export { stageErrorFrom } from './stageErrors.js';
export {
  type MapBatchesNode,
  type PreparedStage,
  RUNNER_FACTORY,
  SQL_MAP_ARROW_ITER_UDF,
  STAGE_CONFIG_VERSION,
  type StageConfig,
  stageConfig,
  stageRelation,
} from './stageRelation.js';
