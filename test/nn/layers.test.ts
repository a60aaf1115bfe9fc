import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { ParamError } from '../../src/errors.js';
import { Tape } from '../../src/nn/autodiff.js';
import { Conv2D } from '../../src/nn/conv.js';
import { Dropout } from '../../src/nn/dropout.js';
import { GraphBuilder } from '../../src/nn/graph.js';
import { ActivationLayer, Dense, Flatten, initParams, mulberry32, Sequential } from '../../src/nn/layers.js';
import { BatchNorm } from '../../src/nn/normalization.js';
import { adam, sgd } from '../../src/nn/optimizers.js';
import { AvgPool2D, GlobalMaxPool2D, MaxPool2D } from '../../src/nn/pooling.js';
import { compileTraining } from '../../src/nn/Trainer.js';

const random = (n: number, seed: number) => {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n }, () => rand() * 4 - 1);
};

describe('BatchNorm in a trainer', () => {
  it('updates the moving statistics with Keras momentum and the biased batch variance, and predicts with them', async () => {
    const model = new Sequential([
      new BatchNorm({ momentum: 0.9, epsilon: 1e-3 }),
      new Flatten(),
      new Dense(1),
    ]);
    const trainer = await compileTraining(model, {
      loss: 'mse',
      optimizer: sgd({ learningRate: 0.1 }),
      batchSize: 4,
      inputSize: [2, 1, 3],
      seed: 2,
    });
    const x = random(4 * 6, 5);
    await trainer.step(x, random(4, 6));
    const [mean, variance] = (await trainer.getState()) as [Float32Array, Float32Array];
    for (let c = 0; c < 2; c++) {
      const vals: number[] = [];
      for (let b = 0; b < 4; b++) for (let k = 0; k < 3; k++) vals.push(x[b * 6 + c * 3 + k] ?? 0);
      const m = vals.reduce((a, v) => a + v, 0) / 12;
      const v = vals.reduce((a, u) => a + (u - m) ** 2, 0) / 12;
      assert.ok(Math.abs((mean[c] ?? 0) - 0.1 * m) < 1e-6, `mean ${mean[c]} vs ${0.1 * m}`);
      assert.ok(Math.abs((variance[c] ?? 0) - (0.9 + 0.1 * v)) < 1e-6, `variance ${variance[c]}`);
    }
    // Inference: (x − moving mean)/√(moving variance + ε)·γ + β, then the Dense layer.
    const [gamma, beta, kernel, bias] = (await trainer.getWeights()) as Float32Array[];
    const pred = await trainer.predict(x);
    for (let b = 0; b < 4; b++) {
      let out = bias?.[0] ?? 0;
      for (let c = 0; c < 2; c++) {
        for (let k = 0; k < 3; k++) {
          const xhat = ((x[b * 6 + c * 3 + k] ?? 0) - (mean[c] ?? 0)) / Math.sqrt((variance[c] ?? 0) + 1e-3);
          out += ((gamma?.[c] ?? 0) * xhat + (beta?.[c] ?? 0)) * (kernel?.[c * 3 + k] ?? 0);
        }
      }
      assert.ok(Math.abs((pred[b] ?? 0) - out) < 1e-5, `row ${b}: ${pred[b]} vs ${out}`);
    }
    await trainer.close();
  });

  it('normalizes 2-D features too', async () => {
    const model = new Sequential([new Dense(4), new BatchNorm(), new ActivationLayer('tanh'), new Dense(1)]);
    const trainer = await compileTraining(model, {
      loss: 'mse',
      optimizer: adam({ learningRate: 0.05 }),
      batchSize: 16,
      inputSize: 3,
      seed: 1,
    });
    const x = random(48, 1);
    const y = Float32Array.from({ length: 16 }, (_, r) => (x[3 * r] ?? 0) - 2 * (x[3 * r + 2] ?? 0));
    const first = await trainer.step(x, y);
    let last = first;
    for (let s = 0; s < 150; s++) last = await trainer.step(x, y);
    assert.ok(last < first / 10, `${first} → ${last}`);
    assert.deepEqual(
      (await trainer.getState()).map((s) => s.length),
      [4, 4],
    );
    await trainer.close();
  });
});

