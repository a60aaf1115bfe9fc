import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { DeepframeError, IOError, ParamError } from '../../src/errors.js';
import {
  barChart,
  type ChartSpec,
  confusionMatrixChart,
  learningCurveChart,
  type RenderedChart,
  ReportBuilder,
  renderChart,
  tuningResultsChart,
  writeReport,
} from '../../src/report/index.js';
import { runChromium, runningInGroup } from './chromium.js';

const HIGHLIGHT = { r: 0xf5, g: 0x85, b: 0x18 };
const INJECTION = '<script>alert("x")</script>';

const dir = mkdtempSync(join(tmpdir(), 'deepframe-report-'));
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The texts of an SVG's `<text>` elements, unescaped. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]!
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&'),
  );
}

/** How many pixels of a PNG are within 8 of a colour on every channel. */
async function countColor(png: Buffer, c: { r: number; g: number; b: number }): Promise<number> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let n = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    if (
      Math.abs(data[i]! - c.r) <= 8 &&
      Math.abs(data[i + 1]! - c.g) <= 8 &&
      Math.abs(data[i + 2]! - c.b) <= 8
    )
      n++;
  }
  return n;
}

/** Checks a rendered chart's PNG: twice the SVG's size, opaque, and not blank (varied, with dark pixels). */
async function assertPng(chart: RenderedChart, scale = 2): Promise<void> {
  const meta = await sharp(chart.png).metadata();
  assert.equal(meta.format, 'png');
  assert.equal(meta.width, Math.round(chart.width * scale));
  assert.equal(meta.height, Math.round(chart.height * scale));
  assert.equal(chart.pngWidth, meta.width);
  assert.equal(chart.pngHeight, meta.height);
  const stats = await sharp(chart.png).stats();
  assert.ok(stats.isOpaque, 'the PNG has a white background');
  for (const channel of stats.channels.slice(0, 3)) {
    assert.ok(channel.stdev > 10, `a channel varies (stdev ${channel.stdev})`);
    assert.ok(channel.min < 80, `there are dark pixels, such as text (min ${channel.min})`);
    assert.equal(channel.max, 255, 'the background is white');
  }
}

const labels = ['cat', 'dog', 'bird'];
const matrix = [
  [50, 3, 1],
  [4, 41, 5],
  [0, 2, 44],
];
const confusion = () => confusionMatrixChart({ labels, matrix, title: 'Confusion matrix (test set)' });
const curves = () =>
  learningCurveChart({
    title: 'Fine-tuning',
    yTitle: 'loss',
    series: [
      { name: 'train loss', points: [1, 2, 3, 4, 5].map((epoch) => ({ epoch, value: 1 / epoch })) },
      {
        name: 'validation loss',
        points: [1, 2, 3, 4, 5].map((epoch) => ({ epoch, value: 1.2 / epoch + 0.05 })),
      },
    ],
  });
const candidates = [
  { label: 'regParam=0.001', metric: 0.9412 },
  { label: 'regParam=0.01', metric: 0.9633 },
  { label: 'regParam=0.1', metric: 0.9125 },
];
const tuning = () =>
  tuningResultsChart({ title: 'Model search', metricName: 'accuracy (3-fold CV)', candidates });
const accuracies = () =>
  barChart({
    title: 'Test accuracy',
    valueTitle: 'accuracy',
    domain: [0, 1],
    valueFormat: '.1%',
    bars: [
      { label: 'raw-pixel baseline', value: 0.8812 },
      { label: 'transfer learning', value: 0.9712 },
      { label: 'trained from scratch', value: 0.9344 },
    ],
  });

