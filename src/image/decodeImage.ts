/**
 * Decoding encoded images (JPEG, PNG, …) into Spark's image struct with sharp.
 *
 * Channel mapping, chosen to match what Spark's `ImageSchema.decode` (Java ImageIO) produces:
 *
 * | input | nChannels | mode | data |
 * | --- | --- | --- | --- |
 * | greyscale (JPEG, PNG, TIFF, 8 or 16 bit) | 1 | `CV_8UC1` (0) | grey bytes |
 * | greyscale with alpha | 1 | `CV_8UC1` (0) | grey bytes; the alpha is dropped, as Spark does |
 * | colour without alpha (RGB, palette, CMYK, 16-bit RGB) | 3 | `CV_8UC3` (16) | B, G, R |
 * | colour with alpha (RGBA, palette with transparency, WebP with alpha, GIF) | 4 | `CV_8UC4` (24) | B, G, R, A |
 *
 * Notes on the mapping:
 * - 16-bit images are scaled to 8 bits (Spark keeps the low byte of 16-bit grey samples, which is a wrap-around;
 *   scaling is what ImageIO does for colour images).
 * - Colour images are converted to sRGB using their embedded ICC profile, if any; CMYK JPEGs (which ImageIO
 *   mostly cannot read) decode to BGR.
 * - libvips always decodes GIFs with an alpha channel, so every GIF is 4 channels (ImageIO gives 3 for a GIF
 *   without a transparent colour).
 * - Animated GIF/WebP: the first frame only, as ImageIO reads it.
 * - EXIF orientation is **not** applied: pixels are as stored, as in Spark. Apply it later if a model needs it.
 */
import sharp from 'sharp';
import { DeepframeError, describeCause, IOError } from '../errors.js';
import { swapRedBlue } from './channelOrder.js';
import { type ImageStruct, ocvModeOf } from './ImageSchema.js';
import { headerColour } from './imageHeader.js';

/** Options of {@link decodeImage}. */
export interface DecodeImageOptions {
  /**
   * How damaged an image must be for decoding to fail, in sharp's terms (each level includes the ones before):
   * `'truncated'` (the data ends early), `'error'` (also: a decoder error such as a bad PNG checksum), or
   * `'warning'` (also: anything the decoder only warns about, in files that usually still display; sharp's own
   * default, stricter than most image readers). Default `'error'`. Every level rejects truncated JPEGs and PNGs
   * (tested); `'none'` is not offered because it would let a truncated image through, half grey.
   */
  readonly failOn?: 'truncated' | 'error' | 'warning';
}

/** An image that could not be decoded: its origin and the {@link IOError} `CORRUPT_IMAGE` saying why. */
export interface ImageDecodeFailure {
  readonly origin: string;
  readonly error: DeepframeError;
}

/**
 * Decodes one encoded image (JPEG, PNG, WebP, GIF, TIFF, AVIF, SVG: whatever sharp reads) into an
 * {@link ImageStruct}: 8-bit pixels, row-major, BGR(A) or grey, 1, 3 or 4 channels (see the module notes for the
 * mapping). EXIF orientation is not applied, as in Spark.
 *
 * A corrupt, truncated, empty or unrecognised input throws an {@link IOError} `CORRUPT_IMAGE` whose message names
 * the origin and sharp's reason (`messageParameters.origin`, `messageParameters.reason`).
 *
 * Speed: one libvips pass; the red/blue swap is a word-wise loop over the output (see `channelOrder.ts`). Keep a
 * few decodes in flight to use libuv's thread pool: measured on the 2-core reference machine (quality-90 JPEGs,
 * `sharp.cache(false)`), 224×224 at ~650 images/s one at a time and ~1,150 four at a time, 640×480 at ~210 and
 * ~445: within a few percent of sharp's bare RGB decode.
 *
 * @param bytes - the encoded file's bytes (not changed)
 * @param origin - the struct's `origin`, e.g. the file's URL; used in error messages
 * @example
 * ```ts
 * const image = await decodeImage(await fs.readFile('cat.jpg'), 'file:///data/cat.jpg');
 * image.nChannels; // 3
 * image.data.subarray(0, 3); // blue, green, red of the top-left pixel
 * ```
 */
export async function decodeImage(
  bytes: Uint8Array,
  origin: string,
  options: DecodeImageOptions = {},
): Promise<ImageStruct> {
  const failOn = options.failOn ?? 'error';
  try {
    let grey: boolean;
    const fromHeader = headerColour(bytes);
    if (fromHeader === 'unknown') {
      const { space } = await sharp(bytes, { failOn }).metadata();
      grey = space === 'b-w' || space === 'grey16';
    } else {
      grey = fromHeader === 'grey';
    }
    let pipeline = sharp(bytes, { failOn });
    if (grey) pipeline = pipeline.removeAlpha().toColourspace('b-w');
    const { data: buffer, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    // A plain Uint8Array over sharp's memory (no copy): Buffer's slice() would share memory where Uint8Array's copies.
    let data: Uint8Array = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    let nChannels: number = info.channels;
    if (nChannels === 2) {
      data = firstOfTwo(data);
      nChannels = 1;
    } else {
      swapRedBlue(data, nChannels);
    }
    return { origin, height: info.height, width: info.width, nChannels, mode: ocvModeOf(nChannels), data };
  } catch (e) {
    if (e instanceof DeepframeError) throw e;
    const reason = describeCause(e);
    throw new IOError(
      'CORRUPT_IMAGE',
      `Cannot decode the image '${origin}': ${reason}. The file is corrupt, truncated, or not an image format that ` +
        'sharp reads (JPEG, PNG, WebP, GIF, TIFF, AVIF, SVG). Replace or remove it, or read the images with ' +
        '`dropInvalid: true` to skip files that do not decode.',
      { origin, reason },
      { cause: e },
    );
  }
}

/**
 * {@link decodeImage}, returning an {@link ImageDecodeFailure} instead of throwing when the image does not decode:
 * for building batches in which a bad file becomes a null and a reason rather than the end of the job.
 *
 * @example
 * ```ts
 * const results = await Promise.all(files.map(async (f) => tryDecodeImage(await fs.readFile(f), f)));
 * const batch = imageRecordBatch(results, { errorColumn: 'error' });
 * ```
 */
export async function tryDecodeImage(
  bytes: Uint8Array,
  origin: string,
  options: DecodeImageOptions = {},
): Promise<ImageStruct | ImageDecodeFailure> {
  try {
    return await decodeImage(bytes, origin, options);
  } catch (e) {
    if (e instanceof DeepframeError) return { origin, error: e };
    throw e;
  }
}

/**
 * Whether a {@link tryDecodeImage} result is a failure.
 *
 * @example
 * ```ts
 * const result = await tryDecodeImage(bytes, origin);
 * if (isImageDecodeFailure(result)) console.warn(result.error.message);
 * ```
 */
export function isImageDecodeFailure(value: ImageStruct | ImageDecodeFailure): value is ImageDecodeFailure {
  return 'error' in value;
}

/** Grey of grey+alpha pixels (never reached for the formats the header check reads; a safety net for others). */
function firstOfTwo(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length >>> 1);
  for (let i = 0; i < out.length; i++) out[i] = data[i * 2]!;
  return out;
}
