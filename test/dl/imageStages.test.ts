import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { DeepImageFeaturizer } from '../../src/dl/DeepImageFeaturizer.js';
import { DeepImagePredictor } from '../../src/dl/DeepImagePredictor.js';
import { OnnxImageTransformer } from '../../src/dl/OnnxImageTransformer.js';
import type { DeepframeError } from '../../src/errors.js';
import { col } from '../../src/frame/functions.js';
import { DataTypes } from '../../src/types/DataType.js';
import { tinyConvNet, writeModel } from '../fixtures/models/buildModels.js';
import { useSession } from '../helpers/session.js';

const { session, dir } = useSession();
const net = tinyConvNet();
const LABELS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const COUNT = 12;
let modelPath: string;
let images: string;
/** The model's input for each image, computed here from the PNG pixels: RGB, NCHW, value / 255. */
const tensors: Float32Array[] = [];

function softmax(v: ArrayLike<number>): number[] {
  const m = Math.max(...Array.from(v));
  const e = Array.from(v, (x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

const imageDf = () => session().read.images(images, { recursive: true, labelFromFolder: true });
const byOrigin = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  String(a.origin).localeCompare(String(b.origin));

describe('image model stages', () => {
  before(async () => {
    modelPath = await writeModel(dir(), 'tiny', net.bytes);
    writeFileSync(
      join(dir(), 'tiny.json'),
      JSON.stringify({
        name: 'TinyConvNet',
        preprocess: {
          height: 8,
          width: 8,
          channels: 3,
          channelOrder: 'RGB',
          layout: 'NCHW',
          resize: 'fill',
          scale: 1 / 255,
          mean: [0, 0, 0],
          std: [1, 1, 1],
        },
        labels: LABELS,
      }),
    );
    images = join(dir(), 'images');
    mkdirSync(join(images, 'a'), { recursive: true });
    for (let i = 0; i < COUNT; i++) {
      const rgb = new Uint8Array(8 * 8 * 3).map((_, k) => (k * (i + 3) * 37 + i * 11) & 255);
      await sharp(rgb, { raw: { width: 8, height: 8, channels: 3 } })
        .png()
        .toFile(join(images, 'a', `img${String(i).padStart(2, '0')}.png`));
      const t = new Float32Array(3 * 64);
      for (let p = 0; p < 64; p++) for (let c = 0; c < 3; c++) t[c * 64 + p] = rgb[p * 3 + c]! / 255;
      tensors.push(t);
    }
  });

  it("DeepImageFeaturizer cuts the network at its penultimate layer: vector<4> equal to the network's features", async () => {
    const f = new DeepImageFeaturizer({
      inputCol: 'image',
      outputCol: 'features',
      model: modelPath,
      batchSize: 5,
    });
    const out = await f.transform(imageDf());
    assert.deepEqual(
      (await out.schema()).fields.map((x) => [x.name, x.type.kind]),
      [
        ['image', 'struct'],
        ['label', 'string'],
        ['features', 'vector'],
      ],
    );
    assert.deepEqual((await out.schema()).fields[2]?.type, DataTypes.vector(4));
    const rows = (await out.select(col('image.origin').alias('origin'), 'features').collect()).sort(byOrigin);
    rows.forEach((r, i) => {
      const expected = net.compute(tensors[i]!, 1).features;
      const got = r.features as Float32Array;
      for (let j = 0; j < 4; j++)
        assert.ok(
          Math.abs(got[j]! - expected[j]!) < 1e-5,
          `image ${i} feature ${j}: ${got[j]} vs ${expected[j]}`,
        );
    });
  });

  it("DeepImagePredictor outputs class probabilities equal to softmax of ONNX Runtime's logits", async () => {
    const p = new DeepImagePredictor({ inputCol: 'image', outputCol: 'probs', model: modelPath });
    const rows = (
      await (await p.transform(imageDf())).select(col('image.origin').alias('origin'), 'probs').collect()
    ).sort(byOrigin);
    const direct = await ort.InferenceSession.create(modelPath);
    for (const [i, r] of rows.entries()) {
      const logits = (await direct.run({ image: new ort.Tensor('float32', tensors[i]!, [1, 3, 8, 8]) }))
        .logits!.data as Float32Array;
      const expected = softmax(logits);
      const got = r.probs as Float32Array;
      assert.equal(got.length, 10);
      for (let j = 0; j < 10; j++) assert.ok(Math.abs(got[j]! - expected[j]!) < 1e-6);
    }
    await direct.release();
  });

  it('decodePredictions gives the topK classes with descriptions, most probable first', async () => {
    const p = new DeepImagePredictor({ model: modelPath, decodePredictions: true, topK: 3 });
    const rows = (
      await (
        await p.transform(imageDf())
      )
        .select(col('image.origin').alias('origin'), 'predictions')
        .collect()
    ).sort(byOrigin);
    rows.forEach((r, i) => {
      const probs = softmax(net.compute(tensors[i]!, 1).logits);
      const order = probs
        .map((v, j) => [v, j] as const)
        .sort((a, b) => b[0] - a[0])
        .slice(0, 3);
      const preds = r.predictions as { class: string; description: string; probability: number }[];
      assert.equal(preds.length, 3);
      preds.forEach((pred, k) => {
        assert.equal(pred.class, LABELS[order[k]![1]]);
        assert.equal(pred.description, LABELS[order[k]![1]]);
        assert.ok(Math.abs(pred.probability - order[k]![0]) < 1e-5);
      });
    });
  });

  it('a model whose input does not fit the preprocessing fails before running, naming both shapes', async () => {
    const p = new DeepImagePredictor({
      model: modelPath,
      preprocessing: {
        height: 16,
        width: 16,
        channels: 3,
        channelOrder: 'RGB',
        layout: 'NCHW',
        resize: 'fill',
        scale: 1,
        mean: [0, 0, 0],
        std: [1, 1, 1],
      },
    });
    await assert.rejects(p.transform(imageDf()), (e: DeepframeError) => {
      assert.equal(e.errorClass, 'MODEL_INPUT_MISMATCH');
      assert.match(e.message, /\[N, 3, 8, 8\].*\[N, 3, 16, 16\]/);
      return true;
    });
    const notImages = new DeepImagePredictor({ inputCol: 'label', model: modelPath });
    await assert.rejects(
      notImages.transform(imageDf().select(col('label').cast('int').alias('label'))),
      /column 'label' is int; expected an image struct/,
    );
  });

  it('an unknown model name lists the models there are; exactly one of model and modelName', async () => {
    const p = new DeepImageFeaturizer({ modelName: 'ResNet5O' });
    await assert.rejects(p.transform(imageDf()), (e: DeepframeError) => {
      assert.equal(e.errorClass, 'UNKNOWN_MODEL');
      assert.match(e.message, /Unknown model 'ResNet5O'. Known models: .*DigitsCNN.*ResNet50/);
      return true;
    });
    await assert.rejects(
      new DeepImageFeaturizer({}).transform(imageDf()),
      /exactly one of modelName .* or model/,
    );
  });

  it('corrupt images: null outputs by default, a failed job naming the image with onError fail, none with dropInvalid', async () => {
    writeFileSync(join(images, 'a', 'zz-corrupt.png'), 'not a png');
    try {
      const withBad = session().read.images(images, { recursive: true });
      const p = new DeepImagePredictor({ model: modelPath, outputCol: 'probs' });
      const rows = await (await p.transform(withBad))
        .select(col('image.origin').alias('origin'), 'probs')
        .collect();
      assert.equal(rows.length, COUNT + 1);
      assert.equal(rows.filter((r) => r.probs === null).length, 1);
      p.setOnError('fail');
      await assert.rejects(
        (await p.transform(withBad)).collect(),
        /cannot be used by the model: image in column 'image' is null/,
      );
      const dropped = session().read.images(images, { recursive: true, dropInvalid: true });
      assert.equal(await (await p.transform(dropped)).count(), COUNT);
    } finally {
      writeFileSync(join(images, 'a', 'zz-corrupt.png'), '');
      (await import('node:fs')).rmSync(join(images, 'a', 'zz-corrupt.png'));
    }
  });

  it('OnnxImageTransformer reads image files from a path column in the workers, null for a missing file', async () => {
    const files = Array.from({ length: COUNT }, (_, i) => ({
      path: join(images, 'a', `img${String(i).padStart(2, '0')}.png`),
    }));
    files.push({ path: join(images, 'missing.png') });
    const t = new OnnxImageTransformer({
      inputCol: 'path',
      outputCol: 'logits',
      model: modelPath,
      outputTensor: 'logits',
    });
    const rows = await (await t.transform(session().createDataFrame(files))).collect();
    rows.slice(0, COUNT).forEach((r, i) => {
      const expected = net.compute(tensors[i]!, 1).logits;
      const got = r.logits as Float32Array;
      for (let j = 0; j < 10; j++) assert.ok(Math.abs(got[j]! - expected[j]!) < 1e-5);
    });
    assert.equal(rows[COUNT]?.logits, null);
  });

  it('the shipped DigitsCNN classifies the held-out digits it was measured on', async () => {
    const { loadDigits, writeDigitImages } = await import('../../src/cli/digits.js');
    const digits = await loadDigits();
    const dirDigits = join(dir(), 'digits');
    await writeDigitImages(digits, digits.test.slice(0, 100), dirDigits);
    const p = new DeepImagePredictor({ modelName: 'DigitsCNN', decodePredictions: true, topK: 1 });
    const rows = await (
      await p.transform(session().read.images(dirDigits, { recursive: true, labelFromFolder: true }))
    ).collect();
    const correct = rows.filter((r) => (r.predictions as { class: string }[])[0]?.class === r.label).length;
    assert.ok(correct >= 95, `${correct} of 100 correct`);
  });
});
