#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { DeepframeError } from '../errors.js';
import { runDemo } from './demo.js';

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a whole number ≥ 1, got '${value}'`);
  return n;
};

const program = new Command()
  .name('deepframe')
  .description(
    'Deep learning pipelines on DataFrames: the embedded engine, or Apache Spark through Spark Connect.',
  )
  .showHelpAfterError();

program
  .command('demo')
  .description('generate a labelled image folder, read it into a DataFrame of image structs and show it')
  .option('-o, --out <dir>', 'where to write the images and outputs', 'demo-output')
  .option('-n, --per-class <n>', 'images per class', positiveInt, 40)
  .action(async (opts: { out: string; perClass: number }) => {
    await runDemo({ outDir: opts.out, perClass: opts.perClass });
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof DeepframeError) {
    process.stderr.write(`deepframe: ${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
