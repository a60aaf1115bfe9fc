import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { DeepImageFeaturizer } from '../dl/DeepImageFeaturizer.js';
import type { ImageClassificationModel } from '../dl/ImageClassificationModel.js';
import { ImageClassifier } from '../dl/ImageClassifier.js';
import { identityImageModel } from '../dl/imageClassifierData.js';
import type { EpochMetrics } from '../dl/imageClassifierTraining.js';
import { OnnxImageTransformer } from '../dl/OnnxImageTransformer.js';
import type { DataFrame } from '../frame/DataFrame.js';
import { Session } from '../frame/Session.js';
import type { ImagePreprocessSpec } from '../image/preprocess.js';
import { LogisticRegression } from '../ml/classification/LogisticRegression.js';
import { MulticlassClassificationEvaluator } from '../ml/evaluation/MulticlassClassificationEvaluator.js';
import { StringIndexer } from '../ml/feature/StringIndexer.js';
import type { StringIndexerModel } from '../ml/feature/StringIndexerModel.js';
import { Pipeline } from '../ml/Pipeline.js';
import { CrossValidator } from '../ml/tuning/CrossValidator.js';
import { ParamGridBuilder } from '../ml/tuning/ParamGridBuilder.js';
import { modelFileFromBytes } from '../models/modelSources.js';
import { Conv2D } from '../nn/conv.js';
import { Dense, Flatten, Sequential } from '../nn/layers.js';
import { MaxPool2D } from '../nn/pooling.js';
import { writeDemoReport } from './demoReport.js';
import { loadDigits, writeDigitImages } from './digits.js';

/** Options of `deepframe demo`. */
export interface DemoOptions {
  /** Where the demo writes its images and its report. */
  readonly outDir: string;
  /** Show progress bars (when stderr is a terminal). */
  readonly progress?: boolean;
  /** Where the demo prints its story, a line at a time (default: standard output). */
  readonly print?: (line: string) => void;
}

/** One model's result on the test images. */
export interface DemoModelResult {
  readonly name: string;
  /** A name short enough for a chart's axis. */
  readonly label: string;
  readonly accuracy: number;
  readonly seconds: number;
}

/** What the demo measured, for its printout and report. */
export interface DemoResults {
  readonly trainImages: number;
  readonly testImages: number;
  readonly classes: readonly string[];
  readonly baseline: DemoModelResult;
  readonly transfer: DemoModelResult & {
    /** Actual (rows) by predicted (columns), in `classes` order. */
    readonly confusion: readonly (readonly number[])[];
    readonly tuning: readonly { readonly regParam: number; readonly accuracy: number }[];
    readonly bestRegParam: number;
    readonly tuningSeconds: number;
  };
  readonly fineTuned: DemoModelResult & { readonly history: readonly EpochMetrics[] };
  readonly scratch: DemoModelResult & { readonly history: readonly EpochMetrics[] };
}

/** Digits drawn 24 pixels tall at a random place on a 32×32 canvas: what the demo classifies. */
const DIGIT_SIZE = 24;
const GREY_32: ImagePreprocessSpec = {
  height: 32,
  width: 32,
  channels: 1,
  channelOrder: 'RGB',
  layout: 'NCHW',
  resize: 'fill',
  scale: 1 / 255,
  mean: [0],
  std: [1],
};

