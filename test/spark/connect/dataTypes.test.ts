import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  fromSparkDataType,
  fromSparkSchema,
  sparkTypeName,
  toSparkDataType,
} from '../../../src/engine/spark/connect/index.js';
import type * as proto from '../../../src/engine/spark/proto/index.js';
import { SparkError } from '../../../src/errors.js';
import { DataTypes } from '../../../src/types/DataType.js';

describe("Spark's protocol data types", () => {
  it("map to deepframe's types, nullability and nesting kept", () => {
    const schema: proto.DataType = {
      struct: {
        fields: [
          { name: 'id', dataType: { long: {} }, nullable: false },
          { name: 'name', dataType: { string: { collation: 'UTF8_LCASE' } }, nullable: true },
          { name: 'code', dataType: { varChar: { length: 3 } }, nullable: true },
          {
            name: 'emb',
            dataType: { array: { elementType: { float: {} }, containsNull: false } },
            nullable: true,
          },
          {
            name: 'image',
            dataType: {
              struct: {
                fields: [
                  { name: 'height', dataType: { integer: {} }, nullable: false },
                  { name: 'data', dataType: { binary: {} }, nullable: false },
                ],
              },
            },
            nullable: true,
          },
          { name: 'at', dataType: { timestamp: {} }, nullable: true },
        ],
      },
    };
    assert.deepEqual(
      fromSparkSchema(schema),
      DataTypes.struct([
        DataTypes.field('id', DataTypes.long, false),
        DataTypes.field('name', DataTypes.string),
        DataTypes.field('code', DataTypes.string),
        DataTypes.field('emb', DataTypes.array(DataTypes.float, false)),
        DataTypes.field(
          'image',
          DataTypes.struct([
            DataTypes.field('height', DataTypes.integer, false),
            DataTypes.field('data', DataTypes.binary, false),
          ]),
        ),
        DataTypes.field('at', DataTypes.timestamp),
      ]),
    );
  });

  it('read a user-defined type as the SQL type its values are stored as', () => {
    const vectorUdt: proto.DataType = {
      udt: {
        type: 'udt',
        jvmClass: 'org.apache.spark.ml.linalg.VectorUDT',
        sqlType: { array: { elementType: { double: {} }, containsNull: false } },
      },
    };
    assert.deepEqual(fromSparkDataType(vectorUdt), DataTypes.array(DataTypes.double, false));
  });

  it('refuse a type deepframe has none for, naming the column and the type', () => {
    const schema: proto.DataType = {
      struct: {
        fields: [{ name: 'price', dataType: { decimal: { precision: 10, scale: 2 } }, nullable: true }],
      },
    };
    assert.throws(
      () => fromSparkSchema(schema),
      (e: unknown) =>
        e instanceof SparkError &&
        e.errorClass === 'UNSUPPORTED_DATA_TYPE' &&
        e.messageParameters.sparkType === 'decimal(10,2)' &&
        e.message.startsWith('[UNSUPPORTED_DATA_TYPE] Column `price` has Spark type decimal(10,2)'),
    );
    assert.equal(
      sparkTypeName({ map: { keyType: { string: {} }, valueType: { integer: {} } } }),
      'map<string,int>',
    );
  });

  it('go to Spark with vectors as arrays of floats without nulls', () => {
    assert.deepEqual(toSparkDataType(DataTypes.vector(512)), {
      array: { elementType: { float: {} }, containsNull: false },
    });
    const schema = DataTypes.struct([
      DataTypes.field('id', DataTypes.long, false),
      DataTypes.field('x', DataTypes.date),
    ]);
    assert.deepEqual(fromSparkSchema(toSparkDataType(schema)), schema);
  });
});
