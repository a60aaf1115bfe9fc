/**
 * Training throughput of deepframe's engine, in one run:
 * (a) the MLP `[2048, 256, 10]` (ReLU hidden layer, softmax output, Adam, batch 256) over 20,000 × 2048 seeded
 *     synthetic features, whole epochs, with the engine (`compileTraining`, an epoch's steps chained in one run);
 * (a') the same MLP with plain SGD, to separate the engine's own cost from Adam's elementwise arithmetic;
 * (b) multinomial logistic regression on the same data ({@link lrEpochSeconds});
 * (c) the same MLP trained by TensorFlow.js (wasm backend), timed on a fixed number of steps, scaled to an epoch;
 * (d) a bare ONNX Runtime MatMul of the MLP's dominant shape, `[256 × 2048]·[2048 × 256]`, on the same threads:
 *     the throughput a step's matrix products could reach.
 * The labels come from a seeded linear teacher with a margin, so accuracy 1 is reachable (see `training/data.ts`);
 * the accuracy reached on the training rows and on held-out rows is printed. Goals: speedup_vs_tfjs ≥ 50 and
 * fraction_of_matmul (mlp_gflops / ort_matmul_gflops) ≥ 0.8.
 *
 * Keys: `mlp_epoch_s`, `lr_epoch_s` (medians over the epochs), `tfjs_mlp_epoch_s` (the median tfjs step times
 * `steps_per_epoch`; `tfjs_epoch_scaled_from_steps` says how many steps were timed), `mlp_gflops` (the FLOPs a step
 * needs, {@link mlpStepFlops}, times the steps of an epoch, over `mlp_epoch_s`), `ort_matmul_gflops` (median of the
 * MatMul's repeats), `speedup_vs_tfjs`, `fraction_of_matmul`, `sgd_epoch_s` and `sgd_fraction_of_matmul` (from
 * (a'), against the MatMul repeats interleaved with its epochs), accuracies, thread counts, and `other_cpu_load`: the
 * share of the machine's cores that other processes used while (a) and (d) ran (Linux only), to judge a run taken
 * on a shared machine.
 */

import { availableParallelism } from 'node:os';
import { Dense, Sequential } from '../src/nn/layers.js';
import { adam, type OptimizerSpec, sgd } from '../src/nn/optimizers.js';
import { sampleTask, teacherTask } from './training/data.js';
import { lrEpochSeconds, trainEpochs } from './training/engine.js';
import { ortMatMul } from './training/matmul.js';
import { tfjsMlpStepSeconds } from './training/tfjs.js';
import { median, otherLoad, sig } from './training/timing.js';

const ROWS = 20_000;
const TEST_ROWS = 2_000;
const FEATURES = 2048;
const HIDDEN = 256;
const CLASSES = 10;
const BATCH = 256;
/** Steps chained per ONNX Runtime run: an epoch's 78 steps in one run. */
const STEPS_PER_RUN = 78;
/** Epochs of the same MLP trained with plain SGD, to tell the engine's own cost from Adam's arithmetic. */
const SGD_EPOCHS = 3;
/** The data's latent dimensions, feature noise and teacher-score margin (see `training/data.ts`). */
const LATENT = 32;
const NOISE = 0.1;
const MARGIN = 0.25;
const EPOCHS = 5;
/** L-BFGS iterations of the logistic regression fit. */
const LR_MAX_ITER = 20;
/** Runs per timed repeat of the bare MatMul. */
const MATMUL_RUNS = 50;
const TFJS_WARMUP_STEPS = 2;
const TFJS_TIMED_STEPS = 10;

const log = (m: string) => process.stderr.write(`${m}\n`);

/**
 * FLOPs one MLP step needs: the forward products, the weight gradients (the same count again), and the input
 * gradient of the hidden layer only (none for the input features). Biases and elementwise work are not counted.
 */
export function mlpStepFlops(batch: number, layers: readonly number[]): number {
  let forward = 0;
  let inputGrads = 0;
  for (let i = 1; i < layers.length; i++) {
    const macs = batch * (layers[i - 1] as number) * (layers[i] as number);
    forward += 2 * macs;
    if (i > 1) inputGrads += 2 * macs;
  }
  return 2 * forward + inputGrads;
}

