import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import sharp from 'sharp';
import type { ImageStruct } from '../../src/image/ImageSchema.js';
import {
  type ImagePreprocessSpec,
  imageFileToTensor,
  imageTensorShape,
  imageToTensor,
  validatePreprocessSpec,
} from '../../src/image/preprocess.js';

const dir = mkdtempSync(join(tmpdir(), 'deepframe-pre-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const base: ImagePreprocessSpec = {
  height: 2,
  width: 2,
  channels: 3,
  channelOrder: 'RGB',
  layout: 'NCHW',
  resize: 'fill',
  scale: 1,
  mean: [0, 0, 0],
  std: [1, 1, 1],
};
// A 2×2 BGR image: pixel p has B = 10p, G = 10p + 1, R = 10p + 2.
const image: ImageStruct = {
  origin: 't',
  height: 2,
  width: 2,
  nChannels: 3,
  mode: 16,
  data: Uint8Array.from([0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32]),
};

describe('image preprocessing', () => {
  it('NCHW RGB: planes of R, then G, then B from BGR bytes', async () => {
    const out = new Float32Array(12);
    await imageToTensor(image, base, out, 0);
    assert.deepEqual(Array.from(out), [2, 12, 22, 32, 1, 11, 21, 31, 0, 10, 20, 30]);
    assert.deepEqual(imageTensorShape(base), [3, 2, 2]);
  });

  it('NHWC BGR with scale, mean and std per channel, written at an offset', async () => {
    const spec: ImagePreprocessSpec = {
      ...base,
      layout: 'NHWC',
      channelOrder: 'BGR',
      scale: 0.5,
      mean: [1, 2, 3],
      std: [2, 4, 8],
    };
    const out = new Float32Array(14).fill(-9);
    await imageToTensor(image, spec, out, 2);
    const expected = [0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32].map(
      (v, k) => (v * 0.5 - spec.mean[k % 3]!) / spec.std[k % 3]!,
    );
    assert.deepEqual(Array.from(out.slice(0, 2)), [-9, -9]);
    for (const [k, v] of Array.from(out.slice(2)).entries()) assert.ok(Math.abs(v - expected[k]!) < 1e-6);
  });

  it('grey images are replicated for 3-channel models; colour is converted for 1-channel models', async () => {
    const grey: ImageStruct = {
      origin: 'g',
      height: 2,
      width: 2,
      nChannels: 1,
      mode: 0,
      data: Uint8Array.from([5, 6, 7, 8]),
    };
    const out = new Float32Array(12);
    await imageToTensor(grey, base, out, 0);
    assert.deepEqual(Array.from(out), [5, 6, 7, 8, 5, 6, 7, 8, 5, 6, 7, 8]);
    const one = new Float32Array(4);
    await imageToTensor(image, { ...base, channels: 1, mean: [0], std: [1] }, one, 0);
    assert.ok(Math.abs(one[0]! - (0.299 * 2 + 0.587 * 1 + 0.114 * 0)) < 1e-4);
  });

  it('resizes with sharp and centre-crops with cover; files decode the same way', async () => {
    const path = join(dir, 'wide.png');
    // 4×2: the left and right columns differ from the centre two.
    const rgb = Uint8Array.from([
      9, 9, 9, 100, 100, 100, 100, 100, 100, 9, 9, 9, 9, 9, 9, 100, 100, 100, 100, 100, 100, 9, 9, 9,
    ]);
    await sharp(rgb, { raw: { width: 4, height: 2, channels: 3 } })
      .png()
      .toFile(path);
    const out = new Float32Array(12);
    await imageFileToTensor(path, { ...base, resize: 'cover' }, out, 0);
    assert.deepEqual(Array.from(out), Array(12).fill(100));
    await assert.rejects(
      imageFileToTensor(join(dir, 'none.png'), base, out, 0),
      /PATH_NOT_FOUND|does not exist/,
    );
  });

  it('a bad spec is refused naming the field', () => {
    assert.throws(() => validatePreprocessSpec({ ...base, mean: [0, 0] }), /mean must be 3 numbers/);
    assert.throws(() => validatePreprocessSpec({ ...base, layout: 'CHW' as 'NCHW' }), /layout/);
    assert.throws(() => validatePreprocessSpec({ ...base, std: [1, 0, 1] }), /std must be non-zero/);
  });
});
