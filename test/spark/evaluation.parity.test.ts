import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DataFrame } from '../../src/frame/DataFrame.js';
import { Session } from '../../src/frame/Session.js';
import {
  BinaryClassificationEvaluator,
  type Evaluator,
  MULTICLASS_METRICS,
  MulticlassClassificationEvaluator,
  REGRESSION_METRICS,
  RegressionEvaluator,
} from '../../src/ml/evaluation/index.js';
import { DataTypes } from '../../src/types/index.js';
import type { Row } from '../../src/types/Value.js';
import { assertClose } from '../ml/evaluation/evaluationData.js';
import { defineEvaluationSuite } from '../ml/evaluation/evaluationSuite.js';
import { runPysparkClient, useSparkCluster } from './helpers/cluster.js';

const cluster = useSparkCluster('local');

/** A seeded generator of uniform numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 300 rows of predictions of every kind, from a fixed seed: a 3-class classifier (`label3`, `prediction3`,
 * `probability` as vector<3>), a binary one (`blabel`, `bscore` with ties, `rawPrediction` as vector<2>), a
 * regression (`y`, `yhat`), and weights `w` (fractional, some 0).
 */
function predictions(): Row[] {
  const next = random(20240611);
  return Array.from({ length: 300 }, () => {
    const label3 = Math.floor(next() * 3);
    const prediction3 = next() < 0.6 ? label3 : Math.floor(next() * 3);
    const logits = [0, 1, 2].map((k) => next() * 2 + (k === label3 ? 1.5 : 0));
    const exps = logits.map(Math.exp);
    const total = exps.reduce((a, b) => a + b, 0);
    const blabel = next() < 0.4 ? 1 : 0;
    const margin = next() * 2 - 1 + blabel * 0.6;
    const y = next() * 10 - 3;
    return {
      label3,
      prediction3,
      probability: new Float32Array(exps.map((e) => e / total)),
      w: next() < 0.1 ? 0 : next() * 3,
      blabel,
      bscore: Math.round((margin + 1) * 60) / 60,
      rawPrediction: new Float32Array([-margin, margin]),
      y,
      yhat: y + (next() - 0.5) * 4,
    };
  });
}

const SCHEMA = DataTypes.struct([
  DataTypes.field('label3', DataTypes.double),
  DataTypes.field('prediction3', DataTypes.double),
  DataTypes.field('probability', DataTypes.vector(3)),
  DataTypes.field('w', DataTypes.double),
  DataTypes.field('blabel', DataTypes.double),
  DataTypes.field('bscore', DataTypes.double),
  DataTypes.field('rawPrediction', DataTypes.vector(2)),
  DataTypes.field('y', DataTypes.double),
  DataTypes.field('yhat', DataTypes.double),
]);

type Kind = 'multiclass' | 'binary' | 'regression';

/** An evaluator configuration, run by deepframe (on Spark) and by pyspark's evaluator of the same name. */
interface Case {
  readonly kind: Kind;
  readonly params: Readonly<Record<string, string | number | boolean>>;
}

