import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { loadDigits, writeDigitImages } from '../../src/cli/digits.js';
import type { ImageClassificationModel } from '../../src/dl/ImageClassificationModel.js';
import { ImageClassifier } from '../../src/dl/ImageClassifier.js';
import { ModelError, ParamError, SchemaError } from '../../src/errors.js';
import type { DataFrame } from '../../src/frame/DataFrame.js';
import { col } from '../../src/frame/functions.js';
import { Session } from '../../src/frame/Session.js';
import type { ImagePreprocessSpec } from '../../src/image/preprocess.js';
import { MulticlassClassificationEvaluator } from '../../src/ml/evaluation/MulticlassClassificationEvaluator.js';
import { StringIndexer } from '../../src/ml/feature/StringIndexer.js';
import { Pipeline } from '../../src/ml/Pipeline.js';
import { PipelineModel } from '../../src/ml/PipelineModel.js';
import { CrossValidator } from '../../src/ml/tuning/CrossValidator.js';
import { ParamGridBuilder } from '../../src/ml/tuning/ParamGridBuilder.js';
import { Conv2D } from '../../src/nn/conv.js';
import { sequentialFromJson, sequentialToJson } from '../../src/nn/layerJson.js';
import { Dense, Flatten, Sequential } from '../../src/nn/layers.js';
import { MaxPool2D } from '../../src/nn/pooling.js';

