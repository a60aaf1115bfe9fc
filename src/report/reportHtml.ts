/**
 * The report page: one HTML document, its CSS inline, every text escaped, each chart an inline SVG with a link
 * (and a thumbnail) to its PNG beside the page.
 *
 * @module
 */

import type { ChartBlock, Report, ReportBlock, ReportCell } from './Report.js';
import type { RenderedChart } from './renderChart.js';

/** Escapes text for HTML content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c as keyof typeof ESCAPES]);
}

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' } as const;

/** The box that the PNG thumbnail under each chart fits in, in CSS pixels. */
const THUMBNAIL = { width: 96, height: 56 } as const;

/**
 * Writes a report as an HTML document. `charts` holds each chart block's rendering by id.
 *
 * The page needs no script; a small inline one, run on `load`, records whether the page rendered (for checks in a
 * headless browser): each `<img>` gets `data-loaded="yes"` or `"no"`, each chart's figure gets `data-svg-size`
 * (its inline SVG's rendered size, `WxH`), and `<body>` gets `data-images-loaded="<loaded>/<total>"` and
 * `data-render-check="done"`.
 */
export function reportHtml(report: Report, charts: ReadonlyMap<string, RenderedChart>): string {
  const toc =
    report.sections.length > 1
      ? `<nav class="toc"><ol>${report.sections
          .map((s, i) => `<li><a href="#section-${i + 1}">${escapeHtml(s.heading)}</a></li>`)
          .join('')}</ol></nav>\n`
      : '';
  const sections = report.sections
    .map((s, i) => {
      const blocks = s.blocks.map((b) => blockHtml(b, charts)).join('\n');
      return `<section id="section-${i + 1}">\n<h2>${escapeHtml(s.heading)}</h2>\n${blocks}\n</section>`;
    })
    .join('\n');
  const intro = report.intro === undefined ? '' : `<p class="intro">${escapeHtml(report.intro)}</p>\n`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="deepframe">
<title>${escapeHtml(report.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(report.title)}</h1>
${intro}</header>
${toc}<main>
${sections}
</main>
<script>${RENDER_CHECK}</script>
</body>
</html>
`;
}

function blockHtml(block: ReportBlock, charts: ReadonlyMap<string, RenderedChart>): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p>${escapeHtml(block.text)}</p>`;
    case 'keyValues': {
      const rows = block.entries
        .map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th>${cellHtml(v)}</tr>`)
        .join('\n');
      return `<table class="key-values">${captionHtml(block.caption)}\n<tbody>\n${rows}\n</tbody>\n</table>`;
    }
    case 'table': {
      const head = block.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
      const rows = block.rows.map((r) => `<tr>${r.map(cellHtml).join('')}</tr>`).join('\n');
      return (
        `<table class="data">${captionHtml(block.caption)}\n<thead><tr>${head}</tr></thead>\n` +
        `<tbody>\n${rows}\n</tbody>\n</table>`
      );
    }
    case 'chart':
      return chartHtml(block, charts.get(block.id));
    default: {
      const never: never = block;
      return never;
    }
  }
}

function chartHtml(block: ChartBlock, chart: RenderedChart | undefined): string {
  if (chart === undefined) return '';
  const id = escapeHtml(block.id);
  const title = chartTitle(block);
  const png = `${id}.png`;
  const fit = Math.min(THUMBNAIL.width / chart.width, THUMBNAIL.height / chart.height);
  const thumbWidth = Math.max(1, Math.round(chart.width * fit));
  const thumbHeight = Math.max(1, Math.round(chart.height * fit));
  const caption =
    block.caption === undefined ? '' : `<span class="caption">${escapeHtml(block.caption)}</span> `;
  return (
    `<figure class="chart" id="chart-${id}">\n` +
    `<div class="chart-svg" role="img" aria-label="${escapeHtml(title)}">${scopeSvgIds(chart.svg, `${block.id}-`)}</div>\n` +
    `<figcaption>${caption}<a class="png" href="${png}" title="Open the PNG image">` +
    `<img src="${png}" width="${thumbWidth}" height="${thumbHeight}" alt="${escapeHtml(title)} (PNG)">` +
    `<span>PNG, ${chart.pngWidth}×${chart.pngHeight}</span></a>` +
    `</figcaption>\n</figure>`
  );
}

/** The chart's title for alternative text: its caption, else its spec's title, else its id. */
function chartTitle(block: ChartBlock): string {
  if (block.caption !== undefined) return block.caption;
  const t = block.spec.title;
  if (typeof t === 'string') return t;
  if (t !== undefined && typeof t === 'object' && 'text' in t && typeof t.text === 'string') return t.text;
  return block.id;
}

/**
 * Prefixes the ids that an SVG defines and references (`id="…"`, `url(#…)`, `href="#…"`), so that several
 * inline SVGs in one page, each with its own `gradient_0` or `clip1`, do not take each other's definitions.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/(\s)id="([^"]+)"/g, (_, space: string, id: string) => `${space}id="${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}${id})`)
    .replace(/href="#([^"]+)"/g, (_, id: string) => `href="#${prefix}${id}"`);
}

function captionHtml(caption: string | undefined): string {
  return caption === undefined ? '' : `<caption>${escapeHtml(caption)}</caption>`;
}

function cellHtml(cell: ReportCell): string {
  if (cell === null) return '<td class="empty"></td>';
  if (typeof cell === 'number') return `<td class="num">${escapeHtml(formatNumber(cell))}</td>`;
  return `<td>${escapeHtml(String(cell))}</td>`;
}

/** Integers as they are; other numbers with up to four decimals (exponent notation below 0.001). */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n) || Number.isInteger(n)) return String(n);
  if (Math.abs(n) < 1e-3) return n.toExponential(2);
  return String(Number(n.toFixed(4)));
}

