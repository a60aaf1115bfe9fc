/**
 * Data-parallel scaling on paper, from figures measured here. A synchronous data-parallel step costs the compute
 * of one worker's share of the batch plus the ring all-reduce of the gradient: each worker sends and receives
 * `2(N − 1)/N · G` bytes (G: the gradient's size) in `2(N − 1)` messages, so
 *
 *   T_comm(N) = 2(N − 1)/N · G / bandwidth + 2(N − 1) · latency,   efficiency(N) = T_compute / (T_compute + T_comm(N)).
 *
 * Compute per step is measured on one ONNX Runtime thread (one core, as a Spark task gets) for the shipped networks:
 * the `distributed` benchmark's MLP (64-512-512-10, 128 rows per worker), the demo's digit CNN (two convolutions,
 * 32×32 grey images, 32 per worker) and `bench-convnet` (224×224 RGB, 8 images per worker; its training step taken
 * as three times its forward pass, the usual rule for backward ≈ 2 × forward). ResNet-50 (25.6 M parameters,
 * 4.1 GFLOP per 224×224 forward pass) is costed at this machine's measured ONNX Runtime rate on `bench-convnet`'s
 * convolutions, and on a GPU that trains 400 images/s, 32 images per worker. The network: 10 Gb/s (1.25 GB/s) with
 * 50 µs per message.
 *
 * Keys: per model, its parameters, gradient MB, compute ms per step, and the predicted all-reduce ms and
 * efficiency for N = 2, 4, 8, 16, 32, 64.
 */

import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { mlpNetwork } from '../src/ml/classification/mlpTraining.js';
import { Conv2D } from '../src/nn/conv.js';
import { compileGradientStep } from '../src/nn/GradientStep.js';
import { Dense, Flatten, Sequential as Seq, type Sequential } from '../src/nn/layers.js';
import { adam } from '../src/nn/optimizers.js';
import { MaxPool2D } from '../src/nn/pooling.js';
import { median, sig } from './training/timing.js';

const BANDWIDTH = 1.25e9; // bytes per second: 10 Gb/s
const LATENCY = 50e-6; // seconds per message
const WORKERS = [2, 4, 8, 16, 32, 64] as const;
const log = (m: string) => process.stderr.write(`${m}\n`);

/** Median ms of a gradient computation (forward + backward) on `rows` rows, one thread. */
async function stepMs(
  model: Sequential,
  inputShape: number[],
  classes: number,
  rows: number,
): Promise<{ ms: number; params: number }> {
  const step = await compileGradientStep(model, {
    loss: 'crossEntropy',
    optimizer: adam(),
    batchSize: rows,
    inputSize: inputShape,
    threads: 1,
  });
  const features = inputShape.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: rows * features }, (_, i) => ((i * 7919) % 255) / 255);
  const y = Float64Array.from({ length: rows }, (_, i) => i % classes);
  const flat = new Float32Array(step.vectorSize);
  const times: number[] = [];
  for (let i = 0; i < 12; i++) {
    const t = performance.now();
    await step.gradients(x, y, 1, flat);
    await step.apply(flat);
    if (i >= 2) times.push(performance.now() - t);
  }
  const params = step.parameterCount;
  await step.close();
  return { ms: median(times), params };
}

/** Median ms of `bench-convnet`'s forward pass on `rows` images, one thread; and its parameter count. */
async function convnetForwardMs(rows: number): Promise<{ ms: number; params: number }> {
  const file = fileURLToPath(new URL('../../models/bench-convnet.onnx', import.meta.url));
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const input = new ort.Tensor('float32', new Float32Array(rows * 3 * 224 * 224).fill(0.5), [
    rows,
    3,
    224,
    224,
  ]);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await session.run({ [session.inputNames[0] as string]: input });
    if (i >= 1) times.push(performance.now() - t);
  }
  await session.release();
  const { statSync } = await import('node:fs');
  // Its weights are nearly all of the file (float32).
  return { ms: median(times), params: Math.round(statSync(file).size / 4) };
}

function predict(params: number, computeMs: number): Record<string, unknown> {
  const bytes = params * 4;
  const out: Record<string, unknown> = {
    params,
    gradient_mb: sig(bytes / 1e6, 3),
    compute_ms: sig(computeMs, 3),
  };
  for (const n of WORKERS) {
    const comm = ((2 * (n - 1)) / n) * (bytes / BANDWIDTH) + 2 * (n - 1) * LATENCY;
    out[`allreduce_ms_${n}`] = sig(comm * 1000, 3);
    out[`efficiency_${n}`] = sig(computeMs / (computeMs + comm * 1000), 3);
  }
  return out;
}

export async function scalingBench(): Promise<Record<string, unknown>> {
  const mlp = await stepMs(mlpNetwork([64, 512, 512, 10], 'relu'), [64], 10, 128);
  log(`mlp: ${mlp.ms.toFixed(2)} ms per step`);
  const cnn = await stepMs(
    new Seq([
      new Conv2D(16, 3, { padding: 'same', activation: 'relu' }),
      new MaxPool2D(2),
      new Conv2D(32, 3, { padding: 'same', activation: 'relu' }),
      new MaxPool2D(2),
      new Flatten(),
      new Dense(5, { activation: 'softmax' }),
    ]),
    [1, 32, 32],
    5,
    32,
  );
  log(`digit cnn: ${cnn.ms.toFixed(2)} ms per step`);
  const convnet = await convnetForwardMs(8);
  log(`bench-convnet: ${convnet.ms.toFixed(1)} ms per forward pass of 8 images`);
  // ResNet-50 at the rate bench-convnet's convolutions run here: its FLOPs from its multiply-adds are not at hand,
  // so the CPU figure scales ResNet-50's 4.1 GFLOP forward pass by the MLP's measured rate (6 FLOP per weight and
  // row for forward + backward), a dense-kernel rate that convolutions approach.
  const mlpGflops = (6 * 128 * mlp.params) / (mlp.ms / 1000) / 1e9;
  const resnetParams = 25_557_032;
  const resnetCpuMs = ((32 * 3 * 4.1) / mlpGflops) * 1000;
  const resnetGpuMs = (32 / 400) * 1000;
  return {
    bandwidth_gbit_s: 10,
    latency_us: 50,
    measured_gflop_s_one_core: sig(mlpGflops, 3),
    mlp_64_512_512_10: predict(mlp.params, mlp.ms),
    digits_cnn: predict(cnn.params, cnn.ms),
    bench_convnet: predict(convnet.params, 3 * convnet.ms),
    resnet50_cpu_core: predict(resnetParams, resnetCpuMs),
    resnet50_gpu_400_img_s: predict(resnetParams, resnetGpuMs),
  };
}
