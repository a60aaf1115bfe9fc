/**
 * The throughput bound of a training step: one ONNX `MatMul` node, `[m × k]·[k × n]`, both operands graph inputs
 * (as the training graph's weights are, so nothing can be pre-packed), run by ONNX Runtime on a given number of
 * threads.
 */

import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../../src/nn/graph.js';
import { collectGarbage } from './timing.js';

/** A ready MatMul session; {@link OrtMatMul.time} times a repeat of runs. */
export interface OrtMatMul {
  /** Collects garbage left by earlier work, then runs the MatMul `runs` times; returns the seconds per run. */
  time(runs: number): Promise<number>;
  close(): Promise<void>;
}

/** Creates the one-node MatMul session and warms it up. */
export async function ortMatMul(o: {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly threads: number;
}): Promise<OrtMatMul> {
  const g = new GraphBuilder('matmul');
  const a = g.input('a', 'float32', [o.m, o.k]);
  const b = g.input('b', 'float32', [o.k, o.n]);
  g.output(g.node('MatMul', [a, b]), 'float32', [o.m, o.n]); // no Identity rename: one node
  const session = await ort.InferenceSession.create(g.toBytes(), {
    intraOpNumThreads: o.threads,
    interOpNumThreads: 1,
  });
  const fill = (size: number, phase: number) =>
    new Float32Array(size).map((_, i) => Math.sin(i * 0.37 + phase) * 0.5);
  const feeds = {
    a: new ort.Tensor('float32', fill(o.m * o.k, 0), [o.m, o.k]),
    b: new ort.Tensor('float32', fill(o.k * o.n, 1), [o.k, o.n]),
  };
  for (let i = 0; i < 10; i++) await session.run(feeds);
  return {
    async time(runs: number): Promise<number> {
      collectGarbage();
      const start = performance.now();
      for (let i = 0; i < runs; i++) await session.run(feeds);
      return (performance.now() - start) / 1000 / runs;
    },
    close: () => session.release(),
  };
}
