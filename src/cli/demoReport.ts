import type { EpochMetrics } from '../dl/imageClassifierTraining.js';
import {
  barChart,
  confusionMatrixChart,
  learningCurveChart,
  ReportBuilder,
  tuningResultsChart,
} from '../report/index.js';
import type { DemoResults } from './demo.js';

/**
 * Writes the demo's report into `dir` (replacing an earlier one): the accuracies, the confusion matrix of the
 * transfer-learning model, the model search, and the learning curves of both `ImageClassifier` fits. Returns the
 * HTML file's path.
 */
export async function writeDemoReport(dir: string, r: DemoResults): Promise<string> {
  const report = new ReportBuilder({
    title: 'deepframe demo: handwritten digits 5–9',
    intro:
      `${r.trainImages} training and ${r.testImages} test images of the digits 5–9 (scikit-learn's handwritten ` +
      'digits, drawn 24 px tall at a random place on a 32×32 canvas), classified on the embedded engine four ways. ' +
      'DigitsBackbone0to4 is a small CNN that only ever saw the digits 0–4.',
  });
  const models = [r.baseline, r.transfer, r.fineTuned, r.scratch];
  report
    .section('Test accuracy')
    .keyValues(
      models.map((m) => [m.name, `${(m.accuracy * 100).toFixed(1)}% (${m.seconds.toFixed(1)} s)`] as const),
      { caption: `Accuracy on the ${r.testImages} test images, and the time to fit and score` },
    )
    .chart(
      'accuracy',
      barChart({
        title: 'Test accuracy',
        bars: models.map((m) => ({ label: m.label, value: m.accuracy })),
        valueTitle: 'accuracy',
        domain: [0, 1],
        valueFormat: '.1%',
      }),
    )
    .paragraph(
      `Transfer learning beats the logistic regression on raw pixels by ${((r.transfer.accuracy - r.baseline.accuracy) * 100).toFixed(1)} ` +
        'percentage points: the backbone’s features do not depend on where the digit is drawn, the pixels do.',
    );
  report.section('Confusion matrix (transfer learning)').chart(
    'confusion-matrix',
    confusionMatrixChart({
      labels: r.classes,
      matrix: r.transfer.confusion,
      title: 'Actual by predicted digit',
    }),
    { caption: 'Test images by actual (rows) and predicted (columns) digit' },
  );
  report
    .section('Model search')
    .paragraph(
      `A 3-fold CrossValidator over the logistic regression's regParam, fitting 2 candidates at a time on features ` +
        `computed once (${r.transfer.tuningSeconds.toFixed(1)} s). Best: regParam ${r.transfer.bestRegParam}.`,
    )
    .table(
      ['regParam', 'cross-validated accuracy'],
      r.transfer.tuning.map((t) => [t.regParam, Number(t.accuracy.toFixed(4))]),
    )
    .chart(
      'model-search',
      tuningResultsChart({
        title: 'Cross-validated accuracy per candidate',
        candidates: r.transfer.tuning.map((t) => ({ label: `regParam ${t.regParam}`, metric: t.accuracy })),
        metricName: 'accuracy',
        best: `regParam ${r.transfer.bestRegParam}`,
      }),
    );
  const curves = (id: string, heading: string, text: string, history: readonly EpochMetrics[]) =>
    report
      .section(heading)
      .paragraph(text)
      .chart(
        `${id}-accuracy`,
        learningCurveChart({
          title: 'Accuracy per epoch',
          yTitle: 'accuracy',
          series: [
            { name: 'training', points: history.map((h) => ({ epoch: h.epoch, value: h.accuracy })) },
            {
              name: 'validation',
              points: history.map((h) => ({ epoch: h.epoch, value: h.validationAccuracy ?? Number.NaN })),
            },
          ],
        }),
      )
      .chart(
        `${id}-loss`,
        learningCurveChart({
          title: 'Loss per epoch',
          yTitle: 'cross-entropy',
          series: [
            {
              name: 'training (augmented batches)',
              points: history.map((h) => ({ epoch: h.epoch, value: h.loss })),
            },
            {
              name: 'validation',
              points: history.map((h) => ({ epoch: h.epoch, value: h.validationLoss ?? Number.NaN })),
            },
          ],
        }),
      );
  curves(
    'fine-tuning',
    'Learning curves: fine-tuning the backbone',
    'ImageClassifier with a new softmax head on DigitsBackbone0to4, its last convolution trained from the pretrained weights; 20% of the training images held out for validation, random shifts of up to 2 px.',
    r.fineTuned.history,
  );
  curves(
    'from-scratch',
    'Learning curves: a CNN from scratch',
    'ImageClassifier training conv(16) → pool → conv(32) → pool → dense(5) from random weights, with the same split and augmentation.',
    r.scratch.history,
  );
  const files = await report.write(dir, { mode: 'overwrite' });
  return files.html;
}
