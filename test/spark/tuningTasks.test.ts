import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as arrow from 'apache-arrow';
import { DeepframeError } from '../../src/errors.js';
import type { DataFrame } from '../../src/frame/DataFrame.js';
import { col, lit } from '../../src/frame/functions.js';
import { Session } from '../../src/frame/Session.js';
import { MultilayerPerceptronClassificationModel } from '../../src/ml/classification/MultilayerPerceptronClassificationModel.js';
import { MultilayerPerceptronClassifier } from '../../src/ml/classification/MultilayerPerceptronClassifier.js';
import { BinaryClassificationEvaluator } from '../../src/ml/evaluation/BinaryClassificationEvaluator.js';
import { loadStage } from '../../src/ml/loadStage.js';
import { Pipeline } from '../../src/ml/Pipeline.js';
import { PipelineModel } from '../../src/ml/PipelineModel.js';
import { CrossValidator } from '../../src/ml/tuning/CrossValidator.js';
import { packDirectory, unpackDirectory } from '../../src/ml/tuning/directoryBundle.js';
import { evaluatorSpec } from '../../src/ml/tuning/evaluatorSpec.js';
import type { FitCandidateStageSpec } from '../../src/ml/tuning/fitCandidateStage.js';
import { ParamGridBuilder } from '../../src/ml/tuning/ParamGridBuilder.js';
import { paramMapsToJson } from '../../src/ml/tuning/paramMapsJson.js';
import { SparkFitTasks } from '../../src/ml/tuning/sparkFitTasks.js';
import { TrainValidationSplit } from '../../src/ml/tuning/TrainValidationSplit.js';
import { runStage } from '../../src/worker/runStage.js';
import { createStageContext } from '../../src/worker/StageSpec.js';
import { binaryFrame } from '../ml/tuning/data.js';
import { useSparkCluster } from './helpers/cluster.js';

/** A small MLP trained by deepframe's adam: its fit does not depend on the order rows arrive in. */
function mlp(): MultilayerPerceptronClassifier {
  return new MultilayerPerceptronClassifier({
    layers: [4, 5, 2],
    solver: 'adam',
    maxIter: 15,
    blockSize: 16,
    seed: 3,
    showProgress: false,
  });
}

const auc = new BinaryClassificationEvaluator({ metricName: 'areaUnderROC' });

function weightsOf(model: unknown): number[] {
  const m = model instanceof PipelineModel ? model.stages.at(-1) : model;
  assert.ok(m instanceof MultilayerPerceptronClassificationModel, `an MLP model: ${String(m)}`);
  return Array.from(m.weights);
}

/** The ids of a DataFrame's rows, sorted. */
async function ids(df: DataFrame): Promise<number[]> {
  return (await df.select('id').collect()).map((r) => Number(r.id)).sort((a, b) => a - b);
}

describe('the fitCandidate stage, in this process', () => {
  let session: Session | undefined;
  let dir = '';
  before(async () => {
    session = await Session.builder().master('local[2]').create();
    dir = mkdtempSync(join(tmpdir(), 'deepframe-fit-candidate-'));
  });
  after(async () => {
    await session?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fits and evaluates the param map each row names; a failed fit is a result naming its error', async () => {
    const estimator = mlp();
    await estimator.save(join(dir, 'estimator'));
    writeFileSync(join(dir, 'estimator.bundle'), await packDirectory(join(dir, 'estimator')));
    const df = binaryFrame(session!, 90);
    // Part 0 trains, part 1 validates: the folds 1 and 2, then fold 0, tagged.
    const train = df.filter(col('fold').notEqual(0));
    const validation = df.filter(col('fold').equalTo(0));
    const tagged = train.withColumn('part', lit(0)).union(validation.withColumn('part', lit(1)));
    writeFileSync(join(dir, 'rows.arrow'), await tagged.toArrowIPC());
    const maps = [{ stepSize: 0.3 }, { layers: [4, 5, 1] }];
    const spec: FitCandidateStageSpec = {
      kind: 'fitCandidate',
      search: 'CrossValidator_0123456789ab',
      estimator: join(dir, 'estimator.bundle'),
      paramMaps: paramMapsToJson(estimator, maps),
      evaluator: evaluatorSpec(auc) ?? null,
      rows: join(dir, 'rows.arrow'),
      partCol: 'part',
      train: [0],
      validation: [1],
      fold: 0,
      threads: 1,
      keepModel: true,
    };
    const input = arrow.tableFromArrays({ index: BigInt64Array.from([0n, 1n]) }).batches[0]!;
    const out = await runStage(spec, input, createStageContext());
    assert.deepEqual(
      out.schema.fields.map((f) => f.name),
      ['index', 'metric', 'model', 'error', 'pid', 'host', 'workDir', 'millis'],
    );
    const here = await estimator.fit(train, maps[0]);
    assert.equal(out.getChild('metric')?.get(0), await auc.evaluate(await here.transform(validation)));
    assert.equal(out.getChild('error')?.get(0), null);
    await unpackDirectory(out.getChild('model')?.get(0) as Uint8Array, join(dir, 'model'));
    assert.deepEqual(weightsOf(await loadStage(join(dir, 'model'))), weightsOf(here));
    assert.equal(out.getChild('pid')?.get(1), process.pid);
    assert.equal(out.getChild('metric')?.get(1), null);
    assert.equal(out.getChild('model')?.get(1), null);
    const error = JSON.parse(String(out.getChild('error')?.get(1))) as { errorClass: string; name: string };
    assert.equal(error.errorClass, 'LAYERS_MISMATCH');
    assert.equal(error.name, 'ParamError');
  });

  it('refuses a bundle that is not one, or whose paths leave its folder', async () => {
    await assert.rejects(
      unpackDirectory(new TextEncoder().encode('{}'), join(dir, 'x'), 'x.bundle'),
      /INVALID_BUNDLE/,
    );
    const escaping = JSON.stringify({
      format: 'deepframe-directory',
      version: 1,
      files: [{ path: '../y', data: '' }],
    });
    await assert.rejects(
      unpackDirectory(new TextEncoder().encode(escaping), join(dir, 'x')),
      /'\.\.\/y' does not name a file inside/,
    );
  });
});

