/**
 * Writing a report to a directory: `index.html` and one PNG per chart, all or nothing.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { IOError } from '../errors.js';
import { parseSaveMode, type SaveModeName, writeDirectory } from '../io/atomicWrite.js';
import { type Report, validateReport } from './Report.js';
import { type RenderedChart, renderChart } from './renderChart.js';
import { reportHtml } from './reportHtml.js';

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /**
   * What to do when the directory exists, as Spark's save modes: `'error'` (the default) fails, `'overwrite'`
   * replaces the directory, `'append'` adds the report's files to it (replacing files of the same names),
   * `'ignore'` leaves it and writes nothing.
   *
   * @example
   * ```ts
   * await writeReport('out/report', report, { mode: 'overwrite' });
   * ```
   */
  readonly mode?: SaveModeName;
  /**
   * Pixels per CSS pixel in the PNGs (see {@link RenderChartOptions.scale}); 2 by default.
   *
   * @example
   * ```ts
   * await writeReport('out/report', report, { scale: 3 });
   * ```
   */
  readonly scale?: number;
}

/** The files that {@link writeReport} wrote. */
export interface ReportFiles {
  /** The report's directory (absolute). */
  readonly dir: string;
  /** The page: `<dir>/index.html`. */
  readonly html: string;
  /** The charts' images, `<dir>/<chart id>.png`, in the order the charts appear. */
  readonly pngs: readonly string[];
  /** Whether anything was written (`false` only in mode `'ignore'` over an existing directory). */
  readonly written: boolean;
}

/**
 * Writes `report` to the directory `dir`: `index.html`, one page with every section, and `<chart id>.png` for each
 * chart beside it. The page is self-contained apart from those PNGs (inline CSS, each chart as an inline SVG, no
 * external URL, no script needed to view it); open `index.html` in a browser. The charts are drawn first, then
 * the files are written into a fresh sibling directory that replaces `dir` when complete (with a `_SUCCESS`
 * marker, as Spark's writers leave), so a failure leaves `dir` as it was.
 *
 * @throws {@link ParamError} `INVALID_REPORT` or `INVALID_CHART_SPEC` for a report the page cannot show;
 *   {@link IOError} `PATH_ALREADY_EXISTS` when `dir` exists and the mode is `'error'`.
 * @example
 * ```ts
 * const files = await writeReport('demo-output/report', {
 *   title: 'Digits',
 *   sections: [{ heading: 'Accuracy', blocks: [{ kind: 'chart', id: 'accuracy', spec: barChart({ bars }) }] }],
 * }, { mode: 'overwrite' });
 * console.log(`Open ${files.html}`);
 * ```
 */
export async function writeReport(
  dir: string,
  report: Report,
  options: WriteReportOptions = {},
): Promise<ReportFiles> {
  const mode = parseSaveMode(options.mode ?? 'error');
  validateReport(report);
  const target = resolve(dir);
  if (existsSync(target) && (mode === 'error' || mode === 'errorifexists')) {
    throw new IOError(
      'PATH_ALREADY_EXISTS',
      `Cannot write the report to '${dir}': it already exists. Pass { mode: 'overwrite' } to replace it, ` +
        "{ mode: 'append' } to add the report's files to it, or choose another directory.",
      { path: dir },
    );
  }
  const charts = new Map<string, RenderedChart>();
  for (const section of report.sections) {
    for (const block of section.blocks) {
      if (block.kind !== 'chart') continue;
      charts.set(
        block.id,
        await renderChart(block.spec, options.scale === undefined ? {} : { scale: options.scale }),
      );
    }
  }
  const html = reportHtml(report, charts);
  const written = await writeDirectory(target, mode, async (staging) => {
    for (const [id, chart] of charts) await writeFile(join(staging, `${id}.png`), chart.png);
    await writeFile(join(staging, 'index.html'), html);
  });
  return {
    dir: target,
    html: join(target, 'index.html'),
    pngs: [...charts.keys()].map((id) => join(target, `${id}.png`)),
    written,
  };
}
