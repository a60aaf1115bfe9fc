import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Server,
  ServerCredentials,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import {
  checkSparkVersion,
  isSupportedSparkVersion,
  SparkConnectClient,
  SUPPORTED_SPARK_VERSIONS,
} from '../../../src/engine/spark/connect/index.js';
import { SERVICE, type ServiceMethod } from '../../../src/engine/spark/connect/protocol.js';
import type * as proto from '../../../src/engine/spark/proto/index.js';
import { SparkError } from '../../../src/errors.js';

/** A gRPC server that answers AnalyzePlan's SparkVersion with `version`, as an old Spark would. */
async function serverClaiming(version: string): Promise<{ url: string; calls: string[]; stop(): void }> {
  const calls: string[] = [];
  const definition = (name: string, method: ServiceMethod<object, object>) => ({
    path: method.path,
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: object) => method.request.encode(value),
    requestDeserialize: (bytes: Buffer) => method.request.decode(bytes),
    responseSerialize: (value: object) => method.response.encode(value),
    responseDeserialize: (bytes: Buffer) => method.response.decode(bytes),
    originalName: name,
  });
  const server = new Server();
  const service = {
    AnalyzePlan: definition('AnalyzePlan', SERVICE.analyzePlan as ServiceMethod<object, object>),
    ReleaseSession: definition('ReleaseSession', SERVICE.releaseSession as ServiceMethod<object, object>),
  } as ServiceDefinition;
  const answer =
    (name: string, response: object) =>
    (_call: unknown, callback: (error: null, response: object) => void): void => {
      calls.push(name);
      callback(null, response);
    };
  const implementation: UntypedServiceImplementation = {
    AnalyzePlan: answer('AnalyzePlan', { sparkVersion: { version } } satisfies proto.AnalyzePlanResponse),
    ReleaseSession: answer('ReleaseSession', {} satisfies proto.ReleaseSessionResponse),
  };
  server.addService(service, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return { url: `sc://127.0.0.1:${port}`, calls, stop: () => server.forceShutdown() };
}

describe('the Spark version check', () => {
  it('accepts every Spark 4 release, previews and snapshots included', () => {
    for (const v of ['4.0.0', '4.0.1', '4.1.1', '4.3.0', '4.0.0-preview2', '4.2.0-SNAPSHOT']) {
      assert.equal(isSupportedSparkVersion(v), true, v);
      assert.doesNotThrow(() => checkSparkVersion(v, 'sc://h:15002'));
    }
  });

  it('refuses Spark 3 and 5 and garbage with UNSUPPORTED_SPARK_VERSION, naming the supported versions', () => {
    for (const v of ['3.5.1', '3.4.0', '5.0.0', 'banana', '']) {
      assert.equal(isSupportedSparkVersion(v), false, v);
      assert.throws(
        () => checkSparkVersion(v, 'sc://h:15002'),
        (e: unknown) =>
          e instanceof SparkError &&
          e.errorClass === 'UNSUPPORTED_SPARK_VERSION' &&
          e.messageParameters.version === v &&
          e.message.includes(`runs Spark ${v},`) &&
          e.message.includes(SUPPORTED_SPARK_VERSIONS.description) &&
          e.message.includes('sc://h:15002'),
      );
    }
  });

  it('makes connect() refuse a server that runs Spark 3, and release the session it opened', async () => {
    const server = await serverClaiming('3.5.1');
    try {
      await assert.rejects(
        () => SparkConnectClient.connect(server.url),
        (e: unknown) =>
          e instanceof SparkError &&
          e.errorClass === 'UNSUPPORTED_SPARK_VERSION' &&
          e.message ===
            `[UNSUPPORTED_SPARK_VERSION] The Spark Connect server at ${server.url} runs Spark 3.5.1, which deepframe does not support: it supports Spark 4.0.x to 4.x (4.0.0 or later, before 5.0.0). Connect to a Spark 4 server (pip install 'pyspark>=4,<5' bundles one).`,
      );
      assert.deepEqual(server.calls, ['AnalyzePlan', 'ReleaseSession']);
    } finally {
      server.stop();
    }
  });
});
