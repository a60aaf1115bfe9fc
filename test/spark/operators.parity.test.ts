import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { Session } from '../../src/frame/Session.js';
import { defineOperatorSuite } from '../parity/operatorSuite.js';
import { useSparkCluster } from './helpers/cluster.js';

const cluster = useSparkCluster('local');
const dir = mkdtempSync(join(tmpdir(), 'deepframe-spark-parity-'));

describe('the shared operator suite on Spark', () => {
  let session: Session | undefined;
  before(async () => {
    session = await Session.builder().remote(cluster().connectUrl).create();
  });
  after(async () => {
    await session?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  defineOperatorSuite(
    'Spark',
    () => session!,
    () => dir,
  );
});
