import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import {
  fitLogisticRegressionWithMllib,
  MLLIB_LOGISTIC_REGRESSION,
  MLLIB_MULTILAYER_PERCEPTRON,
  MllibClient,
  type MllibModelRef,
  mllibFitDataset,
  mllibParams,
} from '../../src/engine/spark/ml/index.js';
import { ParamError, SparkError } from '../../src/errors.js';
import type { DataFrame } from '../../src/frame/DataFrame.js';
import { col } from '../../src/frame/functions.js';
import { Session } from '../../src/frame/Session.js';
import { LogisticRegression } from '../../src/ml/classification/LogisticRegression.js';
import { LogisticRegressionModel } from '../../src/ml/classification/LogisticRegressionModel.js';
import { MultilayerPerceptronClassificationModel } from '../../src/ml/classification/MultilayerPerceptronClassificationModel.js';
import { MultilayerPerceptronClassifier } from '../../src/ml/classification/MultilayerPerceptronClassifier.js';
import type { ProbabilisticClassificationModel } from '../../src/ml/classification/ProbabilisticClassificationModel.js';
import { BinaryClassificationEvaluator } from '../../src/ml/evaluation/BinaryClassificationEvaluator.js';
import { VectorAssembler } from '../../src/ml/feature/VectorAssembler.js';
import { Pipeline } from '../../src/ml/Pipeline.js';
import { CrossValidator } from '../../src/ml/tuning/CrossValidator.js';
import { DataTypes } from '../../src/types/DataType.js';
import { useSession } from '../helpers/session.js';
import { useSparkCluster } from './helpers/cluster.js';

/** 400 rows of 5 features, a binary and a 3-class label, row weights, and MLlib's own fits of them (pyspark 4.3.0). */
const reference = JSON.parse(
  readFileSync(
    new URL('../../../test/ml/classification/fixtures/logistic-mllib.json', import.meta.url),
    'utf8',
  ),
) as {
  features: number[][];
  label: number[];
  label3: number[];
  weight: number[];
  fits: Record<
    string,
    {
      params: Record<string, number | string | boolean>;
      coefficientMatrix: number[][];
      interceptVector: number[];
      objectiveHistory: number[];
    }
  >;
};
const ROWS = reference.features.length;

const frame = (s: Session): DataFrame =>
  s.createDataFrame(
    reference.features.map((f, i) => ({
      id: i,
      features: Float32Array.from(f),
      label: reference.label[i] as number,
      label3: reference.label3[i] as number,
      weight: reference.weight[i] as number,
      fold: i % 3,
    })),
    DataTypes.struct([
      DataTypes.field('id', DataTypes.integer),
      DataTypes.field('features', DataTypes.vector(5)),
      DataTypes.field('label', DataTypes.double),
      DataTypes.field('label3', DataTypes.double),
      DataTypes.field('weight', DataTypes.double),
      DataTypes.field('fold', DataTypes.integer),
    ]),
  );

/** The same rows with the features as five double columns, for a VectorAssembler. */
const columnsFrame = (s: Session): DataFrame =>
  s.createDataFrame(
    reference.features.map((f, i) => ({
      id: i,
      x0: f[0] as number,
      x1: f[1] as number,
      x2: f[2] as number,
      x3: f[3] as number,
      x4: f[4] as number,
      label: reference.label[i] as number,
    })),
  );

/** Per row id: the probabilities and the prediction. */
type Predictions = Map<number, { probability: number[]; prediction: number }>;

/**
 * The tolerance between MLlib's probabilities (float64 all through) and deepframe's (a float64 graph over float32
 * features, float32 outputs): float32 rounding of a probability is below 6e-8.
 */
const PROBABILITY_TOLERANCE = 1e-6;

