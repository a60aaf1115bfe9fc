import { SchemaError } from '../errors.js';
import type { DataType, StructField, StructType } from './DataType.js';
import { typeName } from './DataType.js';

/** The names of a struct's fields, in order. */
export function fieldNames(schema: StructType): string[] {
  return schema.fields.map((f) => f.name);
}

/** The field called `name`, or `undefined`. Names are matched exactly first, then case-insensitively, as Spark does. */
export function findField(schema: StructType, name: string): StructField | undefined {
  return (
    schema.fields.find((f) => f.name === name) ??
    schema.fields.find((f) => f.name.toLowerCase() === name.toLowerCase())
  );
}

/**
 * The field called `name`; throws a {@link SchemaError} `UNRESOLVED_COLUMN` that lists the columns there are.
 * `where` names the operation, for the message.
 */
export function requireField(schema: StructType, name: string, where = 'this DataFrame'): StructField {
  const field = findField(schema, name);
  if (field === undefined) {
    throw new SchemaError(
      'UNRESOLVED_COLUMN',
      `A column named '${name}' cannot be resolved in ${where}. Available columns: ${fieldNames(schema)
        .map((n) => `'${n}'`)
        .join(', ')}.`,
      { column: name, available: fieldNames(schema).join(',') },
    );
  }
  return field;
}

/**
 * The schema as Spark's `printSchema()` prints it:
 *
 * ```
 * root
 *  |-- id: long (nullable = false)
 *  |-- image: struct (nullable = true)
 *  |    |-- origin: string (nullable = true)
 * ```
 */
export function treeString(schema: StructType): string {
  const lines = ['root'];
  const walk = (type: DataType, prefix: string): void => {
    if (type.kind === 'struct') {
      for (const f of type.fields) {
        lines.push(`${prefix}|-- ${f.name}: ${typeName(f.type)} (nullable = ${f.nullable})`);
        walk(f.type, `${prefix}|    `);
      }
    } else if (type.kind === 'array') {
      lines.push(`${prefix}|-- element: ${typeName(type.elementType)} (containsNull = ${type.containsNull})`);
      walk(type.elementType, `${prefix}|    `);
    } else if (type.kind === 'vector') {
      lines.push(`${prefix}|-- size: ${type.size}`);
    }
  };
  walk(schema, ' ');
  return `${lines.join('\n')}\n`;
}
