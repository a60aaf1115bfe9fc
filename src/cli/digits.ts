import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describeCause, IOError } from '../errors.js';
import { mulberry32 } from '../nn/init.js';

/** scikit-learn's handwritten digits as shipped in the package's `data/digits/`. */
export interface Digits {
  /** 64 bytes per image (8×8, 0 = background, 255 = ink). */
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
  /** The held-out split the shipped models were measured on. */
  readonly train: readonly number[];
  readonly test: readonly number[];
}

/** The package's `data/digits` folder. */
export const digitsDir = fileURLToPath(new URL('../../../data/digits/', import.meta.url));

/** Reads the shipped digits. */
export async function loadDigits(dir = digitsDir): Promise<Digits> {
  try {
    const [pixels, labels, split] = await Promise.all([
      readFile(join(dir, 'digits.bin')),
      readFile(join(dir, 'labels.bin')),
      readFile(join(dir, 'split.json'), 'utf8'),
    ]);
    const { train, test } = JSON.parse(split) as { train: number[]; test: number[] };
    return { pixels: new Uint8Array(pixels), labels: new Uint8Array(labels), train, test };
  } catch (e) {
    throw new IOError('DATA_NOT_FOUND', `Cannot read the shipped digits in '${dir}': ${describeCause(e)}`, {
      path: dir,
    });
  }
}

/** How {@link writeDigitImages} draws each digit. */
export interface DigitRendering {
  /** The image's side in pixels (default 32). */
  readonly size?: number;
  /**
   * The digit's side in pixels, smaller than `size` to place it off-centre: at a random position on a black
   * canvas, drawn from `seed` and the digit's index (default `size`: the digit fills the image).
   */
  readonly digitSize?: number;
  readonly seed?: number;
}

/**
 * Writes digits as PNG images (the 8×8 image enlarged with a bilinear filter) into
 * `dir/<label>/digit_<index>.png`, and returns the paths.
 */
export async function writeDigitImages(
  digits: Digits,
  indices: readonly number[],
  dir: string,
  rendering: number | DigitRendering = {},
): Promise<string[]> {
  const r = typeof rendering === 'number' ? { size: rendering } : rendering;
  const size = r.size ?? 32;
  const digitSize = Math.min(r.digitSize ?? size, size);
  const paths: string[] = [];
  for (let l = 0; l < 10; l++) await mkdir(join(dir, String(l)), { recursive: true });
  await Promise.all(
    indices.map(async (i) => {
      const label = digits.labels[i]!;
      const path = join(dir, String(label), `digit_${String(i).padStart(4, '0')}.png`);
      const enlarged = sharp(digits.pixels.subarray(i * 64, (i + 1) * 64), {
        raw: { width: 8, height: 8, channels: 1 },
      }).resize(digitSize, digitSize, { kernel: 'linear', fit: 'fill' });
      let png: Buffer;
      if (digitSize === size) png = await enlarged.png().toBuffer();
      else {
        const random = mulberry32(((r.seed ?? 0) * 7919 + i) >>> 0);
        const left = Math.floor(random() * (size - digitSize + 1));
        const top = Math.floor(random() * (size - digitSize + 1));
        png = await sharp({ create: { width: size, height: size, channels: 3, background: '#000' } })
          .composite([{ input: await enlarged.png().toBuffer(), left, top }])
          .greyscale()
          .png()
          .toBuffer();
      }
      await writeFile(path, png);
      paths.push(path);
    }),
  );
  return paths.sort();
}
