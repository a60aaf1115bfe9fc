/**
 * Training with deepframe's engine (`compileTraining`): whole epochs of fixed-size steps over a {@link Dataset},
 * each epoch timed, then accuracy on the training and held-out sets.
 */

import { Dense, Sequential } from '../../src/nn/layers.js';
import { adam, type OptimizerSpec } from '../../src/nn/optimizers.js';
import { compileTraining } from '../../src/nn/Trainer.js';
import type { Dataset } from './data.js';
import { collectGarbage } from './timing.js';

/** What {@link trainEpochs} measured. */
export interface EpochRun {
  /** Wall-clock seconds of each epoch, in order. */
  readonly epochSeconds: number[];
  /** Steps per epoch: whole batches only (the last `rows mod batch` rows are left out of every epoch). */
  readonly steps: number;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  /** Mean loss of the last epoch's steps. */
  readonly lastLoss: number;
}

/** Options of {@link trainEpochs}. */
export interface EpochOptions {
  readonly optimizer: OptimizerSpec;
  readonly batch: number;
  readonly epochs: number;
  readonly threads: number;
  readonly seed: number;
  /** Runs before each epoch, outside its timing (the benchmark times its bound there, interleaved). */
  readonly beforeEpoch?: () => Promise<void>;
}

/**
 * Trains `model` with the engine for whole epochs over `train`; times each epoch: its steps and the collection of
 * the garbage they left (see {@link collectGarbage}).
 */
export async function trainEpochs(
  model: Sequential,
  train: Dataset,
  test: Dataset,
  o: EpochOptions,
): Promise<EpochRun> {
  const f = train.features;
  const trainer = await compileTraining(model, {
    loss: 'crossEntropy',
    optimizer: o.optimizer,
    batchSize: o.batch,
    inputSize: f,
    seed: o.seed,
    threads: o.threads,
  });
  try {
    const steps = Math.floor(train.rows / o.batch);
    const epochSeconds: number[] = [];
    let lastLoss = Number.NaN;
    for (let e = 0; e < o.epochs; e++) {
      await o.beforeEpoch?.();
      let total = 0;
      const start = performance.now();
      for (let s = 0; s < steps; s++) {
        const r = s * o.batch;
        total += await trainer.step(
          train.x.subarray(r * f, (r + o.batch) * f),
          train.y.subarray(r, r + o.batch),
        );
      }
      collectGarbage(); // the epoch's own garbage, charged to it
      epochSeconds.push((performance.now() - start) / 1000);
      lastLoss = total / steps;
    }
    const trainAccuracy = (await trainer.evaluate(train.x, train.y)).accuracy ?? Number.NaN;
    const testAccuracy = (await trainer.evaluate(test.x, test.y)).accuracy ?? Number.NaN;
    return { epochSeconds, steps, trainAccuracy, testAccuracy, lastLoss };
  } finally {
    await trainer.close();
  }
}

/**
 * Multinomial logistic regression (softmax regression) on `train`: seconds per epoch and accuracies. Trained as
 * one `Dense(classes, softmax)` layer with the engine, Adam, batch `batch`.
 */
export async function lrEpochSeconds(
  train: Dataset,
  test: Dataset,
  o: { readonly batch: number; readonly epochs: number; readonly threads: number },
): Promise<EpochRun> {
  const model = new Sequential([new Dense(train.classes, { activation: 'softmax' })]);
  return trainEpochs(model, train, test, { ...o, optimizer: adam(), seed: 0 });
}
