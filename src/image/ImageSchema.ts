/**
 * Spark's image struct (`org.apache.spark.ml.image.ImageSchema`) as deepframe and Arrow types.
 *
 * An image column holds one struct per image:
 *
 * | field | type | nullable | meaning |
 * | --- | --- | --- | --- |
 * | `origin` | string | yes | where the image came from, e.g. a `file://` URL |
 * | `height` | int | no | rows of pixels |
 * | `width` | int | no | pixels per row |
 * | `nChannels` | int | no | 1 (grey), 3 (BGR) or 4 (BGRA) |
 * | `mode` | int | no | the OpenCV type code: {@link ocvTypes} |
 * | `data` | binary | no | `height × width × nChannels` bytes, row-major, channels interleaved in BGR(A) order |
 *
 * The layout, names, nullability, mode codes and the "undefined image" that Spark's image source writes for a file
 * it cannot decode are Spark's, so an image DataFrame means the same on both engines.
 */
import type * as arrow from 'apache-arrow';
import { SchemaError } from '../errors.js';
import { toArrowType } from '../types/arrow.js';
import { DataTypes, type StructType } from '../types/DataType.js';
import { swappedRedBlue } from './channelOrder.js';

/** One image, as the struct's fields hold it. `data` is BGR(A) or grey bytes, row-major. */
export type ImageStruct = {
  /** Where the image came from (Spark's image source uses the file's URL). */
  readonly origin: string;
  /** Rows of pixels; -1 for an undefined image. */
  readonly height: number;
  /** Pixels per row; -1 for an undefined image. */
  readonly width: number;
  /** 1, 3 or 4; -1 for an undefined image. */
  readonly nChannels: number;
  /** The OpenCV type code ({@link ocvTypes}); -1 for an undefined image. */
  readonly mode: number;
  /** `height × width × nChannels` bytes, row-major, channels in BGR or BGRA order; empty for an undefined image. */
  readonly data: Uint8Array;
};

/** The name of the mode that Spark gives an image it could not decode (`ImageSchema.undefinedImageType`). */
export const undefinedImageType = 'Undefined';

/**
 * OpenCV type codes for 8-bit images, as Spark's `ImageSchema.ocvTypes` maps them: `CV_8UC1` (= `CV_8U`) 0 for
 * grey, `CV_8UC3` 16 for BGR, `CV_8UC4` 24 for BGRA, and -1 for an undefined image.
 *
 * @example
 * ```ts
 * if (image.mode === ocvTypes.CV_8UC3) console.log('a BGR image');
 * ```
 */
export const ocvTypes = Object.freeze({
  Undefined: -1,
  CV_8U: 0,
  CV_8UC1: 0,
  CV_8UC3: 16,
  CV_8UC4: 24,
} as const);

/** The struct's field names, in order (Spark's `ImageSchema.imageFields`). */
export const imageFields = Object.freeze(['origin', 'height', 'width', 'nChannels', 'mode', 'data'] as const);

/**
 * The type of an image column (Spark's `ImageSchema.columnSchema`): `origin` is nullable, every other field is not.
 *
 * @example
 * ```ts
 * const schema = DataTypes.struct([DataTypes.field('image', imageColumnSchema), DataTypes.field('label', DataTypes.string)]);
 * ```
 */
export const imageColumnSchema: StructType = DataTypes.struct([
  DataTypes.field('origin', DataTypes.string, true),
  DataTypes.field('height', DataTypes.integer, false),
  DataTypes.field('width', DataTypes.integer, false),
  DataTypes.field('nChannels', DataTypes.integer, false),
  DataTypes.field('mode', DataTypes.integer, false),
  DataTypes.field('data', DataTypes.binary, false),
]);

/** The schema of Spark's image source: a single nullable column `image` (Spark's `ImageSchema.imageSchema`). */
export const imageSchema: StructType = DataTypes.struct([DataTypes.field('image', imageColumnSchema, true)]);

/** The Arrow type of an image column, field by field. */
export type ImageArrowType = arrow.Struct<{
  origin: arrow.Utf8;
  height: arrow.Int32;
  width: arrow.Int32;
  nChannels: arrow.Int32;
  mode: arrow.Int32;
  data: arrow.Binary;
}>;

/**
 * The Arrow type of an image column: `Struct<origin: Utf8, height: Int32, width: Int32, nChannels: Int32,
 * mode: Int32, data: Binary>`, nullability as in {@link imageColumnSchema}.
 *
 * @example
 * ```ts
 * const field = new arrow.Field('image', imageArrowType, true);
 * ```
 */
export const imageArrowType: ImageArrowType = toArrowType(imageColumnSchema) as ImageArrowType;

