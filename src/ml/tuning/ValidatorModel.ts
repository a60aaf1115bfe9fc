import { join } from 'node:path';
import { IOError } from '../../errors.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import type { StructType } from '../../types/DataType.js';
import { loadStage } from '../loadStage.js';
import { Model } from '../Model.js';
import type { JsonValue } from '../Param.js';
import { ParamMap } from '../ParamMap.js';
import type { ParamOverrides, ParamsOptions } from '../Params.js';
import type { LoadContext } from '../persistence.js';
import { writeStage } from '../saveStage.js';

/** Options of a {@link ValidatorModel}'s constructor. */
export interface ValidatorModelOptions<M extends Model> extends ParamsOptions {
  /** The best model, fitted on the whole dataset. */
  readonly bestModel: M;
  /** Every candidate model, by split then by param map, when they were collected. */
  readonly subModels?: readonly (readonly M[])[] | undefined;
}

/**
 * What {@link CrossValidatorModel} and {@link TrainValidationSplitModel} share: the best model (whose `transform`
 * is theirs), the candidate models when collected, and how they are saved: `bestModel/` and
 * `subModels/<split>/<param map index>/` beside `metadata.json`, each a saved stage, metrics in `extra`.
 *
 * @example
 * ```ts
 * const cvModel = await cv.fit(train);
 * cvModel.bestModel;                       // the best candidate, refitted on all of train
 * await cvModel.transform(test);           // the best model's predictions
 * ```
 */
export abstract class ValidatorModel<M extends Model> extends Model {
  private best: M;
  private candidates: readonly (readonly M[])[] | undefined;

  /**
   * Holds `options.bestModel` (and `options.subModels`).
   *
   * @example
   * ```ts
   * new CrossValidatorModel({ bestModel, avgMetrics: [0.9, 0.8] });
   * ```
   */
  constructor(options: ValidatorModelOptions<M>) {
    super(options);
    this.best = options.bestModel;
    this.candidates = options.subModels === undefined ? undefined : freeze2(options.subModels);
  }

  /**
   * The model fitted on the whole dataset with the best param map.
   *
   * @example
   * ```ts
   * (cvModel.bestModel as LogisticRegressionModel).coefficientMatrix;
   * ```
   */
  get bestModel(): M {
    return this.best;
  }

  /** The candidates by split then param map, or `undefined`; subclasses expose them in Spark's shape. */
  protected get splitModels(): readonly (readonly M[])[] | undefined {
    return this.candidates;
  }

  /**
   * The best model's output schema.
   *
   * @example
   * ```ts
   * cvModel.transformSchema(await test.schema());
   * ```
   */
  transformSchema(schema: StructType): StructType {
    return this.best.transformSchema(schema);
  }

  /** Prepares the best model. */
  override async prepare(): Promise<void> {
    await this.best.prepare();
  }

  /**
   * A copy of this model with a copy of the best model (a {@link ParamMap} `extra` applied to it too); the
   * candidates are shared.
   *
   * @example
   * ```ts
   * const other = cvModel.copy();
   * ```
   */
  override copy(extra?: ParamOverrides<this>): this {
    const that = super.copy(extra);
    that.best = this.best.copy(extra instanceof ParamMap ? extra : undefined);
    return that;
  }

  /**
   * The metrics and the shape of the saved candidates, for `metadata.json`'s `extra`.
   *
   * @example
   * ```ts
   * cvModel.extraMetadata(); // { avgMetrics: [0.91, 0.87], stdMetrics: […], subModels: null }
   * ```
   */
  override extraMetadata(): { readonly [key: string]: JsonValue } {
    return {
      ...this.metricsJson(),
      subModels: this.candidates === undefined ? null : this.candidates.map((split) => split.length),
    };
  }

  /**
   * Saves the best model under `bestModel/` and the candidates under `subModels/<split>/<index>/`.
   *
   * @example
   * ```ts
   * await cvModel.save('/models/cv');
   * ```
   */
  override async saveImpl(dir: string): Promise<void> {
    await writeStage(this.best, join(dir, 'bestModel'));
    if (this.candidates === undefined) return;
    for (const [split, models] of this.candidates.entries()) {
      for (const [index, model] of models.entries()) {
        await writeStage(model, join(dir, 'subModels', String(split), String(index)));
      }
    }
  }

  /** The metrics as JSON for `extra` (non-finite values as strings, which JSON cannot hold as numbers). */
  protected abstract metricsJson(): { readonly [key: string]: JsonValue };

  protected async _transform(df: DataFrame): Promise<DataFrame> {
    return this.best.transform(df);
  }
}

function freeze2<M>(models: readonly (readonly M[])[]): readonly (readonly M[])[] {
  return Object.freeze(models.map((split) => Object.freeze([...split])));
}

/** Metrics as JSON: finite numbers as they are, NaN and infinities as strings. */
export function metricsToJson(metrics: readonly number[]): JsonValue[] {
  return metrics.map((m) => (Number.isFinite(m) ? m : String(m)));
}

/** What a saved validator model holds besides its params: the best model, candidates, and `extra`. */
export interface LoadedParts {
  readonly bestModel: Model;
  readonly subModels: Model[][] | undefined;
  readonly extra: { readonly [key: string]: JsonValue };
}

/** Reads the best model and candidates of a saved validator model (see {@link ValidatorModel.saveImpl}). */
export async function loadValidatorParts({ path, metadata }: LoadContext): Promise<LoadedParts> {
  const extra = metadata.extra ?? {};
  const bestModel = asModel(await loadStage(join(path, 'bestModel')), path);
  const shape = extra.subModels;
  let subModels: Model[][] | undefined;
  if (Array.isArray(shape)) {
    subModels = [];
    for (const [split, count] of (shape as readonly JsonValue[]).entries()) {
      const models: Model[] = [];
      for (let index = 0; index < Number(count); index++) {
        models.push(asModel(await loadStage(join(path, 'subModels', String(split), String(index))), path));
      }
      subModels.push(models);
    }
  }
  return { bestModel, subModels, extra };
}

/** Metrics read back from `extra[key]`, checked to be an array of numbers (or the strings of non-finite ones). */
export function metricsFromJson(
  extra: { readonly [key: string]: JsonValue },
  key: string,
  path: string,
): number[] {
  const list = extra[key];
  if (
    !Array.isArray(list) ||
    !(list as readonly JsonValue[]).every((m) => typeof m === 'number' || typeof m === 'string')
  ) {
    throw new IOError(
      'INVALID_METADATA',
      `Cannot load the model saved at '${path}': its metadata has no extra.${key} array of numbers.`,
      { path, field: `extra.${key}`, expected: 'an array of numbers' },
    );
  }
  return (list as readonly (number | string)[]).map(Number);
}

function asModel(stage: unknown, path: string): Model {
  if (stage instanceof Model) return stage;
  throw new IOError(
    'INVALID_METADATA',
    `The tuning model saved at '${path}' holds a stage that is not a fitted model (${String((stage as { uid?: unknown }).uid)}).`,
    { path, expected: 'a Model' },
  );
}
