/**
 * The model zoo: pretrained ONNX models by name, each with where to download it, its SHA-256, and how it wants its
 * images (size, channel order, layout, normalization) and its labels. Entries are plain data. Users add their own
 * with {@link registerModel}; {@link resolveModel} (in `download.ts`) turns a name into a verified local file.
 *
 * The built-in entries are the ONNX Model Zoo's files (github.com/onnx/models), which the zoo now serves from
 * Hugging Face (huggingface.co/onnxmodelzoo); the GitHub copy, pinned to a commit, is the fallback. Each file's
 * SHA-256 is the `oid` of its Git LFS pointer in that repository, so any copy that passes the check is the same file.
 *
 * @module
 */
import { ModelError, ParamError } from '../errors.js';

/** A labels file to download: one label per line, `wnid description` lines (ImageNet's `synset.txt`), or JSON. */
export interface LabelsFile {
  readonly url: string;
  /** SHA-256 of the file, lower-case hex. */
  readonly sha256: string;
  readonly sizeBytes?: number;
}

/**
 * Where a model's class labels come from: `'imagenet'` (the 1,000 ILSVRC-2012 classes in their usual order, see
 * {@link IMAGENET_LABELS}), a file to download, or the labels themselves.
 */
export type LabelsSource = 'imagenet' | LabelsFile | readonly string[];

/**
 * One model of the zoo. Images are preprocessed as `value = (pixel × scale − mean[c]) / std[c]`, with 0–255
 * pixels in `channelOrder`, laid out as `layout`.
 *
 * @example
 * ```ts
 * const entry: ModelZooEntry = {
 *   name: 'MyNet',
 *   url: 'https://models.example.com/mynet-3.onnx',
 *   sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
 *   inputSize: [224, 224],
 *   channelOrder: 'RGB',
 *   layout: 'NCHW',
 *   scale: 1 / 255,
 *   mean: [0.485, 0.456, 0.406],
 *   std: [0.229, 0.224, 0.225],
 *   resize: 'shorterSideThenCenterCrop',
 *   cropFraction: 0.875,
 *   labels: 'imagenet',
 *   outputIsProbabilities: false,
 * };
 * ```
 */
