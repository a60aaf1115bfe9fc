/**
 * `deepframe predict`: a saved PipelineModel (from `deepframe train`, or any saved by the API) or a pretrained
 * classifier applied to images or to Parquet, written out.
 *
 * @module
 */
import { Command } from 'commander';
import { DeepImagePredictor } from '../dl/DeepImagePredictor.js';
import { ParamError } from '../errors.js';
import { col } from '../frame/functions.js';
import { PipelineModel } from '../ml/PipelineModel.js';
import {
  type DataCliOptions,
  dataOptions,
  modelRef,
  type OutputCliOptions,
  openSession,
  outputOptions,
  positiveInt,
  readInput,
  writeOutput,
} from './inputs.js';

interface PredictCliOptions extends DataCliOptions, OutputCliOptions {
  modelDir?: string;
  model?: string;
  topK: number;
}

/**
 * The `predict` command.
 *
 * @example
 * ```ts
 * program.addCommand(predictCommand());
 * // $ deepframe predict photos/ --model-dir model/ --out predictions --format csv
 * // $ deepframe predict photos/ --model DigitsCNN --top-k 3 --out predictions
 * ```
 */
export function predictCommand(): Command {
  const command = new Command('predict')
    .description(
      'apply a saved PipelineModel (--model-dir) or a pretrained classifier (--model, as DeepImagePredictor with ' +
        'decoded top-k predictions) to images or Parquet, and write the result without the image structs',
    )
    .argument('<input>', 'a folder of image files (read recursively), or Parquet');
  dataOptions(command);
  outputOptions(command);
  return command
    .option('--model-dir <dir>', 'a saved PipelineModel, e.g. from `deepframe train`')
    .option('-m, --model <name|file.onnx>', 'a pretrained image classifier (DigitsCNN, ResNet50, …) instead')
    .option('--top-k <k>', 'how many classes --model reports per image', positiveInt, 3)
    .action(async (input: string, opts: PredictCliOptions) => {
      if ((opts.modelDir === undefined) === (opts.model === undefined)) {
        throw new ParamError(
          'INVALID_PARAM',
          'Give exactly one of --model-dir (a saved PipelineModel) and --model (a pretrained classifier).',
          { param: 'model' },
        );
      }
      await using session = await openSession(opts, 'deepframe predict');
      const df = readInput(session, input, opts);
      const scored =
        opts.modelDir !== undefined
          ? await (await PipelineModel.load(opts.modelDir)).transform(df)
          : await new DeepImagePredictor({
              inputCol: opts.imageCol,
              outputCol: 'predicted',
              decodePredictions: true,
              topK: opts.topK,
              ...modelRef(opts.model ?? ''),
            }).transform(df);
      const columns = await scored.columns();
      const others = columns.filter((c) => c !== opts.imageCol).map((c) => col(c));
      const origin = columns.includes(opts.imageCol)
        ? [col(opts.imageCol).getField('origin').alias('origin')]
        : [];
      await writeOutput(scored.select(...origin, ...others), opts);
      process.stdout.write(`${opts.out}\n`);
    });
}