function assertSamePredictions(actual: Predictions, expected: Predictions, what: string): void {
  assert.equal(actual.size, expected.size, `${what}: row count`);
  for (const [id, e] of expected) {
    const a = actual.get(id);
    assert.ok(a !== undefined, `${what}: row ${id} missing`);
    assert.equal(a.prediction, e.prediction, `${what}: prediction of row ${id}`);
    assert.equal(a.probability.length, e.probability.length);
    a.probability.forEach((p, k) => {
      assert.ok(
        Math.abs(p - (e.probability[k] as number)) < PROBABILITY_TOLERANCE,
        `${what}: P(${k}) of row ${id}: ${p} vs MLlib's ${e.probability[k]}`,
      );
    });
  }
}

function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
  what: string,
) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(
      Math.abs((actual[i] as number) - (expected[i] as number)) <= tolerance,
      `${what}[${i}]: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

describe('classifiers fitted by Spark MLlib on a Spark session', () => {
  // A standalone master and two workers: MLlib's fits run in the executors' JVMs.
  const cluster = useSparkCluster('standalone', { workers: 2, cores: 1 });
  const { session: local, dir } = useSession();
  let spark: Session | undefined;
  let mllib: MllibClient | undefined;
  before(async () => {
    spark = await Session.builder().remote(cluster().connectUrl).create();
    mllib = MllibClient.for(spark.engine);
  });
  after(async () => {
    await spark?.stop();
  });

  /** MLlib's own transform of the rows by a model fitted in the server's ML cache. */
  async function mllibPredictions(model: MllibModelRef): Promise<Predictions> {
    const dataset = await mllib!.dataset(frame(spark!).plan, { vectors: ['features'] });
    const table = await mllib!.transform(model, dataset);
    const ids = table.getChild('id')!;
    const probability = table.getChild('probability')!;
    const prediction = table.getChild('prediction')!;
    const out: Predictions = new Map();
    for (let i = 0; i < table.numRows; i++) {
      out.set(Number(ids.get(i)), {
        probability: Array.from(probability.get(i) as Iterable<number>),
        prediction: Number(prediction.get(i)),
      });
    }
    return out;
  }

  /** A deepframe model's transform on the embedded engine. */
  async function embeddedPredictions(model: ProbabilisticClassificationModel): Promise<Predictions> {
    const rows = await (await model.transform(frame(local())))
      .select('id', 'probability', 'prediction')
      .orderBy(col('id'))
      .collect();
    return new Map(
      rows.map((r) => [
        Number(r.id),
        {
          probability: Array.from(r.probability as ArrayLike<number>),
          prediction: Number(r.prediction),
        },
      ]),
    );
  }

  /** The model saved, and its `model.onnx` run by ONNX Runtime on every row. */
  async function onnxPredictions(
    model: ProbabilisticClassificationModel,
    name: string,
  ): Promise<Predictions> {
    const path = join(dir(), name);
    await model.save(path);
    const session = await ort.InferenceSession.create(join(path, 'model.onnx'));
    const features = Float32Array.from(reference.features.flat());
    const out = await session.run({ features: new ort.Tensor('float32', features, [ROWS, 5]) });
    const probability = out.probability!.data as Float32Array;
    const prediction = out.prediction!.data as Float32Array;
    const k = probability.length / ROWS;
    return new Map(
      Array.from({ length: ROWS }, (_, i) => [
        i,
        {
          probability: Array.from(probability.subarray(i * k, (i + 1) * k)),
          prediction: prediction[i] as number,
        },
      ]),
    );
  }

  /** Fits `estimator`'s params with MLlib directly (the model stays in the server's cache, for its transform). */
  async function fitDirectly(
    estimator: LogisticRegression | MultilayerPerceptronClassifier,
    className: string,
  ): Promise<MllibModelRef> {
    const dataset = await mllibFitDataset(mllib!, estimator, frame(spark!).plan);
    return mllib!.fit(className, mllibParams(estimator, className), dataset, estimator.uid);
  }

  /** The model equals MLlib's own fit, predicts as MLlib's transform on the embedded engine and as ONNX. */
  async function checkAgainstMllib(
    estimator: LogisticRegression | MultilayerPerceptronClassifier,
    model: ProbabilisticClassificationModel,
    className: string,
    readWeights: (ref: MllibModelRef) => Promise<Float64Array>,
    modelWeights: Float64Array,
  ): Promise<void> {
    const ref = await fitDirectly(estimator, className);
    try {
      // The same MLlib fit on the same rows: the very same weights.
      assert.deepEqual(Array.from(await readWeights(ref)), Array.from(modelWeights));
      const expected = await mllibPredictions(ref);
      assert.equal(expected.size, ROWS);
      assertSamePredictions(await embeddedPredictions(model), expected, 'embedded engine');
      assertSamePredictions(await onnxPredictions(model, model.uid), expected, 'ONNX export');
    } finally {
      await mllib!.delete(ref);
    }
  }

  it('MllibClient is there on a Spark session only', () => {
    assert.ok(mllib instanceof MllibClient);
    assert.equal(MllibClient.for(local().engine), undefined);
  });

  it('binary LogisticRegression: MLlib’s coefficients and summary; its predictions on the embedded engine and in ONNX', async () => {
    const fit = reference.fits.binomial_l2!;
    const lr = new LogisticRegression({ ...fit.params, showProgress: false });
    assert.equal(lr.fitsWithMllib(), true);
    const model = await lr.fit(frame(spark!));
    // MLlib here (local[*]) and in the fixture (local[1]) sum over other partitions: the last bits may differ.
    assertClose(model.coefficients, fit.coefficientMatrix.flat(), 1e-9, 'coefficients');
    assert.ok(Math.abs(model.intercept - (fit.interceptVector[0] as number)) < 1e-9);
    assertClose(model.summary.objectiveHistory, fit.objectiveHistory, 1e-9, 'objectiveHistory');
    assert.equal(model.summary.totalIterations, fit.objectiveHistory.length - 1);
    assert.equal(model.isMultinomial, false);
    assert.equal(model.numFeatures, 5);
    await checkAgainstMllib(
      lr,
      model,
      MLLIB_LOGISTIC_REGRESSION,
      async (ref) => {
        const m = await mllib!.fetch(ref, 'coefficientMatrix');
        return (m as { values: Float64Array }).values;
      },
      model.coefficientMatrix,
    );
    // Saved and loaded, the model predicts the same on the embedded engine.
    const loaded = await LogisticRegressionModel.load(join(dir(), model.uid));
    assert.deepEqual(await embeddedPredictions(loaded), await embeddedPredictions(model));
  });

  it('multinomial LogisticRegression with L1 (MLlib’s sparse coefficient matrix): the same', async () => {
    const fit = reference.fits.multinomial_l1!;
    const lr = new LogisticRegression({ ...fit.params, showProgress: false });
    const model = await lr.fit(frame(spark!));
    assert.equal(model.isMultinomial, true);
    assert.equal(model.numClasses, 3);
    const expected = fit.coefficientMatrix.flat();
    assertClose(model.coefficientMatrix, expected, 1e-9, 'coefficientMatrix');
    // L1's exact zeros stay exact zeros.
    for (const [i, c] of model.coefficientMatrix.entries()) assert.equal(c === 0, expected[i] === 0);
    assertClose(model.interceptVector, fit.interceptVector, 1e-9, 'interceptVector');
    await checkAgainstMllib(
      lr,
      model,
      MLLIB_LOGISTIC_REGRESSION,
      async (ref) => ((await mllib!.fetch(ref, 'coefficientMatrix')) as { values: Float64Array }).values,
      model.coefficientMatrix,
    );
  });

  it('MultilayerPerceptronClassifier: MLlib’s weights and summary; its predictions on the embedded engine and in ONNX', async () => {
    const mlp = new MultilayerPerceptronClassifier({
      labelCol: 'label3',
      layers: [5, 6, 3],
      maxIter: 40,
      seed: 11,
      showProgress: false,
    });
    assert.equal(mlp.fitsWithMllib(), true);
    const model = await mlp.fit(frame(spark!));
    assert.ok(model instanceof MultilayerPerceptronClassificationModel);
    assert.equal(model.weights.length, 6 * 6 + 7 * 3);
    assert.ok(model.summary.totalIterations > 0 && model.summary.totalIterations <= 40);
    const history = model.summary.objectiveHistory;
    assert.ok(
      (history.at(-1) as number) < (history[0] as number),
      `objective ${history[0]} → ${history.at(-1)}`,
    );
    await checkAgainstMllib(
      mlp,
      model,
      MLLIB_MULTILAYER_PERCEPTRON,
      async (ref) => (await mllib!.fetch(ref, 'weights')) as Float64Array,
      model.weights,
    );
  });

  it('params reach MLlib: every fixture case (regularization, elastic net, standardization, weights, intercept, family) gives MLlib’s coefficients', async () => {
    for (const [name, fit] of Object.entries(reference.fits)) {
      const model = await new LogisticRegression({ ...fit.params, showProgress: false }).fit(frame(spark!));
      assertClose(model.coefficientMatrix, fit.coefficientMatrix.flat(), 1e-9, `${name} coefficients`);
      assertClose(model.interceptVector, fit.interceptVector, 1e-9, `${name} intercepts`);
    }
  });

  it('params reach MLlib: maxIter, seed and initialWeights', async () => {
    const capped = await new LogisticRegression({ maxIter: 3, showProgress: false }).fit(frame(spark!));
    assert.equal(capped.summary.totalIterations, 3);
    assert.equal(capped.summary.objectiveHistory.length, 4);

    const mlp = (options: { seed?: number; initialWeights?: number[]; maxIter?: number }) =>
      new MultilayerPerceptronClassifier({
        layers: [5, 4, 2],
        maxIter: 5,
        blockSize: 512,
        showProgress: false,
        ...options,
      });
    const [a, b, c] = [
      await mlp({ seed: 1 }).fit(frame(spark!)),
      await mlp({ seed: 1 }).fit(frame(spark!)),
      await mlp({ seed: 2 }).fit(frame(spark!)),
    ];
    assert.equal(a.summary.totalIterations, 5);
    assert.deepEqual(Array.from(a.weights), Array.from(b.weights));
    assert.notDeepEqual(Array.from(a.weights), Array.from(c.weights));
    // From given initial weights, MLlib's first objective is the loss there: deepframe's engine computes the same
    // loss at the same weights (one block of rows, so MLlib's mean over blocks is the mean over rows).
    const initialWeights = Array.from({ length: 34 }, (_, i) => Math.sin(i + 1) / 2);
    const fromInitial = await mlp({ initialWeights }).fit(frame(spark!));
    const embedded = await mlp({ initialWeights }).fit(frame(local()));
    const [x, y] = [fromInitial.summary.objectiveHistory[0], embedded.summary.objectiveHistory[0]];
    assert.ok(Math.abs((x as number) - (y as number)) < 1e-12, `initial objective ${x} vs ${y}`);
  });

  it("params MLlib does not have fit on deepframe's engine, on Spark as on the embedded engine", async () => {
    for (const options of [{ solver: 'adam' as const }, { hiddenActivation: 'relu' as const }]) {
      const mlp = new MultilayerPerceptronClassifier({
        layers: [5, 4, 2],
        maxIter: 5,
        seed: 3,
        showProgress: false,
        ...options,
      });
      assert.equal(mlp.fitsWithMllib(), false);
      const [onSpark, embedded] = [await mlp.fit(frame(spark!)), await mlp.fit(frame(local()))];
      assert.deepEqual(Array.from(onSpark.weights), Array.from(embedded.weights));
      assert.notEqual(onSpark.summary.stopReason, 'mllib');
    }
  });

  it('a Pipeline (VectorAssembler + LogisticRegression) fits the LR with MLlib and transforms on Spark', async () => {
    const pipeline = new Pipeline({
      stages: [
        new VectorAssembler({ inputCols: ['x0', 'x1', 'x2', 'x3', 'x4'], outputCol: 'features' }),
        new LogisticRegression({ showProgress: false }),
      ],
    });
    const model = await pipeline.fit(columnsFrame(spark!));
    const lr = model.stages[1] as LogisticRegressionModel;
    assert.equal(lr.summary.stopReason, 'mllib');
    const fit = reference.fits.binomial!;
    assertClose(lr.coefficients, fit.coefficientMatrix.flat(), 1e-9, 'coefficients');
    const scored = await (await model.transform(columnsFrame(spark!)))
      .select('id', 'prediction')
      .orderBy(col('id'))
      .collect();
    assert.equal(scored.length, ROWS);
  });

  it('CrossValidator with a BinaryClassificationEvaluator: folds fitted by MLlib, the best model refitted by MLlib', async () => {
    const lr = new LogisticRegression({ maxIter: 50, showProgress: false });
    const cv = new CrossValidator({
      estimator: lr,
      estimatorParamMaps: [{ regParam: 0.5 }, { regParam: 0.001 }],
      evaluator: new BinaryClassificationEvaluator(),
      numFolds: 3,
      foldCol: 'fold',
    });
    const model = await cv.fit(frame(spark!));
    assert.equal(model.avgMetrics.length, 2);
    for (const m of model.avgMetrics) assert.ok(Number.isFinite(m) && m > 0.5 && m <= 1, `AUC ${m}`);
    const best = model.avgMetrics[0]! > model.avgMetrics[1]! ? 0.5 : 0.001;
    const refit = await lr.copy({ regParam: best }).fit(frame(spark!));
    const bestModel = model.bestModel as LogisticRegressionModel;
    assert.deepEqual(Array.from(bestModel.coefficientMatrix), Array.from(refit.coefficientMatrix));
    assert.equal(bestModel.summary.stopReason, 'mllib');
  });

  it("bad params fail with deepframe's error before anything is sent", async () => {
    const mlp = new MultilayerPerceptronClassifier({ layers: [4, 3, 2], showProgress: false });
    await assert.rejects(mlp.fit(frame(spark!)), (e: unknown) => {
      assert.ok(e instanceof ParamError);
      assert.equal(e.errorClass, 'LAYERS_MISMATCH');
      return true;
    });
    const wrongWeights = new MultilayerPerceptronClassifier({
      layers: [5, 3, 2],
      initialWeights: [0.1, 0.2],
      showProgress: false,
    });
    await assert.rejects(wrongWeights.fit(frame(spark!)), ParamError);
  });

  it('an MLlib error comes back with its message', async () => {
    // MLlib's binomial family refuses three classes; deepframe's schema check cannot know the labels.
    const lr = new LogisticRegression({ labelCol: 'label3', family: 'binomial', showProgress: false });
    await assert.rejects(lr.fit(frame(spark!)), (e: unknown) => {
      assert.ok(e instanceof SparkError);
      assert.match(e.message, /Binomial family only supports 1 or 2 outcome classes but found 3/);
      return true;
    });
    // The same through the client directly: a fit of an unknown estimator class.
    const dataset = await mllibFitDataset(mllib!, lr, frame(spark!).plan);
    await assert.rejects(mllib!.fit('org.example.NoSuchEstimator', {}, dataset), (e: unknown) => {
      assert.ok(e instanceof SparkError);
      assert.match(e.message, /org\.example\.NoSuchEstimator/);
      return true;
    });
  });

  it('the client fits, fetches and drops: a dropped model is gone from the server', async () => {
    const lr = new LogisticRegression({ maxIter: 5, showProgress: false });
    const fit = await fitLogisticRegressionWithMllib(mllib!, lr, frame(spark!).plan);
    assert.equal(fit.weights.coefficientMatrix.length, 5);
    assert.deepEqual(fit.summary?.totalIterations, 5);
    const ref = await fitDirectly(lr, MLLIB_LOGISTIC_REGRESSION);
    assert.equal(await mllib!.fetch(ref, 'numFeatures'), 5);
    assert.equal(await mllib!.fetch(ref, 'numClasses'), 2);
    await mllib!.delete(ref);
    await assert.rejects(mllib!.fetch(ref, 'numFeatures'), SparkError);
  });
});
