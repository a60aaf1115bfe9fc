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
  it('generates images, shows them as a DataFrame, summarizes per label and writes Parquet', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      cli,
      'demo',
      '--out',
      out,
      '--per-class',
      '6',
    ]);
    assert.match(stdout, /Generated 18 images/);
    assert.match(stdout, /\|-- image: struct \(nullable = true\)/);
    assert.match(stdout, /\|\s+label\|images\|mean_bytes\|/);
    for (const label of ['circle', 'square', 'triangle'])
      assert.match(stdout, new RegExp(`\\|\\s*${label}\\|\\s+6\\|`));
    assert.match(stdout, /partitioned by label\): 18 rows/);
    assert.deepEqual(
      readdirSync(join(out, 'images.parquet'))
        .filter((f) => f.startsWith('label='))
        .sort(),
      ['label=circle', 'label=square', 'label=triangle'],
    );
  });

  it('refuses a bad option with a clear message', async () => {
    await assert.rejects(
      promisify(execFile)(process.execPath, [cli, 'demo', '--per-class', 'many']),
      (e: { stderr: string }) => /expected a whole number ≥ 1, got 'many'/.test(e.stderr),
    );
  });
});
