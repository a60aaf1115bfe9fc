/**
 * Runs one stage over one record batch: the core that every worker transport calls.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { DeepframeError, describeCause, ExecutionError, ParamError } from '../errors.js';
import { describeStage, type StageContext, type StageSpec } from './StageSpec.js';
import { resolveStageHandler } from './stages.js';

/** Where a batch was, for messages: `partition 3, batch 0`, or nothing when the caller did not say. */
function where(context: StageContext): string {
  const parts: string[] = [];
  if (context.partitionIndex >= 0) parts.push(`partition ${context.partitionIndex}`);
  if (context.batchIndex >= 0) parts.push(`batch ${context.batchIndex}`);
  return parts.length === 0 ? '' : ` on ${parts.join(', ')}`;
}

/**
 * Checks that a value received as plain data is a stage spec of a known kind that its handler accepts.
 * Throws `INVALID_STAGE_SPEC` (a `ParamError`), `UNKNOWN_STAGE_KIND`, or the handler's own error.
 */
export function validateStageSpec(spec: unknown): asserts spec is StageSpec {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new ParamError(
      'INVALID_STAGE_SPEC',
      `A stage spec must be a plain object with a 'kind'; got ${JSON.stringify(spec) ?? typeof spec}.`,
      { value: String(spec) },
    );
  }
  const kind: unknown = (spec as { kind?: unknown }).kind;
  if (typeof kind !== 'string') {
    throw new ParamError(
      'INVALID_STAGE_SPEC',
      `A stage spec needs 'kind' as a string; got ${JSON.stringify(kind) ?? typeof kind}.`,
      { field: 'kind', value: String(kind) },
    );
  }
  resolveStageHandler(kind).validate(spec as StageSpec);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'object';
}

function checkResult(spec: StageSpec, result: unknown, context: StageContext): arrow.RecordBatch {
  if (result instanceof arrow.RecordBatch) return result;
  let hint = 'Return an apache-arrow RecordBatch.';
  if (result instanceof arrow.Table) {
    hint = 'Got a Table: return one of its batches, or build a RecordBatch.';
  } else if (typeof result === 'object' && result !== null && 'schema' in result && 'numRows' in result) {
    hint =
      'It looks like a RecordBatch from another copy of apache-arrow: make the stage module import the same ' +
      'apache-arrow package that deepframe uses.';
  }
  throw new ExecutionError(
    'STAGE_RESULT_NOT_RECORD_BATCH',
    `The ${describeStage(spec)} returned ${describeValue(result)}${where(context)}; expected a RecordBatch. ${hint}`,
    { stage: describeStage(spec), actualType: describeValue(result) },
  );
}

/**
 * Runs a stage over one record batch and returns the batch it produced.
 *
 * The spec is validated first (an unknown kind throws `UNKNOWN_STAGE_KIND`, a malformed spec
 * `INVALID_STAGE_SPEC`); a `module` stage's module is imported once per worker and cached. A stage that throws a
 * `DeepframeError` fails with it as it is; any other error is wrapped in an `ExecutionError` `STAGE_FAILED` that
 * names the stage, partition and batch. A result that is not a RecordBatch fails with
 * `STAGE_RESULT_NOT_RECORD_BATCH`.
 *
 * @example
 * ```ts
 * const spec = { kind: 'module', modulePath: '/abs/stages.js', exportName: 'double', options: null } as const;
 * const out = await runStage(spec, batch, createStageContext({ partitionIndex: 0, batchIndex: 0 }));
 * ```
 */
export async function runStage(
  spec: StageSpec,
  batch: arrow.RecordBatch,
  context: StageContext,
): Promise<arrow.RecordBatch> {
  validateStageSpec(spec);
  const handler = resolveStageHandler(spec.kind);
  let result: unknown;
  try {
    result = await handler.run(spec, batch, context);
  } catch (cause) {
    if (cause instanceof DeepframeError) throw cause;
    throw new ExecutionError(
      'STAGE_FAILED',
      `The ${describeStage(spec)} failed${where(context)}: ${describeCause(cause)}`,
      {
        stage: describeStage(spec),
        partitionIndex: String(context.partitionIndex),
        batchIndex: String(context.batchIndex),
        reason: describeCause(cause),
      },
      { cause },
    );
  }
  return checkResult(spec, result, context);
}
