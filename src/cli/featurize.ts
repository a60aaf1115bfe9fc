/**
 * `deepframe featurize`: images (a folder, or Parquet with an image column) through a pretrained network cut before
 * its classifier, written out as a feature vector per image.
 *
 * @module
 */
import { Command } from 'commander';
import { DeepImageFeaturizer } from '../dl/DeepImageFeaturizer.js';
import { col } from '../frame/functions.js';
import {
  type DataCliOptions,
  dataOptions,
  modelRef,
  type OutputCliOptions,
  openSession,
  outputOptions,
  readInput,
  writeOutput,
} from './inputs.js';

interface FeaturizeCliOptions extends DataCliOptions, OutputCliOptions {
  model: string;
  featuresCol: string;
}

/**
 * The `featurize` command.
 *
 * @example
 * ```ts
 * program.addCommand(featurizeCommand());
 * // $ deepframe featurize photos/ --label-from-folder --model DigitsBackbone0to4 --out features.parquet
 * ```
 */
export function featurizeCommand(): Command {
  const command = new Command('featurize')
    .description(
      'featurize images with a pretrained network (DeepImageFeaturizer): every column of the input plus a ' +
        'vector column of features, written as Parquet (or JSON)',
    )
    .argument(
      '<input>',
      'a folder of image files (read recursively), or Parquet with a column of image structs',
    );
  dataOptions(command);
  outputOptions(command);
  return command
    .option(
      '-m, --model <name|file.onnx>',
      'the network: a model name (DigitsCNN, DigitsBackbone0to4, ResNet50, …) or an ONNX file with its model card',
      'DigitsCNN',
    )
    .option('--features-col <name>', 'the output column of feature vectors', 'features')
    .action(async (input: string, opts: FeaturizeCliOptions) => {
      await using session = await openSession(opts, 'deepframe featurize');
      const featurizer = new DeepImageFeaturizer({
        inputCol: opts.imageCol,
        outputCol: opts.featuresCol,
        ...modelRef(opts.model),
      });
      const features = await featurizer.transform(readInput(session, input, opts));
      // The image structs stay out of the output, all but their origin: the features replace them.
      const others = (await features.columns()).filter((c) => c !== opts.imageCol).map((c) => col(c));
      await writeOutput(
        features.select(col(opts.imageCol).getField('origin').alias('origin'), ...others),
        opts,
      );
      process.stdout.write(`${opts.out}\n`);
    });
}
