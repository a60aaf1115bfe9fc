/**
 * Seeded initialization. Weights are drawn from {@link mulberry32} (a 32-bit PRNG: state `s += 0x6D2B79F5`, then two
 * xorshift-multiply rounds; output `/ 2^32` in [0, 1)), seeded once per model and consumed in layer order (kernel,
 * then bias), so a seed reproduces every weight bit for bit. Kernels are uniform in ±limit: He (`√(6/fanIn)`)
 * before relu, Glorot (`√(6/(fanIn+fanOut))`) otherwise, where a convolution's fan-in is `C·kh·kw` and its fan-out
 * `F·kh·kw`; biases start at zero, BatchNorm's scale at one.
 *
 * @module
 */

import type { ParamSpec } from './layers.js';

/**
 * A layer's seed: the model's seed and the layer's position mixed through {@link mulberry32}, in [0, 2^31).
 *
 * @example
 * ```ts
 * const dropoutSeed = layerSeed(trainerSeed, 5);
 * ```
 */
export function layerSeed(seed: number, index: number): number {
  return Math.floor(mulberry32((seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0)() * 2147483648);
}

/**
 * The mulberry32 PRNG: returns a function giving uniform floats in [0, 1).
 *
 * @example
 * ```ts
 * const rand = mulberry32(42);
 * const noise = Float32Array.from({ length: 10 }, () => rand() * 2 - 1);
 * ```
 */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Initial values of every parameter, drawn in order from one {@link mulberry32} stream.
 *
 * @example
 * ```ts
 * const weights = initParams(model.params([1, 28, 28]), 0);
 * ```
 */
export function initParams(specs: readonly ParamSpec[], seed: number): Float32Array[] {
  const rand = mulberry32(seed);
  return specs.map((p) => {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (p.init === 'zeros') return data;
    if (p.init === 'ones') return data.fill(1);
    const fanIn = p.fanIn ?? p.shape[0] ?? 1;
    const fanOut = p.fanOut ?? p.shape[1] ?? 1;
    const limit = p.init === 'heUniform' ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < size; i++) data[i] = (2 * rand() - 1) * limit;
    return data;
  });
}
