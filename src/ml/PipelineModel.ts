import { IOError, ParamError } from '../errors.js';
import type { DataFrame } from '../frame/DataFrame.js';
import type { StructType } from '../types/index.js';
import { readStages } from './loadStage.js';
import { Model } from './Model.js';
import type { JsonValue } from './Param.js';
import { ParamMap } from './ParamMap.js';
import type { ParamOverrides, ParamsOptions } from './Params.js';
import { toStages } from './PipelineStage.js';
import { registerStage } from './persistence.js';
import { stagesMetadata, writeStages } from './saveStage.js';
import { Transformer } from './Transformer.js';

/** Options of {@link PipelineModel}'s constructor. */
export interface PipelineModelOptions extends ParamsOptions {
  /** The transformers to run, in order. */
  readonly stages: readonly Transformer[];
}

/**
 * A fitted {@link Pipeline}: its transformers, run in order by `transform`. Its uid is the pipeline's.
 *
 * @example
 * ```ts
 * const model = await pipeline.fit(train);
 * const predictions = await model.transform(test);
 * await model.save('/models/spam');
 * ```
 */
export class PipelineModel extends Model {
  private transformers: readonly Transformer[];

  /**
   * A model of `options.stages`. Throws `ParamError` `DUPLICATE_STAGE_UID` when a stage appears twice, and
   * `INVALID_PARAM_VALUE` for a stage that is not a Transformer.
   *
   * @example
   * ```ts
   * const model = new PipelineModel({ stages: [scaler, lrModel] });
   * ```
   */
  constructor(options: PipelineModelOptions) {
    super(options);
    this.transformers = checkTransformers(options.stages);
  }

  /**
   * The transformers, in order.
   *
   * @example
   * ```ts
   * model.stages.map((s) => s.uid);
   * ```
   */
  get stages(): readonly Transformer[] {
    return this.transformers;
  }

  /** Prepares every stage in turn (see {@link PipelineStage.prepare}). */
  override async prepare(): Promise<void> {
    for (const stage of this.transformers) await stage.prepare();
  }

  /**
   * The schema the transformers produce in turn from `schema`.
   *
   * @example
   * ```ts
   * model.transformSchema(await df.schema());
   * ```
   */
  transformSchema(schema: StructType): StructType {
    return this.transformers.reduce((current, stage) => stage.transformSchema(current), schema);
  }

  /**
   * A copy of this model with copies of its transformers; a {@link ParamMap} `extra` is applied to every one.
   *
   * @example
   * ```ts
   * const other = model.copy(new ParamMap().put(lrModel.threshold, 0.7));
   * ```
   */
  override copy(extra?: ParamOverrides<this>): this {
    const that = super.copy(extra);
    const map = extra instanceof ParamMap ? extra : undefined;
    that.transformers = Object.freeze(this.transformers.map((stage) => stage.copy(map)));
    return that;
  }

  /**
   * Lists the stages' uids and directories for `metadata.json`'s `extra`.
   *
   * @example
   * ```ts
   * model.extraMetadata(); // { stages: [{ uid: 'Scaler_3f9a0c12be7d', path: 'stages/0_Scaler_3f9a0c12be7d' }] }
   * ```
   */
  override extraMetadata(): { readonly [key: string]: JsonValue } {
    return { stages: stagesMetadata(this.transformers) };
  }

  /**
   * Saves every stage under `<dir>/stages/<index>_<uid>/`; called by `save()`.
   *
   * @example
   * ```ts
   * await model.save('/models/p'); // writes /models/p/metadata.json and /models/p/stages/…
   * ```
   */
  override async saveImpl(dir: string): Promise<void> {
    await writeStages(dir, this.transformers);
  }

  protected async _transform(df: DataFrame): Promise<DataFrame> {
    let data = df;
    for (const stage of this.transformers) data = await stage.transform(data);
    return data;
  }
}

function checkTransformers(stages: readonly Transformer[]): readonly Transformer[] {
  const checked = toStages(stages);
  for (const [i, stage] of checked.entries()) {
    if (!(stage instanceof Transformer)) {
      throw new ParamError(
        'INVALID_PARAM_VALUE',
        `A PipelineModel holds only transformers, but stage ${i} ('${stage.uid}') is a ${stage.constructor.name}. ` +
          'Fit the pipeline (or that estimator) to get a model.',
        { param: 'stages', value: stage.uid, expected: 'a Transformer' },
      );
    }
  }
  return stages;
}

registerStage('PipelineModel', async ({ path, metadata }) => {
  const stages = await readStages(path, metadata);
  const transformers = stages.map((stage) => {
    if (stage instanceof Transformer) return stage;
    throw new IOError(
      'INVALID_METADATA',
      `The PipelineModel saved at '${path}' lists '${stage.uid}', which is not a Transformer (a fitted pipeline ` +
        'holds only transformers and models).',
      { path, stage: stage.uid, expected: 'a Transformer' },
    );
  });
  return new PipelineModel({ uid: metadata.uid, stages: transformers }).setParamsFromJson(metadata);
});
