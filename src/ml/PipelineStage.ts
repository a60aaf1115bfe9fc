import { IOError, ParamError } from '../errors.js';
import type { StructType } from '../types/index.js';
import { loadStage } from './loadStage.js';
import { describeValue, invalidValue, type JsonValue } from './Param.js';
import { Params } from './Params.js';
import type { SaveOptions, StageMetadata } from './persistence.js';
import { saveStage } from './saveStage.js';

/**
 * A step of a {@link Pipeline}: a {@link Transformer} or an {@link Estimator}. Every stage says what schema it
 * produces from a schema ({@link PipelineStage.transformSchema}), so a pipeline is checked end to end before any
 * data moves, and can be saved and loaded (see `persistence.ts` for the layout and the hooks).
 *
 * @example
 * ```ts
 * const out = stage.transformSchema(await df.schema()); // throws SchemaError when df does not fit
 * await stage.save('/models/stage');
 * ```
 */
export abstract class PipelineStage extends Params {
  /**
   * The schema this stage produces from `schema`, computed without touching data. Throws a `SchemaError` when an
   * input column is missing or of the wrong type, or an output column exists already. Synchronous and pure;
   * `fit` and `transform` call it before they run anything.
   *
   * @example
   * ```ts
   * scaler.transformSchema(DataTypes.struct([DataTypes.field('x', DataTypes.double)]));
   * // struct<x:double, x_scaled:double>
   * ```
   */
  abstract transformSchema(schema: StructType): StructType;

  /**
   * Asynchronous work a stage must do before it knows its output schema, such as resolving and reading a model
   * (downloading it from the zoo when needed). `fit` and `transform` call it first; call it yourself before
   * calling {@link PipelineStage.transformSchema} directly on such a stage. The default does nothing.
   *
   * @example
   * ```ts
   * await featurizer.prepare();
   * featurizer.transformSchema(schema); // knows the feature vector's size
   * ```
   */
  async prepare(): Promise<void> {}

  /**
   * Saves this stage's class, uid and params (and whatever {@link PipelineStage.saveImpl} writes) to the directory
   * `path`. Throws `IOError` `PATH_ALREADY_EXISTS` when `path` exists and `overwrite` is not `true`; the write is
   * atomic, so a failed save leaves what was there.
   *
   * @example
   * ```ts
   * await pipelineModel.save('/models/spam', { overwrite: true });
   * ```
   */
  save(path: string, options: SaveOptions = {}): Promise<void> {
    return saveStage(this, path, options);
  }

  /**
   * Loads the stage saved at `path`, which must be an instance of the class this is called on (`Pipeline.load`
   * gives a `Pipeline`); otherwise `IOError` `WRONG_STAGE_CLASS`. Missing or malformed directories throw the
   * `IOError`s of `loadStage`.
   *
   * @example
   * ```ts
   * const model = await PipelineModel.load('/models/spam');
   * ```
   */
  static async load<T extends PipelineStage>(
    this: abstract new (
      ...args: never[]
    ) => T,
    path: string,
  ): Promise<T> {
    const stage = await loadStage(path);
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class load was called on (Pipeline.load wants a Pipeline).
    return expectClass(this, stage, path);
  }

  /**
   * Hook for stage authors: writes the stage's own files (weights, an ONNX model) into `dir`, beside
   * `metadata.json`, when it is saved. Does nothing by default. `dir` is a temporary directory that is renamed
   * into place once everything is written.
   *
   * @example
   * ```ts
   * override async saveImpl(dir: string): Promise<void> {
   *   await writeFile(join(dir, 'model.onnx'), this.modelBytes);
   * }
   * ```
   */
  async saveImpl(_dir: string): Promise<void> {}

  /**
   * Hook for stage authors: reads the stage's own files back from `dir` when the default loader
   * (`paramsLoader`) has made the stage and applied its params. Does nothing by default.
   *
   * @example
   * ```ts
   * override async loadImpl(dir: string): Promise<void> {
   *   this.modelBytes = await readFile(join(dir, 'model.onnx'));
   * }
   * ```
   */
  async loadImpl(_dir: string, _metadata: StageMetadata): Promise<void> {}

  /**
   * Hook for stage authors: small JSON facts to keep in `metadata.json` as `extra` (a pipeline lists its stages
   * there). `undefined` (the default) writes none.
   *
   * @example
   * ```ts
   * override extraMetadata() {
   *   return { numClasses: this.numClasses };
   * }
   * ```
   */
  extraMetadata(): { readonly [key: string]: JsonValue } | undefined {
    return undefined;
  }
}

/**
 * Checks a list of pipeline stages: an array of {@link PipelineStage}s whose uids are distinct. Throws `ParamError`
 * `INVALID_PARAM_VALUE` for anything else in the list, `DUPLICATE_STAGE_UID` for a stage that appears twice.
 *
 * @example
 * ```ts
 * toStages([tokenizer, lr]); // [tokenizer, lr], frozen
 * ```
 */
export function toStages(value: unknown): readonly PipelineStage[] {
  const expected = 'an array of pipeline stages (Transformers and Estimators)';
  if (!Array.isArray(value)) throw invalidValue(value, expected);
  const seen = new Map<string, number>();
  const stages: PipelineStage[] = [];
  for (const [i, stage] of (value as readonly unknown[]).entries()) {
    if (!(stage instanceof PipelineStage)) {
      throw invalidValue(value, `${expected}; element ${i} is ${describeValue(stage)}`);
    }
    const first = seen.get(stage.uid);
    if (first !== undefined) {
      throw new ParamError(
        'DUPLICATE_STAGE_UID',
        `A pipeline's stages must have distinct uids, but '${stage.uid}' is at positions ${first} and ${i}. A stage ` +
          'can appear once per pipeline: make another instance for the second place (copy() keeps the uid).',
        { uid: stage.uid, positions: `${first},${i}` },
      );
    }
    seen.set(stage.uid, i);
    stages.push(stage);
  }
  return Object.freeze(stages);
}

function expectClass<T extends PipelineStage>(
  wanted: abstract new (...args: never[]) => T,
  stage: PipelineStage,
  path: string,
): T {
  if (stage instanceof wanted) return stage;
  throw new IOError(
    'WRONG_STAGE_CLASS',
    `'${path}' holds a ${stage.constructor.name} (${stage.uid}), not a ${wanted.name}. Load it with ` +
      `${stage.constructor.name}.load(path), or with loadStage(path) when the class is not known in advance.`,
    { path, expected: wanted.name, actual: stage.constructor.name },
  );
}