/**
 * The OpenCV mode of an 8-bit image with `nChannels` channels: 1 → `CV_8UC1` (0), 3 → `CV_8UC3` (16),
 * 4 → `CV_8UC4` (24). Throws a {@link SchemaError} `INVALID_IMAGE` for any other count.
 *
 * @example
 * ```ts
 * ocvModeOf(3); // 16
 * ```
 */
export function ocvModeOf(nChannels: number): number {
  switch (nChannels) {
    case 1:
      return ocvTypes.CV_8UC1;
    case 3:
      return ocvTypes.CV_8UC3;
    case 4:
      return ocvTypes.CV_8UC4;
    default:
      throw new SchemaError(
        'INVALID_IMAGE',
        `An image has ${nChannels} channels; deepframe's image struct holds 1 (grey), 3 (BGR) or 4 (BGRA).`,
        { nChannels: String(nChannels) },
      );
  }
}

/**
 * Spark's "undefined image" for a file that could not be decoded, as its image source writes it when
 * `dropInvalid` is false (`ImageSchema.invalidImageRow`): the origin, -1 for height, width, nChannels and mode, and
 * empty data.
 *
 * @example
 * ```ts
 * invalidImage('file:///data/broken.jpg'); // { origin: 'file:///data/broken.jpg', height: -1, …, data: <empty> }
 * ```
 */
export function invalidImage(origin: string): ImageStruct {
  return { origin, height: -1, width: -1, nChannels: -1, mode: ocvTypes.Undefined, data: new Uint8Array(0) };
}

/**
 * Whether `image` is Spark's undefined image ({@link invalidImage}): mode -1.
 *
 * @example
 * ```ts
 * const decoded = images.filter((im) => im !== null && !isInvalidImage(im));
 * ```
 */
export function isInvalidImage(image: ImageStruct): boolean {
  return image.mode === ocvTypes.Undefined;
}

/**
 * Checks that an image struct is consistent: positive integer dimensions, 1, 3 or 4 channels, the mode that
 * goes with the channel count, and exactly `height × width × nChannels` bytes. Throws a {@link SchemaError}
 * `INVALID_IMAGE` that names the origin and the mismatch. Undefined images ({@link invalidImage}) fail too.
 *
 * @example
 * ```ts
 * checkImage(image); // throws if image.data.length !== image.height * image.width * image.nChannels
 * ```
 */
export function checkImage(image: ImageStruct): void {
  const { origin, height, width, nChannels, mode, data } = image;
  const bad = (what: string): never => {
    throw new SchemaError('INVALID_IMAGE', `The image '${origin}' is not a valid image struct: ${what}.`, {
      origin,
      reason: what,
    });
  };
  if (!Number.isInteger(height) || !Number.isInteger(width) || height <= 0 || width <= 0) {
    bad(`height ${height} and width ${width} must be positive integers`);
  }
  const expectedMode = ocvModeOf(nChannels);
  if (mode !== expectedMode)
    bad(`mode ${mode} does not match ${nChannels} channels (expected ${expectedMode})`);
  const expected = height * width * nChannels;
  if (data.length !== expected) {
    bad(`data has ${data.length} bytes, expected ${height} × ${width} × ${nChannels} = ${expected}`);
  }
}

/**
 * The image's pixels as interleaved RGB (or RGBA) bytes, row-major: a new array, the struct is not changed. Grey
 * images come back as a copy of their single channel.
 *
 * @example
 * ```ts
 * const rgb = imageToRGB(image); // rgb[0], rgb[1], rgb[2]: red, green, blue of the top-left pixel
 * ```
 */
export function imageToRGB(image: ImageStruct): Uint8Array {
  return swappedRedBlue(image.data, image.nChannels);
}

/** The shape of an image: rows, pixels per row and channels (1, 3 or 4). */
export interface ImageShape {
  readonly height: number;
  readonly width: number;
  readonly nChannels: number;
}

/**
 * An image struct from interleaved RGB (or RGBA, or grey) bytes, row-major; `rgb` is copied into BGR(A) order
 * and not changed. Throws a {@link SchemaError} `INVALID_IMAGE` when the byte count does not fit the shape.
 *
 * @param rgb - `height × width × nChannels` bytes, RGB(A) order
 * @param shape - the image's height, width and channel count (1, 3 or 4)
 * @param origin - the struct's origin (default: empty)
 * @example
 * ```ts
 * const red = imageFromRGB(Uint8Array.of(255, 0, 0), { height: 1, width: 1, nChannels: 3 }, 'memory:red');
 * red.data; // [0, 0, 255]
 * ```
 */
export function imageFromRGB(rgb: Uint8Array, shape: ImageShape, origin = ''): ImageStruct {
  const { height, width, nChannels } = shape;
  const image: ImageStruct = {
    origin,
    height,
    width,
    nChannels,
    mode: ocvModeOf(nChannels),
    data: swappedRedBlue(rgb, nChannels),
  };
  checkImage(image);
  return image;
}