export async function trainingBench(): Promise<Record<string, unknown>> {
  const threads = availableParallelism();
  const start = performance.now();
  const task = teacherTask({
    latent: LATENT,
    features: FEATURES,
    classes: CLASSES,
    margin: MARGIN,
    noise: NOISE,
    seed: 1,
  });
  const train = sampleTask(task, ROWS, 2);
  const test = sampleTask(task, TEST_ROWS, 3);
  log(
    `data: ${ROWS} + ${TEST_ROWS} rows × ${FEATURES} in ${((performance.now() - start) / 1000).toFixed(1)} s`,
  );

  // (d) is timed in repeats interleaved with (a)'s and (a')'s epochs, so that a neighbour's passing load on a shared
  // machine weighs on both alike.
  const matmul = await ortMatMul({ m: BATCH, k: FEATURES, n: HIDDEN, threads });
  const load = otherLoad(threads);

  // (a) the MLP with the engine, and (a') the same MLP with plain SGD: two elementwise passes per weight instead of
  // Adam's ten, so the gap between the two fractions is Adam's arithmetic and what remains below 1 is the engine's
  // own cost. Each is timed against its own MatMul repeats.
  const mlpModel = new Sequential([
    new Dense(HIDDEN, { activation: 'relu' }),
    new Dense(CLASSES, { activation: 'softmax' }),
  ]);
  const stepFlops = mlpStepFlops(BATCH, [FEATURES, HIDDEN, CLASSES]);
  const engineRun = async (optimizer: OptimizerSpec, epochs: number) => {
    const matmulRuns: number[] = [];
    const run = await trainEpochs(mlpModel, train, test, {
      optimizer,
      batch: BATCH,
      epochs,
      threads,
      seed: 0,
      stepsPerRun: STEPS_PER_RUN,
      beforeEpoch: async () => {
        matmulRuns.push(await matmul.time(MATMUL_RUNS));
      },
    });
    matmulRuns.push(await matmul.time(MATMUL_RUNS));
    const epoch = median(run.epochSeconds);
    return { run, epoch, gflops: (stepFlops * run.steps) / epoch / 1e9, matmulRuns };
  };
  const mlp = await engineRun(adam(), EPOCHS);
  log(
    `(a) engine MLP: epochs ${mlp.run.epochSeconds.map((s) => s.toFixed(3)).join(', ')} s; ` +
      `${mlp.gflops.toFixed(1)} GFLOP/s; accuracy train ${mlp.run.trainAccuracy.toFixed(4)}, ` +
      `test ${mlp.run.testAccuracy.toFixed(4)}`,
  );
  const sgdRun = await engineRun(sgd({ learningRate: 0.01 }), SGD_EPOCHS);
  log(
    `(a') engine MLP with SGD: epochs ${sgdRun.run.epochSeconds.map((s) => s.toFixed(3)).join(', ')} s; ` +
      `${sgdRun.gflops.toFixed(1)} GFLOP/s`,
  );
  const otherCpu = load();
  await matmul.close();

  // (b) logistic regression.
  const lr = await lrEpochSeconds(train, test, { epochs: EPOCHS, threads, maxIter: LR_MAX_ITER });
  const lrEpoch = median(lr.epochSeconds);
  log(
    `(b) logistic regression: epochs ${lr.epochSeconds.map((s) => s.toFixed(3)).join(', ')} s; ` +
      `fit ${lr.fitSeconds.toFixed(2)} s for ${lr.iterations} L-BFGS iterations; ` +
      `accuracy train ${lr.trainAccuracy.toFixed(4)}, test ${lr.testAccuracy.toFixed(4)}`,
  );

  const matmulFlops = 2 * BATCH * FEATURES * HIDDEN;
  const matmulGflops = (runs: readonly number[]) => matmulFlops / median(runs) / 1e9;
  log(
    `(d) bare MatMul [${BATCH}×${FEATURES}]·[${FEATURES}×${HIDDEN}], ${threads} threads: ` +
      `${mlp.matmulRuns.map((s) => (matmulFlops / s / 1e9).toFixed(1)).join(', ')} GFLOP/s`,
  );

  // (c) tfjs, last: it is slow.
  const tfjs = await tfjsMlpStepSeconds(train, {
    hidden: HIDDEN,
    batch: BATCH,
    learningRate: 1e-3,
    warmupSteps: TFJS_WARMUP_STEPS,
    timedSteps: TFJS_TIMED_STEPS,
    threads,
  });
  const tfjsEpoch = tfjs.stepSeconds * mlp.run.steps;
  log(
    `(c) tfjs (${tfjs.backend}, ${tfjs.threads} thread(s), simd ${tfjs.simd}): ${(tfjs.stepSeconds * 1000).toFixed(0)} ms/step, ` +
      `${tfjsEpoch.toFixed(1)} s/epoch (scaled); loss ${tfjs.firstLoss.toFixed(3)} → ${tfjs.lastLoss.toFixed(3)}`,
  );

  return {
    mlp_epoch_s: sig(mlp.epoch),
    lr_epoch_s: sig(lrEpoch),
    tfjs_mlp_epoch_s: sig(tfjsEpoch),
    mlp_gflops: sig(mlp.gflops),
    ort_matmul_gflops: sig(matmulGflops(mlp.matmulRuns)),
    speedup_vs_tfjs: sig(tfjsEpoch / mlp.epoch),
    fraction_of_matmul: sig(mlp.gflops / matmulGflops(mlp.matmulRuns)),
    sgd_epoch_s: sig(sgdRun.epoch),
    sgd_fraction_of_matmul: sig(sgdRun.gflops / matmulGflops(sgdRun.matmulRuns)),
    mlp_train_accuracy: sig(mlp.run.trainAccuracy),
    mlp_test_accuracy: sig(mlp.run.testAccuracy),
    lr_fit_s: sig(lr.fitSeconds),
    lr_iterations: lr.iterations,
    lr_train_accuracy: sig(lr.trainAccuracy),
    lr_test_accuracy: sig(lr.testAccuracy),
    reachable_accuracy: 1,
    epochs: EPOCHS,
    steps_per_epoch: mlp.run.steps,
    steps_per_run: STEPS_PER_RUN,
    rows_per_epoch: mlp.run.steps * BATCH,
    mlp_step_gflop: sig(stepFlops / 1e9),
    tfjs_epoch_scaled_from_steps: TFJS_TIMED_STEPS,
    tfjs_backend: tfjs.simd ? `${tfjs.backend} (simd)` : tfjs.backend,
    tfjs_threads: tfjs.threads,
    ort_threads: threads,
    ...(otherCpu === undefined ? {} : { other_cpu_load: sig(otherCpu, 2) }),
    rows: ROWS,
    test_rows: TEST_ROWS,
    features: FEATURES,
    batch_size: BATCH,
  };
}