const CSS = `
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --rule: #d1d9e0; --band: #f6f8fa; --accent: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 60rem; padding: 2rem 1.5rem 4rem; color: var(--ink); background: #fff;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
h1 { font-size: 1.9rem; margin: 0 0 .5rem; line-height: 1.2; }
h2 { font-size: 1.35rem; margin: 2.5rem 0 .75rem; padding-bottom: .3rem; border-bottom: 1px solid var(--rule); }
.intro { color: var(--muted); font-size: 1.05rem; margin: 0; }
.toc { margin: 1.5rem 0 0; }
.toc ol { margin: 0; padding-left: 1.25rem; }
a { color: var(--accent); }
table { border-collapse: collapse; margin: 1rem 0; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding-bottom: .35rem; }
th, td { padding: .3rem .75rem; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); }
table.key-values th { font-weight: 500; color: var(--muted); padding-left: 0; }
table.data tbody tr:nth-child(even) { background: var(--band); }
td.num { text-align: right; }
figure.chart { margin: 1.25rem 0; }
.chart-svg svg { display: block; max-width: 100%; height: auto; }
figcaption { margin-top: .5rem; color: var(--muted); font-size: .9rem; max-width: 48rem; }
figcaption .caption { display: block; margin-bottom: .35rem; }
a.png { display: inline-flex; align-items: center; gap: .5rem; text-decoration: none; font-size: .8rem; }
a.png img { border: 1px solid var(--rule); background: #fff; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .toc, a.png { display: none; }
  h2 { break-after: avoid; }
  figure, table { break-inside: avoid; }
}
`;

const RENDER_CHECK = `
addEventListener('load', () => {
  const images = [...document.images];
  for (const img of images) img.dataset.loaded = img.complete && img.naturalWidth > 0 ? 'yes' : 'no';
  for (const figure of document.querySelectorAll('figure.chart')) {
    const svg = figure.querySelector('svg');
    const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    figure.dataset.svgSize = Math.round(box.width) + 'x' + Math.round(box.height);
  }
  const loaded = images.filter((img) => img.dataset.loaded === 'yes').length;
  document.body.dataset.imagesLoaded = loaded + '/' + images.length;
  document.body.dataset.renderCheck = 'done';
});
`;
