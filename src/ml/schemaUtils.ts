import { SchemaError } from '../errors.js';
import {
  type DataType,
  DataTypes,
  findField,
  requireField,
  type StructType,
  simpleString,
} from '../types/index.js';

/**
 * Checks that `schema` has a column `name` whose type passes `accepts` (a type, compared exactly, or a predicate
 * such as `isNumeric`) and returns the column's type. Throws a `SchemaError` `UNRESOLVED_COLUMN` (listing the
 * columns there are) when it is missing, and `COLUMN_TYPE_MISMATCH` naming the column, the stage, the type seen
 * and `expected` when its type does not fit. For `transformSchema` implementations (Spark ML's
 * `SchemaUtils.checkColumnType`).
 *
 * @example
 * ```ts
 * checkColumnType(schema, 'features', (t) => t.kind === 'vector', 'a vector', this.uid);
 * checkColumnType(schema, 'label', DataTypes.double, 'double', this.uid);
 * ```
 */
export function checkColumnType(
  schema: StructType,
  name: string,
  accepts: DataType | ((type: DataType) => boolean),
  expected: string,
  stage: string,
): DataType {
  const field = requireField(schema, name, `the input of stage '${stage}'`);
  const ok =
    typeof accepts === 'function' ? accepts(field.type) : simpleString(accepts) === simpleString(field.type);
  if (!ok) {
    const actual = simpleString(field.type);
    throw new SchemaError(
      'COLUMN_TYPE_MISMATCH',
      `Column '${field.name}' given to stage '${stage}' must be of type ${expected}, but is ${actual}. ` +
        'Cast it or choose another column.',
      { column: field.name, stage, expected, actual },
    );
  }
  return field.type;
}

/**
 * `schema` with a column `name` of `type` added at the end. Throws a `SchemaError` `COLUMN_ALREADY_EXISTS` naming
 * the column and the stage when the schema has it already (an output column must be new), so that a stage never
 * overwrites input silently. For `transformSchema` implementations (Spark ML's `SchemaUtils.appendColumn`).
 *
 * @example
 * ```ts
 * return appendColumn(schema, this.getOutputCol(), DataTypes.vector(512), this.uid);
 * ```
 */
export function appendColumn(
  schema: StructType,
  name: string,
  type: DataType,
  stage: string,
  nullable = true,
): StructType {
  const existing = findField(schema, name);
  if (existing !== undefined) {
    throw new SchemaError(
      'COLUMN_ALREADY_EXISTS',
      `Stage '${stage}' cannot add output column '${name}': the input has a column '${existing.name}' already. ` +
        'Choose another output column name, or drop the existing column first.',
      { column: name, stage },
    );
  }
  return DataTypes.struct([...schema.fields, DataTypes.field(name, type, nullable)]);
}
