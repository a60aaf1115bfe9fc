import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { OnnxTransformer } from '../../src/dl/OnnxTransformer.js';
import type { DeepframeError } from '../../src/errors.js';
import { DataTypes } from '../../src/types/DataType.js';
import { seededInput, tinyMlp, writeModel } from '../fixtures/models/buildModels.js';
import { useSession } from '../helpers/session.js';

const { session, dir } = useSession();
const mlp = tinyMlp();
let modelPath: string;
const N = 50;
const x = seededInput(N * 4, 5);

const schema = DataTypes.struct([
  DataTypes.field('id', DataTypes.integer),
  DataTypes.field('x', DataTypes.vector(4)),
]);
const frame = () =>
  session().createDataFrame(
    Array.from({ length: N }, (_, i) => ({ id: i, x: x.slice(i * 4, i * 4 + 4) })),
    schema,
  );

describe('OnnxTransformer', () => {
  before(async () => {
    modelPath = await writeModel(dir(), 'mlp', mlp.bytes);
  });

  it('gives the same outputs as running the model directly, row by row, in order', async () => {
    const t = new OnnxTransformer({
      model: modelPath,
      inputMapping: { x: 'x' },
      outputMapping: { logits: 'logits' },
      batchSize: 7,
    });
    const out = await t.transform(frame());
    assert.deepEqual(await out.columns(), ['id', 'x', 'logits']);
    assert.deepEqual((await out.schema()).fields[2]?.type, DataTypes.vector(3));
    const rows = await out.collect();
    const direct = await ort.InferenceSession.create(modelPath);
    const expected = (await direct.run({ x: new ort.Tensor('float32', x, [N, 4]) })).logits!
      .data as Float32Array;
    const js = mlp.compute(x, N).logits;
    rows.forEach((r, i) => {
      assert.equal(r.id, i);
      const got = r.logits as Float32Array;
      for (let j = 0; j < 3; j++) {
        assert.equal(got[j], expected[i * 3 + j], `row ${i} logit ${j} equals ONNX Runtime's`);
        assert.ok(
          Math.abs(got[j]! - js[i * 3 + j]!) < 1e-5,
          `row ${i} logit ${j} matches the JS computation`,
        );
      }
    });
    await direct.release();
  });

  it('checks column sizes against the model before running anything', async () => {
    const wrong = session().createDataFrame([{ x: new Float32Array(5) }]);
    const t = new OnnxTransformer({
      model: modelPath,
      inputMapping: { x: 'x' },
      outputMapping: { logits: 'y' },
    });
    await assert.rejects(t.transform(wrong), (e: DeepframeError) => {
      assert.equal(e.errorClass, 'MODEL_INPUT_MISMATCH');
      assert.match(
        e.message,
        /column 'x' is vector<5>, but input 'x' of model '.*mlp\.onnx' takes \[4\] = 4 float\(s\) per row/,
      );
      return true;
    });
    const badInput = new OnnxTransformer({
      model: modelPath,
      inputMapping: { x: 'input' },
      outputMapping: { logits: 'y' },
    });
    await assert.rejects(badInput.transform(frame()), /has no input 'input'.*Its inputs: 'x' \[4\]/);
    const badOutput = new OnnxTransformer({
      model: modelPath,
      inputMapping: { x: 'x' },
      outputMapping: { probs: 'y' },
    });
    await assert.rejects(badOutput.transform(frame()), /has no output 'probs'/);
    const exists = new OnnxTransformer({
      model: modelPath,
      inputMapping: { x: 'x' },
      outputMapping: { logits: 'id' },
    });
    await assert.rejects(exists.transform(frame()), /COLUMN_ALREADY_EXISTS.*'id'/);
    const missing = new OnnxTransformer({
      model: join(dir(), 'nope.onnx'),
      inputMapping: { x: 'x' },
      outputMapping: { logits: 'y' },
    });
    await assert.rejects(missing.transform(frame()), /nope\.onnx/);
  });

  it('gives null outputs for null inputs, or fails naming the row with onError fail', async () => {
    const rows = [{ x: x.slice(0, 4) }, { x: null }, { x: x.slice(4, 8) }];
    const df = session().createDataFrame(rows, DataTypes.struct([DataTypes.field('x', DataTypes.vector(4))]));
    const t = new OnnxTransformer({
      model: modelPath,
      inputMapping: { x: 'x' },
      outputMapping: { logits: 'y' },
    });
    const out = await (await t.transform(df)).collect();
    assert.equal(out[1]?.y, null);
    assert.ok(out[0]?.y instanceof Float32Array && out[2]?.y instanceof Float32Array);
    const js = mlp.compute(x, 2).logits;
    assert.ok(Math.abs((out[2]!.y as Float32Array)[0]! - js[3]!) < 1e-5);
    t.setOnError('fail');
    await assert.rejects(
      (await t.transform(df)).collect(),
      /Row 1 of the batch cannot be used by the model: column 'x' is null/,
    );
  });

  it('refuses bad params when they are set', () => {
    assert.throws(() => new OnnxTransformer({ batchSize: 0 }), /batchSize/);
    assert.throws(() => new OnnxTransformer({ inputMapping: {} }), /inputMapping/);
    assert.throws(() => new OnnxTransformer({ onError: 'skip' as 'fail' }), /onError/);
  });
});
