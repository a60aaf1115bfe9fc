/**
 * `deepframe train`: fits a Pipeline — an optional pretrained featurizer, a `StringIndexer` over the labels, a
 * classifier, and an `IndexToString` back to the labels — and saves the `PipelineModel`.
 *
 * @module
 */
import { Command, Option } from 'commander';
import { DeepImageFeaturizer } from '../dl/DeepImageFeaturizer.js';
import { ImageClassificationModel } from '../dl/ImageClassificationModel.js';
import { ImageClassifier } from '../dl/ImageClassifier.js';
import type { FlipMode } from '../dl/imageAugment.js';
import { ParamError } from '../errors.js';
import type { DataFrame } from '../frame/DataFrame.js';
import { LogisticRegression } from '../ml/classification/LogisticRegression.js';
import { MultilayerPerceptronClassifier } from '../ml/classification/MultilayerPerceptronClassifier.js';
import type { Estimator } from '../ml/Estimator.js';
import { MulticlassClassificationEvaluator } from '../ml/evaluation/MulticlassClassificationEvaluator.js';
import { IndexToString } from '../ml/feature/IndexToString.js';
import { StringIndexer } from '../ml/feature/StringIndexer.js';
import { Pipeline } from '../ml/Pipeline.js';
import { PipelineModel } from '../ml/PipelineModel.js';
import type { PipelineStage } from '../ml/PipelineStage.js';
import {
  type DataCliOptions,
  dataOptions,
  modelRef,
  nonNegative,
  nonNegativeInt,
  openSession,
  positive,
  positiveInt,
  readInput,
} from './inputs.js';

interface TrainCliOptions extends DataCliOptions {
  modelDir: string;
  featurizer: string;
  labelCol: string;
  featuresCol: string;
  classifier: 'logistic' | 'mlp' | 'image';
  maxIter: number;
  regParam: number;
  elasticNetParam: number;
  hidden?: number[];
  trainableLayers: number;
  epochs: number;
  learningRate: number;
  batchSize: number;
  validationSplit: number;
  cropPadding: number;
  flip: FlipMode;
  seed: number;
  solver: 'l-bfgs' | 'gd' | 'adam';
  numWorkers: number;
  checkpointDir?: string;
  overwrite?: boolean;
}

/**
 * The `train` command.
 *
 * @example
 * ```ts
 * program.addCommand(trainCommand());
 * // $ deepframe train photos/ --label-from-folder --featurizer DigitsBackbone0to4 --model-dir model/
 * // $ deepframe train features.parquet --featurizer none --classifier mlp --hidden 32 --model-dir model/
 * // $ deepframe train features.parquet --featurizer none --classifier mlp --solver adam --num-workers 2 --model-dir model/
 * ```
 */
