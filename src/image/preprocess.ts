/**
 * Image preprocessing for models: an image (Spark's struct, or a file) becomes one model-ready float tensor,
 * resized with sharp and normalized in one pass over the pixels.
 *
 * @module
 */
import sharp, { type OutputInfo, type ResizeOptions } from 'sharp';
import { describeCause, IOError, ParamError } from '../errors.js';
import type { ImageStruct } from './ImageSchema.js';

/**
 * How a model wants its images: plain data, part of stage specs.
 *
 * value = (pixel × scale − mean[c]) / std[c], channels in `channelOrder`, laid out as `layout`.
 */
export interface ImagePreprocessSpec {
  /** Model input height and width in pixels. */
  readonly height: number;
  readonly width: number;
  /** Channels the model takes: 3 (colour; grey images are replicated) or 1 (grey; colour is converted). */
  readonly channels: 1 | 3;
  /** Channel order of the model's input. */
  readonly channelOrder: 'RGB' | 'BGR';
  /** `NCHW` (channels first, PyTorch/ONNX) or `NHWC` (channels last, TensorFlow/Keras). */
  readonly layout: 'NCHW' | 'NHWC';
  /**
   * `fill`: stretch to height × width (Keras' `load_img(target_size)`); `cover`: resize the shorter side, then
   * crop the centre. With `cropFraction` < 1 (such as 0.875), `cover` first resizes the shorter side to
   * size / cropFraction (ImageNet's "resize 256, crop 224").
   */
  readonly resize: 'fill' | 'cover';
  readonly cropFraction?: number;
  /** Multiplies each 0–255 pixel value first (such as 1/255). */
  readonly scale: number;
  /** Subtracted per channel after scaling, in `channelOrder`. */
  readonly mean: readonly number[];
  /** Divides per channel after the mean, in `channelOrder`. */
  readonly std: readonly number[];
}

/** Checks a preprocessing spec, naming the field that is wrong. */
export function validatePreprocessSpec(spec: ImagePreprocessSpec, where = 'preprocessing'): void {
  const bad = (field: string, expected: string, value: unknown) =>
    new ParamError(
      'INVALID_PREPROCESSING',
      `${where}: ${field} must be ${expected}, got ${JSON.stringify(value)}.`,
      {
        field,
      },
    );
  for (const f of ['height', 'width'] as const) {
    if (!Number.isInteger(spec[f]) || spec[f] < 1) throw bad(f, 'a whole number ≥ 1', spec[f]);
  }
  if (spec.channels !== 1 && spec.channels !== 3) throw bad('channels', '1 or 3', spec.channels);
  if (spec.channelOrder !== 'RGB' && spec.channelOrder !== 'BGR')
    throw bad('channelOrder', "'RGB' or 'BGR'", spec.channelOrder);
  if (spec.layout !== 'NCHW' && spec.layout !== 'NHWC') throw bad('layout', "'NCHW' or 'NHWC'", spec.layout);
  if (spec.resize !== 'fill' && spec.resize !== 'cover')
    throw bad('resize', "'fill' or 'cover'", spec.resize);
  if (spec.cropFraction !== undefined && !(spec.cropFraction > 0 && spec.cropFraction <= 1)) {
    throw bad('cropFraction', 'in (0, 1]', spec.cropFraction);
  }
  if (!(Number.isFinite(spec.scale) && spec.scale !== 0)) throw bad('scale', 'a non-zero number', spec.scale);
  for (const f of ['mean', 'std'] as const) {
    if (spec[f].length !== spec.channels) throw bad(f, `${spec.channels} numbers (one per channel)`, spec[f]);
  }
  if (spec.std.some((s) => s === 0)) throw bad('std', 'non-zero', spec.std);
}

/** The shape of one preprocessed image: `[C, H, W]` or `[H, W, C]`. */
export function imageTensorShape(spec: ImagePreprocessSpec): [number, number, number] {
  return spec.layout === 'NCHW'
    ? [spec.channels, spec.height, spec.width]
    : [spec.height, spec.width, spec.channels];
}

/** Values per preprocessed image. */
export function imageTensorSize(spec: ImagePreprocessSpec): number {
  return spec.height * spec.width * spec.channels;
}

/** The resize sharp should do to reach the model's size; `null` when the image already has it. */
function resizeFor(width: number, height: number, spec: ImagePreprocessSpec): ResizeOptions | null {
  if (width === spec.width && height === spec.height) return null;
  if (spec.resize === 'fill') return { width: spec.width, height: spec.height, fit: 'fill' };
  const fraction = spec.cropFraction ?? 1;
  if (fraction === 1) return { width: spec.width, height: spec.height, fit: 'cover', position: 'centre' };
  // Resize the shorter side to size / fraction; the caller crops the centre afterwards.
  const target = Math.round(Math.max(spec.width, spec.height) / fraction);
  return width < height ? { width: target } : { height: target };
}

/**
 * Writes the normalized pixels of `pixels` (interleaved, `channels` per pixel, in `order`) into `out` at
 * `offset`, centre-cropping to the model's size when the pixels are larger.
 */