describe('chart builders and renderChart', () => {
  it('draws a confusion matrix: classes on both axes, each count in its cell, coloured by count', async () => {
    const chart = await renderChart(confusion());
    const texts = svgTexts(chart.svg);
    for (const t of ['Confusion matrix (test set)', 'Predicted', 'Actual', 'Count'])
      assert.ok(texts.includes(t), t);
    for (const label of labels)
      assert.equal(texts.filter((t) => t === label).length, 2, `${label} on both axes`);
    const cells = matrix.flat().map(String);
    for (const count of new Set(cells)) {
      assert.ok(texts.filter((t) => t === count).length >= cells.filter((c) => c === count).length, count);
    }
    // Each cell in its place: row i of the matrix is actual class i, column j predicted class j (the rects'
    // accessible descriptions, written by Vega).
    matrix.forEach((row, i) => {
      row.forEach((count, j) => {
        const cell = `aria-label="Predicted: ${labels[j]}; Actual: ${labels[i]}; Count: ${count}"`;
        assert.ok(chart.svg.includes(cell), cell);
      });
    });
    // Counts over half the largest are written in white, over the darker cells.
    const white = [...chart.svg.matchAll(/<text\b[^>]*fill="white"[^>]*>(\d+)<\/text>/g)].map((m) =>
      Number(m[1]),
    );
    assert.deepEqual(
      white.sort((a, b) => a - b),
      [41, 44, 50],
    );
    await assertPng(chart);
  });

  it('draws learning curves: one line per series with a point per epoch, named in the legend', async () => {
    const chart = await renderChart(curves());
    const texts = svgTexts(chart.svg);
    for (const t of ['Fine-tuning', 'Epoch', 'loss', 'train loss', 'validation loss'])
      assert.ok(texts.includes(t), t);
    for (const e of ['1', '2', '3', '4', '5']) assert.ok(texts.includes(e), `epoch ${e} on the axis`);
    assert.equal(
      (chart.svg.match(/aria-label="Epoch: \d; loss: [0-9.]+; series: train loss"/g) ?? []).length,
      5 + 1,
    );
    await assertPng(chart);
  });

  it('draws model-search results: a bar per candidate with its metric, the best highlighted and named', async () => {
    const chart = await renderChart(tuning());
    const texts = svgTexts(chart.svg);
    for (const t of ['Model search', 'best: regParam=0.01 (0.9633)', 'accuracy (3-fold CV)']) {
      assert.ok(texts.includes(t), t);
    }
    for (const c of candidates) {
      assert.ok(texts.includes(c.label), c.label);
      assert.ok(texts.includes(String(c.metric)), String(c.metric));
    }
    await assertPng(chart);
    assert.ok(
      (await countColor(chart.png, HIGHLIGHT)) > 1000,
      'the best bar is drawn in the highlight colour',
    );

    const smallerIsBetter = await renderChart(
      tuningResultsChart({ metricName: 'rmse', candidates, best: 'regParam=0.1' }),
    );
    assert.ok(svgTexts(smallerIsBetter.svg).includes('best: regParam=0.1 (0.9125)'));
  });

  it('draws a bar chart with each value formatted beside its bar', async () => {
    const chart = await renderChart(accuracies());
    const texts = svgTexts(chart.svg);
    for (const t of [
      'Test accuracy',
      'accuracy',
      'raw-pixel baseline',
      'transfer learning',
      'trained from scratch',
    ]) {
      assert.ok(texts.includes(t), t);
    }
    for (const v of ['88.1%', '97.1%', '93.4%']) assert.ok(texts.includes(v), v);
    await assertPng(chart);
    assert.equal(await countColor(chart.png, HIGHLIGHT), 0, 'no bar is highlighted');
  });

  it('uses the generic sans-serif family and renders PNGs at the requested scale', async () => {
    const chart = await renderChart(accuracies(), { scale: 1 });
    const families = new Set([...chart.svg.matchAll(/font-family="([^"]*)"/g)].map((m) => m[1]));
    assert.deepEqual([...families], ['sans-serif']);
    await assertPng(chart, 1);
    const crisp = await renderChart(accuracies(), { scale: 3 });
    await assertPng(crisp, 3);
    assert.equal(crisp.width, chart.width);
  });

  it('escapes markup in chart text', async () => {
    const chart = await renderChart(
      barChart({ title: INJECTION, bars: [{ label: '<b>bold</b>', value: 1 }] }),
    );
    assert.ok(!chart.svg.includes('<script'));
    assert.ok(!chart.svg.includes('<b>'));
    assert.ok(svgTexts(chart.svg).includes(INJECTION));
  });

  it('rejects data that a chart cannot show, naming what was wrong', () => {
    const errorClass = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof ParamError);
        return `${e.errorClass} ${e.messageParameters.name}`;
      }
      return 'no error';
    };
    assert.equal(
      errorClass(() => confusionMatrixChart({ labels, matrix: matrix.slice(0, 2) })),
      'INVALID_CHART_DATA matrix',
    );
    assert.equal(
      errorClass(() => confusionMatrixChart({ labels: ['a', 'b'], matrix: [[1, 2], [3]] })),
      'INVALID_CHART_DATA matrix[1]',
    );
    assert.equal(
      errorClass(() => confusionMatrixChart({ labels: ['a'], matrix: [[-1]] })),
      'INVALID_CHART_DATA matrix[0][0]',
    );
    assert.equal(
      errorClass(() =>
        confusionMatrixChart({
          labels: ['a', 'a'],
          matrix: [
            [1, 2],
            [3, 4],
          ],
        }),
      ),
      'INVALID_CHART_DATA labels',
    );
    assert.equal(
      errorClass(() => learningCurveChart({ series: [] })),
      'INVALID_CHART_DATA series',
    );
    assert.equal(
      errorClass(() =>
        learningCurveChart({ series: [{ name: 'loss', points: [{ epoch: 1, value: Number.NaN }] }] }),
      ),
      'INVALID_CHART_DATA series[0].points[0]',
    );
    assert.equal(
      errorClass(() => tuningResultsChart({ metricName: 'accuracy', candidates, best: 'regParam=1' })),
      'INVALID_CHART_DATA best',
    );
    assert.equal(
      errorClass(() => barChart({ bars: [{ label: 'a', value: 1 }], domain: [1, 0] })),
      'INVALID_CHART_DATA domain',
    );
    assert.equal(
      errorClass(() => barChart({ bars: [] })),
      'INVALID_CHART_DATA bars',
    );
  });

  it('rejects a spec that Vega-Lite cannot compile, and a scale out of range', async () => {
    const bad = { data: { values: [] }, mark: 'no-such-mark' } as unknown as ChartSpec;
    await assert.rejects(
      renderChart(bad),
      (e) =>
        e instanceof ParamError &&
        e.errorClass === 'INVALID_CHART_SPEC' &&
        /could not be drawn/.test(e.message),
    );
    await assert.rejects(
      renderChart(accuracies(), { scale: 0 }),
      (e) => e instanceof ParamError && e.errorClass === 'INVALID_PARAM',
    );
  });
});

