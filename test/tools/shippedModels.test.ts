/**
 * The models and data shipped under models/ and data/ (made by tools/*.py) load and run in ONNX Runtime, and the
 * digits models are as accurate in JavaScript as their descriptions say.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';

/** The repository root, from dist/test/tools/. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SIZE = 32;

interface OutputInfo {
  readonly name: string;
  readonly shape: readonly (string | number)[];
}

interface ModelJson {
  readonly name: string;
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly input: { readonly name: string; readonly shape: readonly (string | number)[] };
  readonly outputs: { readonly logits: OutputInfo; readonly features: OutputInfo };
  readonly labels?: readonly string[];
  readonly labelsFile?: string;
  readonly featureTensor: string;
  readonly outputIsProbabilities: boolean;
  readonly preprocess: {
    readonly scale: number;
    readonly mean: readonly number[];
    readonly std: readonly number[];
  };
  readonly evaluation?: {
    readonly testImages: number;
    readonly testAccuracy: number;
    readonly testCorrect: number;
    readonly misclassified: readonly { index: number; label: number; prediction: number }[];
    readonly upscaledTestImagesSha256: string;
  };
  readonly expected?: readonly {
    index: number;
    label: number;
    prediction: number;
    logits: number[];
    featuresSum: number;
  }[];
  readonly perImage?: { readonly macs: number; readonly flops: number };
  readonly parameters: number;
}

function readJson<T>(relative: string): T {
  return JSON.parse(readFileSync(join(ROOT, relative), 'utf8')) as T;
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

// ---------------------------------------------------------------------------------------------------------------
// Pillow's 8-bit bilinear resize (Resample.c), bit for bit: the transform the digits models were trained and
// measured on (tools/digits_common.py has the same in Python). Separable triangle filter, horizontal pass then
// vertical, 22-bit fixed-point coefficients, rounding to uint8 after each pass.
// ---------------------------------------------------------------------------------------------------------------

const PRECISION_BITS = 32 - 8 - 2;

function coefficients(inSize: number, outSize: number): { min: number; k: number[] }[] {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  const result: { min: number; k: number[] }[] = [];
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const min = Math.max(Math.trunc(center - support + 0.5), 0);
    const count = Math.min(Math.trunc(center + support + 0.5), inSize) - min;
    const w: number[] = [];
    let total = 0;
    for (let x = 0; x < count; x++) {
      const v = Math.max(0, 1 - Math.abs((x + min - center + 0.5) / filterScale));
      w.push(v);
      total += v;
    }
    const k = w.map((v) => {
      const n = total !== 0 ? v / total : v;
      return Math.trunc(n * 2 ** PRECISION_BITS + (n >= 0 ? 0.5 : -0.5));
    });
    result.push({ min, k });
  }
  return result;
}

function clip8(v: number): number {
  const shifted = Math.floor(v / 2 ** PRECISION_BITS);
  return Math.min(Math.max(shifted, 0), 255);
}

/** Resizes one grey uint8 image like Pillow's `Image.resize((outW, outH), Image.BILINEAR)` in mode L. */
function pillowBilinear(src: Uint8Array, inW: number, inH: number, outW: number, outH: number): Uint8Array {
  const horizontal = coefficients(inW, outW);
  const vertical = coefficients(inH, outH);
  const half = 2 ** (PRECISION_BITS - 1);
  const temp = new Uint8Array(inH * outW);
  for (let y = 0; y < inH; y++) {
    for (let xx = 0; xx < outW; xx++) {
      const { min, k } = horizontal[xx]!;
      let ss = half;
      for (let i = 0; i < k.length; i++) ss += src[y * inW + min + i]! * k[i]!;
      temp[y * outW + xx] = clip8(ss);
    }
  }
  const out = new Uint8Array(outH * outW);
  for (let yy = 0; yy < outH; yy++) {
    const { min, k } = vertical[yy]!;
    for (let x = 0; x < outW; x++) {
      let ss = half;
      for (let i = 0; i < k.length; i++) ss += temp[(min + i) * outW + x]! * k[i]!;
      out[yy * outW + x] = clip8(ss);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------------------------

const pixels = readFileSync(join(ROOT, 'data/digits/digits.bin'));
const labels = readFileSync(join(ROOT, 'data/digits/labels.bin'));
const split = readJson<{ train: number[]; test: number[] }>('data/digits/split.json');

function digit(index: number): Uint8Array {
  return new Uint8Array(pixels.buffer, pixels.byteOffset + index * 64, 64);
}

/** Grey 32×32 images (one Uint8Array each, `channels` values per pixel) → float32 [N, 3, 32, 32], RGB, / 255. */
function toTensor(images: readonly Uint8Array[], channels = 1): ort.Tensor {
  const plane = SIZE * SIZE;
  const data = new Float32Array(images.length * 3 * plane);
  images.forEach((image, n) => {
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++)
        data[(n * 3 + c) * plane + p] = image[p * channels + (channels >= 3 ? c : 0)]! / 255;
    }
  });
  return new ort.Tensor('float32', data, [images.length, 3, SIZE, SIZE]);
}

function argmaxRows(t: ort.Tensor): number[] {
  const [n, k] = t.dims as [number, number];
  const v = t.data as Float32Array;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (v[i * k + j]! > v[i * k + best]!) best = j;
    out.push(best);
  }
  return out;
}