function normalizeInto(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: number,
  order: 'RGB' | 'BGR',
  spec: ImagePreprocessSpec,
  out: Float32Array,
  offset: number,
): void {
  const H = spec.height;
  const W = spec.width;
  const C = spec.channels;
  const top = Math.max(0, Math.floor((height - H) / 2));
  const left = Math.max(0, Math.floor((width - W) / 2));
  // Source channel index for each model channel.
  const source: number[] = [];
  if (C === 1) source.push(-1);
  else {
    const want = spec.channelOrder === 'RGB' ? ['R', 'G', 'B'] : ['B', 'G', 'R'];
    const have = order === 'RGB' ? ['R', 'G', 'B'] : ['B', 'G', 'R'];
    for (const w of want) source.push(channels < 3 ? 0 : have.indexOf(w));
  }
  const a = new Float32Array(C);
  const b = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    a[c] = spec.scale / spec.std[c]!;
    b[c] = -spec.mean[c]! / spec.std[c]!;
  }
  const plane = H * W;
  // One tight loop per model channel: a strided read of the source channel, a multiply-add, a strided write.
  const grey = new Float32Array(C === 1 && channels >= 3 ? H * W : 0);
  if (grey.length > 0) {
    const [r, b] = order === 'RGB' ? [0, 2] : [2, 0];
    for (let y = 0; y < H; y++) {
      const row = ((y + top) * width + left) * channels;
      for (let x = 0; x < W; x++) {
        const p = row + x * channels;
        grey[y * W + x] = 0.299 * pixels[p + r]! + 0.587 * pixels[p + 1]! + 0.114 * pixels[p + b]!;
      }
    }
  }
  const outStride = spec.layout === 'NCHW' ? 1 : C;
  for (let c = 0; c < C; c++) {
    const ac = a[c]!;
    const bc = b[c]!;
    const s = source[c]!;
    let at = spec.layout === 'NCHW' ? offset + c * plane : offset + c;
    if (grey.length > 0) {
      for (let k = 0; k < plane; k++, at += outStride) out[at] = grey[k]! * ac + bc;
      continue;
    }
    const channel = Math.max(s, 0);
    for (let y = 0; y < H; y++) {
      let p = ((y + top) * width + left) * channels + channel;
      for (let x = 0; x < W; x++, p += channels, at += outStride) out[at] = pixels[p]! * ac + bc;
    }
  }
}

/**
 * Preprocesses one image struct (BGR/BGRA/grey bytes) into `out` at `offset` (`imageTensorSize(spec)` values).
 * Images of the model's size are only normalized; others are resized with sharp first.
 *
 * @example
 * ```ts
 * const out = new Float32Array(batch * imageTensorSize(spec));
 * await imageToTensor(image, spec, out, i * imageTensorSize(spec));
 * ```
 */
export async function imageToTensor(
  image: ImageStruct,
  spec: ImagePreprocessSpec,
  out: Float32Array,
  offset: number,
): Promise<void> {
  if (
    image.height < 1 ||
    image.width < 1 ||
    image.data.length !== image.height * image.width * image.nChannels
  ) {
    throw new IOError(
      'INVALID_IMAGE',
      `Image '${image.origin}' is not a valid image struct (${image.width}×${image.height}×${image.nChannels}, ${image.data.length} bytes).`,
      {
        origin: image.origin,
      },
    );
  }
  const resize = resizeFor(image.width, image.height, spec);
  if (resize === null) {
    normalizeInto(image.data, image.width, image.height, image.nChannels, 'BGR', spec, out, offset);
    return;
  }
  const channels = image.nChannels as 1 | 2 | 3 | 4;
  const { data, info } = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels },
  })
    .resize(resize)
    .raw()
    .toBuffer({ resolveWithObject: true });
  normalizeInto(data, info.width, info.height, info.channels, 'BGR', spec, out, offset);
}

/**
 * Reads and preprocesses one image file into `out` at `offset`: decoded with sharp, shrunk while decoding where
 * the format allows, resized and normalized. A file that does not decode throws an {@link IOError}
 * `CORRUPT_IMAGE` naming it.
 */
export async function imageFileToTensor(
  path: string,
  spec: ImagePreprocessSpec,
  out: Float32Array,
  offset: number,
): Promise<void> {
  let data: Buffer;
  let info: OutputInfo;
  try {
    const image = sharp(path, { failOn: 'error' });
    const meta = await image.metadata();
    const resize = resizeFor(meta.width ?? spec.width, meta.height ?? spec.height, spec);
    const pipeline = resize === null ? image : image.resize(resize);
    ({ data, info } = await pipeline
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true }));
  } catch (e) {
    const message = describeCause(e);
    const missing = /no such file|Input file is missing/i.test(message);
    throw new IOError(
      missing ? 'PATH_NOT_FOUND' : 'CORRUPT_IMAGE',
      missing ? `Image file '${path}' does not exist.` : `Cannot decode the image '${path}': ${message}.`,
      { path, reason: message },
      { cause: e },
    );
  }
  normalizeInto(data, info.width, info.height, info.channels, 'RGB', spec, out, offset);
}
