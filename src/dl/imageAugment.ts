/**
 * Training-time augmentation of preprocessed image tensors: random horizontal or vertical flips, and random crops
 * (the image padded by `cropPadding` pixels on each side, then cut back to its size at a random offset — a shift
 * of up to `cropPadding` pixels, the uncovered border filled with what a black pixel becomes after preprocessing).
 *
 * @module
 */

import type { ImagePreprocessSpec } from '../image/preprocess.js';

/** Which flips augmentation may draw (each with probability ½). */
export type FlipMode = 'none' | 'horizontal' | 'vertical' | 'both';

/** What to draw for each training image. */
export interface AugmentOptions {
  readonly flip: FlipMode;
  /** Pixels of shift allowed in each direction; 0: no crop. */
  readonly cropPadding: number;
}

/**
 * Augments `count` images of `spec`'s shape from `src` into `dst` (the same layout), drawing from `random`.
 *
 * @example
 * ```ts
 * augmentImages(batch, out, 64, spec, { flip: 'horizontal', cropPadding: 2 }, mulberry32(1));
 * ```
 */
export function augmentImages(
  src: Float32Array,
  dst: Float32Array,
  count: number,
  spec: ImagePreprocessSpec,
  options: AugmentOptions,
  random: () => number,
): void {
  const { height: h, width: w, channels: c } = spec;
  const size = h * w * c;
  const nchw = spec.layout === 'NCHW';
  const fill = Array.from({ length: c }, (_, k) => (0 - (spec.mean[k] ?? 0)) / (spec.std[k] ?? 1));
  const flipX = options.flip === 'horizontal' || options.flip === 'both';
  const flipY = options.flip === 'vertical' || options.flip === 'both';
  const p = options.cropPadding;
  for (let i = 0; i < count; i++) {
    const fx = flipX && random() < 0.5;
    const fy = flipY && random() < 0.5;
    const dx = p > 0 ? Math.floor(random() * (2 * p + 1)) - p : 0;
    const dy = p > 0 ? Math.floor(random() * (2 * p + 1)) - p : 0;
    const base = i * size;
    for (let y = 0; y < h; y++) {
      const sy0 = y + dy;
      const sy = fy ? h - 1 - sy0 : sy0;
      for (let x = 0; x < w; x++) {
        const sx0 = x + dx;
        const sx = fx ? w - 1 - sx0 : sx0;
        const inside = sy0 >= 0 && sy0 < h && sx0 >= 0 && sx0 < w;
        for (let k = 0; k < c; k++) {
          const to = base + (nchw ? (k * h + y) * w + x : (y * w + x) * c + k);
          dst[to] = inside
            ? (src[base + (nchw ? (k * h + sy) * w + sx : (sy * w + sx) * c + k)] as number)
            : (fill[k] as number);
        }
      }
    }
  }
}

/** Whether the options change anything. */
export function augments(options: AugmentOptions): boolean {
  return options.flip !== 'none' || options.cropPadding > 0;
}
