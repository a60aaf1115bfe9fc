/**
 * Drawing a chart spec, headless: Vega-Lite compiles it to Vega, Vega's scenegraph renders it to an SVG string
 * (no browser, no canvas), and sharp rasterizes that SVG to a PNG.
 *
 * @module
 */
import sharp from 'sharp';
import { describeCause, ParamError } from '../errors.js';
import type { ChartSpec } from './charts.js';

/** A chart drawn by {@link renderChart}. */
export interface RenderedChart {
  /** The chart as a standalone SVG document (its text in the generic `sans-serif` family). */
  readonly svg: string;
  /** The chart as a PNG image, `scale` times the SVG's size in pixels. */
  readonly png: Buffer;
  /** The SVG's width in CSS pixels. */
  readonly width: number;
  /** The SVG's height in CSS pixels. */
  readonly height: number;
  /** The PNG's width in pixels. */
  readonly pngWidth: number;
  /** The PNG's height in pixels. */
  readonly pngHeight: number;
}

/** Options of {@link renderChart}. */
export interface RenderChartOptions {
  /**
   * Pixels per CSS pixel in the PNG: 2 (the default) makes a PNG that is crisp on high-density screens and in
   * print when shown at the SVG's size. Between 0.25 and 8.
   *
   * @example
   * ```ts
   * await renderChart(spec, { scale: 1 });
   * ```
   */
  readonly scale?: number;
}

/** The font family of every text in a rendered chart unless the spec's config names another. */
export const CHART_FONT = 'sans-serif';

/**
 * Draws a Vega-Lite spec (such as one made by {@link confusionMatrixChart} or {@link learningCurveChart}) as an
 * SVG document and a PNG image. Runs in Node without a browser; the spec's data must be inline (`data.values`).
 *
 * @throws {@link ParamError} `INVALID_CHART_SPEC` when Vega-Lite or Vega reject the spec, `INVALID_PARAM` for a
 *   scale out of range.
 * @example
 * ```ts
 * const { svg, png } = await renderChart(barChart({ bars: [{ label: 'a', value: 1 }] }));
 * await writeFile('chart.png', png);
 * ```
 */
export async function renderChart(spec: ChartSpec, options: RenderChartOptions = {}): Promise<RenderedChart> {
  const scale = options.scale ?? 2;
  if (!Number.isFinite(scale) || scale < 0.25 || scale > 8) {
    throw new ParamError(
      'INVALID_PARAM',
      `renderChart: scale is ${scale}; expected a number between 0.25 and 8 (2, the default, for crisp PNGs).`,
      { param: 'scale', value: String(scale), expected: '[0.25, 8]' },
    );
  }
  const withFont: ChartSpec = { ...spec, config: { font: CHART_FONT, ...spec.config } };
  const { compile, parse, View } = await loadVega();
  let svg: string;
  try {
    const view = new View(parse(compile(withFont).spec), { renderer: 'none' });
    try {
      svg = await view.toSVG();
    } finally {
      view.finalize();
    }
  } catch (e) {
    throw new ParamError(
      'INVALID_CHART_SPEC',
      `The chart spec could not be drawn: ${describeCause(e)}. Check it against the Vega-Lite docs ` +
        '(https://vega.github.io/vega-lite/docs/), or build it with confusionMatrixChart, learningCurveChart, ' +
        'tuningResultsChart or barChart.',
      { cause: describeCause(e) },
      { cause: e },
    );
  }
  const width = svgDimension(svg, 'width');
  const height = svgDimension(svg, 'height');
  // librsvg reads an SVG at 72 dots per inch: density 72 × scale gives scale pixels per CSS pixel.
  const { data: png, info } = await sharp(Buffer.from(svg), { density: 72 * scale })
    .png()
    .toBuffer({ resolveWithObject: true });
  return { svg, png, width, height, pngWidth: info.width, pngHeight: info.height };
}

let vega: Promise<VegaModules> | undefined;

type VegaModules = Pick<typeof import('vega'), 'parse' | 'View'> &
  Pick<typeof import('vega-lite'), 'compile'>;

/** Vega and Vega-Lite, imported on first use: they take a quarter of a second to load, which only reports need. */
function loadVega(): Promise<VegaModules> {
  vega ??= Promise.all([import('vega'), import('vega-lite')]).then(([v, vl]) => ({
    parse: v.parse,
    View: v.View,
    compile: vl.compile,
  }));
  return vega;
}

function svgDimension(svg: string, name: 'width' | 'height'): number {
  const root = /^<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const value = Number(new RegExp(`\\s${name}="([0-9.]+)"`).exec(root)?.[1]);
  if (!Number.isFinite(value) || value <= 0) {
    throw new ParamError(
      'INVALID_CHART_SPEC',
      `The chart rendered to an SVG without a positive ${name} (saw '${root.slice(0, 120)}'); give the spec a ` +
        'size (width and height).',
      { svg: root.slice(0, 120) },
    );
  }
  return value;
}