describe('Dropout', () => {
  it('zeroes a fraction rate of the values and scales the rest by 1/(1 − rate), a new mask per run', async () => {
    const g = new GraphBuilder();
    const t = new Tape(g, 'float32');
    const x = t.leaf(g.input('x', 'float32', [100, 100]), [100, 100], false);
    g.output(t.dropout(x, 0.3, 5).name, 'float32', [100, 100], 'y');
    const session = await ort.InferenceSession.create(g.toBytes());
    const feeds = { x: new ort.Tensor('float32', new Float32Array(10000).fill(1), [100, 100]) };
    const a = (await session.run(feeds)).y?.data as Float32Array;
    const b = (await session.run(feeds)).y?.data as Float32Array;
    assert.deepEqual(new Set(a), new Set([0, Math.fround(1 / 0.7)]));
    const dropped = a.filter((v) => v === 0).length / 10000;
    // Binomial(10000, 0.3): standard deviation 0.0046; 0.02 is more than 4 of them.
    assert.ok(Math.abs(dropped - 0.3) < 0.02, `dropped ${dropped}`);
    assert.notDeepEqual(a, b);
    await session.release();
  });

  it('draws the same mask sequence in fresh sessions with the same seed, whatever the thread count', async () => {
    const masks = async (seed: number, threads: number) => {
      const g = new GraphBuilder();
      const t = new Tape(g, 'float32');
      const x = t.leaf(g.input('x', 'float32', [64, 64]), [64, 64], false);
      g.output(t.dropout(x, 0.5, seed).name, 'float32', [64, 64], 'y');
      const session = await ort.InferenceSession.create(g.toBytes(), { intraOpNumThreads: threads });
      const feeds = { x: new ort.Tensor('float32', new Float32Array(4096).fill(1), [64, 64]) };
      const out = [(await session.run(feeds)).y?.data, (await session.run(feeds)).y?.data];
      await session.release();
      return out;
    };
    const a = await masks(3, 1);
    assert.deepEqual(await masks(3, 1), a);
    assert.deepEqual(await masks(3, 2), a);
    assert.notDeepEqual((await masks(4, 1))[0], a[0]);
  });

  it('is the identity at inference and leaves no node in the exported model', async () => {
    const model = new Sequential([new Dense(8, { activation: 'relu' }), new Dropout(0.5), new Dense(2)]);
    const trainer = await compileTraining(model, {
      loss: 'crossEntropy',
      optimizer: adam(),
      batchSize: 4,
      inputSize: 3,
    });
    const x = random(12, 3);
    await trainer.step(x, [0, 1, 1, 0]);
    const weights = await trainer.getWeights();
    const plain = new Sequential([new Dense(8, { activation: 'relu' }), new Dense(2)]);
    const g = new GraphBuilder();
    const t = new Tape(g, 'float32');
    const input = t.leaf(g.input('input', 'float32', [4, 3]), [4, 3], false);
    const specs = plain.params([3]);
    const params = specs.map((p, i) =>
      t.leaf(g.initializer(p.name, 'float32', p.shape, weights[i] ?? []), p.shape, false),
    );
    g.output(t.softmax(plain.forward(t, input, params, false)).name, 'float32', [4, 2], 'output');
    const reference = await ort.InferenceSession.create(g.toBytes());
    const expected = (await reference.run({ input: new ort.Tensor('float32', x, [4, 3]) })).output?.data;
    assert.deepEqual(await trainer.predict(x), expected);
    await reference.release();
    await trainer.close();
  });

  it('rejects rates outside [0, 1)', () => {
    for (const rate of [1, -0.1, 1.5, Number.NaN]) {
      assert.throws(
        () => new Dropout(rate),
        (e) =>
          e instanceof ParamError && e.errorClass === 'INVALID_PARAM' && e.messageParameters.param === 'rate',
      );
    }
    assert.doesNotThrow(() => new Dropout(0));
  });
});

