/**
 * A canonical order of the rows of a float matrix, by content: what makes a mini-batch fit independent of the order
 * its rows arrived in (a `randomSplit`'s rows come in no particular order, and Spark's partitions may come in any).
 *
 * @module
 */

/**
 * The row indices of `x` (`rows × rowSize`, with one label per row) sorted by a hash of each row's values and
 * label, ties broken by the values themselves: the same order for the same rows, whatever order they are given in
 * (identical rows are interchangeable).
 *
 * @example
 * ```ts
 * const order = canonicalRowOrder(x, 64, labels); // then gather x and labels in this order
 * ```
 */
export function canonicalRowOrder(x: Float32Array, rowSize: number, labels: Float64Array): Uint32Array {
  const rows = labels.length;
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const h1 = new Uint32Array(rows);
  const h2 = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) {
    let a = 0x811c9dc5 ^ Math.imul(labels[r] as number, 0x9e3779b1);
    let b = 0x01000193 ^ (labels[r] as number);
    for (let j = r * rowSize, end = j + rowSize; j < end; j++) {
      const v = bits[j] as number;
      a = Math.imul(a ^ v, 0x01000193);
      b = Math.imul(b ^ (v >>> 16) ^ (v << 16), 0x85ebca6b);
    }
    h1[r] = a >>> 0;
    h2[r] = b >>> 0;
  }
  const order = Uint32Array.from({ length: rows }, (_, i) => i);
  return order.sort((p, q) => {
    if (h1[p] !== h1[q]) return (h1[p] as number) - (h1[q] as number);
    if (h2[p] !== h2[q]) return (h2[p] as number) - (h2[q] as number);
    if (labels[p] !== labels[q]) return (labels[p] as number) - (labels[q] as number);
    for (let j = 0; j < rowSize; j++) {
      const d = (bits[p * rowSize + j] as number) - (bits[q * rowSize + j] as number);
      if (d !== 0) return d;
    }
    return 0;
  });
}