const MULTICLASS = { labelCol: 'label3', predictionCol: 'prediction3' } as const;
const CASES: readonly Case[] = [
  ...MULTICLASS_METRICS.map((metricName) => ({
    kind: 'multiclass' as const,
    params: { ...MULTICLASS, metricName },
  })),
  ...(['f1', 'weightedFalsePositiveRate', 'hammingLoss', 'logLoss'] as const).map((metricName) => ({
    kind: 'multiclass' as const,
    params: { ...MULTICLASS, metricName, weightCol: 'w' },
  })),
  { kind: 'multiclass', params: { ...MULTICLASS, metricName: 'fMeasureByLabel', metricLabel: 2, beta: 0.5 } },
  { kind: 'multiclass', params: { ...MULTICLASS, metricName: 'logLoss', eps: 0.25 } },
  { kind: 'binary', params: { labelCol: 'blabel' } },
  { kind: 'binary', params: { labelCol: 'blabel', metricName: 'areaUnderPR', weightCol: 'w' } },
  { kind: 'binary', params: { labelCol: 'blabel', rawPredictionCol: 'bscore', numBins: 0 } },
  { kind: 'binary', params: { labelCol: 'blabel', rawPredictionCol: 'bscore', metricName: 'areaUnderPR' } },
  // About 120 distinct scores: numBins 20 merges runs of 6 (Spark's data is in one partition, as deepframe bins).
  { kind: 'binary', params: { labelCol: 'blabel', rawPredictionCol: 'bscore', numBins: 20 } },
  {
    kind: 'binary',
    params: {
      labelCol: 'blabel',
      rawPredictionCol: 'bscore',
      metricName: 'areaUnderPR',
      numBins: 20,
      weightCol: 'w',
    },
  },
  ...REGRESSION_METRICS.map((metricName) => ({
    kind: 'regression' as const,
    params: { labelCol: 'y', predictionCol: 'yhat', metricName },
  })),
  ...REGRESSION_METRICS.map((metricName) => ({
    kind: 'regression' as const,
    params: { labelCol: 'y', predictionCol: 'yhat', metricName, weightCol: 'w' },
  })),
  {
    kind: 'regression',
    params: { labelCol: 'y', predictionCol: 'yhat', metricName: 'r2', throughOrigin: true },
  },
];

function evaluator(c: Case): Evaluator {
  switch (c.kind) {
    case 'multiclass':
      return new MulticlassClassificationEvaluator(c.params as never);
    case 'binary':
      return new BinaryClassificationEvaluator(c.params as never);
    case 'regression':
      return new RegressionEvaluator(c.params as never);
  }
}

/** The pyspark program that evaluates every case on the same rows (in one partition) and prints the metrics. */
function pysparkProgram(rows: readonly Row[]): string {
  const data = rows.map((r) => ({
    ...r,
    probability: Array.from(r.probability as Float32Array),
    rawPrediction: Array.from(r.rawPrediction as Float32Array),
  }));
  return `
import json
from pyspark.ml.evaluation import BinaryClassificationEvaluator, MulticlassClassificationEvaluator, RegressionEvaluator
from pyspark.ml.linalg import Vectors, VectorUDT
from pyspark.sql.types import DoubleType, StructField, StructType
rows = json.loads(${JSON.stringify(JSON.stringify(data))})
cases = json.loads(${JSON.stringify(JSON.stringify(CASES))})
names = ['label3', 'prediction3', 'probability', 'w', 'blabel', 'bscore', 'rawPrediction', 'y', 'yhat']
vectors = {'probability', 'rawPrediction'}
schema = StructType([StructField(n, VectorUDT() if n in vectors else DoubleType()) for n in names])
df = spark.createDataFrame(
    [tuple(Vectors.dense(r[n]) if n in vectors else float(r[n]) for n in names) for r in rows], schema
).repartition(1).cache()
kinds = {'multiclass': MulticlassClassificationEvaluator, 'binary': BinaryClassificationEvaluator,
         'regression': RegressionEvaluator}
print(json.dumps([repr(kinds[c['kind']](**c['params']).evaluate(df)) for c in cases]))
`;
}

describe('evaluators on Spark', () => {
  let session: Session | undefined;
  before(async () => {
    session = await Session.builder().remote(cluster().connectUrl).create();
  });
  after(async () => {
    await session?.stop();
  });

  defineEvaluationSuite('Spark', () => session!);

  it("gives pyspark's figures for every metric, with and without weights, on the same 300 rows", async () => {
    const rows = predictions();
    const df: DataFrame = session!.createDataFrame(rows, SCHEMA).cache();
    const ours: number[] = [];
    for (const c of CASES) ours.push(await evaluator(c).evaluate(df));
    const theirs = (JSON.parse(await runPysparkClient(cluster(), pysparkProgram(rows))) as string[]).map(
      Number,
    );
    assert.equal(theirs.length, CASES.length);
    CASES.forEach((c, i) => {
      assertClose(ours[i]!, theirs[i]!, 1e-12, `${c.kind} ${JSON.stringify(c.params)}`);
    });
  });
});
