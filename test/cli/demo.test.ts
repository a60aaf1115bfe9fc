import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'deepframe-demo-'));
after(() => rmSync(out, { recursive: true, force: true }));

describe('deepframe demo', () => {
  it('featurizes and classifies the shipped held-out digits and reports their accuracy', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cli, 'demo', '--out', out, '--no-progress'],
      {
        env: { ...process.env, DEEPFRAME_HOME: join(out, 'home') },
      },
    );
    assert.match(stdout, /Wrote 360 held-out handwritten digits/);
    assert.match(stdout, /\|-- features: vector/);
    assert.match(stdout, /360 images featurized \(64-d features\) and classified/);
    assert.match(stdout, /\|\s+file\|label\|predicted\|probability\|runnerUp\|correct\|/);
    const accuracy = /Accuracy: (\d+) of 360 = ([\d.]+)%/.exec(stdout);
    assert.ok(accuracy !== null, stdout);
    // The shipped CNN scores 99.4% on this split (models/digits-cnn.json); allow a few images for the PNG path.
    assert.ok(Number(accuracy[1]) >= 350, `accuracy ${accuracy[2]}%`);
    assert.equal(readdirSync(join(out, 'digits')).sort().join(','), '0,1,2,3,4,5,6,7,8,9');
  });

  it('refuses an unknown option with a clear message', async () => {
    await assert.rejects(
      promisify(execFile)(process.execPath, [cli, 'demo', '--colour']),
      (e: { stderr: string }) => /unknown option '--colour'/.test(e.stderr),
    );
  });
});
