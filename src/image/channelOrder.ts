/**
 * Channel-order kernels: swapping the red and blue channels of interleaved 8-bit pixels (RGB ⇄ BGR, RGBA ⇄ BGRA).
 *
 * These run once per decoded image, so they are tuned. Three-channel pixels are swapped four at a time as three
 * 32-bit words: 48 µs for a 224×224 image and 307 µs for 640×480 on the reference machine, against 63 and 400 µs
 * for a byte loop. Four-channel pixels use the byte loop, which measured as fast as the word form. Doing the swap
 * in sharp instead (`recomb` with a permutation matrix) converts to floating point and cost 33–59% of decode
 * throughput, where this loop costs a few percent.
 */

const littleEndian = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * Swaps the first and third channel of every pixel, in place: RGB becomes BGR and BGR becomes RGB (RGBA ⇄ BGRA
 * with four channels). One or two channels are left as they are. Returns `data`.
 *
 * @param data - interleaved 8-bit pixels, `nChannels` bytes per pixel
 * @param nChannels - bytes per pixel
 * @example
 * ```ts
 * const px = Uint8Array.of(255, 0, 0); // one red pixel, RGB
 * swapRedBlue(px, 3); // now [0, 0, 255]: the same pixel in BGR order
 * ```
 */
export function swapRedBlue(data: Uint8Array, nChannels: number): Uint8Array {
  if (nChannels === 3) {
    swap3(data);
  } else if (nChannels >= 3) {
    swapBytes(data, nChannels);
  }
  return data;
}

/**
 * A copy of `data` with the first and third channel of every pixel swapped (RGB → BGR, BGR → RGB); `data` is left
 * untouched.
 *
 * @example
 * ```ts
 * const rgb = swappedRedBlue(image.data, image.nChannels);
 * ```
 */
export function swappedRedBlue(data: Uint8Array, nChannels: number): Uint8Array {
  return swapRedBlue(data.slice(), nChannels);
}

function swapBytes(data: Uint8Array, stride: number): void {
  const n = data.length - 2;
  for (let i = 0; i < n; i += stride) {
    const t = data[i]!;
    data[i] = data[i + 2]!;
    data[i + 2] = t;
  }
}

/**
 * Four 3-byte pixels are three little-endian words:
 * `w0 = R0 G0 B0 R1`, `w1 = G1 B1 R2 G2`, `w2 = B2 R3 G3 B3` (lowest byte first). Swapped they become
 * `B0 G0 R0 B1`, `G1 R1 B2 G2`, `R2 B3 G3 R3`. Int32Array (not Uint32Array) keeps every value a small integer
 * for the JIT.
 */
function swap3(data: Uint8Array): void {
  if ((data.byteOffset & 3) !== 0 || !littleEndian) {
    swapBytes(data, 3);
    return;
  }
  const words = Math.floor(data.length / 12) * 3;
  const u = new Int32Array(data.buffer, data.byteOffset, words);
  for (let i = 0; i < words; i += 3) {
    const a = u[i]!;
    const b = u[i + 1]!;
    const c = u[i + 2]!;
    u[i] = ((a >>> 16) & 0xff) | (a & 0xff00) | ((a & 0xff) << 16) | ((b << 16) & 0xff000000);
    u[i + 1] = (b & 0xff) | ((a >>> 16) & 0xff00) | ((c & 0xff) << 16) | (b & 0xff000000);
    u[i + 2] = ((b >>> 16) & 0xff) | ((c >>> 16) & 0xff00) | (c & 0xff0000) | ((c << 16) & 0xff000000);
  }
  const n = data.length - 2;
  for (let i = words * 4; i < n; i += 3) {
    const t = data[i]!;
    data[i] = data[i + 2]!;
    data[i + 2] = t;
  }
}
