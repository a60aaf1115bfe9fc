import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { IOError, ParamError } from '../../errors.js';
import type { PlanNode } from '../../plan/nodes.js';
import { duckdbTypeSql } from './duckdbTypes.js';
import { quoteIdent, quoteString } from './sqlText.js';

/** The Parquet key-value metadata entry listing vector columns and their sizes, as JSON. */
export const VECTOR_METADATA_KEY = 'deepframe.vectors';

type ReadFiles = Extract<PlanNode, { kind: 'readFiles' }>;

const EXTENSIONS: Record<string, string> = { parquet: 'parquet', csv: 'csv', json: 'json', arrow: 'arrow' };

/** Options each reader accepts, with Spark's names. */
const KNOWN_OPTIONS: Record<string, readonly string[]> = {
  parquet: ['mergeSchema'],
  csv: [
    'header',
    'inferSchema',
    'sep',
    'delimiter',
    'quote',
    'escape',
    'nullValue',
    'dateFormat',
    'timestampFormat',
  ],
  json: ['multiLine'],
};

/**
 * The files a reader reads: each path as given when it is a file, or every file of the format's extension under
 * it (recursively, with `key=value` partition folders) when it is a directory. A missing path is an error that
 * names it.
 */
export function expandPaths(paths: readonly string[], format: string, reader: string): string[] {
  if (paths.length === 0) {
    throw new ParamError('EMPTY_PATHS', `${reader} needs at least one path.`);
  }
  return paths.map((p) => {
    const abs = resolve(p);
    if (!existsSync(abs)) {
      throw new IOError('PATH_NOT_FOUND', `${reader}: path does not exist: '${p}'.`, { path: p });
    }
    return statSync(abs).isDirectory() ? `${abs}/**/*.${EXTENSIONS[format] ?? format}` : abs;
  });
}

const truthy = (v: string | undefined) => v !== undefined && v.toLowerCase() === 'true';

/** The DuckDB query that reads files with Spark's reader semantics. */
export async function readFilesSql(
  node: ReadFiles,
  host: { query(sql: string): Promise<Record<string, unknown>[]> },
): Promise<string> {
  const reader = `read.${node.format}()`;
  const known = KNOWN_OPTIONS[node.format] ?? [];
  for (const key of Object.keys(node.options)) {
    if (!known.includes(key)) {
      throw new ParamError(
        'UNKNOWN_OPTION',
        `${reader} does not know option '${key}'. Options it takes: ${known.join(', ') || 'none'}.`,
        { option: key },
      );
    }
  }
  const files = expandPaths(node.paths, node.format, reader);
  const list = `[${files.map(quoteString).join(', ')}]`;
  const columns =
    node.schema === undefined
      ? ''
      : `, columns = {${node.schema.fields.map((f) => `${quoteString(f.name)}: ${quoteString(duckdbTypeSql(f.type))}`).join(', ')}}`;
  switch (node.format) {
    case 'parquet': {
      const sql = `SELECT * FROM read_parquet(${list}, hive_partitioning = true, union_by_name = true)`;
      // Parquet has no fixed-size float vectors: deepframe's writer records them in the file's key-value metadata.
      const meta = await host.query(
        `SELECT decode(value) AS value FROM parquet_kv_metadata(${list}) WHERE decode(key) = ${quoteString(VECTOR_METADATA_KEY)} LIMIT 1`,
      );
      const vectors =
        meta[0] === undefined ? {} : (JSON.parse(String(meta[0].value)) as Record<string, number>);
      const entries = Object.entries(vectors);
      if (entries.length === 0) return sql;
      const casts = entries.map(
        ([name, size]) => `CAST(${quoteIdent(name)} AS FLOAT[${Number(size)}]) AS ${quoteIdent(name)}`,
      );
      return `SELECT * REPLACE (${casts.join(', ')}) FROM (${sql})`;
    }
    case 'csv': {
      const o = node.options;
      const header = truthy(o.header);
      const parts = [
        `header = ${header}`,
        `hive_partitioning = true`,
        `union_by_name = true`,
        ...((o.sep ?? o.delimiter) ? [`delim = ${quoteString((o.sep ?? o.delimiter)!)}`] : []),
        ...(o.quote !== undefined ? [`quote = ${quoteString(o.quote)}`] : []),
        ...(o.escape !== undefined ? [`escape = ${quoteString(o.escape)}`] : []),
        ...(o.nullValue !== undefined ? [`nullstr = ${quoteString(o.nullValue)}`] : []),
        ...(o.dateFormat !== undefined ? [`dateformat = ${quoteString(o.dateFormat)}`] : []),
        ...(o.timestampFormat !== undefined ? [`timestampformat = ${quoteString(o.timestampFormat)}`] : []),
        // Spark reads every CSV column as a string unless asked to infer types.
        ...(node.schema === undefined && !truthy(o.inferSchema) ? ['all_varchar = true'] : []),
      ];
      const sql = `SELECT * FROM read_csv(${list}, ${parts.join(', ')}${columns})`;
      if (header || node.schema !== undefined) return sql;
      // Without a header Spark names the columns _c0, _c1, …; DuckDB names them column0, column1, …
      return `SELECT COLUMNS('^column(\\d+)$') AS '_c\\1' FROM (${sql})`;
    }
    case 'json': {
      const format = truthy(node.options.multiLine) ? 'array' : 'newline_delimited';
      return `SELECT * FROM read_json(${list}, format = '${format}', hive_partitioning = true, union_by_name = true${columns})`;
    }
    default:
      throw new ParamError('UNKNOWN_FORMAT', `Cannot read format '${node.format}' with SQL.`, {
        format: node.format,
      });
  }
}
