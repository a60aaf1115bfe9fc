#!/usr/bin/env node
import { Command } from 'commander';
import { DeepframeError } from '../errors.js';
import { runDemo } from './demo.js';

const program = new Command()
  .name('deepframe')
  .description(
    'Deep learning pipelines on DataFrames: the embedded engine, or Apache Spark through Spark Connect.',
  )
  .showHelpAfterError();

program
  .command('demo')
  .description(
    'transfer learning, model search, fine-tuning and a CNN from scratch on the handwritten digits that ship with deepframe; prints the accuracies and writes an HTML report',
  )
  .option('-o, --out <dir>', 'where to write the digit images and the report', 'demo-output')
  .option('--no-progress', 'do not show a progress bar')
  .action(async (opts: { out: string; progress: boolean }) => {
    await runDemo({ outDir: opts.out, progress: opts.progress });
  });

program.addCommand((await import('./featurize.js')).featurizeCommand());
program.addCommand((await import('./train.js')).trainCommand());
program.addCommand((await import('./predict.js')).predictCommand());
program.addCommand((await import('./spark.js')).sparkCommand());
program.addCommand((await import('./packWorker.js')).packWorkerCommand());

// Output piped into a command that stops reading (`| head`): stop quietly, as Unix tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
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