describe('activations after Conv2D and binary cross-entropy', () => {
  it('learns a per-pixel 0/1 map with a sigmoid Conv2D head and binary cross-entropy; exports probabilities', async () => {
    // Target: whether each pixel of a 6×6 image exceeds its left neighbour (first column: exceeds 0).
    const model = new Sequential([
      new Conv2D(4, 3, { padding: 'same' }),
      new ActivationLayer('tanh'),
      new Conv2D(1, 1, { activation: 'sigmoid' }),
    ]);
    const trainer = await compileTraining(model, {
      loss: 'binaryCrossEntropy',
      optimizer: adam({ learningRate: 0.05 }),
      batchSize: 8,
      inputSize: [1, 6, 6],
      seed: 4,
      threads: 1,
    });
    const x = random(8 * 36, 11);
    const y = x.map((v, i) => (v > (i % 6 === 0 ? 0 : (x[i - 1] ?? 0)) ? 1 : 0));
    for (let s = 0; s < 300; s++) await trainer.step(x, y);
    const { accuracy, loss } = await trainer.evaluate(x, y);
    assert.ok((accuracy ?? 0) >= 0.97, `accuracy ${accuracy}, loss ${loss}`);
    const session = await ort.InferenceSession.create(trainer.export(), {
      graphOptimizationLevel: 'disabled',
    });
    const out = await session.run({ input: new ort.Tensor('float32', x, [8, 1, 6, 6]) });
    const pred = await trainer.predict(x);
    assert.deepEqual(out.output?.data, pred);
    assert.ok(pred.every((p) => p > 0 && p < 1));
    assert.deepEqual(out.output?.dims, [8, 1, 6, 6]);
    await session.release();
    await trainer.close();
  });

  it('exports a sigmoid on a linear head for binary cross-entropy, and softmax runs over channels', async () => {
    const model = new Sequential([
      new Conv2D(3, 2),
      new ActivationLayer('softmax'),
      new Flatten(),
      new Dense(1),
    ]);
    const trainer = await compileTraining(model, {
      loss: 'binaryCrossEntropy',
      optimizer: adam(),
      batchSize: 2,
      inputSize: [2, 3, 3],
    });
    const x = random(36, 2);
    await trainer.step(x, [1, 0]);
    const pred = await trainer.predict(x);
    assert.ok(
      pred.every((p) => p > 0 && p < 1),
      `${pred}`,
    );
    const softmax = new Sequential([new Conv2D(3, 2), new ActivationLayer('softmax')]);
    const probe = await compileTraining(softmax, {
      loss: 'mse',
      optimizer: adam(),
      batchSize: 2,
      inputSize: [2, 3, 3],
    });
    const p = await probe.predict(x);
    for (let b = 0; b < 2; b++) {
      for (let k = 0; k < 4; k++) {
        const s = (p[b * 12 + k] ?? 0) + (p[b * 12 + 4 + k] ?? 0) + (p[b * 12 + 8 + k] ?? 0);
        assert.ok(Math.abs(s - 1) < 1e-6, `row ${b}, pixel ${k}: channels sum to ${s}`);
      }
    }
    await probe.close();
    await trainer.close();
  });

  it('rejects targets outside [0, 1] and a softmax head', async () => {
    const trainer = await compileTraining(new Sequential([new Dense(2, { activation: 'sigmoid' })]), {
      loss: 'binaryCrossEntropy',
      optimizer: adam(),
      batchSize: 2,
      inputSize: 2,
    });
    await assert.rejects(
      trainer.step(new Float32Array(4), [0, 1, 2, 0]),
      (e) => e instanceof ParamError && e.errorClass === 'LABEL_OUT_OF_RANGE',
    );
    await trainer.close();
    await assert.rejects(
      compileTraining(new Sequential([new Dense(2, { activation: 'softmax' })]), {
        loss: 'binaryCrossEntropy',
        optimizer: adam(),
        batchSize: 2,
        inputSize: 2,
      }),
      ParamError,
    );
  });
});

