import type { DataType, StructType } from '../types/DataType.js';
import type { Row, Value } from '../types/Value.js';

const pad2 = (n: number) => String(n).padStart(2, '0');

/** A cell as Spark's `show()` prints it. */
export function formatValue(value: Value, type: DataType): string {
  if (value === null) return 'NULL';
  switch (type.kind) {
    case 'float':
    case 'double': {
      const n = value as number;
      if (Number.isNaN(n)) return 'NaN';
      if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
      return Number.isInteger(n) && Math.abs(n) < 1e7 ? n.toFixed(1) : String(n);
    }
    case 'binary':
      return `[${Array.from(value as Uint8Array, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ')}]`;
    case 'date': {
      const d = value as Date;
      return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
    }
    case 'timestamp': {
      const d = value as Date;
      return `${formatValue(d, { kind: 'date' })} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
    }
    case 'vector':
      return `[${Array.from(value as Float32Array, (x) => formatValue(x, { kind: 'float' })).join(', ')}]`;
    case 'array':
      return `[${(value as readonly Value[]).map((v) => formatValue(v, type.elementType)).join(', ')}]`;
    case 'struct':
      return `{${type.fields.map((f) => formatValue((value as Row)[f.name] ?? null, f.type)).join(', ')}}`;
    default:
      return String(value);
  }
}

/**
 * Rows as the table Spark's `show()` prints: a header, right-aligned cells, cells longer than `truncate`
 * characters cut to `truncate - 3` plus `...` (no cutting when `truncate` is 0), and a note when rows were left
 * out.
 */
export function showString(
  rows: readonly Row[],
  schema: StructType,
  truncate: number,
  more: boolean,
  n: number,
): string {
  const cut = (s: string) =>
    truncate > 0 && s.length > truncate ? `${s.slice(0, Math.max(0, truncate - 3))}...` : s;
  const header = schema.fields.map((f) => cut(f.name));
  const body = rows.map((r) => schema.fields.map((f) => cut(formatValue(r[f.name] ?? null, f.type))));
  const widths = header.map((h, c) => Math.max(3, h.length, ...body.map((row) => row[c]!.length)));
  const line = `+${widths.map((w) => '-'.repeat(w)).join('+')}+`;
  const fmt = (cells: readonly string[]) =>
    `|${cells.map((cell, c) => (truncate > 0 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('|')}|`;
  const out = [line, fmt(header), line, ...body.map(fmt), line];
  if (more) out.push(`only showing top ${n} ${n === 1 ? 'row' : 'rows'}`);
  return `${out.join('\n')}\n`;
}
