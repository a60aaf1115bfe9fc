import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { Session } from '../../src/frame/Session.js';
import { defineFeatureSuite } from '../ml/feature/featureSuite.js';
import { useSparkCluster } from './helpers/cluster.js';

const cluster = useSparkCluster('local');
const dir = mkdtempSync(join(tmpdir(), 'deepframe-spark-feature-'));

describe('the shared feature-stage suite on Spark', () => {
  let session: Session | undefined;
  before(async () => {
    // The fits aggregate: a few shuffle partitions (not Spark's 200) keep them quick on a small local Spark.
    session = await Session.builder()
      .remote(cluster().connectUrl)
      .config('spark.sql.shuffle.partitions', '2')
      .create();
  });
  after(async () => {
    await session?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  defineFeatureSuite(
    'Spark',
    () => session!,
    () => dir,
  );
});
