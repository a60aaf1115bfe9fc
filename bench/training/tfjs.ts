/**
 * The baseline: the same network trained by TensorFlow.js on its WebAssembly backend (XNNPACK, SIMD). The wasm
 * binaries are loaded from the installed package's `dist/` folder, so nothing is downloaded. tfjs-backend-wasm
 * turns its multi-threaded build off under Node.js (it reports no thread support there; forcing the flag fails, as
 * Node's workers cannot start from the `blob:` URL its threads are loaded from), so it runs on one thread: the
 * threads available to it. The thread count it reports is returned.
 *
 * tfjs takes about half a second a step, so it is timed on a fixed number of steps after warm-up steps, and the
 * median step is scaled to an epoch by the caller.
 */

import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { ExecutionError } from '../../src/errors.js';
import type { Dataset } from './data.js';
import { median } from './timing.js';

/** Options of {@link tfjsMlpStepSeconds}. */
export interface TfjsOptions {
  readonly hidden: number;
  readonly batch: number;
  readonly learningRate: number;
  /** Steps run before timing (kernel set-up, first allocations). */
  readonly warmupSteps: number;
  /** Steps timed, one by one. */
  readonly timedSteps: number;
  /** Threads asked of the wasm backend. */
  readonly threads: number;
}

/** What {@link tfjsMlpStepSeconds} measured. */
export interface TfjsRun {
  /** The median of the timed steps, seconds. */
  readonly stepSeconds: number;
  readonly backend: string;
  readonly threads: number;
  readonly simd: boolean;
  /** The loss of the first and last steps (a check that it trains). */
  readonly firstLoss: number;
  readonly lastLoss: number;
}

type Tf = typeof import('@tensorflow/tfjs');
type TfWasm = typeof import('@tensorflow/tfjs-backend-wasm');

let loaded: Promise<{ tf: Tf; wasm: TfWasm }> | undefined;

/** Loads tfjs on first use only (the other benchmarks never pay for it) and starts its wasm backend. */
async function load(threads: number): Promise<{ tf: Tf; wasm: TfWasm }> {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  wasm.setWasmPaths(`${dist}/`);
  wasm.setThreadsCount(threads);
  if (!(await tf.setBackend('wasm'))) {
    throw new ExecutionError(
      'TFJS_WASM_UNAVAILABLE',
      `TensorFlow.js's wasm backend did not start from ${dist}; expected its .wasm binaries there. Reinstall the dev dependencies (npm ci).`,
      { dist },
    );
  }
  await tf.ready();
  return { tf, wasm };
}

/**
 * Trains `Dense(hidden, relu) → Dense(classes, softmax)` with Adam and categorical cross-entropy on consecutive
 * batches of `train`, one `trainOnBatch` per step (the batch's tensors are made in the step, as a user would).
 */
export async function tfjsMlpStepSeconds(train: Dataset, o: TfjsOptions): Promise<TfjsRun> {
  loaded ??= load(o.threads);
  const { tf, wasm } = await loaded;
  const f = train.features;
  const k = train.classes;
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [f], units: o.hidden, activation: 'relu' }),
      tf.layers.dense({ units: k, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(o.learningRate), loss: 'categoricalCrossentropy' });
  const steps = Math.floor(train.rows / o.batch);
  const onehot = new Float32Array(o.batch * k);
  const step = async (s: number): Promise<number> => {
    const r = (s % steps) * o.batch;
    onehot.fill(0);
    for (let i = 0; i < o.batch; i++) onehot[i * k + (train.y[r + i] as number)] = 1;
    const xs = tf.tensor2d(train.x.subarray(r * f, (r + o.batch) * f), [o.batch, f]);
    const ys = tf.tensor2d(onehot, [o.batch, k]);
    try {
      const loss = await model.trainOnBatch(xs, ys);
      return Array.isArray(loss) ? (loss[0] ?? Number.NaN) : loss;
    } finally {
      xs.dispose();
      ys.dispose();
    }
  };
  try {
    const firstLoss = await step(0);
    for (let s = 1; s < o.warmupSteps; s++) await step(s);
    const times: number[] = [];
    let lastLoss = firstLoss;
    for (let s = 0; s < o.timedSteps; s++) {
      const start = performance.now();
      lastLoss = await step(o.warmupSteps + s);
      times.push((performance.now() - start) / 1000);
    }
    return {
      stepSeconds: median(times),
      backend: tf.getBackend(),
      threads: wasm.getThreadsCount(),
      simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true,
      firstLoss,
      lastLoss,
    };
  } finally {
    model.dispose();
  }
}
