/**
 * Chart builders: functions that turn a model's results (a confusion matrix, per-epoch metrics, a model search's
 * scores) into Vega-Lite specs, which {@link renderChart} draws as SVG and PNG and a report embeds.
 *
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import { ParamError } from '../errors.js';

/**
 * A chart: a Vega-Lite specification (https://vega.github.io/vega-lite/docs/spec.html). The builders in this
 * module return one; any other Vega-Lite spec with inline data can be rendered and reported too.
 *
 * @example
 * ```ts
 * const spec: ChartSpec = barChart({ title: 'Accuracy', bars: [{ label: 'CNN', value: 0.97 }] });
 * ```
 */
export type ChartSpec = TopLevelSpec;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const BAR_COLOR = '#4c78a8';
const MUTED_COLOR = '#a9bdd3';
const HIGHLIGHT_COLOR = '#f58518';
const LABEL_LIMIT = 320;
/** Text a little larger than Vega's defaults, for charts shown at their natural size in a page. */
const CONFIG = {
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 15, subtitleFontSize: 12 },
} as const;

/** Options of {@link confusionMatrixChart}. */
export interface ConfusionMatrixChartOptions {
  /**
   * The class labels, in the order of the matrix's rows and columns.
   *
   * @example
   * ```ts
   * { labels: ['cat', 'dog'] }
   * ```
   */
  readonly labels: readonly string[];
  /**
   * The counts: `matrix[i][j]` is the number of rows whose actual class is `labels[i]` and whose predicted class
   * is `labels[j]` (Spark's `MulticlassMetrics.confusionMatrix` layout: actual by row, predicted by column).
   *
   * @example
   * ```ts
   * { matrix: [[48, 2], [5, 45]] }
   * ```
   */
  readonly matrix: readonly (readonly number[])[];
  /**
   * The chart's title.
   *
   * @example
   * ```ts
   * { title: 'Confusion matrix (test set)' }
   * ```
   */
  readonly title?: string;
}

/**
 * A heatmap of a confusion matrix: actual class on the y axis, predicted class on the x axis, each cell coloured
 * by its count and labelled with it. The diagonal holds the correct predictions.
 *
 * @throws {@link ParamError} `INVALID_CHART_DATA` when the matrix is not square with one row per label, or holds a
 *   negative or non-finite count.
 * @example
 * ```ts
 * const spec = confusionMatrixChart({ labels: ['cat', 'dog'], matrix: [[48, 2], [5, 45]], title: 'Test set' });
 * const { svg, png } = await renderChart(spec);
 * ```
 */
