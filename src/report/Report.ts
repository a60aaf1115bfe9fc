/**
 * A report as plain data: a title, an introduction and sections of blocks (paragraphs, key/value tables, tables
 * and charts). {@link writeReport} writes it as an HTML page with PNG images beside it; {@link ReportBuilder}
 * assembles one step by step.
 *
 * @module
 */
import { ParamError } from '../errors.js';
import type { ChartSpec } from './charts.js';

/**
 * A table cell: text, or a number (printed with up to four decimals), a boolean, or `null` (an empty cell).
 *
 * @example
 * ```ts
 * const cells: ReportCell[] = ['transfer learning', 0.9712, true, null];
 * ```
 */
export type ReportCell = string | number | boolean | null;

/**
 * A paragraph of plain text (not HTML: every character is shown as written).
 *
 * @example
 * ```ts
 * const p: ParagraphBlock = { kind: 'paragraph', text: 'Features come from the CNN cut at its last layer.' };
 * ```
 */
export interface ParagraphBlock {
  readonly kind: 'paragraph';
  /** The text. */
  readonly text: string;
}

/**
 * A two-column table of named values, such as the accuracies of the models compared.
 *
 * @example
 * ```ts
 * const kv: KeyValuesBlock = { kind: 'keyValues', entries: [['accuracy', '97.1%'], ['images', 1797]] };
 * ```
 */
export interface KeyValuesBlock {
  readonly kind: 'keyValues';
  /** The rows: a name and its value. */
  readonly entries: readonly (readonly [string, ReportCell])[];
  /** A caption shown above the table. */
  readonly caption?: string;
}

/**
 * A table with a header row.
 *
 * @example
 * ```ts
 * const t: TableBlock = { kind: 'table', columns: ['fold', 'accuracy'], rows: [[1, 0.97], [2, 0.96]] };
 * ```
 */
export interface TableBlock {
  readonly kind: 'table';
  /** The column headers. */
  readonly columns: readonly string[];
  /** The rows, each with one cell per column. */
  readonly rows: readonly (readonly ReportCell[])[];
  /** A caption shown above the table. */
  readonly caption?: string;
}

/**
 * A chart, shown in the page as an inline SVG and written beside it as `<id>.png`.
 *
 * @example
 * ```ts
 * const c: ChartBlock = { kind: 'chart', id: 'accuracy', spec: barChart({ bars }), caption: 'Test accuracy.' };
 * ```
 */
export interface ChartBlock {
  readonly kind: 'chart';
  /**
   * The chart's id: the PNG's file name without `.png`, unique in the report (ignoring case). Letters, digits,
   * `-` and `_`, starting with a letter or digit, at most 64 characters.
   */
  readonly id: string;
  /** The chart (see {@link confusionMatrixChart}, {@link barChart}, …). */
  readonly spec: ChartSpec;
  /** A caption shown under the chart. */
  readonly caption?: string;
}

/**
 * One block of a report section.
 *
 * @example
 * ```ts
 * const blocks: ReportBlock[] = [{ kind: 'paragraph', text: 'Accuracy on the held-out digits:' }];
 * ```
 */
export type ReportBlock = ParagraphBlock | KeyValuesBlock | TableBlock | ChartBlock;

/**
 * A section of a report: a heading and its blocks, in order.
 *
 * @example
 * ```ts
 * const s: ReportSection = { heading: 'Results', blocks: [{ kind: 'paragraph', text: 'All folds converged.' }] };
 * ```
 */
export interface ReportSection {
  /** The section's heading. */
  readonly heading: string;
  /** The section's content. */
  readonly blocks: readonly ReportBlock[];
}

/**
 * A report: what {@link writeReport} writes as an HTML page. All text is plain text, escaped when written.
 *
 * @example
 * ```ts
 * const report: Report = {
 *   title: 'Digits',
 *   intro: 'Transfer learning on the digits that ship with deepframe.',
 *   sections: [{ heading: 'Accuracy', blocks: [{ kind: 'keyValues', entries: [['test accuracy', '97.1%']] }] }],
 * };
 * ```
 */
export interface Report {
  /** The page's title and top heading. */
  readonly title: string;
  /** A paragraph under the title. */
  readonly intro?: string;
  /** The sections, in order. */
  readonly sections: readonly ReportSection[];
}

const CHART_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * Checks what the page cannot show: an empty title, a table row whose length differs from the header's, a chart
 * id that is not a safe file name or is used twice.
 *
 * @throws {@link ParamError} `INVALID_REPORT`.
 */
export function validateReport(report: Report): void {
  if (report.title.trim() === '') invalid('title', "''", 'a non-empty title');
  const ids = new Map<string, string>();
  report.sections.forEach((section, s) => {
    section.blocks.forEach((block, b) => {
      const where = `sections[${s}] ('${section.heading}').blocks[${b}]`;
      switch (block.kind) {
        case 'paragraph':
        case 'keyValues':
          break;
        case 'table':
          block.rows.forEach((row, r) => {
            if (row.length !== block.columns.length) {
              invalid(
                `${where}.rows[${r}]`,
                `${row.length} cells`,
                `${block.columns.length}, one per column`,
              );
            }
          });
          break;
        case 'chart': {
          if (!CHART_ID.test(block.id)) {
            invalid(
              `${where}.id`,
              `'${block.id}'`,
              'a file name of letters, digits, - and _ (at most 64, starting with a letter or digit)',
            );
          }
          const key = block.id.toLowerCase();
          const first = ids.get(key);
          if (first !== undefined)
            invalid(`${where}.id`, `'${block.id}' (also used by '${first}')`, 'a unique id');
          ids.set(key, block.id);
          break;
        }
        default: {
          const never: never = block;
          invalid(
            `${where}.kind`,
            `'${(never as { kind: string }).kind}'`,
            'paragraph, keyValues, table or chart',
          );
        }
      }
    });
  });
}

function invalid(name: string, value: string, expected: string): never {
  throw new ParamError('INVALID_REPORT', `Report ${name} is ${value}; expected ${expected}.`, {
    name,
    value,
    expected,
  });
}
