import { ParamError } from '../errors.js';
import type { DataFrame } from '../frame/DataFrame.js';
import type { StructType } from '../types/index.js';
import { Estimator } from './Estimator.js';
import { readStages } from './loadStage.js';
import type { JsonValue } from './Param.js';
import { ParamMap } from './ParamMap.js';
import type { ParamOverrides, StageOptions } from './Params.js';
import { PipelineModel } from './PipelineModel.js';
import { type PipelineStage, toStages } from './PipelineStage.js';
import { registerStage } from './persistence.js';
import { stagesMetadata, writeStages } from './saveStage.js';
import { Transformer } from './Transformer.js';

/**
 * A sequence of stages, itself an {@link Estimator}: `fit` runs the stages in order on the data, fitting each
 * estimator on the output of the stages before it, and returns a {@link PipelineModel} of transformers (the
 * fitted models, and the transformers as they were). Stages after the last estimator are passed through without
 * running. After pyspark's `ml/pipeline.py`.
 *
 * @example
 * ```ts
 * const pipeline = new Pipeline({ stages: [tokenizer, hashingTF, lr] });
 * const model = await pipeline.fit(train);
 * const predictions = await model.transform(test);
 * ```
 */
export class Pipeline extends Estimator<PipelineModel> {
  /** The stages, in order; default none. Saved as sub-directories, not in `metadata.json`'s `paramMap`. */
  readonly stages = this.declareParam<readonly PipelineStage[]>({
    name: 'stages',
    doc: 'a list of pipeline stages.',
    converter: toStages,
    default: [],
    persist: false,
  });

  /**
   * A pipeline of `options.stages`, with `options.uid` or a random uid.
   *
   * @example
   * ```ts
   * const pipeline = new Pipeline({ stages: [scaler, lr] });
   * ```
   */
  constructor(options: StageOptions<Pipeline> = {}) {
    super(options);
    this.applyOptions(options);
  }

  /**
   * The stages, in order.
   *
   * @example
   * ```ts
   * pipeline.getStages().map((s) => s.uid);
   * ```
   */
  getStages(): readonly PipelineStage[] {
    return this.getOrDefault(this.stages);
  }

  /**
   * Replaces the stages. Throws `ParamError` `DUPLICATE_STAGE_UID` when a stage appears twice.
   *
   * @example
   * ```ts
   * pipeline.setStages([scaler, lr]);
   * ```
   */
  setStages(value: readonly PipelineStage[]): this {
    return this.set(this.stages, value);
  }

  /** Prepares every stage in turn (see {@link PipelineStage.prepare}). */
  override async prepare(): Promise<void> {
    for (const stage of this.getStages()) await stage.prepare();
  }

  /**
   * The schema the stages produce in turn from `schema`: each stage's `transformSchema` gets the previous one's
   * output, so a pipeline whose stages do not fit together fails here, naming the stage, before any data moves.
   *
   * @example
   * ```ts
   * new Pipeline({ stages: [scaler, lr] }).transformSchema(await df.schema());
   * ```
   */
  transformSchema(schema: StructType): StructType {
    return this.getStages().reduce((current, stage) => stage.transformSchema(current), schema);
  }

  /**
   * A copy of this pipeline with copies of its stages. A {@link ParamMap} `extra` is applied to every stage (each
   * takes its own params' entries), so one map can tune a whole pipeline.
   *
   * @example
   * ```ts
   * const tuned = pipeline.copy(new ParamMap().put(lr.regParam, 0.1));
   * ```
   */
  override copy(extra?: ParamOverrides<this>): this {
    const that = super.copy(extra);
    const map = extra instanceof ParamMap ? extra : undefined;
    return that.setStages(that.getStages().map((stage) => stage.copy(map)));
  }

  /**
   * Lists the stages' uids and directories for `metadata.json`'s `extra`.
   *
   * @example
   * ```ts
   * pipeline.extraMetadata(); // { stages: [{ uid: 'Scaler_3f9a0c12be7d', path: 'stages/0_Scaler_3f9a0c12be7d' }] }
   * ```
   */
  override extraMetadata(): { readonly [key: string]: JsonValue } {
    return { stages: stagesMetadata(this.getStages()) };
  }

  /**
   * Saves every stage under `<dir>/stages/<index>_<uid>/`; called by `save()`.
   *
   * @example
   * ```ts
   * await pipeline.save('/models/p'); // writes /models/p/metadata.json and /models/p/stages/…
   * ```
   */
  override async saveImpl(dir: string): Promise<void> {
    await writeStages(dir, this.getStages());
  }

  protected async _fit(df: DataFrame): Promise<PipelineModel> {
    const stages = this.getStages();
    let lastEstimator = -1;
    for (const [i, stage] of stages.entries()) if (stage instanceof Estimator) lastEstimator = i;
    const transformers: Transformer[] = [];
    let data = df;
    for (const [i, stage] of stages.entries()) {
      if (i > lastEstimator) {
        transformers.push(asTransformer(stage));
      } else if (stage instanceof Estimator) {
        const model = await stage.fit(data);
        transformers.push(model);
        if (i < lastEstimator) data = await model.transform(data);
      } else {
        const transformer = asTransformer(stage);
        transformers.push(transformer);
        data = await transformer.transform(data);
      }
    }
    return new PipelineModel({ uid: this.uid, stages: transformers });
  }
}

function asTransformer(stage: PipelineStage): Transformer {
  if (stage instanceof Transformer) return stage;
  throw new ParamError(
    'INVALID_PIPELINE_STAGE',
    `Pipeline stage '${stage.uid}' is neither a Transformer nor an Estimator; a pipeline cannot run it.`,
    { stage: stage.uid },
  );
}

registerStage('Pipeline', async ({ path, metadata }) =>
  new Pipeline({ uid: metadata.uid, stages: await readStages(path, metadata) }).setParamsFromJson(metadata),
);