describe('layer shapes, initialization and errors', () => {
  it('computes Keras output shapes', () => {
    assert.deepEqual(new Conv2D(5, 3).outputShape([2, 8, 8]), [5, 6, 6]);
    assert.deepEqual(new Conv2D(5, 3, { padding: 'same', strides: 2 }).outputShape([2, 7, 8]), [5, 4, 4]);
    assert.deepEqual(new Conv2D(5, [1, 3], { strides: [1, 2] }).outputShape([2, 7, 8]), [5, 7, 3]);
    assert.deepEqual(new MaxPool2D().outputShape([3, 5, 5]), [3, 2, 2]);
    assert.deepEqual(new AvgPool2D(3, { strides: 2, padding: 'same' }).outputShape([3, 5, 6]), [3, 3, 3]);
    assert.deepEqual(new GlobalMaxPool2D().outputShape([3, 5, 6]), [3]);
  });

  it('draws conv kernels with fan-in C·kh·kw (He before relu) and Glorot fan-out F·kh·kw', () => {
    const relu = new Conv2D(4, 3, { activation: 'relu' }).params([2, 8, 8]);
    const [kernel] = initParams(relu, 1) as [Float32Array];
    const he = Math.sqrt(6 / (2 * 9));
    assert.equal(kernel.length, 4 * 2 * 9);
    assert.ok(kernel.every((v) => Math.abs(v) <= he) && kernel.some((v) => Math.abs(v) > 0.9 * he));
    const [glorot] = initParams(new Conv2D(4, 3).params([2, 8, 8]), 1) as [Float32Array];
    const limit = Math.sqrt(6 / (2 * 9 + 4 * 9));
    assert.ok(glorot.every((v) => Math.abs(v) <= limit) && glorot.some((v) => Math.abs(v) > 0.9 * limit));
    const [gamma, beta] = initParams(new BatchNorm().params([3, 4, 4]), 1);
    assert.deepEqual(Array.from(gamma ?? []), [1, 1, 1]);
    assert.deepEqual(Array.from(beta ?? []), [0, 0, 0]);
  });

  it('names the layer and the fix when a shape does not fit', async () => {
    const compile = (model: Sequential, inputSize: number | number[]) =>
      compileTraining(model, { loss: 'mse', optimizer: adam(), batchSize: 2, inputSize });
    await assert.rejects(compile(new Sequential([new Conv2D(4, 3)]), 64), (e) => {
      assert.ok(e instanceof ParamError && e.errorClass === 'INVALID_LAYER_INPUT');
      assert.match(
        e.message,
        /Layer 0 \(conv2d\): Conv2D expects \[channels, height, width\].*got shape \[64\]/,
      );
      assert.equal(e.messageParameters.index, '0');
      return true;
    });
    await assert.rejects(compile(new Sequential([new Flatten(), new Conv2D(4, 3)]), [1, 8, 8]), /Layer 1/);
    await assert.rejects(compile(new Sequential([new Conv2D(4, 5)]), [1, 4, 4]), (e) => {
      assert.ok(e instanceof ParamError && e.errorClass === 'INVALID_LAYER_INPUT');
      assert.match(e.message, /window 5×5 is larger than its 4×4 input with padding 'valid'/);
      return true;
    });
    await assert.rejects(
      compile(new Sequential([new Conv2D(4, 3), new MaxPool2D(2), new MaxPool2D(3)]), [1, 7, 7]),
      /Layer 2 \(maxPool2d\): MaxPool2D window 3×3 is larger than its 2×2 input/,
    );
    await assert.rejects(
      compile(new Sequential([new BatchNorm()]), [2, 3]),
      /BatchNorm expects \[features\]/,
    );
    await assert.rejects(compile(new Sequential([new GlobalMaxPool2D()]), 5), /GlobalMaxPool2D expects/);
    await assert.rejects(
      compileTraining(new Sequential([new Conv2D(2, 1, { activation: 'softmax' })]), {
        loss: 'crossEntropy',
        optimizer: adam(),
        batchSize: 2,
        inputSize: [1, 2, 2],
      }),
      /1-D outputs/,
    );
  });

  it('rejects bad layer parameters', () => {
    const bad = (f: () => unknown, param: string) =>
      assert.throws(f, (e) => e instanceof ParamError && e.messageParameters.param === param);
    bad(() => new Conv2D(0, 3), 'filters');
    bad(() => new Conv2D(4, 0), 'kernelSize');
    bad(() => new Conv2D(4, [3] as unknown as [number, number]), 'kernelSize');
    bad(() => new Conv2D(4, 3, { strides: 1.5 }), 'strides');
    bad(() => new Conv2D(4, 3, { padding: 'full' as 'same' }), 'padding');
    bad(() => new Conv2D(4, 3, { activation: 'gelu' as 'relu' }), 'activation');
    bad(() => new MaxPool2D(2, { strides: 0 }), 'strides');
    bad(() => new AvgPool2D(-1), 'poolSize');
    bad(() => new BatchNorm({ momentum: 1 }), 'momentum');
    bad(() => new BatchNorm({ epsilon: 0 }), 'epsilon');
    bad(() => new ActivationLayer('swish' as 'relu'), 'activation');
    bad(() => new Dropout(0.5, { seed: -1 }), 'seed');
  });
});
