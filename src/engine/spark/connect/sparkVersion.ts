import { SparkError } from '../../../errors.js';

/**
 * The Spark versions that deepframe's Spark Connect client works with: every 4.x release from 4.0.0 on (the protocol
 * subset deepframe uses is the same across them). Spark 3.x's Connect lacks what deepframe needs (reattachable
 * executions by default, FetchErrorDetails, barrier mapInArrow), and Spark 5 may change the protocol.
 */
export const SUPPORTED_SPARK_VERSIONS = Object.freeze({
  /** The oldest supported release. */
  minimum: '4.0.0',
  /** The first release that is no longer supported. */
  below: '5.0.0',
  /** The range in words, for messages. */
  description: '4.0.x to 4.x (4.0.0 or later, before 5.0.0)',
});

/**
 * Whether a Spark version string (`4.1.1`, `4.0.0-preview2`, `4.2.0-SNAPSHOT`) is supported.
 *
 * @example
 * ```ts
 * isSupportedSparkVersion('4.1.1'); // true
 * isSupportedSparkVersion('3.5.1'); // false
 * ```
 */
export function isSupportedSparkVersion(version: string): boolean {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  if (match === null) return false;
  return Number(match[1]) === 4;
}

/**
 * Refuses a server whose Spark version is not one of {@link SUPPORTED_SPARK_VERSIONS}, with a `SparkError`
 * `UNSUPPORTED_SPARK_VERSION`.
 *
 * @example
 * ```ts
 * checkSparkVersion('4.1.1', 'sc://localhost:15002'); // fine
 * checkSparkVersion('3.5.1', 'sc://localhost:15002'); // throws UNSUPPORTED_SPARK_VERSION
 * ```
 */
export function checkSparkVersion(version: string, url: string): void {
  if (isSupportedSparkVersion(version)) return;
  throw new SparkError(
    'UNSUPPORTED_SPARK_VERSION',
    `The Spark Connect server at ${url} runs Spark ${version}, which deepframe does not support: it supports Spark ${SUPPORTED_SPARK_VERSIONS.description}. Connect to a Spark 4 server (pip install 'pyspark>=4,<5' bundles one).`,
    { version, url, supported: SUPPORTED_SPARK_VERSIONS.description },
  );
}
