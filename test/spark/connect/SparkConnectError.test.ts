import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { ERROR_INFO, RPC_STATUS } from '../../../src/engine/spark/connect/protocol.js';
import { SparkConnectError, toSparkError } from '../../../src/engine/spark/connect/SparkConnectError.js';
import { SparkError } from '../../../src/errors.js';

/** A failed call as grpc-js reports it, with Spark's ErrorInfo in the status details when `info` is given. */
function serviceError(
  code: status,
  details: string,
  info?: Record<string, string>,
  reason?: string,
): ServiceError {
  const metadata = new Metadata();
  if (info !== undefined) {
    const errorInfo = ERROR_INFO.encode({ reason: reason ?? '', domain: 'org.apache.spark', metadata: info });
    metadata.set(
      'grpc-status-details-bin',
      RPC_STATUS.encode({
        code,
        message: details,
        details: [{ type_url: 'type.googleapis.com/google.rpc.ErrorInfo', value: errorInfo }],
      }),
    );
  }
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

const context = { url: 'sc://127.0.0.1:15002', rpc: 'ExecutePlan' };

describe('toSparkError', () => {
  it("takes Spark's error class, parameters and SQLSTATE from ErrorInfo, and keeps Spark's message once", () => {
    const e = toSparkError(
      serviceError(
        status.INTERNAL,
        '[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `nope` cannot be resolved. SQLSTATE: 42703',
        {
          errorClass: 'UNRESOLVED_COLUMN.WITH_SUGGESTION',
          messageParameters: '{"objectName":"`nope`","proposal":"`id`"}',
          sqlState: '42703',
        },
        'org.apache.spark.sql.AnalysisException',
      ),
      context,
    );
    assert.ok(e instanceof SparkError);
    assert.equal(e.errorClass, 'UNRESOLVED_COLUMN.WITH_SUGGESTION');
    assert.deepEqual(e.messageParameters, { objectName: '`nope`', proposal: '`id`' });
    assert.equal(e.sqlState, '42703');
    assert.equal(e.exceptionClass, 'org.apache.spark.sql.AnalysisException');
    assert.equal(
      e.message,
      '[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `nope` cannot be resolved. SQLSTATE: 42703',
    );
  });

  it('prefers the full story of FetchErrorDetails, causes chained', () => {
    const e = toSparkError(
      serviceError(status.INTERNAL, 'truncated…', { errorClass: 'X', errorId: 'id-1' }),
      {
        ...context,
        details: {
          rootErrorIdx: 0,
          errors: [
            {
              errorTypeHierarchy: ['org.apache.spark.SparkException', 'java.lang.Exception'],
              message: '[TASK_FAILED] Task failed. SQLSTATE: 58030',
              causeIdx: 1,
              sparkThrowable: {
                errorClass: 'TASK_FAILED',
                messageParameters: { taskId: '3' },
                sqlState: '58030',
              },
            },
            { errorTypeHierarchy: ['java.lang.ArithmeticException'], message: '/ by zero' },
          ],
        },
      },
    );
    assert.equal(e.message, '[TASK_FAILED] Task failed. SQLSTATE: 58030');
    assert.deepEqual(e.messageParameters, { taskId: '3' });
    assert.ok(e.cause instanceof SparkConnectError);
    assert.equal(e.cause.errorClass, 'SPARK_SERVER_ERROR');
    assert.equal(e.cause.message, '[SPARK_SERVER_ERROR] ArithmeticException: / by zero');
  });

  it('names the server for a lost connection', () => {
    const e = toSparkError(serviceError(status.UNAVAILABLE, 'No connection established'), context);
    assert.equal(e.errorClass, 'CONNECTION_LOST');
    assert.equal(
      e.message,
      '[CONNECTION_LOST] Lost the connection to the Spark Connect server at sc://127.0.0.1:15002 during ExecutePlan: No connection established. Check that the server is running and reachable from here.',
    );
    assert.equal(e.messageParameters.url, 'sc://127.0.0.1:15002');
  });

  it('points at the connection string for oversized messages and refused credentials', () => {
    const big = toSparkError(
      serviceError(status.RESOURCE_EXHAUSTED, 'Received message larger than max'),
      context,
    );
    assert.equal(big.errorClass, 'MESSAGE_TOO_LARGE');
    assert.match(big.message, /grpc_max_message_size/);
    const auth = toSparkError(serviceError(status.UNAUTHENTICATED, 'Invalid token'), context);
    assert.equal(auth.errorClass, 'UNAUTHENTICATED');
    assert.match(auth.message, /token/);
  });
});