function accuracy(predictions: readonly number[], indices: readonly number[]): number {
  let correct = 0;
  predictions.forEach((p, i) => {
    if (p === labels[indices[i]!]) correct++;
  });
  return correct / predictions.length;
}

/** The 8×8 digit rendered to a 32×32 file with sharp the way a demo might, then decoded with sharp to RGB. */
async function viaSharp(
  index: number,
  kernel: 'lanczos3' | 'linear' | 'nearest',
  format: 'png' | 'jpeg',
): Promise<Uint8Array> {
  const resized = sharp(Buffer.from(digit(index)), { raw: { width: 8, height: 8, channels: 1 } }).resize(
    SIZE,
    SIZE,
    {
      kernel,
      fit: 'fill',
    },
  );
  const file =
    format === 'png' ? await resized.png().toBuffer() : await resized.jpeg({ quality: 90 }).toBuffer();
  const { data, info } = await sharp(file)
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  assert.equal(info.width, SIZE);
  assert.equal(info.channels, 3);
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

async function createSession(file: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(join(ROOT, 'models', file), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
}

// ---------------------------------------------------------------------------------------------------------------

describe('shipped data: data/digits', () => {
  it('has 1,797 images of 8×8 uint8 pixels, labels 0–9, and a stratified 1,437/360 split', () => {
    assert.equal(pixels.length, 1797 * 64);
    assert.equal(labels.length, 1797);
    assert.ok(labels.every((l) => l <= 9));
    assert.equal(Math.max(...pixels), 255);
    assert.equal(split.train.length, 1437);
    assert.equal(split.test.length, 360);
    const all = new Set([...split.train, ...split.test]);
    assert.equal(all.size, 1797);
    const perClass = new Array<number>(10).fill(0);
    for (const i of split.test) perClass[labels[i]!]!++;
    assert.ok(
      perClass.every((c) => c >= 34 && c <= 38),
      `test images per class: ${perClass}`,
    );
  });

  it('keeps everything shipped under models/ and data/ below 5 MB', () => {
    let total = 0;
    for (const dir of ['models', 'data/digits']) {
      for (const f of readdirSync(join(ROOT, dir))) total += statSync(join(ROOT, dir, f)).size;
    }
    assert.ok(total < 5 * 1024 * 1024, `${total} bytes`);
  });
});

for (const name of ['digits-cnn', 'digits-backbone-0to4'] as const) {
  describe(`shipped model: models/${name}.onnx`, () => {
    const meta = readJson<ModelJson>(`models/${name}.json`);
    const classes = meta.labels!.length;
    // The test split, restricted to the model's classes.
    const indices = split.test.filter((i) => labels[i]! < classes);
    let session: ort.InferenceSession;

    before(async () => {
      session = await createSession(meta.file);
    });
    after(async () => {
      await session.release();
    });

    it('matches its description: file hash, labels, input and output names', () => {
      const bytes = readFileSync(join(ROOT, 'models', meta.file));
      assert.equal(bytes.length, meta.bytes);
      assert.equal(sha256(bytes), meta.sha256);
      assert.deepEqual(readJson<string[]>(`models/${meta.labelsFile}`), meta.labels);
      assert.deepEqual(meta.labels, [...Array(classes).keys()].map(String));
      assert.equal(meta.featureTensor, 'features');
      assert.equal(meta.outputIsProbabilities, false);
      assert.deepEqual(session.inputNames, ['image']);
      assert.deepEqual([...session.outputNames].sort(), ['features', 'logits']);
      assert.deepEqual(meta.input.shape, ['N', 3, 32, 32]);
      assert.deepEqual(meta.preprocess.mean, [0, 0, 0]);
      assert.deepEqual(meta.preprocess.std, [1, 1, 1]);
    });

    it('upscales the test digits bit for bit like Pillow did when it was measured', () => {
      const all = new Uint8Array(indices.length * SIZE * SIZE);
      indices.forEach((index, n) => {
        all.set(pillowBilinear(digit(index), 8, 8, SIZE, SIZE), n * SIZE * SIZE);
      });
      assert.equal(indices.length, meta.evaluation!.testImages);
      assert.equal(sha256(all), meta.evaluation!.upscaledTestImagesSha256);
    });

    it('classifies the held-out digits (Pillow-bilinear 32×32) as recorded, accuracy ≥ 0.9', async () => {
      const images = indices.map((i) => pillowBilinear(digit(i), 8, 8, SIZE, SIZE));
      const out = await session.run({ image: toTensor(images) });
      const logits = out.logits!;
      const features = out.features!;
      assert.deepEqual(logits.dims, [indices.length, classes]);
      assert.deepEqual(features.dims, [indices.length, 64]);
      const predictions = argmaxRows(logits);
      const acc = accuracy(predictions, indices);
      assert.ok(acc >= 0.9, `accuracy ${acc}`);
      // The same predictions as ONNX Runtime in Python, up to a near tie.
      assert.ok(
        Math.abs(acc - meta.evaluation!.testAccuracy) <= 1.5 / indices.length,
        `${acc} vs ${meta.evaluation!.testAccuracy}`,
      );
      const wrong = indices.flatMap((index, k) =>
        predictions[k] !== labels[index]
          ? [{ index, label: labels[index]!, prediction: predictions[k]! }]
          : [],
      );
      if (Math.round(acc * indices.length) === meta.evaluation!.testCorrect)
        assert.deepEqual(wrong, meta.evaluation!.misclassified);
      // Recorded logits of the first test images.
      const values = logits.data as Float32Array;
      const featureValues = features.data as Float32Array;
      for (const e of meta.expected!) {
        const k = indices.indexOf(e.index);
        assert.ok(k >= 0);
        assert.equal(predictions[k], e.prediction);
        e.logits.forEach((v, j) => {
          assert.ok(Math.abs(values[k * classes + j]! - v) < 2e-3, `logit ${j} of image ${e.index}`);
        });
        let sum = 0;
        for (let j = 0; j < 64; j++) sum += featureValues[k * 64 + j]!;
        assert.ok(
          Math.abs(sum - e.featuresSum) < 5e-3,
          `features of image ${e.index}: ${sum} vs ${e.featuresSum}`,
        );
      }
    });

    it('reads digits rendered to PNG and JPEG files with sharp (Lanczos-3, bilinear, nearest), accuracy ≥ 0.9', async () => {
      for (const [kernel, format] of [
        ['lanczos3', 'png'],
        ['linear', 'jpeg'],
        ['nearest', 'png'],
      ] as const) {
        const images = await Promise.all(indices.map((i) => viaSharp(i, kernel, format)));
        const out = await session.run({ image: toTensor(images, 3) }, ['logits']);
        const acc = accuracy(argmaxRows(out.logits!), indices);
        assert.ok(acc >= 0.9, `${kernel} ${format}: accuracy ${acc}`);
      }
    });

    it('runs any batch size (dynamic batch axis), fetching only the features', async () => {
      const images = indices.slice(0, 3).map((i) => pillowBilinear(digit(i), 8, 8, SIZE, SIZE));
      const out = await session.run({ image: toTensor(images) }, ['features']);
      assert.deepEqual(Object.keys(out), ['features']);
      assert.deepEqual(out.features!.dims, [3, 64]);
      assert.ok((out.features!.data as Float32Array).every((v) => Number.isFinite(v) && v >= 0));
    });
  });
}

describe('shipped model: models/bench-convnet.onnx', () => {
  const meta = readJson<ModelJson>('models/bench-convnet.json');
  let session: ort.InferenceSession;

  before(async () => {
    session = await createSession(meta.file);
  });
  after(async () => {
    await session.release();
  });

  it('matches its description: hash, at most 2 MB, ≥ 0.5 GFLOP per image, 224×224 RGB input', () => {
    const bytes = readFileSync(join(ROOT, 'models', meta.file));
    assert.equal(sha256(bytes), meta.sha256);
    assert.ok(bytes.length <= 2 * 1024 * 1024, `${bytes.length} bytes`);
    assert.ok(meta.perImage!.flops >= 0.5e9, `${meta.perImage!.flops} FLOPs`);
    assert.equal(meta.perImage!.flops, 2 * meta.perImage!.macs);
    assert.deepEqual(meta.input.shape, ['N', 3, 224, 224]);
    assert.deepEqual(session.inputNames, ['image']);
    assert.deepEqual([...session.outputNames].sort(), ['features', 'logits']);
  });

  it('runs a batch of two images: logits [2, 1000], features [2, 64], all finite', async () => {
    const n = 2;
    const data = new Float32Array(n * 3 * 224 * 224);
    let s = 12345;
    for (let i = 0; i < data.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      data[i] = (s / 2 ** 32 - 0.45) / 0.225;
    }
    const out = await session.run({ image: new ort.Tensor('float32', data, [n, 3, 224, 224]) });
    assert.deepEqual(out.logits!.dims, [n, 1000]);
    assert.deepEqual(out.features!.dims, [n, 64]);
    assert.ok((out.logits!.data as Float32Array).every(Number.isFinite));
    assert.ok((out.features!.data as Float32Array).some((v) => v > 0));
  });
});
