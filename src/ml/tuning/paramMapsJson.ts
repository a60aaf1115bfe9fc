/**
 * A search's param maps as JSON, for saving a tuner: plain maps by param name, `ParamMap`s by the owning stage's
 * uid and the param's name (a grid may span a Pipeline's stages), each value encoded by its own param.
 *
 * @module
 */
import { IOError } from '../../errors.js';
import type { Estimator } from '../Estimator.js';
import type { JsonValue } from '../Param.js';
import { ParamMap } from '../ParamMap.js';
import type { ParamOverrides, Params } from '../Params.js';
import { Pipeline } from '../Pipeline.js';

/** The stages a grid's params may belong to: the estimator and, for a pipeline, its stages (recursively), by uid. */
export function stagesByUid(estimator: Estimator): Map<string, Params> {
  const stages = new Map<string, Params>();
  const visit = (stage: Params) => {
    stages.set(stage.uid, stage);
    if (stage instanceof Pipeline) for (const s of stage.getStages()) visit(s);
  };
  visit(estimator);
  return stages;
}

/**
 * `maps` as JSON.
 *
 * @example
 * ```ts
 * paramMapsToJson(lr, [{ regParam: 0.1 }]); // [{ "values": { "regParam": 0.1 } }]
 * ```
 */
export function paramMapsToJson<E extends Estimator>(
  estimator: E,
  maps: readonly ParamOverrides<E>[],
): JsonValue {
  return maps.map((map): JsonValue => {
    if (map instanceof ParamMap) {
      return {
        pairs: [...map].map(([param, value]) => ({
          stage: param.parent,
          name: param.name,
          value: param.jsonEncode(value),
        })),
      };
    }
    const values: { [name: string]: JsonValue } = {};
    for (const [name, value] of Object.entries(map as object)) {
      if (value !== undefined) values[name] = estimator.getParam(name).jsonEncode(value);
    }
    return { values };
  });
}

/** The param maps {@link paramMapsToJson} wrote, for `estimator` as loaded (its stages keep their uids). */
export function paramMapsFromJson<E extends Estimator>(
  estimator: E,
  json: JsonValue | undefined,
  path: string,
): ParamOverrides<E>[] {
  const invalid = (what: string) =>
    new IOError('INVALID_METADATA', `Cannot load the tuner saved at '${path}': ${what}.`, {
      path,
      field: 'extra.estimatorParamMaps',
    });
  if (!Array.isArray(json)) throw invalid('its metadata has no extra.estimatorParamMaps array');
  const stages = stagesByUid(estimator);
  return (json as readonly JsonValue[]).map((entry, i) => {
    const e = entry as { values?: { [name: string]: JsonValue }; pairs?: JsonValue };
    if (typeof e === 'object' && e !== null && Array.isArray(e.pairs)) {
      const map = new ParamMap();
      for (const pair of e.pairs as readonly { stage?: unknown; name?: unknown; value?: JsonValue }[]) {
        const owner = typeof pair.stage === 'string' ? stages.get(pair.stage) : undefined;
        if (owner === undefined || typeof pair.name !== 'string') {
          throw invalid(
            `param map ${i} names a stage that is not in the saved estimator (${String(pair.stage)})`,
          );
        }
        const param = owner.getParam(pair.name);
        map.put(param, param.jsonDecode(pair.value ?? null) as never);
      }
      return map as ParamOverrides<E>;
    }
    if (typeof e === 'object' && e !== null && typeof e.values === 'object' && e.values !== null) {
      const values: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(e.values))
        values[name] = estimator.getParam(name).jsonDecode(value);
      return values as ParamOverrides<E>;
    }
    throw invalid(`param map ${i} is neither {values} nor {pairs}`);
  });
}