describe('model searches as Spark tasks (a standalone cluster)', () => {
  const cluster = useSparkCluster('standalone', { workers: 2, cores: 1 });
  let spark: Session | undefined;
  let local: Session | undefined;
  before(async () => {
    spark = await Session.builder().remote(cluster().connectUrl).create();
    local = await Session.builder().master('local[2]').create();
  });
  after(async () => {
    await spark?.stop();
    await local?.stop();
  });

  /** The executors (by id) whose session folders the worker ran in, from the tasks' reports. */
  function executorsOf(tasks: SparkFitTasks): Set<string> {
    const work = join(cluster().logDir, '..', 'work');
    return new Set(
      tasks.tasks.map((t) => {
        // A standalone executor works in <work>/<worker>/<app id>/<executor id>/, its session's files in a folder
        // below.
        const match = /^worker-\d+\/app-[^/]+\/(\d+)\/[^/]+$/.exec(relative(work, t.workDir));
        assert.ok(match !== null, `${t.workDir} is an executor's session folder under ${work}`);
        return match[1] as string;
      }),
    );
  }

  it('fits candidates in Spark tasks on both executors, with the embedded engine’s metrics and models', async () => {
    const estimator = mlp();
    const grid = [{ stepSize: 0.3 }, { stepSize: 0.03 }];
    const df = binaryFrame(spark!, 120);
    const tasks = await SparkFitTasks.start(df, estimator, auc, grid, 'search');
    assert.ok(tasks !== undefined, 'a Spark session, a savable estimator and a shipped evaluator');
    try {
      const split = await tasks.share(df.filter(col('fold').notEqual(0)), df.filter(col('fold').equalTo(0)));
      // Two at once on two single-core executors: Spark puts them on both.
      const results = await Promise.all(grid.map((map, i) => tasks.fit(split, map, i === 0)));
      assert.equal(tasks.tasks.length, 2);
      for (const t of tasks.tasks) {
        assert.notEqual(t.pid, process.pid, 'not this process');
        assert.ok(t.millis > 0);
      }
      assert.notEqual(tasks.tasks[0]?.pid, tasks.tasks[1]?.pid, 'a worker process per task');
      assert.deepEqual([...executorsOf(tasks)].sort(), ['0', '1']);

      const all = binaryFrame(local!, 120);
      const train = all.filter(col('fold').notEqual(0));
      const validation = all.filter(col('fold').equalTo(0));
      for (const [i, map] of grid.entries()) {
        const here = await estimator.fit(train, map);
        assert.equal(results[i]?.metric, await auc.evaluate(await here.transform(validation)), `map ${i}`);
        if (i === 0) assert.deepEqual(weightsOf(results[i]?.model), weightsOf(here));
      }
      assert.equal(results[1]?.model, undefined, 'no model unless asked for');
    } finally {
      await tasks.close();
    }
  });

  it('CrossValidator (foldCol, parallelism 2): the embedded engine’s avgMetrics and best model', async () => {
    const cv = new CrossValidator({
      estimator: mlp(),
      estimatorParamMaps: new ParamGridBuilder<MultilayerPerceptronClassifier>()
        .addGrid('stepSize', [0.3, 0.01])
        .build(),
      evaluator: auc,
      numFolds: 3,
      foldCol: 'fold',
      parallelism: 2,
    });
    const onSpark = await cv.fit(binaryFrame(spark!, 120));
    const embedded = await cv.fit(binaryFrame(local!, 120));
    // The same rows, the same training code on the same ONNX Runtime, one thread per fit on both: exact.
    assert.deepEqual(onSpark.avgMetrics, embedded.avgMetrics);
    assert.deepEqual(onSpark.stdMetrics, embedded.stdMetrics);
    assert.ok((onSpark.avgMetrics[0] as number) > 0.5, `AUC ${onSpark.avgMetrics[0]}`);
    assert.deepEqual(weightsOf(onSpark.bestModel), weightsOf(embedded.bestModel));
    const predictions = await (await onSpark.transform(binaryFrame(spark!, 120)))
      .select('id', 'prediction')
      .collect();
    assert.equal(predictions.length, 120);
  });

  it('CrossValidator with seeded random folds: the metrics of Spark’s folds fitted on the embedded engine', async () => {
    const seed = 11;
    const cv = new CrossValidator({
      estimator: mlp(),
      estimatorParamMaps: [{ stepSize: 0.3 }, { stepSize: 0.01 }],
      evaluator: auc,
      numFolds: 2,
      seed,
      parallelism: 2,
    });
    const onSpark = await cv.fit(binaryFrame(spark!, 120));
    // Spark's folds (its own seeded sampling), as a fold column for the same search on the embedded engine.
    const folds = binaryFrame(spark!, 120).randomSplit([1, 1], seed);
    const foldOf = new Map<number, number>();
    for (const [fold, part] of folds.entries()) for (const id of await ids(part)) foldOf.set(id, fold);
    assert.equal(foldOf.size, 120);
    const withFolds = (await binaryFrame(local!, 120).collect()).map((r) => ({
      ...r,
      fold: foldOf.get(Number(r.id)) as number,
    }));
    const embedded = await cv
      .copy({ foldCol: 'fold' })
      .fit(local!.createDataFrame(withFolds, await binaryFrame(local!, 1).schema()));
    assert.deepEqual(onSpark.avgMetrics, embedded.avgMetrics);
    assert.deepEqual(weightsOf(onSpark.bestModel), weightsOf(embedded.bestModel));
  });

  it('TrainValidationSplit over a Pipeline: the metrics of fitting Spark’s split on the embedded engine', async () => {
    const classifier = mlp();
    const pipeline = new Pipeline({ stages: [classifier] });
    const grid = new ParamGridBuilder().addGrid(classifier.stepSize, [0.3, 0.01]).build();
    const seed = 7;
    const tvs = new TrainValidationSplit({
      estimator: pipeline,
      estimatorParamMaps: grid,
      evaluator: auc,
      trainRatio: 0.7,
      seed,
      parallelism: 2,
      collectSubModels: true,
    });
    const onSpark = await tvs.fit(binaryFrame(spark!, 120));
    const [sparkTrain, sparkValidation] = binaryFrame(spark!, 120).randomSplit([0.7, 0.3], seed) as [
      DataFrame,
      DataFrame,
    ];
    const trainIds = await ids(sparkTrain);
    assert.equal(trainIds.length + (await ids(sparkValidation)).length, 120);
    const all = binaryFrame(local!, 120);
    const inTrain = new Set(trainIds);
    const train = all.filter(col('id').isin(...inTrain));
    const validation = all.filter(col('id').isin(...(await ids(sparkValidation))));
    const expected: number[] = [];
    for (const [i, map] of grid.entries()) {
      const model = await pipeline.fit(train, map);
      expected.push(await auc.evaluate(await model.transform(validation)));
      assert.deepEqual(weightsOf(onSpark.subModels?.[i]), weightsOf(model), `sub-model ${i}`);
    }
    assert.deepEqual(onSpark.validationMetrics, expected);
    const best = expected[0]! >= expected[1]! ? 0 : 1;
    assert.deepEqual(weightsOf(onSpark.bestModel), weightsOf(await pipeline.fit(all, grid[best])));
  });

  it('fails the search with deepframe’s error naming a candidate that cannot be fitted', async () => {
    const cv = new CrossValidator({
      estimator: mlp(),
      // Two output units for labels 0 and 1 fit; one does not, which only the fit finds out (from the labels).
      estimatorParamMaps: [{ layers: [4, 5, 2] }, { layers: [4, 5, 1] }],
      evaluator: auc,
      numFolds: 2,
      foldCol: 'fold',
      parallelism: 2,
    });
    await assert.rejects(
      cv.fit(binaryFrame(spark!, 60).withColumn('fold', col('fold').mod(2))),
      (e: unknown) => {
        assert.ok(e instanceof DeepframeError, String(e));
        assert.equal(e.errorClass, 'LAYERS_MISMATCH');
        assert.match(
          e.message,
          new RegExp(
            `^\\[LAYERS_MISMATCH\\] ${cv.uid}: fitting param map 1 \\(layers=\\[4,5,1\\]\\) on fold [01] failed in a Spark task on .+ \\(pid \\d+\\): .*the output layer has 1 units`,
          ),
        );
        assert.equal(e.messageParameters.paramMapIndex, '1');
        assert.equal(e.messageParameters.paramMap, 'layers=[4,5,1]');
        return true;
      },
    );
  });
});
