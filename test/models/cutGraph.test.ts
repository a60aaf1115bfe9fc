import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { ModelError } from '../../src/errors.js';
import { cutGraph, listTensors, penultimateTensor, readModelSignature } from '../../src/models/index.js';
import { decodeModel } from '../../src/models/onnxProto.js';
import {
  activationsOnly,
  ifModel,
  seededInput,
  tinyConvNet,
  tinyMlp,
} from '../fixtures/models/buildModels.js';

/** Float32 against float64 over sums of at most 27 products of values below 1: see sessions.test.ts. */
const TOLERANCE = 1e-5;

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i]! - expected[i]!) <= TOLERANCE,
      `${what}[${i}]: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

async function run(
  bytes: Uint8Array,
  feeds: Record<string, ort.Tensor>,
): Promise<ort.InferenceSession.ReturnType> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

describe('listTensors', () => {
  it('lists node outputs in order, with operators and the types the model records', () => {
    const tensors = listTensors(tinyMlp().bytes);
    assert.deepEqual(
      tensors.map((t) => [t.name, t.opType, t.nodeName, t.nodeIndex, t.isGraphOutput]),
      [
        ['h_matmul', 'MatMul', 'matmul1', 0, false],
        ['h_add', 'Add', 'add1', 1, false],
        ['hidden', 'Relu', 'relu1', 2, false],
        ['logits', 'Gemm', 'gemm2', 3, true],
      ],
    );
    assert.equal(tensors[1]!.dtype, 'float32');
    assert.deepEqual(tensors[1]!.shape, ['N', 5]);
    assert.equal(tensors[2]!.dtype, null, 'hidden has no value_info');
    assert.equal(tensors[2]!.shape, null);
  });
});

describe('penultimateTensor', () => {
  it('finds the input of the last Gemm or MatMul', () => {
    assert.equal(penultimateTensor(tinyMlp().bytes), 'hidden');
    assert.equal(penultimateTensor(tinyConvNet().bytes), 'features', 'the Flatten → Gemm head');
  });

  it('finds the input of the last Conv when the classifier is a convolution', () => {
    assert.equal(penultimateTensor(tinyConvNet({ head: 'conv' }).bytes), 'pooled');
  });

  it('says what to do when the model has no such node', () => {
    assert.throws(
      () => penultimateTensor(activationsOnly()),
      (e: unknown) => {
        assert.ok(e instanceof ModelError);
        assert.equal(e.errorClass, 'NO_PENULTIMATE_TENSOR');
        assert.match(e.message, /Relu → Sigmoid/);
        assert.match(e.message, /listTensors/);
        return true;
      },
    );
  });
});

describe('cutGraph', () => {
  it('gives the hidden activations of an MLP, with the type ONNX Runtime infers for a tensor without value_info', async () => {
    const mlp = tinyMlp();
    const cut = await cutGraph(mlp.bytes, 'hidden');
    assert.deepEqual(readModelSignature(cut), {
      inputs: [{ name: 'x', isTensor: true, dtype: 'float32', shape: ['N', 4] }],
      outputs: [{ name: 'hidden', isTensor: true, dtype: 'float32', shape: ['N', 5] }],
    });
    const model = decodeModel(cut);
    assert.deepEqual(
      model.graph!.node!.map((n) => n.opType),
      ['MatMul', 'Add', 'Relu'],
    );
    assert.deepEqual(
      model.graph!.initializer!.map((t) => t.name),
      ['W1', 'B1'],
      'the Gemm weights are pruned',
    );
    assert.deepEqual(
      model.metadataProps!.map((p) => [p.key, p.value]),
      [['deepframe:cutAt', 'hidden']],
    );
    const x = seededInput(5 * 4, 3);
    const out = await run(cut, { x: new ort.Tensor('float32', x, [5, 4]) });
    assert.deepEqual(Object.keys(out), ['hidden']);
    assert.deepEqual(out.hidden!.dims, [5, 5]);
    assertClose(out.hidden!.data as Float32Array, mlp.compute(x, 5).hidden, 'hidden');
  });

  it("uses the tensor's value_info when the model has one", async () => {
    const mlp = tinyMlp();
    const cut = await cutGraph(mlp.bytes, 'h_add');
    assert.deepEqual(readModelSignature(cut).outputs, [
      { name: 'h_add', isTensor: true, dtype: 'float32', shape: ['N', 5] },
    ]);
    const x = seededInput(2 * 4, 5);
    const out = await run(cut, { x: new ort.Tensor('float32', x, [2, 4]) });
    assertClose(out.h_add!.data as Float32Array, mlp.compute(x, 2).h_add, 'h_add');
  });

  it('cuts a conv net at its penultimate tensor, giving the pooled features', async () => {
    for (const head of ['gemm', 'conv'] as const) {
      const net = tinyConvNet({ head });
      const cut = await cutGraph(net.bytes, penultimateTensor(net.bytes));
      const image = seededInput(3 * 3 * 8 * 8, 21);
      const out = await run(cut, { image: new ort.Tensor('float32', image, [3, 3, 8, 8]) });
      const features = out[net.penultimate]!;
      assert.deepEqual(features.dims, head === 'gemm' ? [3, 4] : [3, 4, 1, 1]);
      assert.deepEqual(
        readModelSignature(cut).outputs[0]!.shape,
        head === 'gemm' ? ['N', 4] : ['N', 4, 1, 1],
      );
      assertClose(features.data as Float32Array, net.compute(image, 3).pooled, `${head} head`);
    }
  });

  it('drops initializers listed as inputs that the cut no longer needs (IR version 3)', async () => {
    const mlp = tinyMlp({ initializersAsInputs: true });
    const cut = await cutGraph(mlp.bytes, 'hidden');
    assert.deepEqual(
      decodeModel(cut).graph!.input!.map((v) => v.name),
      ['x', 'W1', 'B1'],
    );
    const x = seededInput(4, 8);
    const out = await run(cut, { x: new ort.Tensor('float32', x, [1, 4]) });
    assertClose(out.hidden!.data as Float32Array, mlp.compute(x, 1).hidden, 'hidden');
  });

  it('keeps the nodes that only subgraphs (If branches) read', async () => {
    const cut = await cutGraph(ifModel(), 'y');
    assert.deepEqual(
      decodeModel(cut).graph!.node!.map((n) => n.opType),
      ['Relu', 'If'],
    );
    const x = new Float32Array([-1, 2, -3, 4]);
    const yes = await run(cut, {
      x: new ort.Tensor('float32', x, [1, 4]),
      cond: new ort.Tensor('bool', [true], []),
    });
    assert.deepEqual(Array.from(yes.y!.data as Float32Array), [0, 2, 0, 4]);
    const no = await run(cut, {
      x: new ort.Tensor('float32', x, [1, 4]),
      cond: new ort.Tensor('bool', [false], []),
    });
    assert.deepEqual(Array.from(no.y!.data as Float32Array), [-0, -2, -0, -4]);
  });

  it('names the last tensors of the graph when no node computes the tensor', async () => {
    await assert.rejects(cutGraph(tinyMlp().bytes, 'hiden', { where: "'tiny_mlp'" }), (e: unknown) => {
      assert.ok(e instanceof ModelError);
      assert.equal(e.errorClass, 'UNKNOWN_TENSOR');
      assert.equal(e.messageParameters.tensor, 'hiden');
      assert.match(e.message, /'hidden' \(Relu\)/);
      return true;
    });
    await assert.rejects(cutGraph(tinyMlp().bytes, 'x'), /UNKNOWN_TENSOR/);
  });

  it('refuses bytes that are not ONNX', async () => {
    await assert.rejects(cutGraph(new TextEncoder().encode('not a model'), 'y'), /MODEL_LOAD_FAILED/);
  });
});
