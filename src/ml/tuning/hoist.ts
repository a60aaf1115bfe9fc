/**
 * Running a searched Pipeline's leading transformers once. When the estimator of a model search is a `Pipeline`
 * that starts with transformers (a `DeepImageFeaturizer`, a `VectorAssembler`, …) whose params no candidate
 * changes, their output is the same for every fold and candidate: the search computes it once, over all rows, and
 * searches the rest of the pipeline on it. The models it returns are whole again: the leading transformers, then
 * the fitted rest.
 *
 * @module
 */

import type { DataFrame } from '../../frame/DataFrame.js';
import { Estimator } from '../Estimator.js';
import type { Model } from '../Model.js';
import { ParamMap } from '../ParamMap.js';
import type { ParamOverrides } from '../Params.js';
import { Pipeline } from '../Pipeline.js';
import { PipelineModel } from '../PipelineModel.js';
import type { Transformer } from '../Transformer.js';

/** What to search after the leading transformers ran: the rest of the pipeline, on their output. */
export interface HoistedSearch {
  /** The leading transformers (none when nothing was hoisted). */
  readonly prefix: readonly Transformer[];
  /** The estimator to search: the rest of the pipeline, or the original estimator. */
  readonly estimator: Estimator;
  /** The rows to search on: the leading transformers' output, or the input. */
  readonly data: DataFrame;
}

/**
 * Splits off the pipeline's leading transformers when no param map touches them or the pipeline itself, and
 * transforms `data` with them; otherwise returns the search as it was.
 *
 * @example
 * ```ts
 * const { prefix, estimator, data } = await hoistTransformers(pipeline, grid, df); // features computed once
 * ```
 */
export async function hoistTransformers(
  estimator: Estimator,
  maps: readonly ParamOverrides<Estimator>[],
  data: DataFrame,
): Promise<HoistedSearch> {
  const none = { prefix: [], estimator, data };
  if (!(estimator instanceof Pipeline)) return none;
  const stages = estimator.getStages();
  const first = stages.findIndex((s) => s instanceof Estimator);
  if (first <= 0) return none;
  // Maps given by name set the Pipeline's own params (its stages, even): leave such a search alone.
  if (maps.some((m) => !(m instanceof ParamMap))) return none;
  const touched = new Set<string>();
  for (const map of maps as readonly ParamMap[]) for (const [param] of map) touched.add(param.parent);
  if (touched.has(estimator.uid)) return none;
  let count = 0;
  while (count < first && !touched.has((stages[count] as Transformer).uid)) count++;
  if (count === 0) return none;
  const prefix = stages.slice(0, count) as Transformer[];
  let out = data;
  for (const stage of prefix) out = await stage.transform(out);
  return { prefix, estimator: new Pipeline({ uid: estimator.uid, stages: stages.slice(count) }), data: out };
}

/**
 * A model of the searched rest, made whole: the leading transformers, then its stages, under the rest's uid (the
 * pipeline's), with `parent` the pipeline that was searched.
 */
export function withPrefix<M extends Model>(prefix: readonly Transformer[], model: M, parent: Estimator): M {
  if (prefix.length === 0) return model;
  const stages = model instanceof PipelineModel ? model.stages : [model];
  return new PipelineModel({ uid: model.uid, stages: [...prefix, ...stages] }).setParent(
    parent,
  ) as unknown as M;
}