/**
 * The demo, on the embedded engine and offline: images of the handwritten digits 5–9 (scikit-learn's digits that
 * ship with deepframe, drawn off-centre on a 32×32 canvas) are classified four ways — a logistic regression on
 * raw pixels (the baseline); transfer learning, where `DigitsBackbone0to4` (a CNN that only ever saw the digits
 * 0–4) featurizes the images and a logistic regression tuned by a parallel `CrossValidator` learns the new
 * classes; an `ImageClassifier` fine-tuning the backbone's last convolution; and an `ImageClassifier` training a
 * small CNN from scratch. It prints the test accuracies and writes an HTML report with plots.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResults> {
  const out = resolve(options.outDir);
  const showBars = (options.progress ?? true) && process.stderr.isTTY === true;
  const say = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const images = join(out, 'digits');
  await rm(images, { recursive: true, force: true });
  const digits = await loadDigits();
  const upper = (rows: readonly number[]) => rows.filter((r) => (digits.labels[r] ?? 0) >= 5);
  const trainFiles = await writeDigitImages(digits, upper(digits.train), join(images, 'train'), {
    digitSize: DIGIT_SIZE,
    seed: 1,
  });
  const testFiles = await writeDigitImages(digits, upper(digits.test), join(images, 'test'), {
    digitSize: DIGIT_SIZE,
    seed: 2,
  });
  say(
    `Wrote ${trainFiles.length} training and ${testFiles.length} test images of the digits 5–9 (32×32 PNG, the ` +
      `digit drawn ${DIGIT_SIZE} px tall at a random place) under ${images}\n`,
  );

  await using session = await Session.builder().master('local[*]').appName('deepframe demo').getOrCreate();
  const read = (split: string) =>
    session.read.images(join(images, split), { recursive: true, labelFromFolder: true });
  const indexer = await new StringIndexer({
    inputCol: 'label',
    outputCol: 'labelIndex',
    stringOrderType: 'alphabetAsc',
  }).fit(read('train'));
  const train = (await indexer.transform(read('train'))).cache();
  const test = (await indexer.transform(read('test'))).cache();
  const accuracy = new MulticlassClassificationEvaluator({ labelCol: 'labelIndex', metricName: 'accuracy' });
  const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
    const started = performance.now();
    const value = await f();
    return [value, (performance.now() - started) / 1000];
  };
  const lr = (regParam: number) =>
    new LogisticRegression({
      featuresCol: 'features',
      labelCol: 'labelIndex',
      regParam,
      showProgress: false,
    });

  say('1. Baseline: a logistic regression on the raw pixels');
  const pixels = new OnnxImageTransformer({
    model: await modelFileFromBytes(identityImageModel(GREY_32)),
    preprocessing: GREY_32,
    outputCol: 'features',
  });
  const [baselineAccuracy, baselineSeconds] = await timed(async () => {
    const model = await new Pipeline({ stages: [pixels, lr(1e-3)] }).fit(train);
    return accuracy.evaluate(await model.transform(test));
  });
  say(`   test accuracy ${pct(baselineAccuracy)} (${baselineSeconds.toFixed(1)} s)\n`);

  say(
    '2. Transfer learning: DigitsBackbone0to4 (trained on the digits 0–4 only) featurizes; a logistic regression',
  );
  say(
    '   learns the digits 5–9, its regParam tuned by a 3-fold CrossValidator fitting 2 candidates at a time',
  );
  const featurizer = new DeepImageFeaturizer({ modelName: 'DigitsBackbone0to4', outputCol: 'features' });
  const bar = showBars
    ? new SingleBar({ format: '   featurize |{bar}| {value}/{total} images', hideCursor: true })
    : undefined;
  bar?.start(trainFiles.length, 0);
  // Only what the search needs, cached once: the folds (a hash of each row's content) then do not depend on where
  // the images are (their paths are in the image structs).
  const featurized = (await featurizer.transform(train)).select('features', 'labelIndex').cache();
  let seen = 0;
  for await (const batch of featurized.select('labelIndex').toBatches()) {
    seen += batch.numRows;
    bar?.update(seen);
  }
  bar?.stop();
  const regParams = [1e-4, 1e-3, 1e-2, 1e-1, 1];
  const [cvModel, tuningSeconds] = await timed(() =>
    new CrossValidator({
      estimator: lr(0),
      estimatorParamMaps: new ParamGridBuilder<LogisticRegression>().addGrid('regParam', regParams).build(),
      evaluator: accuracy,
      numFolds: 3,
      parallelism: 2,
      seed: 7,
    }).fit(featurized),
  );
  const best = regParams[cvModel.avgMetrics.indexOf(Math.max(...cvModel.avgMetrics))] as number;
  for (const [i, r] of regParams.entries()) {
    say(
      `   regParam ${String(r).padEnd(6)} cross-validated accuracy ${pct(cvModel.avgMetrics[i] as number)}`,
    );
  }
  const [transferFit, transferSeconds] = await timed(async () => {
    const model = await new Pipeline({ stages: [featurizer, lr(best)] }).fit(train);
    const scored = await model.transform(test);
    return { accuracy: await accuracy.evaluate(scored), confusion: await confusionMatrix(scored, indexer) };
  });
  say(
    `   best regParam ${best}: test accuracy ${pct(transferFit.accuracy)} (${transferSeconds.toFixed(1)} s)\n`,
  );

  say(
    "3. Fine-tuning: ImageClassifier trains a new head and the backbone's last convolution, images shifted by up to 2 px",
  );
  const [fineTuned, fineTunedSeconds] = await timed(() =>
    fitClassifier(
      new ImageClassifier({
        labelCol: 'labelIndex',
        modelName: 'DigitsBackbone0to4',
        trainableLayers: 1,
        epochs: 15,
        learningRate: 0.003,
        validationSplit: 0.2,
        cropPadding: 2,
        seed: 11,
        showProgress: showBars,
      }),
      train,
      test,
      accuracy,
    ),
  );
  say(`   test accuracy ${pct(fineTuned.accuracy)} (${fineTunedSeconds.toFixed(1)} s)\n`);

  say('4. From scratch: ImageClassifier trains a small CNN (two convolutions) written with the layers API');
  const [scratch, scratchSeconds] = await timed(() =>
    fitClassifier(
      new ImageClassifier({
        labelCol: 'labelIndex',
        network: new Sequential([
          new Conv2D(16, 3, { padding: 'same', activation: 'relu' }),
          new MaxPool2D(2),
          new Conv2D(32, 3, { padding: 'same', activation: 'relu' }),
          new MaxPool2D(2),
          new Flatten(),
          new Dense(5, { activation: 'softmax' }),
        ]),
        preprocessing: GREY_32,
        epochs: 15,
        learningRate: 0.003,
        validationSplit: 0.2,
        cropPadding: 2,
        seed: 11,
        showProgress: showBars,
      }),
      train,
      test,
      accuracy,
    ),
  );
  say(`   test accuracy ${pct(scratch.accuracy)} (${scratchSeconds.toFixed(1)} s)\n`);

  const results: DemoResults = {
    trainImages: trainFiles.length,
    testImages: testFiles.length,
    classes: indexer.labels,
    baseline: {
      name: 'Logistic regression on raw pixels',
      label: 'raw pixels + LR',
      accuracy: baselineAccuracy,
      seconds: baselineSeconds,
    },
    transfer: {
      name: 'Transfer learning (backbone features + tuned logistic regression)',
      label: 'transfer + tuned LR',
      accuracy: transferFit.accuracy,
      seconds: transferSeconds,
      confusion: transferFit.confusion,
      tuning: regParams.map((regParam, i) => ({ regParam, accuracy: cvModel.avgMetrics[i] as number })),
      bestRegParam: best,
      tuningSeconds,
    },
    fineTuned: {
      name: 'ImageClassifier, fine-tuned backbone',
      label: 'fine-tuned backbone',
      ...fineTuned,
      seconds: fineTunedSeconds,
    },
    scratch: {
      name: 'ImageClassifier, CNN from scratch',
      label: 'CNN from scratch',
      ...scratch,
      seconds: scratchSeconds,
    },
  };
  say(`Test accuracy on ${testFiles.length} images of the digits 5–9:`);
  for (const r of [results.baseline, results.transfer, results.fineTuned, results.scratch]) {
    say(`  ${r.name.padEnd(68)} ${pct(r.accuracy).padStart(6)}`);
  }
  say(
    `Transfer learning beats the raw-pixel baseline by ${((results.transfer.accuracy - results.baseline.accuracy) * 100).toFixed(1)} points.\n`,
  );
  const report = await writeDemoReport(join(out, 'report'), results);
  say(`Report: ${report} (open it in a browser; the plots are also PNG files beside it)`);
  return results;
}

async function fitClassifier(
  classifier: ImageClassifier,
  train: DataFrame,
  test: DataFrame,
  accuracy: MulticlassClassificationEvaluator,
): Promise<{ accuracy: number; history: readonly EpochMetrics[] }> {
  const model: ImageClassificationModel = await classifier.fit(train);
  return { accuracy: await accuracy.evaluate(await model.transform(test)), history: model.summary.history };
}

/** Counts of (actual, predicted) class indices. */
async function confusionMatrix(scored: DataFrame, indexer: StringIndexerModel): Promise<number[][]> {
  const k = indexer.labels.length;
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const row of await scored.select('labelIndex', 'prediction').collect()) {
    (matrix[Number(row.labelIndex)] as number[])[Number(row.prediction)]! += 1;
  }
  return matrix;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
