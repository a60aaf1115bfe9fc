import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { describeCause, IOError, ParamError } from '../errors.js';
import type { FileFormat, ImageReadOptions } from '../plan/nodes.js';
import { fromArrowSchema } from '../types/arrow.js';
import type { StructType } from '../types/DataType.js';
import type { DataFrame } from './DataFrame.js';
import type { Session } from './Session.js';

/** Options of {@link DataFrameReader.images}. */
export interface ImageReaderOptions {
  /** Read image files in sub-directories too (Spark's `recursiveFileLookup`). Default false. */
  readonly recursive?: boolean;
  /** Add a string column `label` with the name of each file's parent directory. Default false. */
  readonly labelFromFolder?: boolean;
  /** Read about this fraction of the files, chosen deterministically by `seed`. Default 1. */
  readonly sampleRatio?: number;
  /** Seed for `sampleRatio`. Default 0. */
  readonly seed?: number;
  /** Drop files that do not decode, instead of keeping them with a null image. Default false, as in Spark. */
  readonly dropInvalid?: boolean;
  /** Add a string column of this name with why a file did not decode (null where it did). Default: none. */
  readonly errorColumn?: string;
}

/**
 * Reads data into DataFrames, as Spark's `DataFrameReader`: `parquet`, `csv`, `json`, Arrow IPC files, and
 * folders of images into Spark's image struct.
 *
 * @example
 * ```ts
 * const df = session.read.option('header', true).option('inferSchema', true).csv('data/table.csv');
 * const images = session.read.images('photos/', { recursive: true, labelFromFolder: true });
 * ```
 */
export class DataFrameReader {
  readonly #session: Session;
  #format: FileFormat = 'parquet';
  #schema: StructType | undefined;
  readonly #options: Record<string, string> = {};

  /** @internal Use `session.read`. */
  constructor(session: Session) {
    this.#session = session;
  }

  /** The format for {@link DataFrameReader.load}: `parquet` (default), `csv`, `json`, `arrow`. */
  format(format: string): this {
    if (!['parquet', 'csv', 'json', 'arrow'].includes(format)) {
      throw new ParamError(
        'UNKNOWN_FORMAT',
        `Unknown format '${format}'. Expected parquet, csv, json or arrow.`,
        {
          format,
        },
      );
    }
    this.#format = format as FileFormat;
    return this;
  }

  /** The schema to read with, instead of inferring one (CSV and JSON). */
  schema(schema: StructType): this {
    this.#schema = schema;
    return this;
  }

  /** A reader option with Spark's name: `header`, `inferSchema`, `sep`, `nullValue` for CSV; `multiLine` for JSON. */
  option(key: string, value: string | number | boolean): this {
    this.#options[key] = String(value);
    return this;
  }

  /** Several reader options. */
  options(options: Readonly<Record<string, string | number | boolean>>): this {
    for (const [k, v] of Object.entries(options)) this.option(k, v);
    return this;
  }

  /** Reads files of the chosen format: each path a file or a directory of part files. */
  load(...paths: string[]): DataFrame {
    if (this.#format === 'arrow') return this.#readArrow(paths);
    return this.#session.fromPlan({
      kind: 'readFiles',
      format: this.#format,
      paths,
      options: { ...this.#options },
      ...(this.#schema === undefined ? {} : { schema: this.#schema }),
    });
  }

  /** Reads Parquet files. */
  parquet(...paths: string[]): DataFrame {
    return this.format('parquet').load(...paths);
  }
  /** Reads CSV files (every column a string, named `_c0`, `_c1`, … unless `header`/`inferSchema` say otherwise). */
  csv(...paths: string[]): DataFrame {
    return this.format('csv').load(...paths);
  }
  /** Reads JSON-lines files (one object per line; `multiLine` for one JSON array per file). */
  json(...paths: string[]): DataFrame {
    return this.format('json').load(...paths);
  }

  /**
   * Reads Arrow IPC files (file or stream format), or every `.arrow` file under a directory. The data is read
   * when this is called and held by the session.
   */
  arrow(...paths: string[]): DataFrame {
    return this.format('arrow').load(...paths);
  }

  #readArrow(paths: readonly string[]): DataFrame {
    const files = paths.flatMap((p) => {
      if (!existsSync(p))
        throw new IOError('PATH_NOT_FOUND', `read.arrow(): path does not exist: '${p}'.`, { path: p });
      if (!statSync(p).isDirectory()) return [p];
      return readdirSync(p, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.arrow'))
        .sort()
        .map((f) => join(p, f));
    });
    const tables = files.map((f) => {
      try {
        return arrow.tableFromIPC(readFileSync(f));
      } catch (e) {
        throw new IOError(
          'CORRUPT_FILE',
          `read.arrow(): '${f}' is not a readable Arrow IPC file: ${describeCause(e)}`,
          {
            path: f,
          },
        );
      }
    });
    const first = tables[0];
    if (first === undefined) {
      throw new IOError('NO_FILES', `read.arrow(): no .arrow files under ${paths.join(', ')}.`, {
        path: paths.join(','),
      });
    }
    const batches = tables.flatMap((t) => t.batches);
    return this.#session.createDataFrame(
      new arrow.Table(first.schema, batches),
      fromArrowSchema(first.schema),
    );
  }

  /**
   * Reads image files into Spark's image struct (column `image`: origin, height, width, nChannels, mode, data in
   * BGR order), decoding them in the worker pool. Files that do not decode give a null `image` (or are dropped
   * with `dropInvalid`).
   *
   * @example
   * ```ts
   * const df = session.read.images('digits/', { recursive: true, labelFromFolder: true });
   * ```
   */
  images(path: string, options: ImageReaderOptions = {}): DataFrame {
    const sampleRatio = options.sampleRatio ?? 1;
    if (!(sampleRatio > 0 && sampleRatio <= 1)) {
      throw new ParamError(
        'INVALID_PARAMETER_VALUE',
        `read.images() sampleRatio must be in (0, 1], got ${sampleRatio}.`,
        { sampleRatio: String(sampleRatio) },
      );
    }
    const resolved: ImageReadOptions = {
      recursive: options.recursive ?? false,
      labelFromFolder: options.labelFromFolder ?? false,
      sampleRatio,
      seed: options.seed ?? 0,
      dropInvalid: options.dropInvalid ?? false,
      ...(options.errorColumn === undefined ? {} : { errorColumn: options.errorColumn }),
    };
    if (!existsSync(path)) {
      throw new IOError('PATH_NOT_FOUND', `read.images(): path does not exist: '${path}'.`, { path });
    }
    return this.#session.fromPlan({ kind: 'readImages', path, options: resolved });
  }
}
