/**
 * The `chain` stage: stage specs run one after another over a batch, each one's new columns appended before the
 * next runs; out come every step's new columns. What a PipelineModel registered as a SQL function runs in a worker
 * (or on a Spark executor): `[onnx featurizer, onnx classifier, indexToString]`, say.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { ParamError } from '../errors.js';
import { zipColumns } from '../tensor/concat.js';
import { runStage } from './runStage.js';
import type { StageSpec } from './StageSpec.js';
import type { StageHandler } from './stages.js';

/** Spec of a `chain` stage. */
export interface ChainStageSpec {
  readonly kind: 'chain';
  /** The steps, in order; each returns only its new columns. */
  readonly steps: readonly StageSpec[];
  /** The columns to return, of those the steps add (default: all of them). */
  readonly output?: readonly string[];
}

declare module './StageSpec.js' {
  interface StageSpecKinds {
    chain: ChainStageSpec;
  }
}

export const chainStage: StageHandler<'chain'> = {
  validate(spec) {
    if (!Array.isArray(spec.steps) || spec.steps.length === 0) {
      throw new ParamError(
        'INVALID_STAGE_SPEC',
        "A chain stage needs 'steps', a non-empty list of stage specs.",
        {
          kind: 'chain',
        },
      );
    }
  },
  async run(spec, batch, context) {
    let current = batch;
    let added: arrow.RecordBatch | undefined;
    for (const step of spec.steps) {
      const out = await runStage(step, current, context);
      current = zipColumns(current, out);
      added = added === undefined ? out : zipColumns(added, out);
    }
    const all = added as arrow.RecordBatch;
    if (spec.output === undefined) return all;
    const fields = all.schema.fields.filter((f) => spec.output?.includes(f.name));
    const type = new arrow.Struct(fields);
    const children = fields.map((f) => (all.getChild(f.name) as arrow.Vector).data[0] as arrow.Data);
    return new arrow.RecordBatch(
      new arrow.Schema(fields),
      arrow.makeData({ type, length: all.numRows, nullCount: 0, children }),
    );
  },
};
