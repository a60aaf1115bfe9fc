import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelError, ParamError } from '../../src/errors.js';
import {
  findModelEntry,
  getModelEntry,
  IMAGENET_LABELS,
  listModels,
  type ModelZooEntry,
  registerModel,
  unregisterModel,
  validateModelEntry,
} from '../../src/models/index.js';

const REQUIRED = ['MobileNetV2', 'ResNet50', 'InceptionV3', 'EfficientNetB0', 'SqueezeNet'];

const userEntry: ModelZooEntry = {
  name: 'ZooTestNet',
  url: 'https://models.example.com/zoo-test-net.onnx',
  sha256: 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855',
  inputSize: [32, 48],
  channelOrder: 'BGR',
  layout: 'NHWC',
  scale: 1,
  mean: [0],
  std: [255],
  resize: 'squash',
  labels: ['cat', 'dog'],
  outputIsProbabilities: true,
};

describe('the built-in zoo', () => {
  it('has the models the featurizers and predictors name', () => {
    for (const name of REQUIRED) assert.ok(listModels().includes(name), name);
    assert.deepEqual(listModels(), [...listModels()].sort());
  });

  it('has valid, frozen entries with pinned SHA-256s and https URLs', () => {
    for (const name of listModels()) {
      const e = getModelEntry(name);
      assert.deepEqual(validateModelEntry(e), e, name);
      assert.ok(Object.isFrozen(e), name);
      assert.match(e.sha256, /^[0-9a-f]{64}$/, name);
      for (const url of [e.url, ...(e.mirrors ?? [])]) assert.match(url, /^https:\/\//, name);
      assert.ok((e.sizeBytes ?? 0) > 1_000_000, name);
    }
    assert.deepEqual(getModelEntry('InceptionV3').inputSize, [299, 299]);
    assert.deepEqual(getModelEntry('ResNet50').mean, [0.485, 0.456, 0.406]);
    assert.equal(getModelEntry('EfficientNetLite4').layout, 'NHWC');
    assert.match(IMAGENET_LABELS.sha256, /^[0-9a-f]{64}$/);
  });

  it('finds names ignoring case, and lists the known names for an unknown one', () => {
    assert.equal(findModelEntry('resnet50')?.name, 'ResNet50');
    assert.equal(findModelEntry('ResNet51'), undefined);
    assert.throws(
      () => getModelEntry('ResNet51'),
      (e: unknown) => {
        assert.ok(e instanceof ModelError);
        assert.equal(e.errorClass, 'UNKNOWN_MODEL');
        for (const name of REQUIRED) assert.ok(e.message.includes(name), name);
        assert.equal(e.messageParameters.name, 'ResNet51');
        return true;
      },
    );
  });
});

describe('registerModel', () => {
  it('adds a user entry, refuses a second one of the same name, and replaces it when asked', () => {
    try {
      const stored = registerModel(userEntry);
      assert.equal(stored.sha256, userEntry.sha256.toLowerCase());
      assert.ok(Object.isFrozen(stored));
      assert.equal(getModelEntry('ZooTestNet'), stored);
      assert.ok(listModels().includes('ZooTestNet'));
      assert.throws(() => registerModel(userEntry), /MODEL_ALREADY_REGISTERED/);
      const replaced = registerModel({ ...userEntry, inputSize: [64, 64] }, { replace: true });
      assert.deepEqual(getModelEntry('ZooTestNet').inputSize, [64, 64]);
      assert.equal(getModelEntry('zootestnet'), replaced);
    } finally {
      assert.equal(unregisterModel('ZooTestNet'), true);
    }
    assert.equal(findModelEntry('ZooTestNet'), undefined);
    assert.equal(unregisterModel('ZooTestNet'), false);
  });

  it('restores a built-in entry that a user entry replaced', () => {
    const original = getModelEntry('SqueezeNet');
    registerModel({ ...original, url: 'https://mirror.example.com/squeezenet1.1-7.onnx' }, { replace: true });
    assert.equal(getModelEntry('SqueezeNet').url, 'https://mirror.example.com/squeezenet1.1-7.onnx');
    assert.equal(unregisterModel('SqueezeNet'), true);
    assert.equal(getModelEntry('SqueezeNet'), original);
    assert.equal(unregisterModel('SqueezeNet'), false, 'a built-in entry is not removed');
  });

  const bad: [string, Partial<Record<keyof ModelZooEntry, unknown>>][] = [
    ['name', { name: 'has space' }],
    ['name', { name: 'looks-like-a-file.onnx' }],
    ['url', { url: 'ftp://example.com/m.onnx' }],
    ['url', { url: 'not a url' }],
    ['mirrors', { mirrors: ['file:///m.onnx'] }],
    ['sha256', { sha256: 'abc' }],
    ['sizeBytes', { sizeBytes: -1 }],
    ['inputSize', { inputSize: [224] }],
    ['inputSize', { inputSize: [224, 0] }],
    ['channelOrder', { channelOrder: 'rgb' }],
    ['layout', { layout: 'CHW' }],
    ['scale', { scale: 0 }],
    ['mean', { mean: [0, 0] }],
    ['std', { std: [1, 0, 1] }],
    ['std', { mean: [0, 0, 0], std: [1] }],
    ['resize', { resize: 'crop' }],
    ['cropFraction', { cropFraction: 1.5 }],
    ['featureTensor', { featureTensor: '' }],
    ['labels', { labels: [] }],
    ['labels', { labels: { url: 'https://example.com/l.txt', sha256: 'nope' } }],
    ['labels', { labels: 'coco' }],
    ['outputIsProbabilities', { outputIsProbabilities: 'yes' }],
  ];
  for (const [field, change] of bad) {
    it(`refuses a bad '${field}': ${JSON.stringify(change[field as keyof ModelZooEntry])}`, () => {
      assert.throws(
        () => registerModel({ ...userEntry, ...change } as ModelZooEntry),
        (e: unknown) => {
          assert.ok(e instanceof ParamError, String(e));
          assert.equal(e.errorClass, 'INVALID_MODEL_ENTRY');
          assert.equal(e.messageParameters.field, field);
          assert.ok(e.message.includes(`'${field}'`), e.message);
          return true;
        },
      );
      assert.equal(findModelEntry(String(change.name ?? userEntry.name)), undefined);
    });
  }
});
