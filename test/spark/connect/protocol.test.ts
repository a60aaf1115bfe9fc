import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codec, SERVICE } from '../../../src/engine/spark/connect/protocol.js';
import type * as proto from '../../../src/engine/spark/proto/index.js';
import { SparkError } from '../../../src/errors.js';

const invalid = (path: string, why: RegExp) => (e: unknown) =>
  e instanceof SparkError &&
  e.errorClass === 'INVALID_CONNECT_MESSAGE' &&
  e.messageParameters.path === path &&
  why.test(e.message);

describe('the protocol codecs', () => {
  it('round-trip a plan: int64 as decimal strings, enums as names, bytes as bytes', () => {
    const request: proto.ExecutePlanRequest = {
      sessionId: '00112233-4455-6677-8899-aabbccddeeff',
      operationId: 'op',
      plan: {
        root: {
          common: { planId: 7n },
          join: {
            left: { range: { start: 0, end: 2 ** 53 + 2, step: 1 } },
            right: { localRelation: { data: new Uint8Array([1, 2, 3]), schema: 'a int' } },
            joinType: 'JOIN_TYPE_LEFT_OUTER',
            usingColumns: ['id'],
          },
        },
      },
      requestOptions: [{ reattachOptions: { reattachable: true } }],
    };
    const bytes = SERVICE.executePlan.request.encode(request);
    const back = SERVICE.executePlan.request.decode(bytes);
    assert.deepEqual(JSON.parse(JSON.stringify(back)), {
      sessionId: '00112233-4455-6677-8899-aabbccddeeff',
      operationId: 'op',
      plan: {
        root: {
          common: { planId: '7' },
          join: {
            left: { range: { start: '0', end: '9007199254740994', step: '1' } },
            right: { localRelation: { data: { type: 'Buffer', data: [1, 2, 3] }, schema: 'a int' } },
            joinType: 'JOIN_TYPE_LEFT_OUTER',
            usingColumns: ['id'],
          },
        },
      },
      requestOptions: [{ reattachOptions: { reattachable: true } }],
    });
  });

  it('encode Spark data types with their empty kind messages', () => {
    const dataType = codec<proto.DataType>('spark.connect.DataType');
    const type: proto.DataType = {
      struct: {
        fields: [
          {
            name: 'v',
            dataType: { array: { elementType: { float: {} }, containsNull: false } },
            nullable: true,
          },
          { name: 'n', dataType: { null: {} }, nullable: true },
        ],
      },
    };
    assert.deepEqual(dataType.decode(dataType.encode(type)), {
      struct: {
        fields: [
          {
            name: 'v',
            dataType: { array: { elementType: { float: {} }, containsNull: false } },
            nullable: true,
          },
          { name: 'n', dataType: { null: {} }, nullable: true },
        ],
      },
    });
  });

  it('refuse an unknown field instead of dropping it, naming where it is', () => {
    const plan = { root: { filter: { input: { range: { end: 1 } }, condtion: {} } } };
    assert.throws(
      () => SERVICE.executePlan.request.encode({ plan } as unknown as proto.ExecutePlanRequest),
      invalid(
        'ExecutePlanRequest.plan.root.filter.condtion',
        /Filter has no field 'condtion' \(its fields: input, condition\)/,
      ),
    );
  });

  it('refuse two members of one oneof and an unknown enum name', () => {
    assert.throws(
      () =>
        SERVICE.executePlan.request.encode({
          plan: { root: { range: { end: 1 }, sql: { query: 'SELECT 1' } } },
        }),
      invalid('ExecutePlanRequest.plan.root', /'sql' and 'range' are set, but only one of them may be/),
    );
    const join = { joinType: 'LEFT' } as unknown as proto.Join;
    assert.throws(
      () => SERVICE.executePlan.request.encode({ plan: { root: { join } } }),
      invalid(
        'ExecutePlanRequest.plan.root.join.joinType',
        /expected one of JOIN_TYPE_UNSPECIFIED, .*got "LEFT"/,
      ),
    );
  });

  it('refuse a scalar where a message goes and an object where an array goes', () => {
    const notMessage = { root: { filter: { input: 'range(3)' } } } as unknown as proto.Plan;
    assert.throws(
      () => SERVICE.executePlan.request.encode({ plan: notMessage }),
      invalid(
        'ExecutePlanRequest.plan.root.filter.input',
        /expected a spark.connect.Relation object, got "range\(3\)"/,
      ),
    );
    const notArray = { root: { toDf: { columnNames: 'a' } } } as unknown as proto.Plan;
    assert.throws(
      () => SERVICE.executePlan.request.encode({ plan: notArray }),
      invalid('ExecutePlanRequest.plan.root.toDf.columnNames', /expected an array, got "a"/),
    );
  });
});
