import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type DemoResults, runDemo } from '../../src/cli/demo.js';
import { runChromium, runningInGroup } from '../report/chromium.js';

/** The demo's whole story, as `npm run demo` runs it, and its report in headless Chromium. */
describe('deepframe demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepframe-demo-'));
  const lines: string[] = [];
  let results: DemoResults;

  before(async () => {
    results = await runDemo({ outDir: dir, progress: false, print: (line) => lines.push(line) });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('classifies the digits 5–9 four ways; transfer learning beats raw pixels by at least 15 points', () => {
    assert.equal(results.trainImages, 716);
    assert.equal(results.testImages, 180);
    assert.deepEqual(results.classes, ['5', '6', '7', '8', '9']);
    assert.ok(results.transfer.accuracy >= 0.9, `transfer ${results.transfer.accuracy}`);
    assert.ok(
      results.transfer.accuracy - results.baseline.accuracy >= 0.15,
      `transfer ${results.transfer.accuracy} vs raw pixels ${results.baseline.accuracy}`,
    );
    assert.ok(results.fineTuned.accuracy >= 0.85, `fine-tuned ${results.fineTuned.accuracy}`);
    assert.ok(results.scratch.accuracy >= 0.85, `from scratch ${results.scratch.accuracy}`);
    // The confusion matrix counts every test image once; its diagonal is the accuracy.
    const total = results.transfer.confusion.flat().reduce((a, b) => a + b, 0);
    const diagonal = results.transfer.confusion.reduce((a, row, i) => a + (row[i] ?? 0), 0);
    assert.equal(total, 180);
    assert.equal(diagonal / total, results.transfer.accuracy);
    assert.equal(results.transfer.tuning.length, 5);
    const best = Math.max(...results.transfer.tuning.map((t) => t.accuracy));
    assert.equal(
      results.transfer.tuning.find((t) => t.accuracy === best)?.regParam,
      results.transfer.bestRegParam,
    );
    assert.equal(results.fineTuned.history.length, 15);
    assert.ok(results.fineTuned.history.every((h) => h.validationAccuracy !== undefined));
  });

  it('prints the accuracies and where the report is', () => {
    const text = lines.join('\n');
    assert.match(text, /Test accuracy on 180 images of the digits 5–9:/);
    assert.match(text, /Logistic regression on raw pixels +\d+\.\d%/);
    assert.match(text, /Transfer learning beats the raw-pixel baseline by \d+\.\d points\./);
    assert.match(text, new RegExp(`Report: ${join(dir, 'report', 'index.html')}`));
  });

  it('writes a report that renders in headless Chromium with all its plots', async () => {
    const pngs = readdirSync(join(dir, 'report')).filter((f) => f.endsWith('.png'));
    assert.deepEqual(pngs.sort(), [
      'accuracy.png',
      'confusion-matrix.png',
      'fine-tuning-accuracy.png',
      'fine-tuning-loss.png',
      'from-scratch-accuracy.png',
      'from-scratch-loss.png',
      'model-search.png',
    ]);
    const run = await runChromium([
      '--window-size=1280,2000',
      '--virtual-time-budget=10000',
      '--dump-dom',
      pathToFileURL(join(dir, 'report', 'index.html')).href,
    ]);
    assert.equal(run.code, 0, `Chromium failed:\n${run.stderr}`);
    assert.deepEqual(await runningInGroup(run.pid!), []);
    const dom = run.stdout;
    assert.deepEqual(
      [...dom.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]),
      [
        'Test accuracy',
        'Confusion matrix (transfer learning)',
        'Model search',
        'Learning curves: fine-tuning the backbone',
        'Learning curves: a CNN from scratch',
      ],
    );
    assert.match(dom, /<body [^>]*data-images-loaded="7\/7"/);
    assert.equal((dom.match(/<svg\b/g) ?? []).length, 7);
  });

  it('refuses an unknown option with a clear message', async () => {
    const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
    await assert.rejects(
      promisify(execFile)(process.execPath, [cli, 'demo', '--colour']),
      (e: { stderr: string }) => /unknown option '--colour'/.test(e.stderr),
    );
  });
});
