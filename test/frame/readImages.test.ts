import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { col } from '../../src/frame/functions.js';
import { imagesFromVector } from '../../src/image/index.js';
import { fileOrigin } from '../../src/io/imageFiles.js';
import { type ImageFolderFixture, jpegTolerance, makeImageFolder } from '../fixtures/images.js';
import { useSession } from '../helpers/session.js';

const { session, dir } = useSession();
let fx: ImageFolderFixture;

describe('session.read.images', () => {
  before(async () => {
    const root = join(dir(), 'images');
    mkdirSync(root);
    fx = await makeImageFolder(root);
  });

  it("gives Spark's image struct with BGR bytes for every JPEG and PNG, and labels from folders", async () => {
    const df = session().read.images(fx.root, { recursive: true, labelFromFolder: true, dropInvalid: true });
    assert.deepEqual(await df.columns(), ['image', 'label']);
    const table = await df.toArrow();
    const images = imagesFromVector(table.getChild('image')!);
    const labels = table.getChild('label')!.toArray() as (string | null)[];
    assert.equal(images.length, fx.images.length);
    for (const expected of fx.images) {
      const i = images.findIndex((im) => im?.origin === fileOrigin(expected.path));
      assert.ok(i >= 0, `${expected.name} was read`);
      const image = images[i]!;
      assert.deepEqual(
        [image.height, image.width, image.nChannels, image.mode],
        [expected.height, expected.width, expected.nChannels, { 1: 0, 3: 16, 4: 24 }[expected.nChannels]],
      );
      assert.equal(labels[i], expected.label ?? null);
      if (expected.exact) {
        assert.deepEqual(image.data, expected.bgr, `${expected.name}: exact BGR bytes`);
      } else {
        const worst = image.data.reduce((m, v, k) => Math.max(m, Math.abs(v - expected.bgr[k]!)), 0);
        assert.ok(worst <= jpegTolerance, `${expected.name}: JPEG within ${jpegTolerance} (worst ${worst})`);
      }
    }
  });

  it('keeps corrupt and truncated files as null images with their reason, or drops them with dropInvalid', async () => {
    const kept = session().read.images(fx.root, { recursive: true, errorColumn: 'error' });
    const broken = await kept.filter(col('image').isNull()).select('error').collect();
    assert.equal(broken.length, 2);
    for (const r of broken) assert.match(String(r.error), /CORRUPT_IMAGE.*(corrupt|truncated)\.jpg/);
    assert.equal(await kept.count(), fx.images.length + 2);
    const dropped = session().read.images(fx.root, { recursive: true, dropInvalid: true });
    assert.equal(await dropped.count(), fx.images.length);
    assert.equal(await dropped.filter(col('image').isNull()).count(), 0);
    // A field of a null image is null too.
    assert.deepEqual(await kept.filter(col('image').isNull()).select('image.width').distinct().collect(), [
      { width: null },
    ]);
  });

  it('reads only the top folder without recursive, and a deterministic sample with sampleRatio', async () => {
    const top = await session().read.images(fx.root).count();
    assert.equal(top, fx.images.filter((im) => !im.name.includes('/')).length);
    const a = await session()
      .read.images(fx.root, { recursive: true, sampleRatio: 0.5, seed: 3 })
      .select('image.origin')
      .collect();
    const b = await session()
      .read.images(fx.root, { recursive: true, sampleRatio: 0.5, seed: 3 })
      .select('image.origin')
      .collect();
    assert.deepEqual(a, b);
    assert.ok(a.length < fx.images.length + 2);
  });

  it('image DataFrames work with relational operators and writers', async () => {
    const df = session().read.images(fx.root, { recursive: true, labelFromFolder: true, dropInvalid: true });
    const counts = await df.groupBy('label').count().orderBy('label').collect();
    const expected = new Map<string | null, number>();
    for (const im of fx.images) expected.set(im.label ?? null, (expected.get(im.label ?? null) ?? 0) + 1);
    assert.deepEqual(
      counts.map((r) => [r.label, Number(r.count)]),
      [...expected.entries()].sort((x, y) => String(x[0] ?? '').localeCompare(String(y[0] ?? ''))),
    );
    const path = join(dir(), 'images.parquet');
    await df.write.parquet(path);
    const back = await session().read.parquet(path).orderBy(col('image.origin')).collect();
    const original = await df.orderBy(col('image.origin')).collect();
    assert.deepEqual(back, original);
  });

  it('a bad sampleRatio or a missing folder is refused when the reader is called', () => {
    assert.throws(
      () => session().read.images(fx.root, { sampleRatio: 0 }),
      /sampleRatio must be in \(0, 1\]/,
    );
    assert.throws(() => session().read.images(join(fx.root, 'missing')), /PATH_NOT_FOUND.*missing/);
  });
});
