/**
 * SQL functions backed by deepframe stages on the embedded engine: DuckDB scalar functions whose callback hands
 * each chunk of arguments (up to 2,048 rows) to a {@link SyncStagePool} — the model runs batched, split across
 * worker threads — and writes the results back. DuckDB calls the callback synchronously on the JavaScript thread,
 * so the thread blocks while a chunk runs. Functions are volatile: DuckDB then computes a call once per row where
 * a query filters on its result through a subquery, instead of copying it into the pushed-down filter.
 *
 * @module
 */
import {
  ANY,
  arrayValue,
  type DuckDBConnection,
  type DuckDBDataChunk,
  DuckDBScalarFunction,
  type DuckDBValue,
  listValue,
  structValue,
} from '@duckdb/node-api';
import type * as arrow from 'apache-arrow';
import { describeCause } from '../../errors.js';
import { rowsToArrow } from '../../frame/rows.js';
import type { SqlFunction } from '../../sql/sqlFunction.js';
import { concatBatches } from '../../tensor/concat.js';
import { type DataType, DataTypes, type StructField } from '../../types/DataType.js';
import type { Row } from '../../types/Value.js';
import { fromDuckDBType, toDuckDBType } from './duckdbTypes.js';
import type { SyncStagePool } from './SyncStagePool.js';

/** Registers every overload of `fn` on the connection's database instance (visible to all its connections). */
export function registerSqlFunction(conn: DuckDBConnection, fn: SqlFunction, pool: SyncStagePool): void {
  for (const overload of fn.overloads) {
    conn.registerScalarFunction(
      DuckDBScalarFunction.create({
        name: fn.name,
        ...(overload.anyArguments === true
          ? { varArgsType: ANY }
          : { parameterTypes: overload.args.map((a) => toDuckDBType(a.type)) }),
        returnType: toDuckDBType(overload.output.type),
        volatile: true,
        mainFunction: (info, input, out) => {
          try {
            const args = overload.anyArguments === true ? anyArguments(input) : overload.args;
            const spec =
              overload.anyArguments === true && overload.spec.kind === 'scalarFunction'
                ? { ...overload.spec, arguments: args.map((a) => a.name) }
                : overload.spec;
            const result = pool.run(
              spec,
              argumentsBatch(input, args),
              `SQL function ${fn.name}`,
              Math.min(overload.batchSize, 256),
            );
            const column = result.getChild(overload.output.column) as arrow.Vector;
            for (let i = 0; i < input.rowCount; i++) {
              out.setItem(i, toDuckDBValue(column.get(i), overload.output.type));
            }
            out.flush();
          } catch (e) {
            info.setError(
              `SQL function ${fn.name} (rows it cannot use: ${overload.onError === 'null' ? "null, onError 'null'" : "fail the query, onError 'fail'"}): ${describeCause(e)}`,
            );
          }
        },
      }),
    );
  }
}

/** A chunk of arguments as an Arrow batch with the stage's column names. */
function argumentsBatch(input: DuckDBDataChunk, args: readonly StructField[]): arrow.RecordBatch {
  const rows: Row[] = [];
  const vectors = args.map((_, c) => input.getColumnVector(c));
  for (let i = 0; i < input.rowCount; i++) {
    const row: Record<string, unknown> = {};
    args.forEach((arg, c) => {
      row[arg.name] = fromDuckDBValue(vectors[c]?.getItem(i) ?? null, arg.type);
    });
    rows.push(row as Row);
  }
  const table = rowsToArrow(rows, DataTypes.struct([...args]));
  return table.batches.length === 1 ? (table.batches[0] as arrow.RecordBatch) : concatBatches(table.batches);
}

/** The arguments of a call of a function that takes any: `arg0`, `arg1`, … with the types DuckDB passed. */
function anyArguments(input: DuckDBDataChunk): StructField[] {
  return Array.from({ length: input.columnCount }, (_, c) =>
    DataTypes.field(`arg${c}`, fromDuckDBType(input.getColumnVector(c).type).type),
  );
}

/** A DuckDB value as the JavaScript value deepframe's rows hold for `type`. */
function fromDuckDBValue(value: DuckDBValue, type: DataType): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'struct': {
      const entries = (value as { entries: Record<string, DuckDBValue> }).entries;
      return Object.fromEntries(
        type.fields.map((f) => [f.name, fromDuckDBValue(entries[f.name] ?? null, f.type)]),
      );
    }
    case 'binary':
      return (value as { bytes: Uint8Array }).bytes;
    case 'vector':
      return Float32Array.from((value as { items: readonly DuckDBValue[] }).items as number[]);
    case 'array':
      return (value as { items: readonly DuckDBValue[] }).items.map((v) =>
        fromDuckDBValue(v, type.elementType),
      );
    case 'float':
    case 'double': {
      // DECIMAL values (a literal such as 1.5 passed to a function of any arguments) come as objects.
      const decimal = value as { toDouble?: () => number };
      return typeof decimal.toDouble === 'function' ? decimal.toDouble() : value;
    }
    default:
      return value;
  }
}

/** A value of an Arrow result column as a DuckDB value of `type`. */
function toDuckDBValue(value: unknown, type: DataType): DuckDBValue {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'vector':
      return arrayValue(Array.from(value as Iterable<number>));
    case 'array':
      return listValue(Array.from(value as Iterable<unknown>, (v) => toDuckDBValue(v, type.elementType)));
    case 'struct': {
      const row = value as Record<string, unknown>;
      return structValue(
        Object.fromEntries(type.fields.map((f) => [f.name, toDuckDBValue(row[f.name], f.type)])),
      );
    }
    default:
      return value as DuckDBValue;
  }
}
