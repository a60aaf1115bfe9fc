/**
 * Vector columns computed by expressions, on both engines.
 *
 * A feature stage builds a `vector<N>` column as `array(…)` cast to `vector<N>`. The embedded engine keeps that
 * type (a fixed-size `FLOAT[N]`); Spark has no vector type, and a column computed by an expression comes back from
 * its analysis as plain `array<float>`, without the size that deepframe keeps in a field's metadata. So that the
 * next stage sees `vector<N>` on Spark too, {@link withVectorTypes} puts the result under a union whose first
 * (empty) input declares the vector columns: Spark takes a union's column metadata from its first input.
 *
 * @module
 */
import { Column } from '../../frame/Column.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { lit } from '../../frame/functions.js';
import { type DataType, DataTypes, type StructType } from '../../types/DataType.js';
import type { Row } from '../../types/Value.js';

/**
 * The type a stage's `transformSchema` gives a vector column whose size is known only once a stage before it is
 * fitted (a {@link OneHotEncoder}'s output, before the fit counts the categories): `array<float>`. Stages that read
 * vectors accept it in `transformSchema`, so that a whole `Pipeline` is checked before it is fitted, and require a
 * `vector<N>` when they run.
 *
 * @example
 * ```ts
 * transformSchema(schema: StructType): StructType {
 *   return appendColumn(schema, this.getOutputCol(), UNSIZED_VECTOR, this.uid); // size known once fitted
 * }
 * ```
 */
export const UNSIZED_VECTOR: DataType = DataTypes.array(DataTypes.float, false);

/**
 * Whether `type` is {@link UNSIZED_VECTOR}'s kind: an array of floats.
 *
 * @example
 * ```ts
 * isUnsizedVector(DataTypes.array(DataTypes.float)); // true
 * ```
 */
export function isUnsizedVector(type: DataType): boolean {
  return type.kind === 'array' && type.elementType.kind === 'float';
}

/**
 * Element `index` (0-based) of a vector column, as a double.
 *
 * @example
 * ```ts
 * vectorElement(col('features'), 3);
 * ```
 */
export function vectorElement(vector: Column, index: number): Column {
  return vector.getItem(index).cast(DataTypes.double);
}

/**
 * A double literal (`lit` makes whole numbers integers).
 *
 * @example
 * ```ts
 * doubleLit(2); // 2.0, a double
 * ```
 */
export function doubleLit(value: number): Column {
  return new Column({ kind: 'literal', value, type: DataTypes.double });
}

/**
 * `df` with the columns named in `sizes` typed `vector<size>` in its schema on every engine (see the module's
 * doc). Returns `df` itself when its schema says so already (the embedded engine), and also when its column names
 * are not distinct (a union by position cannot be built from rows then).
 *
 * @example
 * ```ts
 * const out = await withVectorTypes(df.withColumn('features', array(x, y).cast('vector<2>')), new Map([['features', 2]]));
 * ```
 */
export async function withVectorTypes(df: DataFrame, sizes: ReadonlyMap<string, number>): Promise<DataFrame> {
  const schema = await df.schema();
  const pending = schema.fields.some((f) => {
    const size = sizes.get(f.name);
    return size !== undefined && !(f.type.kind === 'vector' && f.type.size === size);
  });
  if (!pending) return df;
  const names = new Set(schema.fields.map((f) => f.name));
  if (names.size !== schema.fields.length) return df;
  const declared: StructType = DataTypes.struct(
    schema.fields.map((f) => {
      const size = sizes.get(f.name);
      return DataTypes.field(f.name, size === undefined ? f.type : DataTypes.vector(size), true);
    }),
  );
  const nulls: Row = Object.fromEntries(schema.fields.map((f) => [f.name, null]));
  const template = df.session.createDataFrame([nulls], declared).filter(lit(false));
  return template.union(df);
}
