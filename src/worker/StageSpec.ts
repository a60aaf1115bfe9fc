/**
 * Stage specs: what a worker runs, as plain data.
 *
 * A stage spec is a JSON-serializable object with a `kind` discriminant. It crosses every boundary a stage runs
 * behind — a `worker_threads` message port, a child process's stdin, a Spark executor — unchanged, which is why a
 * stage is never a closure (DESIGN.md, principle 1). The worker resolves `kind` to a handler registered in
 * `stages.ts`; the stage's declared output schema is computed on the driver, not here.
 *
 * @module
 */
import type * as arrow from 'apache-arrow';

/** A JSON value: what stage options may hold, so that they survive `JSON.stringify` and `postMessage` alike. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/**
 * Runs a user function exported by an ES module over each record batch.
 *
 * The export must be a {@link StageFunction}. The module is imported once per worker and cached, so module-level
 * state lives as long as the worker; state that must outlive one batch (a model session) belongs in
 * {@link StageContext.cache}.
 *
 * @example
 * ```ts
 * const spec: ModuleStageSpec = {
 *   kind: 'module',
 *   modulePath: '/abs/path/to/stages.js', // or a file: URL, or a package specifier
 *   exportName: 'addOne',
 *   options: { column: 'x' },
 * };
 * ```
 */
export interface ModuleStageSpec {
  readonly kind: 'module';
  /**
   * Where the module is: a `file:` (or other) URL, an absolute path, a path starting with `./` or `../`
   * (resolved against the worker's current directory), or a bare package specifier (resolved from deepframe's
   * own location).
   */
  readonly modulePath: string;
  /** The name of the export to call (`default` for a default export). */
  readonly exportName: string;
  /** Passed as the second argument to the function, as given. */
  readonly options: JsonValue;
}

/**
 * Every stage kind, by name. Built-in kinds add themselves by declaration merging next to their handler, and
 * register the handler in `src/worker/stages.ts`:
 *
 * @example
 * ```ts
 * declare module './StageSpec.js' {
 *   interface StageSpecKinds {
 *     onnx: OnnxStageSpec;
 *   }
 * }
 * ```
 */
export interface StageSpecKinds {
  module: ModuleStageSpec;
}

/** The name of a stage kind. */
export type StageKind = keyof StageSpecKinds;

/** The spec of one kind of stage. */
export type StageSpecOf<K extends StageKind> = StageSpecKinds[K];

/** Any stage spec: plain, JSON-serializable data with a `kind` discriminant. */
export type StageSpec = StageSpecKinds[StageKind];

/** How the worker running a stage was reached. */
export type WorkerTransport = 'thread' | 'stdio' | 'inline';

/**
 * What a stage knows about where it runs, besides its batch and options.
 *
 * @example
 * ```ts
 * export async function embed(batch: arrow.RecordBatch, options: JsonValue, context: StageContext) {
 *   let session = context.cache.get('embed/session') as Session | undefined;
 *   if (session === undefined) {
 *     session = await loadSession();
 *     context.cache.set('embed/session', session); // kept for the next batch, task and stage on this worker
 *   }
 *   return run(session, batch);
 * }
 * ```
 */
export interface StageContext {
  /** The index of the partition (task) that the batch belongs to; `-1` when the caller did not say. */
  readonly partitionIndex: number;
  /** The position of the batch within its partition, from 0; `-1` when the caller did not say. */
  readonly batchIndex: number;
  /**
   * One cache per worker, alive for as long as the worker: across batches, tasks and stages. Holds expensive
   * state such as model sessions. Keys are shared by every stage on the worker, so prefix them with the stage's
   * name.
   */
  readonly cache: Map<string, unknown>;
  /** How the worker is reached: a worker thread, a standalone process over stdin/stdout, or inline. */
  readonly transport: WorkerTransport;
  /** The worker's identity: its `threadId` for a worker thread, its process id for stdio, `0` inline. */
  readonly workerId: number;
}

/**
 * The function a {@link ModuleStageSpec} names: one record batch in, one record batch out.
 *
 * @example
 * ```ts
 * export const addOne: StageFunction<{ column: string }> = (batch, options) => {
 *   const x = batch.getChild(options.column)!.toArray() as Float64Array;
 *   return new arrow.RecordBatch({ y: arrow.makeData({ type: new arrow.Float64(), data: x.map((v) => v + 1) }) });
 * };
 * ```
 */
export type StageFunction<O = JsonValue> = (
  batch: arrow.RecordBatch,
  options: O,
  context: StageContext,
) => arrow.RecordBatch | Promise<arrow.RecordBatch>;

/**
 * Builds a {@link StageContext}, for running a stage inline (in tests, or on the driver).
 *
 * @example
 * ```ts
 * const out = await runStage(spec, batch, createStageContext({ partitionIndex: 0, batchIndex: 0 }));
 * ```
 */
export function createStageContext(init: Partial<StageContext> = {}): StageContext {
  return {
    partitionIndex: init.partitionIndex ?? -1,
    batchIndex: init.batchIndex ?? -1,
    cache: init.cache ?? new Map<string, unknown>(),
    transport: init.transport ?? 'inline',
    workerId: init.workerId ?? 0,
  };
}

/**
 * A short description of a stage for messages, such as `module stage 'double' from '/x/stages.js'`.
 * Works on any value, since it also describes specs that failed validation.
 */
export function describeStage(spec: unknown): string {
  if (typeof spec !== 'object' || spec === null) return `stage ${JSON.stringify(spec) ?? String(spec)}`;
  const s = spec as Record<string, unknown>;
  const kind = typeof s.kind === 'string' ? s.kind : '(no kind)';
  if (kind === 'module' && typeof s.modulePath === 'string') {
    return `module stage '${String(s.exportName)}' from '${s.modulePath}'`;
  }
  return `${kind} stage`;
}
