import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

/** The classes of the generated demo images: a shape each, drawn in varying colours, sizes and positions. */
export const DEMO_CLASSES = ['circle', 'square', 'triangle'] as const;

/** A small deterministic random generator (mulberry32), so that the demo images are the same on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shapeSvg(kind: (typeof DEMO_CLASSES)[number], size: number, next: () => number): string {
  const colour = `rgb(${Math.floor(next() * 200)},${Math.floor(next() * 200)},${Math.floor(next() * 200)})`;
  const background = `rgb(${220 + Math.floor(next() * 35)},${220 + Math.floor(next() * 35)},${220 + Math.floor(next() * 35)})`;
  const r = size * (0.2 + next() * 0.15);
  const cx = size / 2 + (next() - 0.5) * size * 0.3;
  const cy = size / 2 + (next() - 0.5) * size * 0.3;
  const shape =
    kind === 'circle'
      ? `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${colour}"/>`
      : kind === 'square'
        ? `<rect x="${cx - r}" y="${cy - r}" width="${2 * r}" height="${2 * r}" fill="${colour}"/>`
        : `<polygon points="${cx},${cy - r} ${cx - r},${cy + r} ${cx + r},${cy + r}" fill="${colour}"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="100%" height="100%" fill="${background}"/>${shape}</svg>`;
}

/**
 * Writes `perClass` JPEG and PNG images of each demo class into `dir/<class>/`, deterministically for a seed.
 * Returns the number of files written.
 */
export async function writeDemoImages(dir: string, perClass: number, seed = 7, size = 64): Promise<number> {
  const next = random(seed);
  let written = 0;
  for (const kind of DEMO_CLASSES) {
    await mkdir(join(dir, kind), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const svg = Buffer.from(shapeSvg(kind, size, next));
      const png = i % 2 === 1;
      const image = sharp(svg);
      const bytes = png ? await image.png().toBuffer() : await image.jpeg({ quality: 90 }).toBuffer();
      await writeFile(join(dir, kind, `${kind}_${String(i).padStart(3, '0')}.${png ? 'png' : 'jpg'}`), bytes);
      written++;
    }
  }
  return written;
}