export interface ModelZooEntry {
  /** The name users pass (`'ResNet50'`); letters, digits, `.`, `_` and `-`. */
  readonly name: string;
  /** Where to download the `.onnx` file (http or https; redirects are followed). */
  readonly url: string;
  /** Other URLs with the same file, tried in order when `url` fails. */
  readonly mirrors?: readonly string[];
  /** SHA-256 of the file, lower-case hex: every download and every cached copy is checked against it. */
  readonly sha256: string;
  /** The file's size in bytes, when known (for progress and an early check). */
  readonly sizeBytes?: number;
  /** The input image's `[height, width]`. */
  readonly inputSize: readonly [number, number];
  readonly channelOrder: 'RGB' | 'BGR';
  readonly layout: 'NCHW' | 'NHWC';
  /** Multiplies each 0–255 pixel value first (`1/255`, or `1`). */
  readonly scale: number;
  /** Subtracted per channel after scaling, in `channelOrder`. */
  readonly mean: readonly number[];
  /** Divides per channel after the mean, in `channelOrder`. */
  readonly std: readonly number[];
  /**
   * `squash`: stretch to `inputSize`; `shorterSideThenCenterCrop`: resize the shorter side to
   * `inputSize / cropFraction` (keeping the aspect ratio), then crop the centre to `inputSize`.
   */
  readonly resize: 'squash' | 'shorterSideThenCenterCrop';
  /** For `shorterSideThenCenterCrop`: the crop's share of the resized shorter side (default 0.875: 256 → 224). */
  readonly cropFraction?: number;
  /** The tensor a featurizer cuts at; when absent, `penultimateTensor()` finds it. */
  readonly featureTensor?: string;
  readonly labels: LabelsSource;
  /** Whether the (first) output is already probabilities (a softmax); otherwise it is logits. */
  readonly outputIsProbabilities: boolean;
  /** A line about the model, its source and licence. */
  readonly description?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const SHA256 = /^[0-9a-fA-F]{64}$/;

const ZOO_COMMIT = 'b1eeaa1ac722dcc1cd1a8284bde34393dab61c3d';
const GITHUB = `https://github.com/onnx/models/raw/${ZOO_COMMIT}`;
const HF = 'https://huggingface.co/onnxmodelzoo';

/**
 * ImageNet's 1,000 classes (ILSVRC 2012) in their usual order: the ONNX Model Zoo's `synset.txt`, one
 * `wnid description` line per class (`n01440764 tench, Tinca tinca`), pinned to a commit.
 */
export const IMAGENET_LABELS: LabelsFile = Object.freeze({
  url: `https://raw.githubusercontent.com/onnx/models/${ZOO_COMMIT}/validated/vision/classification/synset.txt`,
  sha256: 'acf75ef0abe89694b19056e0796401068b459c457baa30335f240c7692857355',
  sizeBytes: 31675,
});

const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

const torchLike = {
  inputSize: [224, 224],
  channelOrder: 'RGB',
  layout: 'NCHW',
  scale: 1 / 255,
  mean: IMAGENET_MEAN,
  std: IMAGENET_STD,
  resize: 'shorterSideThenCenterCrop',
  cropFraction: 0.875,
  labels: 'imagenet',
  outputIsProbabilities: false,
} as const;

const BUILT_IN: readonly ModelZooEntry[] = [
  {
    name: 'MobileNetV2',
    url: `${HF}/mobilenetv2-12/resolve/main/mobilenetv2-12.onnx`,
    mirrors: [`${GITHUB}/validated/vision/classification/mobilenet/model/mobilenetv2-12.onnx`],
    sha256: 'c0c3f76d93fa3fd6580652a45618618a220fced18babf65774ed169de0432ad5',
    sizeBytes: 13964571,
    ...torchLike,
    description:
      'MobileNet v2 1.0 (ONNX Model Zoo mobilenetv2-12, opset 12), ImageNet top-1 69.5%. Apache-2.0.',
  },
  {
    name: 'ResNet50',
    url: `${HF}/resnet50-v2-7/resolve/main/resnet50-v2-7.onnx`,
    mirrors: [`${GITHUB}/validated/vision/classification/resnet/model/resnet50-v2-7.onnx`],
    sha256: '79102261eb6e5fd7af5d27f41316293e388c5cb691e5d25bfb035c4f64fefe31',
    sizeBytes: 102442452,
    ...torchLike,
    description:
      'ResNet-50 v2 (ONNX Model Zoo resnet50-v2-7, opset 7, from MXNet), ImageNet top-1 75.8%. Apache-2.0.',
  },
  {
    name: 'SqueezeNet',
    url: `${HF}/squeezenet1.1-7/resolve/main/squeezenet1.1-7.onnx`,
    mirrors: [`${GITHUB}/validated/vision/classification/squeezenet/model/squeezenet1.1-7.onnx`],
    sha256: '1eeff551a67ae8d565ca33b572fc4b66e3ef357b0eb2863bb9ff47a918cc4088',
    sizeBytes: 4956208,
    ...torchLike,
    description:
      'SqueezeNet 1.1 (ONNX Model Zoo squeezenet1.1-7, opset 7, from MXNet), ImageNet top-1 56.3%. Apache-2.0.',
  },
  {
    name: 'InceptionV3',
    url: `${HF}/inception_v3_Opset17_timm/resolve/main/inception_v3_Opset17_timm.onnx`,
    mirrors: [`${GITHUB}/Computer_Vision/inception_v3_Opset17_timm/inception_v3_Opset17.onnx`],
    sha256: 'd714dcf66d2a2819681b7e1900deab67d5a4be0725014390bd044d1fea746b1c',
    sizeBytes: 95317116,
    ...torchLike,
    inputSize: [299, 299],
    mean: [0.5, 0.5, 0.5],
    std: [0.5, 0.5, 0.5],
    description:
      "Inception v3 (timm 'inception_v3', torchvision's weights; ONNX Model Zoo Computer_Vision export, opset 17). " +
      'Apache-2.0.',
  },
  {
    name: 'EfficientNetB0',
    url: `${HF}/efficientnet_b0_Opset17/resolve/main/efficientnet_b0_Opset17.onnx`,
    mirrors: [`${GITHUB}/Computer_Vision/efficientnet_b0_Opset17_timm/efficientnet_b0_Opset17.onnx`],
    sha256: 'e76596a2b9e27c7c734c38550859105b43fec926f13447a84dad175eb994068a',
    sizeBytes: 21128851,
    ...torchLike,
    description:
      "EfficientNet-B0 (timm 'efficientnet_b0'; ONNX Model Zoo Computer_Vision export, opset 17). Apache-2.0.",
  },
  {
    name: 'EfficientNetLite4',
    url: `${HF}/efficientnet-lite4-11/resolve/main/efficientnet-lite4-11.onnx`,
    mirrors: [
      `${GITHUB}/validated/vision/classification/efficientnet-lite4/model/efficientnet-lite4-11.onnx`,
    ],
    sha256: 'd111689907c06eea7c82e4833ddef758da6453b9d4cf60b7e99ca05c7cbd9c12',
    sizeBytes: 51946641,
    inputSize: [224, 224],
    channelOrder: 'RGB',
    layout: 'NHWC',
    scale: 1,
    mean: [127, 127, 127],
    std: [128, 128, 128],
    resize: 'shorterSideThenCenterCrop',
    cropFraction: 0.875,
    labels: {
      url: `https://raw.githubusercontent.com/onnx/models/${ZOO_COMMIT}/validated/vision/classification/efficientnet-lite4/dependencies/labels_map.txt`,
      sha256: '3e232637a09beeb733f409908cfc0ba256e83f06815684678abafd4c0990c757',
      sizeBytes: 31565,
    },
    outputIsProbabilities: true,
    description:
      'EfficientNet-Lite4 (ONNX Model Zoo efficientnet-lite4-11, from TensorFlow), ImageNet top-1 80.4%; input ' +
      "'images:0' is NHWC with a batch of 1; output 'Softmax:0' is probabilities. MIT.",
  },
];

const builtIns = new Map<string, ModelZooEntry>(BUILT_IN.map((e) => [e.name, validateModelEntry(e)]));
const registry = new Map<string, ModelZooEntry>(builtIns);

/**
 * The names of every model in the zoo, built-in and registered, sorted.
 *
 * @example
 * ```ts
 * listModels(); // ['EfficientNetB0', 'EfficientNetLite4', 'InceptionV3', 'MobileNetV2', 'ResNet50', 'SqueezeNet']
 * ```
 */
export function listModels(): string[] {
  return [...registry.keys()].sort();
}

/**
 * The entry of a zoo model, by name (exact, or else ignoring case); `undefined` when there is none.
 *
 * @example
 * ```ts
 * findModelEntry('resnet50')?.inputSize; // [224, 224]
 * ```
 */
export function findModelEntry(name: string): ModelZooEntry | undefined {
  const exact = registry.get(name);
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  for (const [k, v] of registry) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/**
 * The entry of a zoo model, by name (exact, or else ignoring case).
 *
 * @throws ModelError `UNKNOWN_MODEL`, listing the names the zoo knows.
 * @example
 * ```ts
 * const { inputSize, mean, std } = getModelEntry('ResNet50');
 * ```
 */
export function getModelEntry(name: string): ModelZooEntry {
  const entry = findModelEntry(name);
  if (entry !== undefined) return entry;
  const known = listModels();
  throw new ModelError(
    'UNKNOWN_MODEL',
    `There is no model named '${name}' in the zoo. Known models: ${known.join(', ')}. Pass a path to an .onnx ` +
      'file, or add the model with registerModel().',
    { name, known: known.join(',') },
  );
}

/**
 * Adds a model to the zoo of this process (the driver's: workers get files, not names). The entry is checked
 * field by field; a name already in the zoo is refused unless `replace` is set.
 *
 * @returns the entry as stored (frozen, with `sha256` in lower case).
 * @throws ParamError `INVALID_MODEL_ENTRY` naming the field that is wrong; `MODEL_ALREADY_REGISTERED`.
 * @example
 * ```ts
 * registerModel({ ...getModelEntry('ResNet50'), name: 'MyResNet', url: 'https://mirror.example.com/r50.onnx' });
 * const { path } = await resolveModel('MyResNet');
 * ```
 */
export function registerModel(entry: ModelZooEntry, options: { replace?: boolean } = {}): ModelZooEntry {
  const valid = validateModelEntry(entry);
  const existing = findModelEntry(valid.name);
  if (existing !== undefined && !options.replace) {
    throw new ParamError(
      'MODEL_ALREADY_REGISTERED',
      `A model named '${existing.name}' is already in the zoo. Choose another name, or pass { replace: true }.`,
      { name: valid.name },
    );
  }
  if (existing !== undefined) registry.delete(existing.name);
  registry.set(valid.name, valid);
  return valid;
}

/**
 * Removes a registered model; built-in models come back as they were.
 *
 * @returns whether a registered model was removed.
 * @example
 * ```ts
 * unregisterModel('MyResNet');
 * ```
 */
export function unregisterModel(name: string): boolean {
  const existing = findModelEntry(name);
  if (existing === undefined) return false;
  const builtIn = builtIns.get(existing.name);
  if (builtIn === existing) return false;
  registry.delete(existing.name);
  if (builtIn !== undefined) registry.set(builtIn.name, builtIn);
  return true;
}

/**
 * Checks a zoo entry field by field and returns a frozen copy (with `sha256` in lower case).
 *
 * @throws ParamError `INVALID_MODEL_ENTRY`, with `field`, the value and what was expected.
 * @example
 * ```ts
 * validateModelEntry({ ...entry, sha256: 'abc' }); // ParamError: … 'sha256' … 64 hexadecimal digits
 * ```
 */
export function validateModelEntry(entry: ModelZooEntry): ModelZooEntry {
  const e = entry as unknown as Record<string, unknown>;
  const name = typeof e.name === 'string' ? e.name : '(unnamed)';
  const bad = (field: string, expected: string): ParamError =>
    new ParamError(
      'INVALID_MODEL_ENTRY',
      `Model entry '${name}': '${field}' is ${JSON.stringify(e[field]) ?? 'undefined'}; expected ${expected}.`,
      { name, field, value: JSON.stringify(e[field]) ?? 'undefined', expected },
    );
  if (typeof entry !== 'object' || entry === null) {
    throw new ParamError('INVALID_MODEL_ENTRY', 'A model entry must be an object.', { field: '(entry)' });
  }
  if (typeof e.name !== 'string' || !NAME.test(e.name) || e.name.toLowerCase().endsWith('.onnx')) {
    throw bad(
      'name',
      'a name of letters, digits, ".", "_" and "-", not ending in ".onnx" (which names a file)',
    );
  }
  if (!isHttpUrl(e.url)) throw bad('url', 'an http:// or https:// URL');
  if (e.mirrors !== undefined && (!Array.isArray(e.mirrors) || !e.mirrors.every(isHttpUrl))) {
    throw bad('mirrors', 'a list of http:// or https:// URLs');
  }
  if (typeof e.sha256 !== 'string' || !SHA256.test(e.sha256)) throw bad('sha256', '64 hexadecimal digits');
  if (e.sizeBytes !== undefined && !(Number.isInteger(e.sizeBytes) && (e.sizeBytes as number) > 0)) {
    throw bad('sizeBytes', 'a whole number of bytes > 0');
  }
  const size = e.inputSize;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((d) => Number.isInteger(d) && d > 0)) {
    throw bad('inputSize', '[height, width], whole numbers > 0');
  }
  if (e.channelOrder !== 'RGB' && e.channelOrder !== 'BGR') throw bad('channelOrder', "'RGB' or 'BGR'");
  if (e.layout !== 'NCHW' && e.layout !== 'NHWC') throw bad('layout', "'NCHW' or 'NHWC'");
  if (typeof e.scale !== 'number' || !Number.isFinite(e.scale) || e.scale === 0) {
    throw bad('scale', 'a finite number other than 0 (such as 1/255)');
  }
  const numbers = (v: unknown): v is number[] =>
    Array.isArray(v) &&
    (v.length === 1 || v.length === 3) &&
    v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!numbers(e.mean)) throw bad('mean', '1 or 3 finite numbers (one per channel)');
  if (!numbers(e.std) || e.std.some((x) => x === 0)) throw bad('std', '1 or 3 finite numbers other than 0');
  if (e.std.length !== e.mean.length) throw bad('std', `${e.mean.length} numbers, as many as 'mean'`);
  if (e.resize !== 'squash' && e.resize !== 'shorterSideThenCenterCrop') {
    throw bad('resize', "'squash' or 'shorterSideThenCenterCrop'");
  }
  if (e.cropFraction !== undefined) {
    const f = e.cropFraction;
    if (typeof f !== 'number' || !(f > 0 && f <= 1)) throw bad('cropFraction', 'a number in (0, 1]');
  }
  if (e.featureTensor !== undefined && (typeof e.featureTensor !== 'string' || e.featureTensor === '')) {
    throw bad('featureTensor', 'the name of a tensor of the model');
  }
  const labels = e.labels;
  const validLabels =
    labels === 'imagenet' ||
    (Array.isArray(labels) && labels.length > 0 && labels.every((l) => typeof l === 'string')) ||
    (typeof labels === 'object' &&
      labels !== null &&
      !Array.isArray(labels) &&
      isHttpUrl((labels as LabelsFile).url) &&
      typeof (labels as LabelsFile).sha256 === 'string' &&
      SHA256.test((labels as LabelsFile).sha256));
  if (!validLabels) {
    throw bad('labels', "'imagenet', a non-empty list of strings, or { url, sha256 } of a labels file");
  }
  if (typeof e.outputIsProbabilities !== 'boolean') throw bad('outputIsProbabilities', 'true or false');
  if (e.description !== undefined && typeof e.description !== 'string') throw bad('description', 'a string');
  const copy: ModelZooEntry = {
    ...entry,
    sha256: entry.sha256.toLowerCase(),
    inputSize: Object.freeze([size[0], size[1]]) as readonly [number, number],
    mean: Object.freeze([...entry.mean]),
    std: Object.freeze([...entry.std]),
    ...(entry.mirrors === undefined ? {} : { mirrors: Object.freeze([...entry.mirrors]) }),
    labels:
      typeof entry.labels === 'string'
        ? entry.labels
        : Array.isArray(entry.labels)
          ? Object.freeze([...(entry.labels as readonly string[])])
          : Object.freeze({
              ...(entry.labels as LabelsFile),
              sha256: (entry.labels as LabelsFile).sha256.toLowerCase(),
            }),
  };
  return Object.freeze(copy);
}

function isHttpUrl(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