const DIGITS_32: ImagePreprocessSpec = {
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
 * ImageClassifier on images of the digits 5–9 (which the shipped backbone never saw): a new head on the frozen
 * backbone, its last convolution fine-tuned, and a small CNN trained from scratch.
 */
describe('ImageClassifier', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepframe-image-classifier-'));
  let session: Session;
  let train: DataFrame;
  let test: DataFrame;
  const accuracy = new MulticlassClassificationEvaluator({ labelCol: 'labelIndex', metricName: 'accuracy' });

  before(async () => {
    const digits = await loadDigits();
    const upper = (rows: readonly number[]) => rows.filter((r) => (digits.labels[r] ?? 0) >= 5);
    await writeDigitImages(digits, upper(digits.train).slice(0, 300), join(dir, 'train'));
    await writeDigitImages(digits, upper(digits.test), join(dir, 'test'));
    session = await Session.builder().master('local[2]').getOrCreate();
    const indexer = await new StringIndexer({ inputCol: 'label', outputCol: 'labelIndex' }).fit(
      session.read.images(join(dir, 'train'), { recursive: true, labelFromFolder: true }),
    );
    train = await indexer.transform(
      session.read.images(join(dir, 'train'), { recursive: true, labelFromFolder: true }),
    );
    test = await indexer.transform(
      session.read.images(join(dir, 'test'), { recursive: true, labelFromFolder: true }),
    );
  });
  after(async () => {
    await session.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fine-tunes the last convolution of a pretrained backbone: validation accuracy improves over the first epoch', async () => {
    const classifier = new ImageClassifier({
      labelCol: 'labelIndex',
      modelName: 'DigitsBackbone0to4',
      trainableLayers: 1,
      epochs: 10,
      batchSize: 32,
      learningRate: 0.005,
      validationSplit: 0.25,
      cropPadding: 1,
      seed: 3,
      showProgress: false,
    });
    const model = await classifier.fit(train);
    const { history, trainRows, validationRows, bestEpoch } = model.summary;
    assert.equal(history.length, 10);
    assert.equal(trainRows + validationRows, 300);
    assert.equal(validationRows, 75);
    assert.equal(bestEpoch, 10);
    const first = history[0]!;
    const last = history[history.length - 1]!;
    assert.ok(last.validationAccuracy! > first.validationAccuracy!, JSON.stringify(history));
    assert.ok(last.loss < first.loss, JSON.stringify(history));
    assert.ok(last.validationAccuracy! >= 0.75, JSON.stringify(history));
    assert.equal(model.numClasses, 5);

    const scored = await model.transform(test);
    const schema = await scored.schema();
    assert.deepEqual(
      schema.fields.slice(-3).map((f) => [f.name, f.type.kind]),
      [
        ['rawPrediction', 'vector'],
        ['probability', 'vector'],
        ['prediction', 'double'],
      ],
    );
    const score = await accuracy.evaluate(scored);
    assert.ok(score >= 0.75, `held-out accuracy ${score}`);

    // The exported network runs on its own in ONNX Runtime and gives the same probabilities as transform.
    const rows = await scored
      .select(col('image.origin').alias('origin'), 'probability')
      .orderBy('origin')
      .limit(4)
      .collect();
    const session = await ort.InferenceSession.create(model.onnxBytes());
    for (const row of rows) {
      const path = new URL(String(row.origin)).pathname;
      const { data } = await sharp(path).greyscale().raw().toBuffer({ resolveWithObject: true });
      const x = Float32Array.from(data, (v) => v / 255);
      const grey3 = new Float32Array(3 * 1024);
      for (let c = 0; c < 3; c++) grey3.set(x, c * 1024);
      const out = await session.run({ image: new ort.Tensor('float32', grey3, [1, 3, 32, 32]) });
      const p = out.probability?.data as Float32Array;
      const expected = row.probability as Float32Array;
      for (let k = 0; k < 5; k++)
        assert.ok(Math.abs(p[k]! - expected[k]!) < 1e-4, `${p[k]} vs ${expected[k]}`);
    }
    await session.release();
  });

  it('trains a head on the frozen backbone inside a Pipeline; save and load give identical predictions', async () => {
    const pipeline = new Pipeline({
      stages: [
        new StringIndexer({ inputCol: 'label', outputCol: 'y' }),
        new ImageClassifier({
          labelCol: 'y',
          modelName: 'DigitsBackbone0to4',
          hiddenLayers: [32],
          epochs: 15,
          learningRate: 0.01,
          seed: 1,
          showProgress: false,
        }),
      ],
    });
    const model = await pipeline.fit(train);
    const classifier = model.stages[1] as ImageClassificationModel;
    assert.equal(classifier.summary.validationRows, 0);
    assert.equal(classifier.summary.history[0]?.validationAccuracy, undefined);
    const scored = await model.transform(test);
    const score = await new MulticlassClassificationEvaluator({
      labelCol: 'y',
      metricName: 'accuracy',
    }).evaluate(scored);
    assert.ok(score >= 0.85, `held-out accuracy ${score}`);

    await model.save(join(dir, 'pipeline'));
    const loaded = await PipelineModel.load(join(dir, 'pipeline'));
    const collect = async (df: DataFrame) =>
      df.select(col('image.origin').alias('origin'), 'probability', 'prediction').orderBy('origin').collect();
    assert.deepEqual(await collect(await loaded.transform(test)), await collect(scored));
    assert.throws(() => (loaded.stages[1] as ImageClassificationModel).summary, ModelError);
  });

  it('trains a network written with the layers API from scratch, with early stopping', async () => {
    const network = new Sequential([
      new Conv2D(8, 3, { padding: 'same', activation: 'relu' }),
      new MaxPool2D(2),
      new Conv2D(16, 3, { padding: 'same', activation: 'relu' }),
      new MaxPool2D(2),
      new Flatten(),
      new Dense(5, { activation: 'softmax' }),
    ]);
    const classifier = new ImageClassifier({
      labelCol: 'labelIndex',
      network,
      preprocessing: DIGITS_32,
      epochs: 12,
      learningRate: 0.003,
      validationSplit: 0.2,
      earlyStoppingPatience: 2,
      seed: 5,
      showProgress: false,
    });
    const model = await classifier.fit(train);
    const { history, bestEpoch } = model.summary;
    assert.ok(history.length >= 3 && history.length <= 12);
    const bestLoss = Math.min(...history.map((h) => h.validationLoss!));
    assert.equal(history[bestEpoch - 1]?.validationLoss, bestLoss);
    if (history.length < 12) assert.equal(history.length, bestEpoch + 2);
    const score = await accuracy.evaluate(await model.transform(test));
    assert.ok(score >= 0.85, `held-out accuracy ${score}`);

    // The estimator (its network included) survives save and load.
    await classifier.save(join(dir, 'estimator'));
    const loaded = await ImageClassifier.load(join(dir, 'estimator'));
    assert.deepEqual(sequentialToJson(loaded.getNetwork()!), sequentialToJson(network));
    assert.deepEqual(loaded.getPreprocessing(), DIGITS_32);
  });

  it('trains data-parallel (numWorkers 2) on the batches one worker trains on, early stopping included', async () => {
    const network = () =>
      new Sequential([
        new Conv2D(8, 3, { padding: 'same', activation: 'relu' }),
        new MaxPool2D(2),
        new Flatten(),
        new Dense(5, { activation: 'softmax' }),
      ]);
    const options = {
      labelCol: 'labelIndex',
      preprocessing: DIGITS_32,
      epochs: 8,
      learningRate: 0.003,
      batchSize: 32,
      validationSplit: 0.2,
      earlyStoppingPatience: 2,
      seed: 3,
      showProgress: false,
    } as const;
    const one = await new ImageClassifier({ ...options, network: network() }).fit(train);
    const two = await new ImageClassifier({ ...options, network: network(), numWorkers: 2 }).fit(train);
    const [h1, h2] = [one.summary.history, two.summary.history];
    assert.equal(h2.length, h1.length);
    assert.equal(two.summary.bestEpoch, one.summary.bestEpoch);
    h1.forEach((m, i) => {
      assert.ok(
        Math.abs(m.loss - (h2[i]?.loss as number)) < 1e-4,
        `epoch ${i + 1} loss ${m.loss} vs ${h2[i]?.loss}`,
      );
      assert.ok(Math.abs((m.validationLoss as number) - (h2[i]?.validationLoss as number)) < 1e-4);
    });
    const [a1, a2] = [
      await accuracy.evaluate(await one.transform(test)),
      await accuracy.evaluate(await two.transform(test)),
    ];
    assert.ok(Math.abs(a1 - a2) <= 0.01, `held-out accuracies ${a1} and ${a2}`);
    await assert.rejects(
      new ImageClassifier({ ...options, network: network(), numWorkers: 2, cropPadding: 1 }).fit(train),
      (e: ParamError) =>
        e.errorClass === 'INVALID_PARAM' && /numWorkers 2 trains without augmentation/.test(e.message),
    );
  });

  it('fits the same model whatever order the rows come in, and a parallel search equals a sequential one', async () => {
    const classifier = new ImageClassifier({
      labelCol: 'labelIndex',
      modelName: 'DigitsBackbone0to4',
      epochs: 3,
      learningRate: 0.01,
      seed: 2,
      showProgress: false,
    });
    const forward = await classifier.fit(train);
    const backward = await classifier.fit(train.orderBy(col('image.origin').desc()));
    assert.deepEqual(backward.summary.history, forward.summary.history);

    const grid = new ParamGridBuilder<ImageClassifier>()
      .addGrid('hiddenLayers', [[], [16]])
      .addGrid('trainableLayers', [0, 1])
      .build();
    const search = (parallelism: number) =>
      new CrossValidator({
        estimator: classifier,
        estimatorParamMaps: grid,
        evaluator: accuracy,
        numFolds: 2,
        seed: 5,
        parallelism,
      }).fit(train);
    const sequential = await search(1);
    const parallel = await search(2);
    assert.deepEqual(parallel.avgMetrics, sequential.avgMetrics);
    // A sanity bound: the folds hash whole rows, image paths included, so the figures move with the temporary folder.
    assert.ok(Math.max(...sequential.avgMetrics) >= 0.5, String(sequential.avgMetrics));
  });

  it('refuses bad params and inputs with errors that name them', async () => {
    await assert.rejects(
      new ImageClassifier({ labelCol: 'labelIndex', showProgress: false }).fit(train),
      (e: unknown) => e instanceof ParamError && /exactly one of network/.test(e.message),
    );
    await assert.rejects(
      new ImageClassifier({ labelCol: 'label', modelName: 'DigitsBackbone0to4', showProgress: false }).fit(
        train,
      ),
      (e: unknown) => e instanceof SchemaError && /StringIndexer/.test(e.message),
    );
    await assert.rejects(
      new ImageClassifier({
        labelCol: 'labelIndex',
        modelName: 'DigitsBackbone0to4',
        trainableLayers: 4,
        showProgress: false,
      }).fit(train),
      (e: unknown) => e instanceof ModelError && /only 3 weighted layer/.test(e.message),
    );
    await assert.rejects(
      new ImageClassifier({
        labelCol: 'labelIndex',
        network: new Sequential([new Flatten(), new Dense(3)]),
        preprocessing: DIGITS_32,
        showProgress: false,
      }).fit(train),
      (e: unknown) => e instanceof ParamError && /at least 5 units/.test(e.message),
    );
    assert.throws(() => new ImageClassifier({ validationSplit: 1 }), ParamError);
    assert.throws(() => sequentialFromJson({ layers: [{ kind: 'lstm' }] }), /Unknown layer kind 'lstm'/);
  });
});
