import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { IOError } from '../../src/errors.js';
import { headerColour } from '../../src/image/imageHeader.js';
import {
  decodeImage,
  type ImageStruct,
  isImageDecodeFailure,
  ocvTypes,
  tryDecodeImage,
} from '../../src/image/index.js';
import {
  encode,
  type ImageFolderFixture,
  jpegTolerance,
  makeImageFolder,
  seededBytes,
  writeSyntheticJpegs,
} from '../fixtures/images.js';

let dir: string;
let fx: ImageFolderFixture;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deepframe-decode-'));
  fx = await makeImageFolder(dir);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function decodeFixture(name: string): Promise<ImageStruct> {
  const f = fx.byName[name];
  assert.ok(f, `fixture ${name}`);
  return decodeImage(await readFile(f.path), `file://${f.path}`);
}

function maxDiff(a: Uint8Array, b: Uint8Array): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

async function rejectsCorrupt(bytes: Uint8Array, origin: string, options = {}): Promise<void> {
  await assert.rejects(decodeImage(bytes, origin, options), (e: unknown) => {
    assert.ok(e instanceof IOError, `an IOError, got ${String(e)}`);
    assert.equal(e.errorClass, 'CORRUPT_IMAGE');
    assert.ok(e.message.includes(origin), `message names the origin: ${e.message}`);
    assert.equal(e.messageParameters.origin, origin);
    assert.ok((e.messageParameters.reason ?? '').length > 0);
    return true;
  });
}

