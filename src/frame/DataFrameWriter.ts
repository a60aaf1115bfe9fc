import type { SaveMode } from '../engine/Engine.js';
import { ParamError } from '../errors.js';
import { parseSaveMode } from '../io/atomicWrite.js';
import type { FileFormat } from '../plan/nodes.js';
import type { DataFrame } from './DataFrame.js';

const FORMATS: readonly FileFormat[] = ['parquet', 'csv', 'json', 'arrow'];

/**
 * Writes a DataFrame to files, as Spark's `DataFrameWriter`: a directory of part files (`part-00000-….parquet`)
 * and a `_SUCCESS` marker, `key=value` sub-directories with `partitionBy`, and Spark's save modes. A failed write
 * leaves the target as it was.
 *
 * @example
 * ```ts
 * await df.write.mode('overwrite').partitionBy('label').parquet('out/features');
 * await df.write.option('header', 'true').csv('out/table');
 * ```
 */
export class DataFrameWriter {
  readonly #df: DataFrame;
  #mode: SaveMode = 'error';
  #format: FileFormat = 'parquet';
  #partitionBy: string[] = [];
  readonly #options: Record<string, string> = {};

  /** @internal Use `df.write`. */
  constructor(df: DataFrame) {
    this.#df = df;
  }

  /** What to do when the target exists: `error` (default, also `errorifexists`), `overwrite`, `append`, `ignore`. */
  mode(mode: SaveMode | string): this {
    this.#mode = parseSaveMode(mode);
    return this;
  }

  /** The file format for {@link DataFrameWriter.save}: `parquet` (default), `csv`, `json`, `arrow`. */
  format(format: string): this {
    if (!FORMATS.includes(format as FileFormat)) {
      throw new ParamError(
        'UNKNOWN_FORMAT',
        `Unknown format '${format}'. Expected one of: ${FORMATS.join(', ')}.`,
        {
          format,
        },
      );
    }
    this.#format = format as FileFormat;
    return this;
  }

  /** A format option: `header`, `sep` and `nullValue` for CSV; `compression` for Parquet. */
  option(key: string, value: string | number | boolean): this {
    this.#options[key] = String(value);
    return this;
  }

  /** Several format options. */
  options(options: Readonly<Record<string, string | number | boolean>>): this {
    for (const [k, v] of Object.entries(options)) this.option(k, v);
    return this;
  }

  /** Writes one sub-directory per value of these columns (`col=value/`), which are left out of the files. */
  partitionBy(...cols: string[]): this {
    this.#partitionBy = cols;
    return this;
  }

  /** Writes in the chosen format to `path`. */
  async save(path: string): Promise<void> {
    await this.#df.session.engine.write(this.#df.plan, {
      format: this.#format,
      path,
      mode: this.#mode,
      partitionBy: this.#partitionBy,
      options: { ...this.#options },
    });
  }

  /** Writes Parquet files. */
  parquet(path: string): Promise<void> {
    return this.format('parquet').save(path);
  }
  /** Writes CSV files (no header unless `option('header', true)`, as in Spark). */
  csv(path: string): Promise<void> {
    return this.format('csv').save(path);
  }
  /** Writes JSON-lines files. */
  json(path: string): Promise<void> {
    return this.format('json').save(path);
  }
  /** Writes Arrow IPC files. */
  arrow(path: string): Promise<void> {
    return this.format('arrow').save(path);
  }
}
