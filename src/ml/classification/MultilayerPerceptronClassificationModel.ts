import { ModelError, ParamError } from '../../errors.js';
import type { ParamSpec } from '../Param.js';
import type { StageOptions } from '../Params.js';
import { ParamValidators } from '../ParamValidators.js';
import { registerStage } from '../persistence.js';
import { TypeConverters } from '../TypeConverters.js';
import { classifierGraph, type DenseWeights, readClassifierWeights } from './classifierGraph.js';
import { mlpWeightCount } from './mlpTraining.js';
import { ProbabilisticClassificationModel } from './ProbabilisticClassificationModel.js';

/** `layers`: sizes of the layers from the input to the output, at least two, each > 0. */
export const layersSpec: ParamSpec<readonly number[]> = {
  name: 'layers',
  doc: 'Sizes of layers from input layer to output layer. E.g., Array(780, 100, 10) means 780 inputs, one hidden layer with 100 neurons and output layer of 10 neurons.',
  converter: TypeConverters.toListInt,
  validator: ParamValidators.all<readonly number[]>(
    ParamValidators.arrayLengthGt(1),
    ParamValidators.each(ParamValidators.gt(0)),
  ),
};

/** `hiddenActivation` (deepframe's): the hidden layers' activation; MLlib's is `sigmoid`, the default. */
export const hiddenActivationSpec = {
  name: 'hiddenActivation',
  doc: "the activation after each hidden layer: 'sigmoid' (MLlib's, the default), 'relu' or 'tanh'.",
  converter: TypeConverters.toOneOf(['sigmoid', 'relu', 'tanh'] as const),
  default: 'sigmoid' as const,
};

/** What a perceptron's fit recorded. */
export interface MultilayerPerceptronSummary {
  /** The objective (mean cross-entropy) at the start and after each iteration (l-bfgs), or per iteration/epoch. */
  readonly objectiveHistory: readonly number[];
  readonly totalIterations: number;
  readonly stopReason: string;
  /** deepframe's: how many times a data-parallel fit's gang restarted from a checkpoint (a worker died). */
  readonly restarts?: number;
}

/**
 * A fitted multilayer perceptron (Spark ML's `MultilayerPerceptronClassificationModel`): `weights` in MLlib's flat
 * layout, the `layers`, and a transform that appends `rawPrediction` (the output layer before softmax),
 * `probability` and `prediction`. Saves its weights as an ONNX model (`model.onnx`) beside its params and predicts
 * identically after a load.
 *
 * @example
 * ```ts
 * const model = await new MultilayerPerceptronClassifier({ layers: [4, 5, 3], seed: 1 }).fit(train);
 * model.weights.length; // (4 + 1)·5 + (5 + 1)·3
 * const scored = await model.transform(test);
 * ```
 */
export class MultilayerPerceptronClassificationModel extends ProbabilisticClassificationModel {
  readonly layers = this.declareParam(layersSpec);
  readonly hiddenActivation = this.declareParam(hiddenActivationSpec);
  private flatWeights: Float64Array | undefined;
  private trainingSummary: MultilayerPerceptronSummary | undefined;

  /** Makes a model from `layers` and `weights`; `fit` and `load` make them too. */
  constructor(
    options: StageOptions<MultilayerPerceptronClassificationModel> & { weights?: ArrayLike<number> } = {},
  ) {
    const { weights, ...params } = options;
    super(params);
    this.applyOptions(params);
    if (weights !== undefined) this.setWeights(Float64Array.from(weights));
  }

  /** @internal Sets the weights (and the summary of the fit that made them). */
  setWeights(weights: Float64Array, summary?: MultilayerPerceptronSummary): this {
    const expected = mlpWeightCount(this.getLayers());
    if (weights.length !== expected) {
      throw new ParamError(
        'INVALID_PARAM',
        `${this.uid}: layers [${this.getLayers().join(', ')}] need ${expected} weights; got ${weights.length}.`,
        { stage: this.uid, param: 'weights' },
      );
    }
    this.flatWeights = weights;
    this.trainingSummary = summary;
    return this;
  }

  getLayers(): readonly number[] {
    if (!this.isDefined(this.layers)) {
      throw new ParamError('MISSING_PARAM', `${this.uid}: layers is not set.`, {
        stage: this.uid,
        param: 'layers',
      });
    }
    return this.getOrDefault(this.layers);
  }
  getHiddenActivation(): 'sigmoid' | 'relu' | 'tanh' {
    return this.getOrDefault(this.hiddenActivation);
  }

  /** All weights, MLlib's flat layout (a copy). */
  get weights(): Float64Array {
    return Float64Array.from(this.w);
  }
  get numFeatures(): number {
    return this.getLayers()[0] as number;
  }
  get numClasses(): number {
    const layers = this.getLayers();
    return layers[layers.length - 1] as number;
  }
  /** Whether the model carries the summary of the fit that made it (a loaded model does not). */
  get hasSummary(): boolean {
    return this.trainingSummary !== undefined;
  }
  /** The training summary: objective history and iterations. */
  get summary(): MultilayerPerceptronSummary {
    return this.requireSummary(this.trainingSummary);
  }

  private get w(): Float64Array {
    if (this.flatWeights === undefined) {
      throw new ModelError(
        'MODEL_NOT_FITTED',
        `${this.uid} has no weights: fit a MultilayerPerceptronClassifier or load a saved model.`,
        { stage: this.uid },
      );
    }
    return this.flatWeights;
  }

  protected inferenceModel(): Uint8Array {
    const layers = this.getLayers();
    const w = this.w;
    const dense: DenseWeights[] = [];
    let k = 0;
    for (let i = 1; i < layers.length; i++) {
      const inputs = layers[i - 1] as number;
      const units = layers[i] as number;
      const kernel = w.subarray(k, k + inputs * units);
      k += inputs * units;
      const bias = w.subarray(k, k + units);
      k += units;
      dense.push({
        kernel,
        bias,
        units,
        activation: i === layers.length - 1 ? 'linear' : this.getHiddenActivation(),
      });
    }
    return classifierGraph(layers[0] as number, dense, { kind: 'softmax', thresholds: this.getThresholds() });
  }

  protected restoreWeights(bytes: Uint8Array, where: string): void {
    const parts = readClassifierWeights(bytes, where);
    const flat = new Float64Array(parts.reduce((n, p) => n + p.kernel.length + p.bias.length, 0));
    let k = 0;
    for (const p of parts) {
      flat.set(p.kernel, k);
      k += p.kernel.length;
      flat.set(p.bias, k);
      k += p.bias.length;
    }
    this.setWeights(flat);
  }
}
registerStage(MultilayerPerceptronClassificationModel);
