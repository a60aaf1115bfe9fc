/**
 * Training with deepframe's engine (`compileTraining`): whole epochs of fixed-size steps over a {@link Dataset},
 * each epoch timed, then accuracy on the training and held-out sets.
 */

import { Session } from '../../src/frame/Session.js';
import { LogisticRegression } from '../../src/ml/classification/LogisticRegression.js';
import { Dense, Sequential } from '../../src/nn/layers.js';
import { compileObjective } from '../../src/nn/objective.js';
import type { OptimizerSpec } from '../../src/nn/optimizers.js';
import { compileTraining } from '../../src/nn/Trainer.js';
import { DataTypes } from '../../src/types/DataType.js';
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
  /** Steps chained per ONNX Runtime run (see `TrainingOptions.stepsPerRun`). */
  readonly stepsPerRun: number;
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
    stepsPerRun: o.stepsPerRun,
  });
  try {
    const steps = Math.floor(train.rows / o.batch);
    const x = train.x.subarray(0, steps * o.batch * f);
    const y = train.y.subarray(0, steps * o.batch);
    const epochSeconds: number[] = [];
    let lastLoss = Number.NaN;
    for (let e = 0; e < o.epochs; e++) {
      await o.beforeEpoch?.();
      const start = performance.now();
      const losses = await trainer.steps(x, y);
      collectGarbage(); // the epoch's own garbage, charged to it
      epochSeconds.push((performance.now() - start) / 1000);
      lastLoss = losses.reduce((a, b) => a + b, 0) / steps;
    }
    const trainAccuracy = (await trainer.evaluate(train.x, train.y)).accuracy ?? Number.NaN;
    const testAccuracy = (await trainer.evaluate(test.x, test.y)).accuracy ?? Number.NaN;
    return { epochSeconds, steps, trainAccuracy, testAccuracy, lastLoss };
  } finally {
    await trainer.close();
  }
}

/**
 * Multinomial logistic regression with the `LogisticRegression` estimator (L-BFGS on the float64 loss-and-gradient
 * graph, MLlib's semantics) over a DataFrame of `train`, `maxIter` iterations. An epoch of L-BFGS is one pass of
 * the loss and its gradient over every row: the fit's seconds divided by the passes it made (the line search
 * makes one or more per iteration), counted by timing the objective alone, one pass per repeat.
 */
export async function lrEpochSeconds(
  train: Dataset,
  test: Dataset,
  o: { readonly epochs: number; readonly threads: number; readonly maxIter: number },
): Promise<EpochRun & { readonly fitSeconds: number; readonly iterations: number }> {
  const session = await Session.builder().master(`local[${o.threads}]`).create();
  try {
    const f = train.features;
    const rows = Array.from({ length: train.rows }, (_, r) => ({
      features: train.x.subarray(r * f, (r + 1) * f),
      label: train.y[r] as number,
    }));
    const df = session.createDataFrame(
      rows,
      DataTypes.struct([
        DataTypes.field('features', DataTypes.vector(f)),
        DataTypes.field('label', DataTypes.double),
      ]),
    );
    const started = performance.now();
    const model = await new LogisticRegression({ maxIter: o.maxIter, showProgress: false }).fit(df);
    const fitSeconds = (performance.now() - started) / 1000;
    // One pass of the same objective the fit evaluates, timed alone.
    const objective = await compileObjective(new Sequential([new Dense(train.classes)]), {
      loss: 'crossEntropy',
      inputSize: f,
      blockSize: 4096,
      dtype: 'float64',
      threads: o.threads,
    });
    objective.bind({ x: train.x, y: train.y });
    const theta = new Float64Array(objective.size);
    const epochSeconds: number[] = [];
    for (let e = 0; e < o.epochs; e++) {
      const t = performance.now();
      await objective.evaluate(theta);
      epochSeconds.push((performance.now() - t) / 1000);
    }
    await objective.close();
    const accuracy = async (d: Dataset) => {
      const predicted = await model.predict(d.x);
      let right = 0;
      for (let r = 0; r < d.rows; r++) if (predicted[r] === d.y[r]) right++;
      return right / d.rows;
    };
    const history = model.summary.objectiveHistory;
    return {
      epochSeconds,
      steps: 1,
      trainAccuracy: await accuracy(train),
      testAccuracy: await accuracy(test),
      lastLoss: history[history.length - 1] ?? Number.NaN,
      fitSeconds,
      iterations: model.summary.totalIterations,
    };
  } finally {
    await session.stop();
  }
}
