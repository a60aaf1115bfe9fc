import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { StageOptions } from '../ml/Params.js';
import { registerStage } from '../ml/persistence.js';
import { appendColumn } from '../ml/schemaUtils.js';
import { cutGraph, penultimateTensor } from '../models/cutGraph.js';
import { deepframeHome } from '../models/home.js';
import type { OnnxStageSpec } from '../models/onnxStage.js';
import { DataTypes, type StructType } from '../types/DataType.js';
import { toNonEmptyString } from './converters.js';
import { ImageModelStage } from './ImageModelStage.js';
import type { ImageModel } from './imageModels.js';

/**
 * Turns images into feature vectors with a pretrained network cut at its penultimate layer — Deep Learning
 * Pipelines' `DeepImageFeaturizer`, for transfer learning: the output is a `vector<N>` column of the layer's
 * activations, for a classifier to train on. The graph is cut at the model card's or zoo entry's feature tensor,
 * at `featureTensor` when given, or else at the input of the final fully connected layer; the model does not have
 * to expose that tensor itself.
 *
 * @example
 * ```ts
 * const featurizer = new DeepImageFeaturizer({ inputCol: 'image', outputCol: 'features', modelName: 'ResNet50' });
 * const features = await featurizer.transform(images); // features: vector<2048>
 * ```
 */
export class DeepImageFeaturizer extends ImageModelStage {
  readonly featureTensor = this.declareParam({
    name: 'featureTensor',
    doc: "the tensor to cut the network at; by default the model's feature tensor or the input of its last fully connected layer.",
    converter: toNonEmptyString,
  });

  constructor(options: StageOptions<DeepImageFeaturizer> = {}) {
    super(options);
    this.setDefault(this.outputCol, 'features');
    this.applyOptions(options);
  }

  getFeatureTensor(): string | undefined {
    return this.isDefined(this.featureTensor) ? this.getOrDefault(this.featureTensor) : undefined;
  }
  setFeatureTensor(value: string): this {
    return this.set(this.featureTensor, value);
  }

  protected override prepareKey(): string {
    return JSON.stringify([super.prepareKey(), this.getFeatureTensor()]);
  }

  /** The model cut at the feature tensor, written once into `DEEPFRAME_HOME/cut/`. */
  protected override async modelFile(model: ImageModel): Promise<string> {
    const bytes = await readFile(model.path);
    const tensor = this.getFeatureTensor() ?? model.featureTensor ?? penultimateTensor(bytes);
    const digest = createHash('sha256').update(bytes).update(`\0${tensor}`).digest('hex').slice(0, 16);
    const dir = join(deepframeHome(), 'cut');
    const path = join(dir, `${basename(model.path, '.onnx')}-${digest}.onnx`);
    if (!existsSync(path)) {
      await mkdir(dir, { recursive: true });
      const temp = `${path}.${process.pid}.tmp`;
      await writeFile(temp, await cutGraph(bytes, tensor, { where: model.name }));
      await rename(temp, path);
    }
    return path;
  }

  transformSchema(schema: StructType): StructType {
    this.imageInput(schema, true);
    const size = this.requirePrepared().shapes.outputs[0]!.size;
    return appendColumn(schema, this.getOutputCol(), DataTypes.vector(size), this.uid);
  }

  protected stageSpec(schema: StructType, parallelism: number): OnnxStageSpec {
    return this.vectorStageSpec(schema, parallelism, this.requirePrepared().shapes.outputs[0]!);
  }
}
registerStage(DeepImageFeaturizer);
