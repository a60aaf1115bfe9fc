/**
 * `npm run bench -- NAME`: runs one benchmark and prints its result as one JSON object on the last line, with
 * `"bench": NAME` first. Without a name, lists the benchmarks.
 */
import { distributedBench } from './distributed.js';
import { engineBench } from './engine.js';
import { inferenceBench } from './inference.js';
import { scalingBench } from './scaling.js';
import { sparkBench } from './spark.js';
import { sqlBench } from './sql.js';
import { trainingBench } from './training.js';
import { tuningBench } from './tuning.js';

const benches: Record<string, () => Promise<Record<string, unknown>>> = {
  distributed: distributedBench,
  engine: engineBench,
  inference: inferenceBench,
  scaling: scalingBench,
  spark: sparkBench,
  sql: sqlBench,
  training: trainingBench,
  tuning: tuningBench,
};

const name = process.argv[2];
const bench = name === undefined ? undefined : benches[name];
if (bench === undefined) {
  process.stderr.write(`usage: npm run bench -- NAME\nbenchmarks: ${Object.keys(benches).join(', ')}\n`);
  process.exit(name === undefined ? 0 : 2);
}
const result = await bench();
process.stdout.write(`${JSON.stringify({ bench: name, ...result })}\n`);
