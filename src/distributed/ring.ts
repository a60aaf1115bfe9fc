/**
 * Ring all-reduce: `N` workers in a ring each hold a vector of the same length and end with the element-wise sum
 * of all `N`. The vector is cut into `N` chunks; in `N − 1` **reduce-scatter** steps each worker sends one chunk to
 * the next worker and adds the chunk it receives from the previous one, after which worker `r` holds the full sum
 * of chunk `r + 1`; in `N − 1` **all-gather** steps the summed chunks travel once more round the ring, copied. Each
 * worker sends and receives `2(N − 1)/N` of the vector, whatever `N` is: the bandwidth-optimal all-reduce
 * (Patarasuk & Yuan), the one Horovod and NCCL use.
 *
 * Every worker ends with the same bits: each chunk is summed once, by one worker, in ring order, and then copied.
 *
 * @module
 */

/** A worker's two links in the ring: to the next worker, and from the previous one. */
export interface RingLink {
  /** This worker's position in the ring, `0 … size − 1`. */
  readonly rank: number;
  /** Workers in the ring. */
  readonly size: number;
  /** Sends `data` to the next worker (`rank + 1 mod size`); resolves when `data` may be reused. */
  send(data: Uint8Array): Promise<void>;
  /** Receives exactly `into.byteLength` bytes from the previous worker into `into`. */
  receive(into: Uint8Array): Promise<void>;
}

/** A vector that can be all-reduced. */
export type ReducibleArray = Float32Array | Float64Array;

/** The `[start, end)` of chunk `i` of `n` over `length` elements (the first `length mod n` chunks one longer). */
export function chunkRange(length: number, n: number, i: number): [number, number] {
  const base = Math.floor(length / n);
  const extra = length % n;
  const start = i * base + Math.min(i, extra);
  return [start, start + base + (i < extra ? 1 : 0)];
}

/**
 * Sums `data` over every worker of `link`'s ring, in place.
 *
 * @example
 * ```ts
 * const grads = Float32Array.from(localGradients);
 * await ringAllReduce(grads, link); // now the sum over all workers, the same on each
 * ```
 */
export async function ringAllReduce(data: ReducibleArray, link: RingLink): Promise<void> {
  await ringReduceScatter(data, link);
  await ringAllGatherChunks(data, link);
}

/**
 * The first half of {@link ringAllReduce}: afterwards this worker's chunk `rank + 1` (mod `size`) of `data` holds
 * the sum over every worker; returns that chunk's `[start, end)`. The other chunks hold partial sums until
 * {@link ringAllGatherChunks} runs. Between the two, a worker may replace its chunk (a sharded optimizer writes its
 * updated weights there), and the all-gather hands every worker those values.
 *
 * @example
 * ```ts
 * const [start, end] = await ringReduceScatter(flat, link); // flat[start..end) summed over the workers
 * await ringAllGatherChunks(flat, link);                    // every chunk, everywhere
 * ```
 */
export async function ringReduceScatter(data: ReducibleArray, link: RingLink): Promise<[number, number]> {
  const n = link.size;
  const r = link.rank;
  const mod = (i: number) => ((i % n) + n) % n;
  if (n === 1) return [0, data.length];
  const Ctor = data instanceof Float64Array ? Float64Array : Float32Array;
  const scratch = new Ctor(Math.ceil(data.length / n));
  // At step s, send chunk r − s, receive chunk r − s − 1 and add it in.
  for (let s = 0; s < n - 1; s++) {
    const [sendStart, sendEnd] = chunkRange(data.length, n, mod(r - s));
    const [recvStart, recvEnd] = chunkRange(data.length, n, mod(r - s - 1));
    const received = bytes(scratch, 0, recvEnd - recvStart);
    await Promise.all([link.send(bytes(data, sendStart, sendEnd)), link.receive(received)]);
    for (let i = recvStart, k = 0; i < recvEnd; i++, k++)
      data[i] = (data[i] as number) + (scratch[k] as number);
  }
  return chunkRange(data.length, n, mod(r + 1));
}

/** The second half of {@link ringAllReduce}: each worker's chunk `rank + 1` travels to every other worker. */
export async function ringAllGatherChunks(data: ReducibleArray, link: RingLink): Promise<void> {
  const n = link.size;
  const r = link.rank;
  const mod = (i: number) => ((i % n) + n) % n;
  // At step s, send chunk r + 1 − s, receive chunk r − s.
  for (let s = 0; s < n - 1; s++) {
    const [sendStart, sendEnd] = chunkRange(data.length, n, mod(r + 1 - s));
    const [recvStart, recvEnd] = chunkRange(data.length, n, mod(r - s));
    await Promise.all([
      link.send(bytes(data, sendStart, sendEnd)),
      link.receive(bytes(data, recvStart, recvEnd)),
    ]);
  }
}

/** The bytes of elements `[start, end)` of `a`. */
function bytes(a: ReducibleArray, start: number, end: number): Uint8Array {
  return new Uint8Array(
    a.buffer,
    a.byteOffset + start * a.BYTES_PER_ELEMENT,
    (end - start) * a.BYTES_PER_ELEMENT,
  );
}

/**
 * Gathers one small vector per worker (`local`, the same length on each) into `rank`-ordered rows on every worker,
 * by an all-reduce of a vector that is zero outside this worker's row.
 *
 * @example
 * ```ts
 * const counts = await ringAllGather(Float64Array.of(localRows), link); // [rows of rank 0, rows of rank 1, …]
 * ```
 */
export async function ringAllGather(local: Float64Array, link: RingLink): Promise<Float64Array> {
  const all = new Float64Array(local.length * link.size);
  all.set(local, link.rank * local.length);
  await ringAllReduce(all, link);
  return all;
}
