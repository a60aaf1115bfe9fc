/**
 * Spark ML values as Spark Connect literals, both ways: params sent with a fit or a transform, and the values that
 * a model's methods return (`MlCommandResult.param`).
 *
 * Scalars are plain literals (the server converts numbers to the param's own type: an `Int` param takes a double,
 * a `Long` param an integer). Vectors and matrices are struct literals typed by Spark ML's `VectorUDT` /
 * `MatrixUDT`, whose elements follow the UDTs' SQL layout (vector: `type, size, indices, values`; matrix:
 * `type, numRows, numCols, colPtrs, rowIndices, values, isTransposed`; type 0 sparse, 1 dense), the arrays as
 * specialized (packed) arrays.
 *
 * @module
 */

import { SparkError } from '../../../errors.js';
import type * as proto from '../proto/index.js';

/** Spark ML's vector UDT class. */
export const VECTOR_UDT = 'org.apache.spark.ml.linalg.VectorUDT';
/** Spark ML's matrix UDT class. */
export const MATRIX_UDT = 'org.apache.spark.ml.linalg.MatrixUDT';

/** A dense vector param (for a param of type `Vector`, such as `initialWeights`). */
export interface MlVector {
  readonly kind: 'vector';
  readonly values: readonly number[] | Float64Array;
}

/** A dense matrix, row-major. */
export interface MlMatrix {
  readonly kind: 'matrix';
  readonly numRows: number;
  readonly numCols: number;
  /** `numRows × numCols` values, row after row. */
  readonly values: Float64Array;
}

/** A param value deepframe sends to Spark ML. */
export type MlParamValue = number | boolean | string | readonly number[] | readonly string[] | MlVector;

/** A value a Spark ML method returned. */
export type MlValue = number | boolean | string | null | readonly MlValue[] | Float64Array | MlMatrix;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

const isInt32 = (n: number) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX;

/** A number as the narrowest literal that holds it exactly: integer, long, or double. */
function numberLiteral(n: number): proto.Literal {
  if (isInt32(n) && !Object.is(n, -0)) return { integer: n };
  if (Number.isSafeInteger(n)) return { long: n };
  return { double: n };
}

function udt(jvmClass: string): proto.DataType {
  return { udt: { type: 'udt', jvmClass } };
}

/**
 * A param value as a literal: numbers (integers as `integer` or `long`, others as `double`), booleans, strings,
 * arrays of numbers (all integers: `array<int>`, else `array<double>`) or strings, and dense vectors.
 *
 * @example
 * ```ts
 * paramLiteral(100); // { integer: 100 }
 * paramLiteral([4, 5, 3]); // { array: { elementType: { integer: {} }, elements: [{ integer: 4 }, …] } }
 * paramLiteral({ kind: 'vector', values: [0.1, 0.2] }); // a VectorUDT struct
 * ```
 */
export function paramLiteral(value: MlParamValue): proto.Literal {
  if (typeof value === 'number') return numberLiteral(value);
  if (typeof value === 'boolean') return { boolean: value };
  if (typeof value === 'string') return { string: value };
  if ('kind' in value) {
    return {
      struct: {
        structType: udt(VECTOR_UDT),
        elements: [
          { byte: 1 },
          { null: { null: {} } },
          { null: { null: {} } },
          { specializedArray: { doubles: { values: Array.from(value.values) } } },
        ],
      },
    };
  }
  const items = value as readonly (number | string)[];
  if (items.every((v) => typeof v === 'string')) {
    return {
      array: { elementType: { string: {} }, elements: items.map((v) => ({ string: v as string })) },
    };
  }
  const numbers = items as readonly number[];
  const ints = numbers.every(isInt32);
  return {
    array: {
      elementType: ints ? { integer: {} } : { double: {} },
      elements: numbers.map((v) => (ints ? { integer: v } : { double: v })),
    },
  };
}

/**
 * The MlParams of a record of param values; `undefined` values are left out.
 *
 * @example
 * ```ts
 * mlParams({ maxIter: 5, weightCol: undefined }); // { params: { maxIter: { integer: 5 } } }
 * ```
 */
export function mlParams(values: Readonly<Record<string, MlParamValue | undefined>>): proto.MlParams {
  const params: Record<string, proto.Literal> = {};
  for (const [name, value] of Object.entries(values))
    if (value !== undefined) params[name] = paramLiteral(value);
  return { params };
}

function unexpected(what: string, literal: unknown): SparkError {
  return new SparkError(
    'UNEXPECTED_ML_RESULT',
    `Spark ML returned ${what} that deepframe cannot read: ${JSON.stringify(literal).slice(0, 200)}. The server's Spark ML protocol may be newer than deepframe's; fit with deepframe's own engine (a local session) instead.`,
    { what },
  );
}