export function trainCommand(): Command {
  const command = new Command('train')
    .description(
      'fit a classifier on labelled images through a pretrained featurizer (or on features made by `deepframe ' +
        'featurize`), labels indexed by StringIndexer, and save the PipelineModel [DeepImageFeaturizer] → ' +
        'classifier → IndexToString; or, with --classifier image, fine-tune a new head (and the last ' +
        '--trainable-layers) on the --featurizer network with ImageClassifier; prints the training accuracy',
    )
    .argument('<input>', 'a folder of image files (read recursively), or Parquet with images or features');
  dataOptions(command);
  return command
    .requiredOption(
      '--model-dir <dir>',
      'where to save the fitted PipelineModel (load it with PipelineModel.load)',
    )
    .option(
      '--featurizer <name|file.onnx|none>',
      "the pretrained network that featurizes the images, or 'none' when the input has a features column already",
      'DigitsCNN',
    )
    .option(
      '--label-col <name>',
      'the column of labels (any type; indexed by frequency, as StringIndexer does)',
      'label',
    )
    .option('--features-col <name>', 'the column of feature vectors', 'features')
    .addOption(
      new Option(
        '--classifier <kind>',
        'LogisticRegression, MultilayerPerceptronClassifier, or ImageClassifier (a new head on the --featurizer network)',
      )
        .choices(['logistic', 'mlp', 'image'])
        .default('logistic'),
    )
    .option('--max-iter <n>', 'maxIter of the classifier', positiveInt, 100)
    .option('--reg-param <x>', 'regParam of LogisticRegression', nonNegative, 0)
    .option(
      '--elastic-net-param <x>',
      'elasticNetParam of LogisticRegression (0 = L2, 1 = L1)',
      nonNegative,
      0,
    )
    .option(
      '--hidden <sizes>',
      "hidden layer sizes, comma-separated: the MLP's (layers become [features, ...hidden, classes]; default 32) " +
        "or the image classifier's head (default none)",
      (v: string) => v.split(',').map((s) => positiveInt(s.trim())),
    )
    .option(
      '--trainable-layers <n>',
      "image: how many of the network's last conv/dense layers to fine-tune (0 freezes it)",
      nonNegativeInt,
      0,
    )
    .option('--epochs <n>', 'image: passes over the training images', positiveInt, 10)
    .option('--learning-rate <x>', "image: Adam's learning rate", positive, 0.001)
    .option('--batch-size <n>', 'image: images per training step', positiveInt, 32)
    .option(
      '--validation-split <x>',
      'image: the share of images held out to validate after each epoch, in [0, 1)',
      nonNegative,
      0,
    )
    .option('--crop-padding <n>', 'image: augment with random shifts of up to n pixels', nonNegativeInt, 0)
    .addOption(
      new Option('--flip <mode>', 'image: augment with random flips')
        .choices(['none', 'horizontal', 'vertical', 'both'])
        .default('none'),
    )
    .option('--seed <n>', 'seed of the MLP', (v: string) => Number.parseInt(v, 10), 0)
    .addOption(
      new Option('--solver <name>', "mlp: MLlib's l-bfgs or gd, or deepframe's adam")
        .choices(['l-bfgs', 'gd', 'adam'])
        .default('l-bfgs'),
    )
    .option(
      '--num-workers <n>',
      'mlp: data-parallel workers (threads, or a barrier-mode gang on --remote Spark); needs --solver adam or gd',
      positiveInt,
      1,
    )
    .option('--checkpoint-dir <dir>', 'mlp: where a data-parallel fit writes its per-epoch checkpoints')
    .option('--overwrite', 'replace the model at --model-dir')
    .action(async (input: string, opts: TrainCliOptions) => {
      await using session = await openSession(opts, 'deepframe train');
      const df = readInput(session, input, opts);
      if (opts.classifier === 'image' && opts.featurizer === 'none') {
        throw new ParamError(
          'INVALID_PARAM',
          "--classifier image trains on images through a pretrained network: name it with --featurizer (not 'none').",
          { param: 'featurizer', value: opts.featurizer },
        );
      }
      const featurizer =
        opts.featurizer === 'none' || opts.classifier === 'image'
          ? undefined
          : new DeepImageFeaturizer({
              inputCol: opts.imageCol,
              outputCol: opts.featuresCol,
              ...modelRef(opts.featurizer),
            });
      // The labels are indexed for training only: the saved model maps images to labels and needs no label
      // column at prediction time.
      const indexerModel = await new StringIndexer({
        inputCol: opts.labelCol,
        outputCol: 'indexedLabel',
      }).fit(df);
      const indexed = await indexerModel.transform(df);
      const classifier = await makeClassifier(
        opts,
        featurizer === undefined ? df : await featurizer.transform(df),
      );
      const stages: PipelineStage[] = [...(featurizer === undefined ? [] : [featurizer]), classifier];
      const fitted = await new Pipeline({ stages }).fit(indexed);
      const labels = [...(indexerModel.labelsArray[0] ?? [])];
      const model = new PipelineModel({
        stages: [
          ...fitted.stages,
          new IndexToString({ inputCol: 'prediction', outputCol: 'predictedLabel', labels }),
        ],
      });
      await model.save(opts.modelDir, { overwrite: opts.overwrite === true });
      const accuracy = await new MulticlassClassificationEvaluator({
        labelCol: 'indexedLabel',
        metricName: 'accuracy',
      }).evaluate(await model.transform(indexed));
      const imageModel = fitted.stages.find((s) => s instanceof ImageClassificationModel);
      const last = imageModel?.summary.history.at(-1);
      if (last !== undefined) {
        process.stdout.write(
          `Epoch ${last.epoch}: loss ${last.loss.toFixed(4)}, accuracy ${(100 * last.accuracy).toFixed(2)}%` +
            (last.validationAccuracy === undefined
              ? '\n'
              : `, validation accuracy ${(100 * last.validationAccuracy).toFixed(2)}%\n`),
        );
      }
      process.stdout.write(
        `Saved a PipelineModel (${model.stages.map((s) => s.constructor.name).join(' → ')}) to ${opts.modelDir}\n` +
          `Training accuracy: ${(100 * accuracy).toFixed(2)}% over ${labels.length} classes\n`,
      );
    });
}

/** The classifier `--classifier` asks for; the MLP's layers come from the feature size and the label count. */
async function makeClassifier(opts: TrainCliOptions, featured: DataFrame): Promise<Estimator> {
  if (opts.classifier === 'image') {
    return new ImageClassifier({
      inputCol: opts.imageCol,
      labelCol: 'indexedLabel',
      ...modelRef(opts.featurizer),
      trainableLayers: opts.trainableLayers,
      hiddenLayers: opts.hidden ?? [],
      epochs: opts.epochs,
      learningRate: opts.learningRate,
      batchSize: opts.batchSize,
      validationSplit: opts.validationSplit,
      cropPadding: opts.cropPadding,
      flip: opts.flip,
      seed: opts.seed,
      showProgress: process.stderr.isTTY === true,
    });
  }
  const common = { featuresCol: opts.featuresCol, labelCol: 'indexedLabel', maxIter: opts.maxIter };
  if (opts.classifier === 'logistic') {
    return new LogisticRegression({
      ...common,
      regParam: opts.regParam,
      elasticNetParam: opts.elasticNetParam,
      showProgress: false,
    });
  }
  const field = (await featured.schema()).fields.find((f) => f.name === opts.featuresCol);
  if (field?.type.kind !== 'vector') {
    throw new ParamError(
      'INVALID_PARAM',
      `The MLP needs a vector column '${opts.featuresCol}' of known size; the input has ${field === undefined ? 'no such column' : `'${opts.featuresCol}' of another type`}. ` +
        'Featurize the images (--featurizer) or name the features column (--features-col).',
      { param: 'featuresCol', value: opts.featuresCol },
    );
  }
  const classes = await featured.select(opts.labelCol).distinct().count();
  return new MultilayerPerceptronClassifier({
    ...common,
    layers: [field.type.size, ...(opts.hidden ?? [32]), classes],
    seed: opts.seed,
    solver: opts.solver,
    numWorkers: opts.numWorkers,
    ...(opts.checkpointDir === undefined ? {} : { checkpointDir: opts.checkpointDir }),
    showProgress: false,
  });
}
