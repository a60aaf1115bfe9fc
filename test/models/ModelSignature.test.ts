import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ModelError } from '../../src/errors.js';
import {
  checkInputs,
  createSession,
  formatShape,
  type ModelSignature,
  readModelSignature,
  readModelSignatureFile,
  signatureFromSession,
} from '../../src/models/index.js';
import { type ModelFiles, tinyConvNet, tinyMlp, writeModels } from '../fixtures/models/buildModels.js';

let dir: string;
let files: ModelFiles;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deepframe-signature-'));
  files = await writeModels(dir);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mlpSignature: ModelSignature = {
  inputs: [{ name: 'x', isTensor: true, dtype: 'float32', shape: ['N', 4] }],
  outputs: [{ name: 'logits', isTensor: true, dtype: 'float32', shape: ['N', 3] }],
};

function rejectsMismatch(fn: () => void, input: string, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ModelError, String(e));
    assert.equal(e.errorClass, 'MODEL_INPUT_MISMATCH');
    assert.equal(e.messageParameters.input, input);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('readModelSignature', () => {
  it('reads names, element types and symbolic shapes from the ONNX file', () => {
    assert.deepEqual(readModelSignature(tinyMlp().bytes), mlpSignature);
    assert.deepEqual(readModelSignature(tinyConvNet().bytes), {
      inputs: [{ name: 'image', isTensor: true, dtype: 'float32', shape: ['N', 3, 8, 8] }],
      outputs: [{ name: 'logits', isTensor: true, dtype: 'float32', shape: ['N', 10] }],
    });
  });

  it('leaves out initializers listed as inputs (IR version 3 models)', async () => {
    assert.deepEqual(await readModelSignatureFile(files.mlpIr3), mlpSignature);
  });

  it('gives what the session gives', async () => {
    for (const path of [files.mlp, files.mlpIr3, files.convnet, files.convnetConvHead]) {
      const session = await createSession(path);
      try {
        assert.deepEqual(signatureFromSession(session), await readModelSignatureFile(path), path);
      } finally {
        await session.release();
      }
    }
  });

  it('fails with MODEL_LOAD_FAILED for a missing file, bytes that are not ONNX, and a Git LFS pointer', async () => {
    await assert.rejects(readModelSignatureFile(join(dir, 'missing.onnx')), (e: unknown) => {
      assert.ok(e instanceof ModelError);
      assert.equal(e.errorClass, 'MODEL_LOAD_FAILED');
      assert.match(e.message, /missing\.onnx/);
      return true;
    });
    const garbage = join(dir, 'garbage.onnx');
    await writeFile(garbage, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
    await assert.rejects(readModelSignatureFile(garbage), (e: unknown) => {
      assert.ok(e instanceof ModelError);
      assert.equal(e.errorClass, 'MODEL_LOAD_FAILED');
      assert.equal(e.messageParameters.path, garbage);
      return true;
    });
    const pointer = join(dir, 'pointer.onnx');
    await writeFile(
      pointer,
      'version https://git-lfs.github.com/spec/v1\noid sha256:1eeff551a67ae8d565ca33b572fc4b66e3ef357b0eb2863bb9ff47a918cc4088\nsize 4956208\n',
    );
    await assert.rejects(readModelSignatureFile(pointer), /Git LFS pointer/);
  });
});

describe('formatShape', () => {
  it('writes symbolic, unnamed and unknown dimensions', () => {
    assert.equal(formatShape(['N', 3, -1]), '[N,3,?]');
    assert.equal(formatShape([]), '[]');
    assert.equal(formatShape(null), '[?…]');
  });
});

describe('checkInputs', () => {
  it('accepts tensors that fit, with unknown batch sizes', () => {
    checkInputs(mlpSignature, [{ name: 'x', dtype: 'float32', shape: [-1, 4] }]);
    checkInputs(mlpSignature, [{ name: 'x', dtype: 'float32', shape: [64, 4] }]);
    checkInputs(mlpSignature, [{ name: 'x', dtype: 'float32', shape: ['batch', 4] }]);
  });

  it('names the input, the expected and the actual shape when a dimension differs', () => {
    const sig: ModelSignature = {
      inputs: [{ name: 'data', isTensor: true, dtype: 'float32', shape: ['N', 3, 224, 224] }],
      outputs: [],
    };
    assert.throws(
      () =>
        checkInputs(sig, [{ name: 'data', dtype: 'float32', shape: [-1, 3, 299, 299] }], "model 'ResNet50'"),
      (e: unknown) => {
        assert.ok(e instanceof ModelError);
        assert.equal(e.errorClass, 'MODEL_INPUT_MISMATCH');
        assert.deepEqual(e.messageParameters, {
          input: 'data',
          expected: 'float32[N,3,224,224]',
          actual: 'float32[?,3,299,299]',
        });
        assert.match(e.message, /Input 'data' of model 'ResNet50' expects float32\[N,3,224,224\]/);
        assert.match(e.message, /dimension 2 is 299, expected 224/);
        return true;
      },
    );
  });

  it('refuses another element type, another rank, a missing input and an unknown input', () => {
    rejectsMismatch(
      () => checkInputs(mlpSignature, [{ name: 'x', dtype: 'uint8', shape: [-1, 4] }]),
      'x',
      /element type is uint8, expected float32/,
    );
    rejectsMismatch(
      () => checkInputs(mlpSignature, [{ name: 'x', dtype: 'float32', shape: [-1, 2, 2] }]),
      'x',
      /rank is 3, expected 2/,
    );
    rejectsMismatch(
      () => checkInputs(mlpSignature, []),
      'x',
      /Input 'x' of the model \(float32\[N,4\]\) is not fed/,
    );
    rejectsMismatch(
      () =>
        checkInputs(mlpSignature, [
          { name: 'x', dtype: 'float32', shape: [-1, 4] },
          { name: 'y', dtype: 'float32', shape: [-1, 4] },
        ]),
      'y',
      /has no input named 'y'\. Its inputs are: 'x'/,
    );
  });

  it('requires one size for a symbolic dimension wherever it appears', () => {
    const sig: ModelSignature = {
      inputs: [
        { name: 'a', isTensor: true, dtype: 'float32', shape: ['N', 'D'] },
        { name: 'b', isTensor: true, dtype: 'float32', shape: ['N', 'D'] },
      ],
      outputs: [],
    };
    checkInputs(sig, [
      { name: 'a', dtype: 'float32', shape: [-1, 8] },
      { name: 'b', dtype: 'float32', shape: [-1, 8] },
    ]);
    rejectsMismatch(
      () =>
        checkInputs(sig, [
          { name: 'a', dtype: 'float32', shape: [-1, 8] },
          { name: 'b', dtype: 'float32', shape: [-1, 9] },
        ]),
      'b',
      /'D' is 8 at dimension 1 of input 'a'/,
    );
  });

  it('does not check the shape of an input whose shape the model does not record', () => {
    const sig: ModelSignature = {
      inputs: [{ name: 'x', isTensor: true, dtype: 'float32', shape: null }],
      outputs: [],
    };
    checkInputs(sig, [{ name: 'x', dtype: 'float32', shape: [1, 2, 3] }]);
  });
});