describe('decodeImage', () => {
  it('decodes a red PNG to BGR bytes [0, 0, 255] with Spark’s CV_8UC3 mode', async () => {
    const image = await decodeFixture('cats/red.png');
    assert.equal(image.origin, `file://${fx.byName['cats/red.png']!.path}`);
    assert.equal(image.height, 4);
    assert.equal(image.width, 6);
    assert.equal(image.nChannels, 3);
    assert.equal(image.mode, ocvTypes.CV_8UC3);
    assert.equal(image.mode, 16);
    assert.deepEqual([...image.data.subarray(0, 6)], [0, 0, 255, 0, 0, 255]);
    assert.equal(image.data.length, 4 * 6 * 3);
  });

  it('returns a plain Uint8Array, not a Buffer', async () => {
    const image = await decodeFixture('cats/red.png');
    assert.equal(Object.getPrototypeOf(image.data), Uint8Array.prototype);
  });

  it('gives every PNG fixture’s exact pixels, channel count and mode', async () => {
    for (const f of fx.images.filter((im) => im.exact)) {
      const image = await decodeFixture(f.name);
      assert.equal(image.width, f.width, f.name);
      assert.equal(image.height, f.height, f.name);
      assert.equal(image.nChannels, f.nChannels, f.name);
      assert.equal(image.mode, { 1: 0, 3: 16, 4: 24 }[f.nChannels], f.name);
      assert.deepEqual(image.data, f.bgr, f.name);
    }
  });

  it('keeps a greyscale PNG at one channel (CV_8UC1), row-major', async () => {
    const image = await decodeFixture('dogs/grey.png');
    assert.equal(image.nChannels, 1);
    assert.equal(image.mode, ocvTypes.CV_8UC1);
    // v = x * 32 + y * 4 on an 8 × 4 image: row 1 starts at x = 0, y = 1.
    assert.deepEqual([...image.data.subarray(0, 3)], [0, 32, 64]);
    assert.equal(image.data[8], 4);
  });

  it('gives an RGBA PNG four channels in BGRA order (CV_8UC4)', async () => {
    const image = await decodeFixture('dogs/rgba.png');
    assert.equal(image.nChannels, 4);
    assert.equal(image.mode, ocvTypes.CV_8UC4);
    // pixel x = 1 is RGBA (0, 255, 50, 128) → BGRA (50, 255, 0, 128)
    assert.deepEqual([...image.data.subarray(4, 8)], [50, 255, 0, 128]);
  });

  it('drops the alpha of a grey+alpha PNG and keeps one channel, as Spark does', async () => {
    const image = await decodeFixture('dogs/grey-alpha.png');
    assert.equal(image.nChannels, 1);
    assert.deepEqual([...new Set(image.data)], [77]);
  });

  it(`decodes JPEGs to within ${jpegTolerance} of their pixels (RGB and greyscale)`, async () => {
    const blue = await decodeFixture('cats/blue.jpg');
    assert.equal(blue.nChannels, 3);
    assert.equal(blue.width, 32);
    assert.equal(blue.height, 24);
    assert.ok(maxDiff(blue.data, fx.byName['cats/blue.jpg']!.bgr) <= jpegTolerance);
    assert.ok(
      blue.data[0]! > 255 - jpegTolerance && blue.data[2]! < jpegTolerance,
      'blue is the first byte (BGR)',
    );

    const grey = await decodeFixture('dogs/grey.jpg');
    assert.equal(grey.nChannels, 1);
    assert.equal(grey.mode, ocvTypes.CV_8UC1);
    assert.ok(maxDiff(grey.data, fx.byName['dogs/grey.jpg']!.bgr) <= jpegTolerance);
  });

  it('keeps a greyscale TIFF at one channel (format read through sharp’s metadata)', async () => {
    const raw = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
    const tiff = await sharp(raw, { raw: { width: 4, height: 3, channels: 1 } })
      .toColourspace('b-w')
      .tiff({ compression: 'lzw' })
      .toBuffer();
    assert.equal(headerColour(tiff), 'unknown');
    const image = await decodeImage(tiff, 'memory:grey.tiff');
    assert.equal(image.nChannels, 1);
    assert.deepEqual(image.data, raw);
  });

  it('scales a 16-bit greyscale PNG to 8 bits', async () => {
    const raw = Uint8Array.from({ length: 8 }, (_, i) => i * 30);
    const png16 = await sharp(raw, { raw: { width: 4, height: 2, channels: 1 } })
      .toColourspace('grey16')
      .png()
      .toBuffer();
    assert.equal((await sharp(png16).metadata()).depth, 'ushort');
    const image = await decodeImage(png16, 'memory:grey16.png');
    assert.equal(image.nChannels, 1);
    assert.deepEqual(image.data, raw);
  });

  it('decodes lossless WebP with alpha to BGRA and a CMYK JPEG to BGR', async () => {
    const rgba = Uint8Array.of(10, 20, 30, 40, 50, 60, 70, 80);
    const webp = await sharp(rgba, { raw: { width: 2, height: 1, channels: 4 } })
      .webp({ lossless: true })
      .toBuffer();
    const fromWebp = await decodeImage(webp, 'memory:a.webp');
    assert.equal(fromWebp.nChannels, 4);
    assert.deepEqual([...fromWebp.data], [30, 20, 10, 40, 70, 60, 50, 80]);

    const rgb = new Uint8Array(8 * 8 * 3).fill(128);
    const cmyk = await sharp(rgb, { raw: { width: 8, height: 8, channels: 3 } })
      .toColourspace('cmyk')
      .jpeg()
      .toBuffer();
    assert.equal((await sharp(cmyk).metadata()).space, 'cmyk');
    const fromCmyk = await decodeImage(cmyk, 'memory:cmyk.jpg');
    assert.equal(fromCmyk.nChannels, 3);
    assert.equal(fromCmyk.data.length, 8 * 8 * 3);
  });

  it('does not apply EXIF orientation (pixels as stored, as Spark)', async () => {
    const raw = new Uint8Array(4 * 2 * 3).fill(200);
    const rotated = await sharp(raw, { raw: { width: 4, height: 2, channels: 3 } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    assert.equal((await sharp(rotated).metadata()).orientation, 6);
    const image = await decodeImage(rotated, 'memory:rotated.jpg');
    assert.equal(image.width, 4);
    assert.equal(image.height, 2);
  });

  it('decodes the synthetic JPEGs that demos and benchmarks write', async () => {
    const files = await writeSyntheticJpegs(join(dir, 'synthetic'), 6, { width: 64, height: 48, classes: 2 });
    assert.equal(files.length, 6);
    assert.deepEqual(
      files.map((f) => f.label),
      ['class_0', 'class_0', 'class_0', 'class_1', 'class_1', 'class_1'],
    );
    for (const f of files) {
      const image = await decodeImage(await readFile(f.path), f.path);
      assert.deepEqual([image.width, image.height, image.nChannels], [64, 48, 3]);
    }
  });

  it('rejects random bytes with CORRUPT_IMAGE naming the origin', async () => {
    await rejectsCorrupt(await readFile(fx.corrupt), `file://${fx.corrupt}`);
  });

  it('rejects a truncated JPEG at every failOn level', async () => {
    const bytes = await readFile(fx.truncated);
    await rejectsCorrupt(bytes, `file://${fx.truncated}`);
    for (const failOn of ['truncated', 'error', 'warning'] as const) {
      await rejectsCorrupt(bytes, `file://${fx.truncated}`, { failOn });
    }
  });

  it('rejects a JPEG cut anywhere after its header, and a truncated PNG', async () => {
    const whole = await encode(seededBytes(48 * 32 * 3, 3), { width: 48, height: 32, channels: 3 }, 'jpeg');
    for (const fraction of [0.3, 0.6, 0.9, 0.99]) {
      await rejectsCorrupt(
        whole.subarray(0, Math.floor(whole.length * fraction)),
        `memory:cut-${fraction}.jpg`,
      );
    }
    const png = await encode(seededBytes(48 * 32 * 3, 4), { width: 48, height: 32, channels: 3 }, 'png');
    await rejectsCorrupt(png.subarray(0, png.length - 20), 'memory:cut.png');
  });

  it('rejects empty input', async () => {
    await rejectsCorrupt(new Uint8Array(0), 'memory:empty');
  });

  it('tryDecodeImage returns the failure instead of throwing', async () => {
    const bad = await tryDecodeImage(await readFile(fx.corrupt), 'memory:bad');
    assert.ok(isImageDecodeFailure(bad));
    assert.equal(bad.origin, 'memory:bad');
    assert.equal(bad.error.errorClass, 'CORRUPT_IMAGE');
    const good = await tryDecodeImage(await readFile(fx.byName['top.png']!.path), 'memory:good');
    assert.ok(!isImageDecodeFailure(good));
    assert.equal(good.width, 3);
  });
});

describe('headerColour', () => {
  it('reads grey or colour from PNG and JPEG headers, colour for GIF and WebP', async () => {
    assert.equal(headerColour(await readFile(fx.byName['dogs/grey.png']!.path)), 'grey');
    assert.equal(headerColour(await readFile(fx.byName['dogs/grey-alpha.png']!.path)), 'grey');
    assert.equal(headerColour(await readFile(fx.byName['dogs/grey.jpg']!.path)), 'grey');
    assert.equal(headerColour(await readFile(fx.byName['cats/red.png']!.path)), 'colour');
    assert.equal(headerColour(await readFile(fx.byName['dogs/rgba.png']!.path)), 'colour');
    assert.equal(headerColour(await readFile(fx.byName['cats/blue.jpg']!.path)), 'colour');
    const px = new Uint8Array(4 * 4 * 3).fill(9);
    const make = () => sharp(px, { raw: { width: 4, height: 4, channels: 3 } });
    assert.equal(headerColour(await make().gif().toBuffer()), 'colour');
    assert.equal(headerColour(await make().webp().toBuffer()), 'colour');
    assert.equal(headerColour(await make().tiff().toBuffer()), 'unknown');
    assert.equal(headerColour(Uint8Array.of(0xff, 0xd8, 0xff)), 'unknown');
    assert.equal(headerColour(new Uint8Array(0)), 'unknown');
  });
});
