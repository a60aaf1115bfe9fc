import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IOError, ParamError } from '../../src/errors.js';
import { defaultImageExtensions, fileOrigin, listImageFiles } from '../../src/io/imageFiles.js';
import { type ImageFolderFixture, makeImageFolder, writeSyntheticJpegs } from '../fixtures/images.js';

let dir: string;
let fx: ImageFolderFixture;
let many: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deepframe-list-'));
  fx = await makeImageFolder(join(dir, 'pets'));
  many = join(dir, 'many');
  await writeSyntheticJpegs(many, 400, { width: 8, height: 8, classes: 4, variantsPerClass: 1 });
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rel = (root: string, paths: readonly string[]) =>
  paths.map((p) => relative(root, p).split(sep).join('/'));

describe('listImageFiles', () => {
  it('lists only the images directly in a folder by default, skipping hidden and non-image files', async () => {
    const files = await listImageFiles(fx.root);
    assert.deepEqual(files, [{ path: join(fx.root, 'top.png') }]);
  });

  it('descends into sub-folders with recursive, sorted by path', async () => {
    const files = await listImageFiles(fx.root, { recursive: true });
    const paths = files.map((f) => f.path);
    assert.deepEqual(
      paths,
      [...paths].sort((a, b) => (a < b ? -1 : 1)),
    );
    assert.deepEqual(rel(fx.root, paths), [
      'broken/corrupt.jpg',
      'broken/truncated.jpg',
      'cats/blue.jpg',
      'cats/gradient.png',
      'cats/red.png',
      'cats/upper.PNG',
      'dogs/grey-alpha.png',
      'dogs/grey.jpg',
      'dogs/grey.png',
      'dogs/puppies/yellow.png',
      'dogs/rgba.png',
      'top.png',
    ]);
    assert.ok(files.every((f) => f.label === undefined));
    for (const h of [...fx.hidden, ...fx.nonImages]) assert.ok(!paths.includes(h), h);
  });

  it('labels files with their immediate parent folder below the root, recursing by default', async () => {
    const files = await listImageFiles(fx.root, { labelFromFolder: true });
    const labels = Object.fromEntries(
      files.map((f) => [relative(fx.root, f.path).split(sep).join('/'), f.label]),
    );
    assert.equal(labels['cats/red.png'], 'cats');
    assert.equal(labels['dogs/grey.png'], 'dogs');
    assert.equal(labels['dogs/puppies/yellow.png'], 'puppies');
    assert.equal(labels['broken/corrupt.jpg'], 'broken');
    assert.ok('top.png' in labels);
    assert.equal(labels['top.png'], undefined);
    assert.ok(!Object.hasOwn(files.find((f) => f.path.endsWith('top.png'))!, 'label'));
    for (const image of fx.images) assert.equal(labels[image.name], image.label, image.name);
  });

  it('does not recurse when told not to, even with labels', async () => {
    const files = await listImageFiles(fx.root, { labelFromFolder: true, recursive: false });
    assert.deepEqual(files, [{ path: join(fx.root, 'top.png') }]);
  });

  it('filters by the given extensions, case-insensitively, or lists everything with null or *', async () => {
    const pngs = await listImageFiles(fx.root, { recursive: true, extensions: ['.PNG'] });
    assert.ok(pngs.length > 0 && pngs.every((f) => f.path.toLowerCase().endsWith('.png')));
    assert.ok(pngs.some((f) => f.path.endsWith('upper.PNG')));
    for (const all of [null, '*'] as const) {
      const files = await listImageFiles(fx.root, { recursive: true, extensions: all });
      const paths = files.map((f) => f.path);
      assert.ok(paths.includes(fx.nonImages[0]!));
      for (const h of fx.hidden) assert.ok(!paths.includes(h), h);
    }
    assert.ok(defaultImageExtensions.includes('jpg') && !defaultImageExtensions.includes('bmp'));
  });

  it('lists a file given as the path, whatever its extension, without a label', async () => {
    const red = fx.byName['cats/red.png']!.path;
    assert.deepEqual(await listImageFiles(red, { labelFromFolder: true }), [{ path: red }]);
    assert.deepEqual(await listImageFiles(fx.nonImages[0]!), [{ path: fx.nonImages[0]! }]);
  });

  it('resolves relative paths to absolute ones', async () => {
    const files = await listImageFiles(relative(process.cwd(), fx.root));
    assert.deepEqual(files, [{ path: join(fx.root, 'top.png') }]);
  });

  it('follows symbolic links without looping', async () => {
    const linked = join(dir, 'linked');
    await cp(join(fx.root, 'cats'), join(linked, 'real'), { recursive: true });
    await symlink(join(linked, 'real'), join(linked, 'alias'));
    await symlink(linked, join(linked, 'real', 'back-to-root'));
    const files = await listImageFiles(linked, { labelFromFolder: true });
    const names = files.map((f) => relative(linked, f.path).split(sep).join('/'));
    assert.equal(new Set(names.map((n) => n.split('/').pop())).size, names.length, names.join(', '));
    assert.equal(names.length, 4);
  });

  it('gives an empty list for a folder without images', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    assert.deepEqual(await listImageFiles(empty, { recursive: true }), []);
  });

  it('throws PATH_NOT_FOUND naming a missing path', async () => {
    const missing = join(dir, 'no-such-folder');
    await assert.rejects(listImageFiles(missing), (e: unknown) => {
      assert.ok(e instanceof IOError);
      assert.equal(e.errorClass, 'PATH_NOT_FOUND');
      assert.ok(e.message.includes(missing));
      assert.equal(e.messageParameters.path, missing);
      return true;
    });
  });

  it('samples the same files for the same seed, wherever the folder is', async () => {
    const all = await listImageFiles(many, { labelFromFolder: true });
    assert.equal(all.length, 400);
    const a = await listImageFiles(many, { labelFromFolder: true, sampleRatio: 0.5, seed: 7 });
    const b = await listImageFiles(many, { labelFromFolder: true, sampleRatio: 0.5, seed: 7 });
    const c = await listImageFiles(many, { labelFromFolder: true, sampleRatio: 0.5, seed: 8 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    // 400 files at 0.5: the standard deviation of the count is 10; allow five of them.
    assert.ok(a.length > 150 && a.length < 250, `kept ${a.length}`);
    const allPaths = new Set(all.map((f) => f.path));
    assert.ok(a.every((f) => allPaths.has(f.path) && f.label?.startsWith('class_')));
    assert.deepEqual(
      a.map((f) => f.path),
      a.map((f) => f.path).sort((x, y) => (x < y ? -1 : 1)),
    );

    const moved = join(dir, 'elsewhere', 'copy');
    await cp(many, moved, { recursive: true });
    const d = await listImageFiles(moved, { labelFromFolder: true, sampleRatio: 0.5, seed: 7 });
    assert.deepEqual(
      rel(
        moved,
        d.map((f) => f.path),
      ),
      rel(
        many,
        a.map((f) => f.path),
      ),
    );

    const small = await listImageFiles(many, { recursive: true, sampleRatio: 0.1, seed: 7 });
    assert.ok(small.length > 15 && small.length < 65, `kept ${small.length}`);
    assert.equal((await listImageFiles(many, { recursive: true, sampleRatio: 1, seed: 7 })).length, 400);
  });

  it('rejects a sampleRatio outside (0, 1] and a non-integer seed', async () => {
    for (const sampleRatio of [0, -0.5, 1.5, Number.NaN]) {
      await assert.rejects(
        listImageFiles(fx.root, { sampleRatio }),
        (e: unknown) => e instanceof ParamError && e.errorClass === 'INVALID_PARAM_VALUE',
      );
    }
    await assert.rejects(listImageFiles(fx.root, { sampleRatio: 0.5, seed: 0.5 }), ParamError);
  });
});

describe('fileOrigin', () => {
  it('is the file URL, percent-encoded, as Spark’s image source writes it', () => {
    assert.equal(fileOrigin('/data/my cat.jpg'), 'file:///data/my%20cat.jpg');
  });
});
