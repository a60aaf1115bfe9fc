import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mapBlocks, reduceBlocks } from '../../src/dl/blocks.js';
import { col } from '../../src/frame/functions.js';
import { DataTypes } from '../../src/types/DataType.js';
import { useSession } from '../helpers/session.js';

const { session } = useSession();
const modulePath = fileURLToPath(new URL('../fixtures/stages/blocks.js', import.meta.url));
const xs = () => session().range(0, 1000).select(col('id').cast('double').alias('x'));

describe('mapBlocks and reduceBlocks', () => {
  it("mapBlocks appends the function's columns to every block, in order", async () => {
    const out = await mapBlocks(
      xs(),
      { modulePath, exportName: 'square' },
      DataTypes.struct([DataTypes.field('y', DataTypes.double)]),
      {
        blockSize: 64,
      },
    );
    assert.deepEqual(await out.columns(), ['x', 'y']);
    const rows = await out.collect();
    assert.equal(rows.length, 1000);
    for (const [i, r] of rows.entries()) assert.deepEqual(r, { x: i, y: i * i });
    assert.equal(await out.filter(col('y').gt(998000)).count(), 1);
  });

  it("mapBlocks with trim keeps only the function's columns", async () => {
    const out = await mapBlocks(
      xs(),
      { modulePath, exportName: 'square' },
      DataTypes.struct([DataTypes.field('y', DataTypes.double)]),
      {
        trim: true,
      },
    );
    assert.deepEqual(await out.columns(), ['y']);
  });

  it('reduceBlocks reduces blocks in the workers, then their results, to one row', async () => {
    const total = await reduceBlocks(
      xs(),
      { modulePath, exportName: 'sumX' },
      DataTypes.struct([DataTypes.field('x', DataTypes.double)]),
      {
        blockSize: 100,
      },
    );
    assert.deepEqual(total, { x: (999 * 1000) / 2 });
  });

  it('a function that drops rows without trim is refused', async () => {
    const out = await mapBlocks(
      xs(),
      { modulePath, exportName: 'sumX' },
      DataTypes.struct([DataTypes.field('x2', DataTypes.double)]),
    );
    await assert.rejects(out.collect(), /returned 1 rows for a block of 1000/);
  });
});
