/**
 * The `indexToString` worker stage: `IndexToString` over a batch, for a PipelineModel that runs in a worker (a SQL
 * function): label indices (any number type) to the labels, an index outside `[0, labels.length)`, a NaN or a null
 * failing the batch with Spark's message.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { ExecutionError } from '../../errors.js';
import type { StageHandler } from '../../worker/stages.js';

/** Spec of an `indexToString` stage. */
export interface IndexToStringStageSpec {
  readonly kind: 'indexToString';
  readonly stage: string;
  readonly inputCol: string;
  readonly outputCol: string;
  readonly labels: readonly string[];
}

declare module '../../worker/StageSpec.js' {
  interface StageSpecKinds {
    indexToString: IndexToStringStageSpec;
  }
}

export const indexToStringStage: StageHandler<'indexToString'> = {
  validate() {},
  run(spec, batch) {
    const input = batch.getChild(spec.inputCol);
    const out = Array.from({ length: batch.numRows }, (_, r) => {
      const v = input?.get(r) as number | bigint | null | undefined;
      const index = v === null || v === undefined ? Number.NaN : Number(v);
      if (!(index > -1 && index < spec.labels.length)) {
        throw new ExecutionError(
          'UNSEEN_INDEX',
          `Unseen index: ${v}. IndexToString '${spec.stage}' has ${spec.labels.length} label(s), so column '${spec.inputCol}' must hold indices in [0, ${spec.labels.length}).`,
          { stage: spec.stage, index: String(v) },
        );
      }
      return spec.labels[Math.trunc(index)] as string;
    });
    return new arrow.RecordBatch({ [spec.outputCol]: arrow.vectorFromArray(out, new arrow.Utf8()).data[0]! });
  },
};