export function confusionMatrixChart(options: ConfusionMatrixChartOptions): ChartSpec {
  const { labels, matrix } = options;
  if (labels.length === 0) invalid('confusionMatrixChart', 'labels', '[]', 'at least one class label');
  checkUnique('confusionMatrixChart', 'labels', labels);
  if (matrix.length !== labels.length) {
    invalid(
      'confusionMatrixChart',
      'matrix',
      `${matrix.length} rows`,
      `${labels.length} rows, one per label`,
    );
  }
  const values: { actual: string; predicted: string; count: number }[] = [];
  let max = 0;
  let integral = true;
  matrix.forEach((row, i) => {
    if (row.length !== labels.length) {
      invalid('confusionMatrixChart', `matrix[${i}]`, `${row.length} columns`, `${labels.length} columns`);
    }
    row.forEach((count, j) => {
      if (!Number.isFinite(count) || count < 0) {
        invalid('confusionMatrixChart', `matrix[${i}][${j}]`, String(count), 'a finite count >= 0');
      }
      max = Math.max(max, count);
      integral &&= Number.isInteger(count);
      values.push({ actual: labels[i]!, predicted: labels[j]!, count });
    });
  });
  const cell = labels.length <= 12 ? 40 : 24;
  return {
    $schema: SCHEMA,
    config: CONFIG,
    ...titled(options.title),
    data: { values },
    width: { step: cell },
    height: { step: cell },
    encoding: {
      x: {
        field: 'predicted',
        type: 'nominal',
        sort: [...labels],
        title: 'Predicted',
        axis: { labelAngle: 0, orient: 'top', labelLimit: LABEL_LIMIT },
      },
      y: {
        field: 'actual',
        type: 'nominal',
        sort: [...labels],
        title: 'Actual',
        axis: { labelLimit: LABEL_LIMIT },
      },
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: {
            field: 'count',
            type: 'quantitative',
            scale: { scheme: 'blues', domainMin: 0 },
            title: 'Count',
          },
        },
      },
      {
        mark: { type: 'text', fontSize: labels.length <= 12 ? 12 : 9 },
        encoding: {
          text: { field: 'count', type: 'quantitative', format: integral ? 'd' : '.2f', title: 'Count' },
          color: { condition: { test: `datum.count > ${max / 2}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  };
}

/** One line of a {@link learningCurveChart}: a metric's value per epoch. */
export interface LearningCurveSeries {
  /**
   * The series' name, shown in the legend.
   *
   * @example
   * ```ts
   * { name: 'validation accuracy' }
   * ```
   */
  readonly name: string;
  /**
   * The points, one per epoch.
   *
   * @example
   * ```ts
   * { points: [{ epoch: 1, value: 0.81 }, { epoch: 2, value: 0.9 }] }
   * ```
   */
  readonly points: readonly { readonly epoch: number; readonly value: number }[];
}

/** Options of {@link learningCurveChart}. */
export interface LearningCurveChartOptions {
  /**
   * The lines, one per metric (one colour each).
   *
   * @example
   * ```ts
   * { series: [{ name: 'train loss', points: [{ epoch: 1, value: 0.9 }, { epoch: 2, value: 0.4 }] }] }
   * ```
   */
  readonly series: readonly LearningCurveSeries[];
  /**
   * The chart's title.
   *
   * @example
   * ```ts
   * { title: 'Fine-tuning' }
   * ```
   */
  readonly title?: string;
  /**
   * The y axis' title.
   *
   * @example
   * ```ts
   * { yTitle: 'accuracy' }
   * ```
   */
  readonly yTitle?: string;
  /**
   * The y axis' range; by default it spans zero and the values.
   *
   * @example
   * ```ts
   * { yDomain: [0, 1] }
   * ```
   */
  readonly yDomain?: readonly [number, number];
}

/**
 * Learning curves: one line with points per series (such as the training loss and the validation accuracy per
 * epoch), epochs on the x axis.
 *
 * @throws {@link ParamError} `INVALID_CHART_DATA` when there is no series, two series share a name, or a point
 *   is not finite.
 * @example
 * ```ts
 * const spec = learningCurveChart({
 *   title: 'Training',
 *   yTitle: 'loss',
 *   series: [
 *     { name: 'train', points: [{ epoch: 1, value: 0.9 }, { epoch: 2, value: 0.5 }] },
 *     { name: 'validation', points: [{ epoch: 1, value: 1.0 }, { epoch: 2, value: 0.7 }] },
 *   ],
 * });
 * ```
 */
export function learningCurveChart(options: LearningCurveChartOptions): ChartSpec {
  const { series } = options;
  if (series.length === 0) invalid('learningCurveChart', 'series', '[]', 'at least one series');
  checkUnique(
    'learningCurveChart',
    'series names',
    series.map((s) => s.name),
  );
  const values: { series: string; epoch: number; value: number }[] = [];
  series.forEach((s, i) => {
    s.points.forEach((p, j) => {
      if (!Number.isFinite(p.epoch) || !Number.isFinite(p.value)) {
        invalid(
          'learningCurveChart',
          `series[${i}].points[${j}]`,
          `{ epoch: ${p.epoch}, value: ${p.value} }`,
          'finite numbers',
        );
      }
      values.push({ series: s.name, epoch: p.epoch, value: p.value });
    });
  });
  const domain = checkDomain('learningCurveChart', 'yDomain', options.yDomain);
  return {
    $schema: SCHEMA,
    config: CONFIG,
    ...titled(options.title),
    data: { values },
    width: 480,
    height: 280,
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'Epoch', axis: { tickMinStep: 1, format: 'd' } },
      y: {
        field: 'value',
        type: 'quantitative',
        title: options.yTitle ?? null,
        ...(domain === undefined ? {} : { scale: { domain } }),
      },
      color: {
        field: 'series',
        type: 'nominal',
        sort: series.map((s) => s.name),
        legend: { title: null, orient: 'bottom', labelLimit: LABEL_LIMIT },
      },
    },
  };
}

/** Options of {@link tuningResultsChart}. */
export interface TuningResultsChartOptions {
  /**
   * The candidates of a model search, each with its (cross-validated) metric, in the order to draw them.
   *
   * @example
   * ```ts
   * { candidates: [{ label: 'regParam=0.01', metric: 0.95 }, { label: 'regParam=0.1', metric: 0.93 }] }
   * ```
   */
  readonly candidates: readonly { readonly label: string; readonly metric: number }[];
  /**
   * The metric's name, the title of the value axis.
   *
   * @example
   * ```ts
   * { metricName: 'accuracy (3-fold CV)' }
   * ```
   */
  readonly metricName: string;
  /**
   * The label of the candidate to highlight; by default the one with the largest metric (pass it for a metric
   * where smaller is better, such as an RMSE).
   *
   * @example
   * ```ts
   * { best: 'regParam=0.01' }
   * ```
   */
  readonly best?: string;
  /**
   * The chart's title.
   *
   * @example
   * ```ts
   * { title: 'Model search' }
   * ```
   */
  readonly title?: string;
  /**
   * The value axis' range; by default it spans zero and the values.
   *
   * @example
   * ```ts
   * { domain: [0, 1] }
   * ```
   */
  readonly domain?: readonly [number, number];
}

/**
 * The results of a model search (`CrossValidator`, `TrainValidationSplit`): one horizontal bar per candidate
 * param map with its metric, the best one highlighted and named in the subtitle.
 *
 * @throws {@link ParamError} `INVALID_CHART_DATA` when there is no candidate, two share a label, a metric is not
 *   finite, or `best` names no candidate.
 * @example
 * ```ts
 * const spec = tuningResultsChart({
 *   title: 'CrossValidator',
 *   metricName: 'accuracy',
 *   candidates: [{ label: 'regParam=0.01', metric: 0.95 }, { label: 'regParam=0.1', metric: 0.93 }],
 * });
 * ```
 */
export function tuningResultsChart(options: TuningResultsChartOptions): ChartSpec {
  const { candidates } = options;
  const bars = candidates.map((c) => ({ label: c.label, value: c.metric }));
  checkBars('tuningResultsChart', 'candidates', bars);
  let best = options.best;
  if (best === undefined) {
    best = bars.reduce((a, b) => (b.value > a.value ? b : a)).label;
  } else if (!bars.some((b) => b.label === best)) {
    invalid('tuningResultsChart', 'best', `'${best}'`, 'the label of one of the candidates');
  }
  const winner = bars.find((b) => b.label === best)!;
  return horizontalBars({
    title: options.title,
    subtitle: `best: ${winner.label} (${formatValue(winner.value)})`,
    bars: bars.map((b) => ({ ...b, best: b.label === best })),
    valueTitle: options.metricName,
    domain: checkDomain('tuningResultsChart', 'domain', options.domain),
    format: '.4~f',
    highlight: true,
  });
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  /**
   * The bars, in the order to draw them (top to bottom).
   *
   * @example
   * ```ts
   * { bars: [{ label: 'transfer learning', value: 0.97 }, { label: 'raw-pixel baseline', value: 0.88 }] }
   * ```
   */
  readonly bars: readonly { readonly label: string; readonly value: number }[];
  /**
   * The chart's title.
   *
   * @example
   * ```ts
   * { title: 'Test accuracy' }
   * ```
   */
  readonly title?: string;
  /**
   * The value axis' title.
   *
   * @example
   * ```ts
   * { valueTitle: 'accuracy' }
   * ```
   */
  readonly valueTitle?: string;
  /**
   * The value axis' range; by default it spans zero and the values.
   *
   * @example
   * ```ts
   * { domain: [0, 1] }
   * ```
   */
  readonly domain?: readonly [number, number];
  /**
   * How the values printed beside the bars are formatted, as a d3-format string; by default up to four decimals.
   *
   * @example
   * ```ts
   * { valueFormat: '.1%' } // 0.9712 → 97.1%
   * ```
   */
  readonly valueFormat?: string;
}

/**
 * A horizontal bar chart for a few labelled values, such as the accuracies of several approaches, each bar
 * labelled with its value.
 *
 * @throws {@link ParamError} `INVALID_CHART_DATA` when there is no bar, two share a label, or a value is not
 *   finite.
 * @example
 * ```ts
 * const spec = barChart({
 *   title: 'Test accuracy',
 *   valueTitle: 'accuracy',
 *   domain: [0, 1],
 *   bars: [
 *     { label: 'raw-pixel baseline', value: 0.88 },
 *     { label: 'transfer learning', value: 0.97 },
 *   ],
 * });
 * ```
 */
export function barChart(options: BarChartOptions): ChartSpec {
  checkBars('barChart', 'bars', options.bars);
  return horizontalBars({
    title: options.title,
    subtitle: undefined,
    bars: options.bars.map((b) => ({ label: b.label, value: b.value, best: false })),
    valueTitle: options.valueTitle,
    domain: checkDomain('barChart', 'domain', options.domain),
    format: options.valueFormat ?? '.4~f',
    highlight: false,
  });
}

interface HorizontalBars {
  readonly title: string | undefined;
  readonly subtitle: string | undefined;
  readonly bars: readonly { label: string; value: number; best: boolean }[];
  readonly valueTitle: string | undefined;
  readonly domain: [number, number] | undefined;
  readonly format: string;
  readonly highlight: boolean;
}

function horizontalBars(b: HorizontalBars): ChartSpec {
  // Vega draws no subtitle without a title: a subtitle alone becomes the title.
  const title =
    b.title === undefined
      ? titled(b.subtitle)
      : { title: { text: b.title, ...(b.subtitle === undefined ? {} : { subtitle: b.subtitle }) } };
  return {
    $schema: SCHEMA,
    config: CONFIG,
    ...title,
    data: { values: b.bars.map((x) => ({ ...x })) },
    width: 420,
    height: { step: 26 },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelLimit: LABEL_LIMIT } },
      x: {
        field: 'value',
        type: 'quantitative',
        title: b.valueTitle ?? null,
        ...(b.domain === undefined ? {} : { scale: { domain: b.domain } }),
      },
    },
    layer: [
      {
        mark: { type: 'bar', clip: true },
        encoding: {
          color: b.highlight
            ? { condition: { test: 'datum.best', value: HIGHLIGHT_COLOR }, value: MUTED_COLOR }
            : { value: BAR_COLOR },
        },
      },
      {
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, fontSize: 11 },
        encoding: { text: { field: 'value', type: 'quantitative', format: b.format } },
      },
    ],
  };
}

function titled(title: string | undefined): { title?: string } {
  return title === undefined ? {} : { title };
}

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(4).replace(/0+$/, '');
}

function checkBars(fn: string, name: string, bars: readonly { label: string; value: number }[]): void {
  if (bars.length === 0) invalid(fn, name, '[]', 'at least one entry');
  checkUnique(
    fn,
    `${name} labels`,
    bars.map((b) => b.label),
  );
  bars.forEach((b, i) => {
    if (!Number.isFinite(b.value))
      invalid(fn, `${name}[${i}] ('${b.label}')`, String(b.value), 'a finite number');
  });
}

function checkDomain(
  fn: string,
  name: string,
  domain: readonly [number, number] | undefined,
): [number, number] | undefined {
  if (domain === undefined) return undefined;
  const [lo, hi] = domain;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) {
    invalid(fn, name, `[${lo}, ${hi}]`, '[min, max] with finite min < max');
  }
  return [lo, hi];
}

function checkUnique(fn: string, name: string, values: readonly string[]): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) invalid(fn, name, `'${v}' twice`, 'distinct values (each names one bar, line or class)');
    seen.add(v);
  }
}

function invalid(fn: string, name: string, value: string, expected: string): never {
  throw new ParamError(
    'INVALID_CHART_DATA',
    `${fn}: ${name} is ${value}; expected ${expected}. Fix the data passed to ${fn}.`,
    { chart: fn, name, value, expected },
  );
}