/** The numbers of an array literal: a specialized (packed) array, or an array of number literals. */
function numbers(literal: proto.Literal | undefined, what: string): Float64Array {
  const packed = literal?.specializedArray;
  if (packed !== undefined) {
    const values =
      packed.doubles?.values ?? packed.ints?.values ?? packed.floats?.values ?? packed.longs?.values;
    if (values === undefined) throw unexpected(what, literal);
    return Float64Array.from(values, Number);
  }
  if (literal?.array !== undefined) {
    return Float64Array.from(literal.array.elements ?? [], (e) => {
      const v = scalar(e);
      if (typeof v !== 'number') throw unexpected(what, literal);
      return v;
    });
  }
  throw unexpected(what, literal);
}

/** A scalar literal's value; `undefined` when it is not a scalar. */
function scalar(literal: proto.Literal): number | boolean | string | null | undefined {
  if (literal.null !== undefined) return null;
  if (literal.boolean !== undefined) return literal.boolean;
  if (literal.string !== undefined) return literal.string;
  for (const n of [literal.byte, literal.short, literal.integer, literal.float, literal.double]) {
    if (n !== undefined) return n;
  }
  if (literal.long !== undefined) return Number(literal.long);
  return undefined;
}

/** A vector literal's values, dense. */
function vectorValues(elements: readonly proto.Literal[]): Float64Array {
  if (elements.length !== 4) throw unexpected('a vector', elements);
  const values = numbers(elements[3], 'a vector');
  if (elements[0]?.byte !== 0) return values;
  const size = elements[1]?.integer ?? 0;
  const indices = numbers(elements[2], 'a sparse vector');
  const dense = new Float64Array(size);
  indices.forEach((index, i) => {
    dense[index] = values[i] as number;
  });
  return dense;
}

/** A matrix literal, dense and row-major. */
function matrixValue(elements: readonly proto.Literal[]): MlMatrix {
  if (elements.length !== 7) throw unexpected('a matrix', elements);
  const numRows = elements[1]?.integer ?? 0;
  const numCols = elements[2]?.integer ?? 0;
  const values = numbers(elements[5], 'a matrix');
  const transposed = elements[6]?.boolean === true;
  const out = new Float64Array(numRows * numCols);
  if (elements[0]?.byte === 1) {
    // Dense: column-major, or row-major when transposed.
    for (let r = 0; r < numRows; r++)
      for (let c = 0; c < numCols; c++)
        out[r * numCols + c] = values[transposed ? r * numCols + c : c * numRows + r] as number;
    return { kind: 'matrix', numRows, numCols, values: out };
  }
  // Sparse: compressed columns (CSC), or compressed rows when transposed.
  const pointers = numbers(elements[3], 'a sparse matrix');
  const indices = numbers(elements[4], 'a sparse matrix');
  const outer = transposed ? numRows : numCols;
  for (let o = 0; o < outer; o++) {
    for (let k = pointers[o] as number; k < (pointers[o + 1] as number); k++) {
      const inner = indices[k] as number;
      const [r, c] = transposed ? [o, inner] : [inner, o];
      out[r * numCols + c] = values[k] as number;
    }
  }
  return { kind: 'matrix', numRows, numCols, values: out };
}

/**
 * The value of a literal that a Spark ML method returned: a scalar, an array (of numbers: a `Float64Array`), a
 * vector (a `Float64Array`, dense), or a matrix (dense, row-major).
 *
 * @example
 * ```ts
 * mlValue({ integer: 3 }); // 3
 * mlValue(result.param); // a Float64Array for a vector such as interceptVector
 * ```
 */
export function mlValue(literal: proto.Literal): MlValue {
  const s = scalar(literal);
  if (s !== undefined) return s;
  if (literal.specializedArray !== undefined) {
    const strings = literal.specializedArray.strings?.values;
    const bools = literal.specializedArray.bools?.values;
    if (strings !== undefined) return strings;
    if (bools !== undefined) return bools;
    return numbers(literal, 'an array');
  }
  if (literal.array !== undefined) {
    const elements = literal.array.elements ?? [];
    const values = elements.map(mlValue);
    return values.every((v) => typeof v === 'number') ? Float64Array.from(values as number[]) : values;
  }
  if (literal.struct !== undefined) {
    const jvmClass = literal.struct.structType?.udt?.jvmClass;
    const elements = literal.struct.elements ?? [];
    if (jvmClass === VECTOR_UDT) return vectorValues(elements);
    if (jvmClass === MATRIX_UDT) return matrixValue(elements);
  }
  throw unexpected('a value', literal);
}
