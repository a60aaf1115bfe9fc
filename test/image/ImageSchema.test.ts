import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as arrow from 'apache-arrow';
import { SchemaError } from '../../src/errors.js';
import {
  checkImage,
  imageArrowType,
  imageColumnSchema,
  imageFields,
  imageFromRGB,
  imageSchema,
  imageToRGB,
  invalidImage,
  isInvalidImage,
  ocvModeOf,
  ocvTypes,
  swappedRedBlue,
  swapRedBlue,
  undefinedImageType,
} from '../../src/image/index.js';
import { simpleString } from '../../src/types/DataType.js';

describe('ImageSchema', () => {
  it('has Spark’s column schema: names, types and nullability', () => {
    assert.equal(
      simpleString(imageColumnSchema),
      'struct<origin:string,height:int,width:int,nChannels:int,mode:int,data:binary>',
    );
    assert.deepEqual(
      imageColumnSchema.fields.map((f) => [f.name, f.nullable]),
      [
        ['origin', true],
        ['height', false],
        ['width', false],
        ['nChannels', false],
        ['mode', false],
        ['data', false],
      ],
    );
    assert.deepEqual([...imageFields], ['origin', 'height', 'width', 'nChannels', 'mode', 'data']);
    assert.equal(imageSchema.fields.length, 1);
    assert.equal(imageSchema.fields[0]!.name, 'image');
    assert.equal(imageSchema.fields[0]!.nullable, true);
  });

  it('has the matching Arrow struct type', () => {
    assert.ok(arrow.DataType.isStruct(imageArrowType));
    const children = imageArrowType.children;
    assert.deepEqual(
      children.map((f) => f.name),
      [...imageFields],
    );
    assert.ok(arrow.DataType.isUtf8(children[0]!.type));
    for (const f of children.slice(1, 5)) {
      assert.ok(arrow.DataType.isInt(f.type) && f.type.bitWidth === 32 && f.type.isSigned, f.name);
      assert.equal(f.nullable, false);
    }
    assert.ok(arrow.DataType.isBinary(children[5]!.type));
    assert.equal(children[0]!.nullable, true);
  });

  it('uses Spark’s OpenCV mode codes', () => {
    assert.equal(ocvTypes.CV_8U, 0);
    assert.equal(ocvTypes.CV_8UC1, 0);
    assert.equal(ocvTypes.CV_8UC3, 16);
    assert.equal(ocvTypes.CV_8UC4, 24);
    assert.equal(ocvTypes.Undefined, -1);
    assert.equal(undefinedImageType, 'Undefined');
    assert.deepEqual([1, 3, 4].map(ocvModeOf), [0, 16, 24]);
    assert.throws(
      () => ocvModeOf(2),
      (e: unknown) => e instanceof SchemaError && e.errorClass === 'INVALID_IMAGE',
    );
  });

  it('makes Spark’s undefined image for an invalid file', () => {
    const bad = invalidImage('file:///x/broken.jpg');
    assert.deepEqual(
      { ...bad, data: [...bad.data] },
      { origin: 'file:///x/broken.jpg', height: -1, width: -1, nChannels: -1, mode: -1, data: [] },
    );
    assert.ok(isInvalidImage(bad));
    assert.throws(() => checkImage(bad), SchemaError);
  });
});

describe('RGB ⇄ BGR', () => {
  it('imageFromRGB stores BGR and imageToRGB gives RGB back, leaving inputs unchanged', () => {
    const rgb = Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255, 1, 2, 3);
    const image = imageFromRGB(rgb, { height: 2, width: 2, nChannels: 3 }, 'memory:four');
    assert.deepEqual([...image.data], [0, 0, 255, 0, 255, 0, 255, 0, 0, 3, 2, 1]);
    assert.equal(image.mode, ocvTypes.CV_8UC3);
    assert.equal(image.origin, 'memory:four');
    assert.deepEqual(imageToRGB(image), rgb);
    assert.deepEqual([...rgb.subarray(0, 3)], [255, 0, 0]);
  });

  it('handles RGBA and grey', () => {
    const rgba = imageFromRGB(Uint8Array.of(1, 2, 3, 4), { height: 1, width: 1, nChannels: 4 });
    assert.deepEqual([...rgba.data], [3, 2, 1, 4]);
    assert.equal(rgba.mode, 24);
    const grey = imageFromRGB(Uint8Array.of(7, 8), { height: 1, width: 2, nChannels: 1 });
    assert.deepEqual([...grey.data], [7, 8]);
    assert.deepEqual([...imageToRGB(grey)], [7, 8]);
  });

  it('rejects bytes that do not fit the shape', () => {
    assert.throws(
      () => imageFromRGB(new Uint8Array(5), { height: 1, width: 2, nChannels: 3 }, 'memory:short'),
      (e: unknown) =>
        e instanceof SchemaError && e.errorClass === 'INVALID_IMAGE' && e.message.includes('memory:short'),
    );
  });

  it('swapRedBlue matches a byte-by-byte swap for every length, alignment and channel count', () => {
    for (const channels of [3, 4]) {
      for (let pixels = 0; pixels < 40; pixels++) {
        for (const offset of [0, 1, 4]) {
          const backing = new Uint8Array(offset + pixels * channels);
          for (let i = 0; i < backing.length; i++) backing[i] = (i * 37 + 11) & 0xff;
          const data = backing.subarray(offset);
          const expected = data.slice();
          for (let p = 0; p < expected.length; p += channels) {
            expected[p] = data[p + 2]!;
            expected[p + 2] = data[p]!;
          }
          const copy = swappedRedBlue(data, channels);
          assert.deepEqual(copy, expected, `${channels} channels, ${pixels} pixels, offset ${offset}`);
          swapRedBlue(data, channels);
          assert.deepEqual(data, expected);
        }
      }
    }
  });

  it('leaves one-channel data unchanged', () => {
    const grey = Uint8Array.of(1, 2, 3, 4, 5);
    assert.deepEqual([...swapRedBlue(grey, 1)], [1, 2, 3, 4, 5]);
  });
});
