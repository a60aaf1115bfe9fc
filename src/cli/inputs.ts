/**
 * What the `featurize`, `train` and `predict` commands share: the session (`--master`), the input (a folder of
 * images or Parquet), the model reference (`--model`), and the output (`--out`, `--format`).
 *
 * @module
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { DataFrame } from '../frame/DataFrame.js';
import { Session } from '../frame/Session.js';

/** Options every data command takes. */
export interface DataCliOptions {
  master: string;
  labelFromFolder?: boolean;
  imageCol: string;
}

/** Output options of the commands that write a DataFrame. */
export interface OutputCliOptions {
  out: string;
  format: OutputFormat;
  overwrite?: boolean;
}

/** Formats the commands write. */
export type OutputFormat = 'parquet' | 'csv' | 'json';

/** Adds `--master`, `--image-col` and `--label-from-folder` to `command`. */
export function dataOptions(command: Command): Command {
  return command
    .option(
      '--master <url>',
      "where to run: 'local[N]' or 'local[*]' (the embedded engine, N worker threads) or 'sc://host:port' " +
        '(Apache Spark through Spark Connect)',
      'local[*]',
    )
    .option(
      '--image-col <name>',
      'the column of image structs (images read from a folder land in "image")',
      'image',
    )
    .option(
      '--label-from-folder',
      'when reading a folder of images, take each image’s label from the name of the folder it is in (column "label")',
    );
}

/** Adds `--out`, `--format` and `--overwrite` to `command`. */
export function outputOptions(command: Command): Command {
  return command
    .requiredOption(
      '-o, --out <path>',
      'where to write the result (a directory of files, as Spark writes them)',
    )
    .addOption(
      new Option('--format <format>', 'the output format')
        .choices(['parquet', 'csv', 'json'])
        .default('parquet'),
    )
    .option('--overwrite', 'replace what is at --out');
}

/** Opens the session `--master` names. */
export function openSession(options: DataCliOptions, appName: string): Promise<Session> {
  return Session.builder().master(options.master).appName(appName).getOrCreate();
}

/**
 * Reads `input`: Parquet (a `.parquet` file, or a directory holding `.parquet` files) as it is, anything else as
 * a folder of images read recursively into an `image` column (with `label` from the folder names when asked).
 */
export function readInput(session: Session, input: string, options: DataCliOptions): DataFrame {
  if (isParquet(input)) return session.read.parquet(input);
  return session.read.images(input, {
    recursive: true,
    ...(options.labelFromFolder === true ? { labelFromFolder: true } : {}),
  });
}

function isParquet(input: string): boolean {
  if (extname(input).toLowerCase() === '.parquet') return true;
  if (!existsSync(input) || !statSync(input).isDirectory()) return false;
  const entries = readdirSync(input);
  return (
    entries.length > 0 &&
    entries.every((e) => e.endsWith('.parquet') || e.startsWith('_') || e.startsWith('.'))
  );
}

/** Writes `df` where `--out` says, in `--format`. */
export async function writeOutput(df: DataFrame, options: OutputCliOptions): Promise<void> {
  const writer = df.write.mode(options.overwrite === true ? 'overwrite' : 'errorifexists');
  if (options.format === 'csv') await writer.option('header', true).csv(options.out);
  else if (options.format === 'json') await writer.json(options.out);
  else await writer.parquet(options.out);
}

/**
 * The stage param for `--model`: a path to an `.onnx` file (with its model card beside it) or an existing file is
 * `model`; anything else is a model name (`modelName`: a model that ships with deepframe, or a zoo model).
 */
export function modelRef(model: string): { readonly model: string } | { readonly modelName: string } {
  return extname(model).toLowerCase() === '.onnx' || existsSync(model) ? { model } : { modelName: model };
}

/** Parses a positive integer option. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

/** Parses a non-negative number option. */
export function nonNegative(value: string): number {
  const n = Number(value);
  if (!(n >= 0) || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number ≥ 0.');
  return n;
}

/** Parses a command-line integer that must be 0 or more. */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer ≥ 0.');
  return n;
}

/** Parses a command-line number that must be above 0. */
export function positive(value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number > 0.');
  return n;
}
