/**
 * What a `fitCandidate` stage does with its batch (see `fitCandidateStage.ts`), loaded by the handler on first
 * use: every ML and deep-learning stage class, and an embedded session of the spec's threads on which the
 * candidates are fitted and evaluated, as a fit thread does on the embedded engine (`fitWorkerMain.ts`).
 *
 * The estimator and the search's rows are read once per worker process and kept in the stage's cache for the
 * next candidate.
 *
 * @module
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import '../index.js'; // registers the ML stage classes with loadStage
import '../../dl/index.js'; // and the deep-learning ones
import { describeCause, IOError } from '../../errors.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { col } from '../../frame/functions.js';
import { rowsToArrow } from '../../frame/rows.js';
import { Session } from '../../frame/Session.js';
import { withTrainingThreads } from '../../nn/threads.js';
import type { Row } from '../../types/Value.js';
import type { StageContext } from '../../worker/StageSpec.js';
import { errorToWire } from '../../worker/wireError.js';
import type { Estimator } from '../Estimator.js';
import { loadStage } from '../loadStage.js';
import type { ParamOverrides } from '../Params.js';
import { packDirectory, unpackDirectory } from './directoryBundle.js';
import { makeEvaluator } from './evaluatorSpec.js';
import { CANDIDATE_RESULT_SCHEMA, type FitCandidateStageSpec } from './fitCandidateStage.js';
import { paramMapsFromJson } from './paramMapsJson.js';

/** The worker's embedded session for fits with `threads` threads, made once per worker and thread count. */
function fitSession(threads: number, cache: Map<string, unknown>): Promise<Session> {
  const key = `fitCandidate/session/${threads}`;
  let session = cache.get(key) as Promise<Session> | undefined;
  if (session === undefined) {
    // Tensor stages (the evaluation's predictions) on the calling thread: the task has `threads` cores, no more.
    session = Session.builder()
      .master(`local[${threads}]`)
      .config('deepframe.local.stageThreads', '0')
      .appName('deepframe fit task')
      .create();
    cache.set(key, session);
  }
  return session;
}

/** `fn()` once per worker and `key`, kept in the stage's cache (a failure is not kept). */
function cached<T>(cache: Map<string, unknown>, key: string, fn: () => Promise<T>): Promise<T> {
  let value = cache.get(key) as Promise<T> | undefined;
  if (value === undefined) {
    value = fn();
    cache.set(key, value);
    value.catch(() => cache.delete(key));
  }
  return value;
}

async function readBytes(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new IOError(
      'PATH_NOT_FOUND',
      `The ${what} of a model search is not at '${path}' on this worker: ${describeCause(e)}. ` +
        'The driver ships it with the session; run the search again on a new session.',
      { path },
      { cause: e },
    );
  }
}

/** The search's estimator, unpacked into a temporary folder and loaded. */
async function loadEstimator(file: string): Promise<Estimator> {
  const dir = await mkdtemp(join(tmpdir(), 'deepframe-fit-estimator-'));
  try {
    await unpackDirectory(await readBytes(file, 'estimator'), dir, file);
    return (await loadStage(dir)) as Estimator;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A search's rows, from an Arrow IPC stream file, as a DataFrame of the worker's session. */
async function readRows(session: Session, file: string): Promise<DataFrame> {
  return session.createDataFrame(arrow.tableFromIPC(await readBytes(file, 'rows')));
}

/** The rows of `parts` (all of them without a part column), in the file's order, without the part column. */
function partsOf(rows: DataFrame, partCol: string | null, parts: readonly number[]): DataFrame {
  if (partCol === null) return rows;
  return rows.filter(col(partCol).isin(...parts)).drop(partCol);
}

/** A model saved and packed into one bundle. */
async function packModel(model: { save(path: string): Promise<void> }): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'deepframe-fit-model-'));
  try {
    await model.save(join(dir, 'model'));
    return await packDirectory(join(dir, 'model'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Fits (and evaluates) the candidate each row of `batch` names, one after another; one result row each.
 *
 * @example
 * ```ts
 * const input = arrow.tableFromArrays({ index: BigInt64Array.from([0n, 1n]) }).batches[0];
 * const out = await fitCandidates(spec, input, createStageContext());
 * out.getChild('metric')?.get(0); // the first param map's metric on the split
 * ```
 */
export async function fitCandidates(
  spec: FitCandidateStageSpec,
  batch: arrow.RecordBatch,
  context: StageContext,
): Promise<arrow.RecordBatch> {
  const { cache } = context;
  const session = await fitSession(spec.threads, cache);
  const estimator = await cached(cache, `fitCandidate/estimator/${spec.estimator}`, () =>
    loadEstimator(spec.estimator),
  );
  const maps = paramMapsFromJson(estimator, spec.paramMaps, spec.estimator);
  const rows = await cached(cache, `fitCandidate/rows/${spec.rows}`, () => readRows(session, spec.rows));
  const train = partsOf(rows, spec.partCol, spec.train);
  const validation = spec.validation === null ? undefined : partsOf(rows, spec.partCol, spec.validation);
  const evaluator = spec.evaluator === null ? undefined : makeEvaluator(spec.evaluator);
  const indices = batch.getChild('index');
  const results: Row[] = [];
  for (let r = 0; r < batch.numRows; r++) {
    const index = Number(indices?.get(r));
    const started = performance.now();
    let result: Pick<Row, 'metric' | 'model' | 'error'>;
    try {
      const map = maps[index];
      if (map === undefined) {
        throw new IOError(
          'INVALID_METADATA',
          `A fit task names param map ${index}, but the search has ${maps.length}.`,
          { index: String(index), paramMaps: String(maps.length) },
        );
      }
      result = await withTrainingThreads(spec.threads, async () => {
        const model = await estimator.fit(train, map as ParamOverrides<Estimator>);
        const metric =
          evaluator === undefined || validation === undefined
            ? null
            : await evaluator.evaluate(await model.transform(validation));
        return { metric, model: spec.keepModel ? await packModel(model) : null, error: null };
      });
    } catch (e) {
      result = { metric: null, model: null, error: JSON.stringify(errorToWire(e)) };
    }
    results.push({
      index,
      ...result,
      pid: process.pid,
      host: hostname(),
      workDir: process.cwd(),
      millis: performance.now() - started,
    });
  }
  return rowsToArrow(results, CANDIDATE_RESULT_SCHEMA).batches[0] as arrow.RecordBatch;
}
