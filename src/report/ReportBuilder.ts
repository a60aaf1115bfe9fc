/**
 * {@link ReportBuilder}: a report assembled step by step, section by section.
 *
 * @module
 */
import type { ChartSpec } from './charts.js';
import type { Report, ReportBlock, ReportCell, ReportSection } from './Report.js';
import { type ReportFiles, type WriteReportOptions, writeReport } from './writeReport.js';

/** Options of {@link ReportBuilder}'s constructor. */
export interface ReportBuilderOptions {
  /**
   * The page's title and top heading.
   *
   * @example
   * ```ts
   * new ReportBuilder({ title: 'deepframe demo' });
   * ```
   */
  readonly title: string;
  /**
   * A paragraph under the title.
   *
   * @example
   * ```ts
   * new ReportBuilder({ title: 'Digits', intro: 'Transfer learning on 1,797 handwritten digits.' });
   * ```
   */
  readonly intro?: string;
}

/**
 * Builds a {@link Report} section by section and writes it (see {@link writeReport}): `index.html` and one PNG per
 * chart in a directory.
 *
 * @example
 * ```ts
 * const report = new ReportBuilder({ title: 'Digits', intro: 'Transfer learning on handwritten digits.' });
 * report
 *   .section('Accuracy')
 *   .keyValues({ 'transfer learning': '97.1%', 'raw-pixel baseline': '88.0%' })
 *   .chart('confusion-matrix', confusionMatrixChart({ labels, matrix, title: 'Test set' }));
 * report.section('Model search').chart('tuning', tuningResultsChart({ candidates, metricName: 'accuracy' }));
 * const files = await report.write('demo-output/report', { mode: 'overwrite' });
 * console.log(`Open ${files.html}`);
 * ```
 */
export class ReportBuilder {
  private readonly title: string;
  private readonly intro: string | undefined;
  private readonly sections: ReportSectionBuilder[] = [];

  /**
   * Starts an empty report.
   *
   * @example
   * ```ts
   * const report = new ReportBuilder({ title: 'Results' });
   * ```
   */
  constructor(options: ReportBuilderOptions) {
    this.title = options.title;
    this.intro = options.intro;
  }

  /**
   * Adds a section with `heading` at the end of the report and returns it, to add blocks to.
   *
   * @example
   * ```ts
   * report.section('Learning curves').chart('loss', learningCurveChart({ series, yTitle: 'loss' }));
   * ```
   */
  section(heading: string): ReportSectionBuilder {
    const section = new ReportSectionBuilder(heading);
    this.sections.push(section);
    return section;
  }

  /**
   * The report as plain data, as it stands now.
   *
   * @example
   * ```ts
   * const data: Report = report.toReport();
   * ```
   */
  toReport(): Report {
    return {
      title: this.title,
      ...(this.intro === undefined ? {} : { intro: this.intro }),
      sections: this.sections.map((s) => s.toSection()),
    };
  }

  /**
   * Writes the report to the directory `dir` (see {@link writeReport}) and returns the paths written.
   *
   * @example
   * ```ts
   * const { html, pngs } = await report.write('out/report', { mode: 'overwrite' });
   * ```
   */
  write(dir: string, options: WriteReportOptions = {}): Promise<ReportFiles> {
    return writeReport(dir, this.toReport(), options);
  }
}

/**
 * A section of a {@link ReportBuilder}: each method adds a block at its end and returns the section, so calls
 * chain.
 *
 * @example
 * ```ts
 * report.section('Data').paragraph('1,797 images, 8×8 pixels, 10 classes.').table(['split', 'rows'], [['train', 1437], ['test', 360]]);
 * ```
 */
export class ReportSectionBuilder {
  private readonly blocks: ReportBlock[] = [];

  /**
   * A section with `heading`; {@link ReportBuilder.section} makes one and adds it to its report.
   *
   * @example
   * ```ts
   * const section = report.section('Results');
   * ```
   */
  constructor(readonly heading: string) {}

  /**
   * Adds a paragraph of plain text.
   *
   * @example
   * ```ts
   * section.paragraph('Features come from the CNN cut at its penultimate layer.');
   * ```
   */
  paragraph(text: string): this {
    this.blocks.push({ kind: 'paragraph', text });
    return this;
  }

  /**
   * Adds a two-column table of named values, from an object (in its key order) or from `[name, value]` pairs.
   *
   * @example
   * ```ts
   * section.keyValues({ 'test accuracy': '97.1%', 'images': 360 }, { caption: 'Held-out digits' });
   * ```
   */
  keyValues(
    entries: Readonly<Record<string, ReportCell>> | readonly (readonly [string, ReportCell])[],
    options: { readonly caption?: string } = {},
  ): this {
    const pairs = Array.isArray(entries)
      ? (entries as readonly (readonly [string, ReportCell])[])
      : Object.entries(entries as Readonly<Record<string, ReportCell>>);
    this.blocks.push({
      kind: 'keyValues',
      entries: pairs.map(([k, v]) => [k, v] as const),
      ...caption(options),
    });
    return this;
  }

  /**
   * Adds a table: a header row of `columns`, then `rows`, each with one cell per column.
   *
   * @example
   * ```ts
   * section.table(['fold', 'accuracy'], [[1, 0.97], [2, 0.96], [3, 0.98]], { caption: 'Cross-validation' });
   * ```
   */
  table(
    columns: readonly string[],
    rows: readonly (readonly ReportCell[])[],
    options: { readonly caption?: string } = {},
  ): this {
    this.blocks.push({
      kind: 'table',
      columns: [...columns],
      rows: rows.map((r) => [...r]),
      ...caption(options),
    });
    return this;
  }

  /**
   * Adds a chart, shown as an inline SVG and written as `<id>.png` beside the page (`id`: letters, digits, `-`
   * and `_`, unique in the report).
   *
   * @example
   * ```ts
   * section.chart('accuracy', barChart({ bars, domain: [0, 1] }), { caption: 'Accuracy on the test set.' });
   * ```
   */
  chart(id: string, spec: ChartSpec, options: { readonly caption?: string } = {}): this {
    this.blocks.push({ kind: 'chart', id, spec, ...caption(options) });
    return this;
  }

  /**
   * The section as plain data.
   *
   * @example
   * ```ts
   * const data: ReportSection = section.toSection();
   * ```
   */
  toSection(): ReportSection {
    return { heading: this.heading, blocks: [...this.blocks] };
  }
}

function caption(options: { readonly caption?: string }): { caption?: string } {
  return options.caption === undefined ? {} : { caption: options.caption };
}
