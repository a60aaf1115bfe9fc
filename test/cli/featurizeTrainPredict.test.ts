import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadDigits, writeDigitImages } from '../../src/cli/digits.js';
import { Session } from '../../src/frame/Session.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'deepframe-cli-'));
const env = { ...process.env, DEEPFRAME_HOME: join(dir, 'home') };

/** Runs the CLI; resolves with its output, rejects (with stderr) when it exits non-zero. */
async function deepframe(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [cli, ...args, '--master', 'local[2]'], {
    env,
  });
  return stdout;
}

/** The digit in an image's origin URL (`…/<label>/digit_0001.png`). */
const labelOf = (origin: string) => /\/(\d)\/[^/]+$/.exec(origin)?.[1];

describe('deepframe featurize, train, predict', () => {
  let session: Session;
  before(async () => {
    const digits = await loadDigits();
    await writeDigitImages(digits, digits.train.slice(0, 200), join(dir, 'train'));
    await writeDigitImages(digits, digits.test.slice(0, 100), join(dir, 'test'));
    session = await Session.builder().master('local[2]').getOrCreate();
  });
  after(async () => {
    await session.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('featurizes labelled images into Parquet, and trains an MLP on the features', async () => {
    const out = join(dir, 'features');
    const printed = await deepframe(
      'featurize',
      join(dir, 'train'),
      '--label-from-folder',
      '--model',
      'DigitsBackbone0to4',
      '--out',
      out,
    );
    assert.equal(printed.trim(), out);
    const features = session.read.parquet(out);
    assert.deepEqual(await features.columns(), ['origin', 'label', 'features']);
    const rows = await features.collect();
    assert.equal(rows.length, 200);
    for (const row of rows) assert.equal(labelOf(String(row.origin)), row.label);

    const trained = await deepframe(
      'train',
      out,
      '--featurizer',
      'none',
      '--classifier',
      'mlp',
      '--hidden',
      '32',
      '--max-iter',
      '200',
      '--model-dir',
      join(dir, 'mlp'),
    );
    assert.match(trained, /MultilayerPerceptronClassificationModel → IndexToString/);
    const accuracy = Number(/Training accuracy: ([\d.]+)% over 10 classes/.exec(trained)?.[1]);
    assert.ok(accuracy >= 95, trained);

    // The same MLP trained data-parallel by two workers, with Adam.
    const parallel = await deepframe(
      'train',
      out,
      '--featurizer',
      'none',
      '--classifier',
      'mlp',
      '--solver',
      'adam',
      '--num-workers',
      '2',
      '--max-iter',
      '60',
      '--model-dir',
      join(dir, 'mlp-parallel'),
    );
    const parallelAccuracy = Number(/Training accuracy: ([\d.]+)% over 10 classes/.exec(parallel)?.[1]);
    assert.ok(parallelAccuracy >= 95, parallel);
    await assert.rejects(
      deepframe(
        'train',
        out,
        '--featurizer',
        'none',
        '--classifier',
        'mlp',
        '--num-workers',
        '2',
        '--model-dir',
        join(dir, 'x'),
      ),
      /numWorkers 2 needs solver 'adam' or 'gd'/,
    );
  });

  it('trains a pipeline on images and predicts the labels of unlabelled images with it', async () => {
    const trained = await deepframe(
      'train',
      join(dir, 'train'),
      '--label-from-folder',
      '--featurizer',
      'DigitsBackbone0to4',
      '--reg-param',
      '0.001',
      '--model-dir',
      join(dir, 'lr'),
    );
    assert.match(trained, /DeepImageFeaturizer → LogisticRegressionModel → IndexToString/);
    // No --label-from-folder: the saved model needs no label column.
    const out = join(dir, 'predictions');
    await deepframe('predict', join(dir, 'test'), '--model-dir', join(dir, 'lr'), '--out', out);
    const rows = await session.read.parquet(out).select('origin', 'predictedLabel').collect();
    assert.equal(rows.length, 100);
    const right = rows.filter((r) => labelOf(String(r.origin)) === r.predictedLabel).length;
    assert.ok(right >= 90, `${right} of 100 right`);
  });

  it('fine-tunes a network on images with --classifier image and predicts with the saved model', async () => {
    const trained = await deepframe(
      'train',
      join(dir, 'train'),
      '--label-from-folder',
      '--classifier',
      'image',
      '--featurizer',
      'DigitsBackbone0to4',
      '--trainable-layers',
      '1',
      '--epochs',
      '20',
      '--learning-rate',
      '0.005',
      '--validation-split',
      '0.2',
      '--seed',
      '3',
      '--model-dir',
      join(dir, 'image'),
    );
    assert.match(trained, /Saved a PipelineModel \(ImageClassificationModel → IndexToString\)/);
    assert.match(trained, /Epoch 20: loss [\d.]+, accuracy [\d.]+%, validation accuracy [\d.]+%/);
    const out = join(dir, 'image-predictions');
    await deepframe('predict', join(dir, 'test'), '--model-dir', join(dir, 'image'), '--out', out);
    const rows = await session.read.parquet(out).select('origin', 'predictedLabel').collect();
    assert.equal(rows.length, 100);
    const right = rows.filter((r) => labelOf(String(r.origin)) === r.predictedLabel).length;
    assert.ok(right >= 80, `${right} of 100 right`);
  });

  it('predicts with a pretrained classifier, top-k decoded, as CSV', async () => {
    const out = join(dir, 'top3');
    await deepframe('predict', join(dir, 'test'), '--model', 'DigitsCNN', '--top-k', '3', '--out', out);
    const rows = await session.read.parquet(out).collect();
    assert.equal(rows.length, 100);
    let right = 0;
    for (const row of rows) {
      const predicted = row.predicted as { class: string; probability: number }[];
      assert.equal(predicted.length, 3);
      assert.ok((predicted[0]?.probability ?? 0) >= (predicted[1]?.probability ?? 1));
      if (predicted[0]?.class === labelOf(String(row.origin))) right++;
    }
    assert.ok(right >= 95, `${right} of 100 right`);
    const csv = join(dir, 'csv');
    await deepframe(
      'predict',
      join(dir, 'test'),
      '--model-dir',
      join(dir, 'lr'),
      '--out',
      csv,
      '--format',
      'csv',
    );
    const header = await session.read.option('header', true).csv(csv).columns();
    assert.deepEqual(header.slice(-2), ['prediction', 'predictedLabel']);
  });

  it('fails clearly on bad arguments', async () => {
    const fails = (args: string[], message: RegExp) =>
      assert.rejects(deepframe(...args), (e: { stderr: string; code: number }) => {
        assert.match(e.stderr, message);
        assert.equal(e.code, 1);
        return true;
      });
    await fails(
      ['predict', join(dir, 'test'), '--out', join(dir, 'x')],
      /Give exactly one of --model-dir \(a saved PipelineModel\) and --model/,
    );
    await fails(
      ['featurize', join(dir, 'test'), '--model', 'NoSuchNet', '--out', join(dir, 'y')],
      /Unknown model 'NoSuchNet'. Known models: DigitsCNN, DigitsBackbone0to4/,
    );
    await fails(
      ['train', join(dir, 'train'), '--classifier', 'forest', '--model-dir', join(dir, 'z')],
      /option '--classifier <kind>' argument 'forest' is invalid. Allowed choices are logistic, mlp/,
    );
    await fails(
      ['predict', join(dir, 'test'), '--model-dir', join(dir, 'missing'), '--out', join(dir, 'w')],
      /Cannot load a stage from '.*missing': it does not exist/,
    );
  });
});
