import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SERVICE } from '../../../src/engine/spark/connect/protocol.js';
import {
  MATRIX_UDT,
  mlParams,
  mlValue,
  paramLiteral,
  VECTOR_UDT,
} from '../../../src/engine/spark/ml/index.js';
import { SparkError } from '../../../src/errors.js';

const ints = (values: number[]) => ({ specializedArray: { ints: { values } } });
const doubles = (values: number[]) => ({ specializedArray: { doubles: { values } } });

describe('Spark ML literals', () => {
  it('params: integers, longs, doubles, booleans, strings, arrays and dense vectors', () => {
    assert.deepEqual(paramLiteral(100), { integer: 100 });
    assert.deepEqual(paramLiteral(2 ** 40), { long: 2 ** 40 });
    assert.deepEqual(paramLiteral(0.05), { double: 0.05 });
    assert.deepEqual(paramLiteral(true), { boolean: true });
    assert.deepEqual(paramLiteral('l-bfgs'), { string: 'l-bfgs' });
    assert.deepEqual(paramLiteral([4, 5, 3]), {
      array: { elementType: { integer: {} }, elements: [{ integer: 4 }, { integer: 5 }, { integer: 3 }] },
    });
    assert.deepEqual(paramLiteral([0.5, 1]), {
      array: { elementType: { double: {} }, elements: [{ double: 0.5 }, { double: 1 }] },
    });
    assert.deepEqual(paramLiteral({ kind: 'vector', values: [0.1, 0.2] }), {
      struct: {
        structType: { udt: { type: 'udt', jvmClass: VECTOR_UDT } },
        elements: [{ byte: 1 }, { null: { null: {} } }, { null: { null: {} } }, doubles([0.1, 0.2])],
      },
    });
    assert.deepEqual(mlParams({ maxIter: 5, weightCol: undefined }), { params: { maxIter: { integer: 5 } } });
  });

  it('params encode as Spark Connect messages (an MlCommand.Fit inside an ExecutePlanRequest)', () => {
    const request = {
      plan: {
        command: {
          mlCommand: {
            fit: {
              estimator: {
                name: 'org.apache.spark.ml.classification.LogisticRegression',
                uid: 'lr',
                type: 'OPERATOR_TYPE_ESTIMATOR' as const,
              },
              params: mlParams({ maxIter: 5, initialWeights: { kind: 'vector', values: [1, 2] } }),
              dataset: { range: { end: 3, step: 1 } },
            },
          },
        },
      },
    };
    const decoded = SERVICE.executePlan.request.decode(SERVICE.executePlan.request.encode(request));
    const fit = decoded.plan && 'command' in decoded.plan ? decoded.plan.command.mlCommand?.fit : undefined;
    assert.equal(fit?.params?.params?.maxIter?.integer, 5);
    assert.deepEqual(mlValue(fit?.params?.params?.initialWeights ?? {}), Float64Array.from([1, 2]));
  });

  it('values: scalars, arrays, dense and sparse vectors', () => {
    assert.equal(mlValue({ integer: 3 }), 3);
    assert.equal(mlValue({ long: '7' }), 7);
    assert.equal(mlValue({ boolean: true }), true);
    assert.deepEqual(mlValue(doubles([0.5, 0.25])), Float64Array.from([0.5, 0.25]));
    assert.deepEqual(
      mlValue({ array: { elementType: { double: {} }, elements: [{ double: 1 }, { double: 2 }] } }),
      Float64Array.from([1, 2]),
    );
    const vector = (elements: object[]) => ({
      struct: { structType: { udt: { type: 'udt', jvmClass: VECTOR_UDT } }, elements },
    });
    assert.deepEqual(
      mlValue(vector([{ byte: 1 }, { null: {} }, { null: {} }, doubles([3, 4])])),
      Float64Array.from([3, 4]),
    );
    assert.deepEqual(
      mlValue(vector([{ byte: 0 }, { integer: 4 }, ints([1, 3]), doubles([2, 5])])),
      Float64Array.from([0, 2, 0, 5]),
    );
  });

  it('values: dense and sparse matrices, column- or row-major, as dense row-major', () => {
    const matrix = (elements: object[]) =>
      mlValue({ struct: { structType: { udt: { type: 'udt', jvmClass: MATRIX_UDT } }, elements } });
    // [[1, 2, 3], [4, 5, 6]]
    const expected = {
      kind: 'matrix',
      numRows: 2,
      numCols: 3,
      values: Float64Array.from([1, 2, 3, 4, 5, 6]),
    };
    const dense = (values: number[], transposed: boolean) =>
      matrix([
        { byte: 1 },
        { integer: 2 },
        { integer: 3 },
        { null: {} },
        { null: {} },
        doubles(values),
        { boolean: transposed },
      ]);
    assert.deepEqual(dense([1, 4, 2, 5, 3, 6], false), expected);
    assert.deepEqual(dense([1, 2, 3, 4, 5, 6], true), expected);
    // [[0, 7, 0], [8, 0, 0]]: by columns (CSC), and by rows (CSR, transposed).
    const sparse = { kind: 'matrix', numRows: 2, numCols: 3, values: Float64Array.from([0, 7, 0, 8, 0, 0]) };
    const csc = matrix([
      { byte: 0 },
      { integer: 2 },
      { integer: 3 },
      ints([0, 1, 2, 2]),
      ints([1, 0]),
      doubles([8, 7]),
      { boolean: false },
    ]);
    const csr = matrix([
      { byte: 0 },
      { integer: 2 },
      { integer: 3 },
      ints([0, 1, 2]),
      ints([1, 0]),
      doubles([7, 8]),
      { boolean: true },
    ]);
    assert.deepEqual(csc, sparse);
    assert.deepEqual(csr, sparse);
  });

  it('a value of an unknown kind is a SparkError naming it', () => {
    assert.throws(
      () => mlValue({ struct: { structType: { udt: { jvmClass: 'org.example.SomeUDT' } }, elements: [] } }),
      (e: unknown) => e instanceof SparkError && e.errorClass === 'UNEXPECTED_ML_RESULT',
    );
  });
});