/** A report with every kind of block and chart, and markup in its user text. */
function sampleReport(): ReportBuilder {
  const report = new ReportBuilder({
    title: 'Digits report',
    intro: `Transfer learning on handwritten digits. ${INJECTION}`,
  });
  report
    .section('Accuracy')
    .paragraph(`Accuracy on the held-out images & the baselines ${INJECTION}`)
    .keyValues({
      'transfer learning': '97.1%',
      'raw-pixel baseline': 0.8812,
      images: 360,
      '<i>key</i>': null,
    })
    .chart('accuracy', accuracies(), { caption: 'Test accuracy of the three approaches.' })
    .chart('confusion-matrix', confusion());
  report
    .section('Model search')
    .table(
      ['candidate', 'accuracy', 'best'],
      candidates.map((c) => [c.label, c.metric, c.label === 'regParam=0.01']),
      { caption: `Cross-validation ${INJECTION}` },
    )
    .chart('tuning', tuning());
  report.section(`Learning curves ${INJECTION}`).chart('learning-curves', curves());
  return report;
}

describe('writeReport', () => {
  it('writes index.html and a PNG per chart, and returns their paths', async () => {
    const out = join(dir, 'written');
    const files = await sampleReport().write(out);
    const ids = ['accuracy', 'confusion-matrix', 'tuning', 'learning-curves'];
    assert.deepEqual(files, {
      dir: out,
      html: join(out, 'index.html'),
      pngs: ids.map((id) => join(out, `${id}.png`)),
      written: true,
    });
    assert.deepEqual(
      (await readdir(out)).sort(),
      ['_SUCCESS', 'index.html', ...ids.map((id) => `${id}.png`)].sort(),
    );
    for (const png of files.pngs) assert.equal((await sharp(png).metadata()).format, 'png');
  });

  it('escapes all user text in the page: the only script is its own render check', async () => {
    const out = join(dir, 'escaped');
    const { html: path } = await sampleReport().write(out);
    const html = await readFile(path, 'utf8');
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.ok(!html.includes('alert("x")</script>'));
    assert.ok(!html.includes('<i>key</i>'));
    // The intro, the paragraph, the table caption and the heading (in the contents and in its section).
    assert.equal(html.split('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;').length - 1, 5);
    assert.ok(html.includes('<th scope="row">&lt;i&gt;key&lt;/i&gt;</th>'));
    assert.ok(html.includes('<p>Accuracy on the held-out images &amp; the baselines'));
    assert.ok(!/\b(?:src|href)="(?:https?:)?\/\//.test(html), 'no external resource is referenced');
  });

  it('gives each inline SVG its own ids, so that charts in one page do not share definitions', async () => {
    const report = new ReportBuilder({ title: 'Two heatmaps' });
    report.section('Heatmaps').chart('first', confusion()).chart('second', confusion());
    const html = await readFile((await report.write(join(dir, 'ids'))).html, 'utf8');
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(ids.some((id) => id.startsWith('first-')) && ids.some((id) => id.startsWith('second-')));
    assert.equal(new Set(ids).size, ids.length, 'ids are unique');
    for (const m of html.matchAll(/url\(#([^)]+)\)/g))
      assert.ok(ids.includes(m[1]!), `url(#${m[1]}) resolves`);
  });

  it('fails over an existing directory unless told to overwrite, append or ignore', async () => {
    const out = join(dir, 'modes');
    await mkdir(out);
    await writeFile(join(out, 'old.txt'), 'old');
    const report = sampleReport().toReport();
    await assert.rejects(
      writeReport(out, report),
      (e) =>
        e instanceof IOError && e.errorClass === 'PATH_ALREADY_EXISTS' && /mode: 'overwrite'/.test(e.message),
    );
    const ignored = await writeReport(out, report, { mode: 'ignore' });
    assert.equal(ignored.written, false);
    assert.deepEqual(await readdir(out), ['old.txt']);
    await writeReport(out, report, { mode: 'append' });
    assert.ok((await readdir(out)).includes('old.txt') && (await readdir(out)).includes('index.html'));
    await writeReport(out, report, { mode: 'overwrite' });
    assert.ok(!(await readdir(out)).includes('old.txt'));
  });

  it('rejects a report it cannot write before writing anything', async () => {
    const out = join(dir, 'invalid');
    const duplicate = new ReportBuilder({ title: 'Duplicate' });
    duplicate.section('A').chart('plot', accuracies());
    duplicate.section('B').chart('Plot', accuracies());
    const badId = new ReportBuilder({ title: 'Bad id' });
    badId.section('A').chart('../escape', accuracies());
    const ragged = new ReportBuilder({ title: 'Ragged' });
    ragged.section('A').table(['a', 'b'], [[1, 2], [3]]);
    for (const report of [duplicate, badId, ragged, new ReportBuilder({ title: ' ' })]) {
      await assert.rejects(
        report.write(out),
        (e) => e instanceof ParamError && e.errorClass === 'INVALID_REPORT',
        report.toReport().title,
      );
    }
    await assert.rejects(readdir(out), { code: 'ENOENT' });
    assert.ok(new ParamError('X', 'y') instanceof DeepframeError);
  });
});

describe('the report page in headless Chromium', () => {
  let out: string;
  let url: string;
  let dom: string;

  before(async () => {
    out = join(dir, 'browser');
    await sampleReport().write(out);
    url = pathToFileURL(join(out, 'index.html')).href;
    const run = await runChromium([
      '--window-size=1280,2000',
      '--virtual-time-budget=10000',
      '--dump-dom',
      url,
    ]);
    assert.ok(!run.timedOut, 'Chromium finished in time');
    assert.equal(run.code, 0, `Chromium failed:\n${run.stderr}`);
    assert.deepEqual(await runningInGroup(run.pid!), [], 'no Chromium process outlives the run');
    dom = run.stdout;
  });

  it('shows the title and every section heading', () => {
    assert.match(dom, /<title>Digits report<\/title>/);
    assert.match(dom, /<h1>Digits report<\/h1>/);
    const headings = [...dom.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]);
    assert.deepEqual(headings, [
      'Accuracy',
      'Model search',
      'Learning curves &lt;script&gt;alert("x")&lt;/script&gt;',
    ]);
  });

  it('ran its render check: every PNG loaded and every inline SVG has its size on the page', async () => {
    assert.match(dom, /<body [^>]*data-render-check="done"/);
    assert.match(dom, /<body [^>]*data-images-loaded="4\/4"/);
    const images = [...dom.matchAll(/<img\b[^>]*>/g)].map((m) => m[0]);
    assert.equal(images.length, 4);
    for (const img of images) assert.match(img, /data-loaded="yes"/);
    const figures = [
      ...dom.matchAll(/<figure class="chart" id="chart-([a-z-]+)" data-svg-size="(\d+)x(\d+)">/g),
    ];
    assert.deepEqual(
      figures.map((m) => m[1]),
      ['accuracy', 'confusion-matrix', 'tuning', 'learning-curves'],
    );
    for (const [, id, w, h] of figures) {
      const svg = /<svg\b[^>]*>/.exec(dom.slice(dom.indexOf(`id="chart-${id}"`)))![0];
      const width = Number(/\swidth="([0-9.]+)"/.exec(svg)![1]);
      const height = Number(/\sheight="([0-9.]+)"/.exec(svg)![1]);
      assert.deepEqual(
        [Number(w), Number(h)],
        [Math.round(width), Math.round(height)],
        `${id} drawn at its size`,
      );
    }
    assert.equal((dom.match(/<svg\b/g) ?? []).length, 4);
  });

  it('renders a page that is not blank, with the charts in it', async () => {
    const shot = join(dir, 'screenshot.png');
    const run = await runChromium([
      '--window-size=1280,2000',
      '--virtual-time-budget=10000',
      `--screenshot=${shot}`,
      url,
    ]);
    assert.equal(run.code, 0, `Chromium failed:\n${run.stderr}`);
    const image = await readFile(shot);
    const meta = await sharp(image).metadata();
    assert.deepEqual([meta.width, meta.height], [1280, 2000]);
    const stats = await sharp(image).stats();
    for (const channel of stats.channels.slice(0, 3))
      assert.ok(channel.stdev > 10, `varied (${channel.stdev})`);
    // The best candidate's bar, drawn by the browser from the inline SVG (and in the PNG thumbnail).
    assert.ok((await countColor(image, HIGHLIGHT)) > 1000);
  });

  it('kills a Chromium that runs past its time limit, with every process it started', async () => {
    // With a debugging port open, headless Chromium waits for a client and never exits by itself.
    const run = await runChromium(['--remote-debugging-port=0', 'about:blank'], 3000);
    assert.equal(run.timedOut, true);
    assert.equal(run.signal, 'SIGKILL');
    assert.deepEqual(await runningInGroup(run.pid!), []);
  });
});
