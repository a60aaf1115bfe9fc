/**
 * Reports: chart builders that turn results into Vega-Lite specs, a headless renderer (SVG and PNG), and a
 * writer for one HTML page with the charts beside it as PNG files.
 *
 * @module
 */
export {
  type BarChartOptions,
  barChart,
  type ChartSpec,
  type ConfusionMatrixChartOptions,
  confusionMatrixChart,
  type LearningCurveChartOptions,
  type LearningCurveSeries,
  learningCurveChart,
  type TuningResultsChartOptions,
  tuningResultsChart,
} from './charts.js';
export type {
  ChartBlock,
  KeyValuesBlock,
  ParagraphBlock,
  Report,
  ReportBlock,
  ReportCell,
  ReportSection,
  TableBlock,
} from './Report.js';
export { ReportBuilder, type ReportBuilderOptions, ReportSectionBuilder } from './ReportBuilder.js';
export { CHART_FONT, type RenderChartOptions, type RenderedChart, renderChart } from './renderChart.js';
export { type ReportFiles, type WriteReportOptions, writeReport } from './writeReport.js';
