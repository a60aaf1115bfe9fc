import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as arrow from 'apache-arrow';
import { DeepframeError, IOError, SchemaError } from '../../src/errors.js';
import {
  type ImageBatchRow,
  type ImageStruct,
  imageAt,
  imageFromRGB,
  imageRecordBatch,
  imagesFromVector,
  imageVector,
  invalidImage,
} from '../../src/image/index.js';

const red = imageFromRGB(
  new Uint8Array(2 * 3 * 3).fill(0).map((_, i) => (i % 3 === 0 ? 255 : 0)),
  {
    height: 2,
    width: 3,
    nChannels: 3,
  },
);
const grey = imageFromRGB(
  Uint8Array.of(1, 2, 3, 4),
  { height: 2, width: 2, nChannels: 1 },
  'file:///données/gris.png',
);
const rgba = imageFromRGB(Uint8Array.of(9, 8, 7, 6), { height: 1, width: 1, nChannels: 4 }, 'memory:rgba');
const failure = {
  origin: 'file:///data/broken.jpg',
  error: new IOError('CORRUPT_IMAGE', "Cannot decode the image 'file:///data/broken.jpg': bad.", {
    origin: 'file:///data/broken.jpg',
    reason: 'bad',
  }),
};
const rows: ImageBatchRow[] = [red, failure, grey, null, rgba];

function plain(image: ImageStruct | null): unknown {
  return image === null ? null : { ...image, data: [...image.data] };
}

describe('imageVector', () => {
  it('round-trips images, with nulls for failures and null rows', () => {
    const column = imageVector(rows);
    assert.equal(column.length, 5);
    assert.equal(column.nullCount, 2);
    assert.deepEqual(imagesFromVector(column).map(plain), [red, null, grey, null, rgba].map(plain));
    assert.deepEqual(plain(imageAt(column, 2)), plain(grey));
    assert.equal(imageAt(column, 1), null);
  });

  it('agrees with Arrow’s own accessors', () => {
    const column = imageVector(rows);
    const row = column.get(4);
    assert.ok(row !== null);
    assert.equal(row.origin, 'memory:rgba');
    assert.equal(row.nChannels, 4);
    assert.deepEqual([...row.data], [7, 8, 9, 6]);
    assert.equal(column.get(1), null);
  });

  it('can store failures as Spark’s undefined image instead of null', () => {
    const column = imageVector(rows, { invalidAs: 'invalidImage' });
    assert.equal(column.nullCount, 1);
    assert.deepEqual(plain(imageAt(column, 1)), plain(invalidImage('file:///data/broken.jpg')));
  });

  it('survives Arrow IPC and reads back from slices and several chunks', () => {
    const batch = imageRecordBatch(rows);
    const table = arrow.tableFromIPC(arrow.tableToIPC(new arrow.Table(batch)));
    const column = table.getChild('image')!;
    assert.deepEqual(imagesFromVector(column).map(plain), [red, null, grey, null, rgba].map(plain));
    const sliced = imageVector(rows).slice(2, 5);
    assert.deepEqual(imagesFromVector(sliced).map(plain), [grey, null, rgba].map(plain));
    const chunked = imageVector([red]).concat(imageVector([null, grey]));
    assert.deepEqual(imagesFromVector(chunked).map(plain), [red, null, grey].map(plain));
    assert.deepEqual(plain(imageAt(chunked, 2)), plain(grey));
    assert.throws(() => imageAt(chunked, 3), SchemaError);
  });

  it('rejects a column that is not an image struct', () => {
    assert.throws(
      () => imagesFromVector(arrow.vectorFromArray(['a'])),
      (e: unknown) => e instanceof SchemaError && e.errorClass === 'INVALID_IMAGE_COLUMN',
    );
  });

  it('handles an empty batch', () => {
    assert.equal(imageVector([]).length, 0);
    assert.equal(imageRecordBatch([]).numRows, 0);
  });
});

describe('imageRecordBatch', () => {
  it('adds extra columns and an error column with each failure’s reason', () => {
    const batch = imageRecordBatch(rows, {
      columns: {
        label: ['cats', 'cats', 'dogs', null, 'birds'],
        id: arrow.vectorFromArray([1, 2, 3, 4, 5], new arrow.Int32()),
      },
      errorColumn: 'error',
    });
    assert.deepEqual(
      batch.schema.fields.map((f) => f.name),
      ['image', 'label', 'id', 'error'],
    );
    assert.equal(batch.numRows, 5);
    assert.deepEqual([...batch.getChild('label')!], ['cats', 'cats', 'dogs', null, 'birds']);
    assert.deepEqual([...batch.getChild('id')!], [1, 2, 3, 4, 5]);
    const errors = [...batch.getChild('error')!] as (string | null)[];
    assert.equal(errors[0], null);
    assert.equal(errors[3], null);
    assert.ok(errors[1]?.startsWith('[CORRUPT_IMAGE]'));
    assert.ok(errors[1]?.includes('file:///data/broken.jpg'));
  });

  it('names the image column as asked', () => {
    const batch = imageRecordBatch([red], { imageColumn: 'picture' });
    assert.equal(batch.schema.fields[0]!.name, 'picture');
    assert.deepEqual(plain(imagesFromVector(batch.getChild('picture')!)[0]!), plain(red));
  });

  it('rejects extra columns of the wrong length or with a taken name', () => {
    assert.throws(
      () => imageRecordBatch(rows, { columns: { label: ['a'] } }),
      (e: unknown) => e instanceof SchemaError && e.errorClass === 'COLUMN_LENGTH_MISMATCH',
    );
    assert.throws(
      () => imageRecordBatch(rows, { columns: { image: ['a', 'b', 'c', 'd', 'e'] } }),
      (e: unknown) => e instanceof SchemaError && e.errorClass === 'DUPLICATE_COLUMN',
    );
  });

  it('refuses a batch whose pixels exceed a binary column’s 2 GiB', () => {
    // A struct that claims a 1.5 GiB data array without allocating it: only its length is read before the check.
    const huge = { ...red, data: { length: 1.5 * 2 ** 30 } as unknown as Uint8Array };
    assert.throws(
      () => imageVector([huge, huge]),
      (e: unknown) => e instanceof DeepframeError && e.errorClass === 'BATCH_TOO_LARGE',
    );
  });
});
