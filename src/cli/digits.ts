import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describeCause, IOError } from '../errors.js';

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

/**
 * Writes digits as `size`×`size` PNG images (the 8×8 image enlarged with a bilinear filter) into
 * `dir/<label>/digit_<index>.png`, and returns the paths.
 */
export async function writeDigitImages(
  digits: Digits,
  indices: readonly number[],
  dir: string,
  size = 32,
): Promise<string[]> {
  const paths: string[] = [];
  for (let l = 0; l < 10; l++) await mkdir(join(dir, String(l)), { recursive: true });
  await Promise.all(
    indices.map(async (i) => {
      const label = digits.labels[i]!;
      const path = join(dir, String(label), `digit_${String(i).padStart(4, '0')}.png`);
      const png = await sharp(digits.pixels.subarray(i * 64, (i + 1) * 64), {
        raw: { width: 8, height: 8, channels: 1 },
      })
        .resize(size, size, { kernel: 'linear', fit: 'fill' })
        .png()
        .toBuffer();
      await writeFile(path, png);
      paths.push(path);
    }),
  );
  return paths.sort();
}
