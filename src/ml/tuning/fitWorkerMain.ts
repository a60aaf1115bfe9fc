/**
 * The worker-thread side of {@link FitWorkers}: fits one candidate of a model search per message, on its own
 * embedded session, and answers with the candidate's metric.
 *
 * The thread loads the search's estimator from the directory the driver saved it to, makes the evaluator from its
 * class and params, and reads each split's rows from Arrow IPC bytes in a `SharedArrayBuffer` (shared with the
 * driver; each worker copies them once per split), keeping the last split's DataFrames for the tasks that follow.
 *
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { tableFromIPC } from 'apache-arrow';
import '../index.js'; // registers the ML stage classes with loadStage
import '../../dl/index.js'; // and the deep-learning ones
import { DeepframeError } from '../../errors.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { Session } from '../../frame/Session.js';
import { withTrainingThreads } from '../../nn/threads.js';
import { errorToWire } from '../../worker/wireError.js';
import type { Estimator } from '../Estimator.js';
import { loadStage } from '../loadStage.js';
import { ParamMap } from '../ParamMap.js';
import { makeEvaluator } from './evaluatorSpec.js';
import type { FitEnd, FitInit, FitReply, FitTask, SerializedOverrides } from './fitMessages.js';
import { stagesByUid } from './paramMapsJson.js';

const port = parentPort;
if (port === null) {
  throw new DeepframeError('INTERNAL', 'fitWorkerMain runs in a worker thread, not on the main thread.', {});
}

interface SearchState {
  readonly estimator: Estimator;
  readonly threads: number;
  readonly evaluate: (df: DataFrame) => Promise<number>;
  /** The splits read so far, by their shared training rows (a cross-validation's folds interleave). */
  readonly splits: Map<SharedArrayBuffer, { readonly train: DataFrame; readonly validation: DataFrame }>;
}

// One core's worth of DuckDB, and tensor stages (the evaluation's predictions) on this thread: the search runs one
// fit thread per lane already.
const session = Session.builder()
  .master('local[1]')
  .config('deepframe.local.stageThreads', '0')
  .appName('deepframe fit thread')
  .getOrCreate();
const states = new Map<number, Promise<SearchState>>();

port.on('message', (message: FitInit | FitTask | FitEnd) => {
  if (message.kind === 'init') {
    states.set(
      message.search,
      (async () => {
        const estimator = (await loadStage(message.estimatorDir)) as Estimator;
        const evaluator = makeEvaluator(message.evaluator);
        return {
          estimator,
          threads: message.threads,
          evaluate: (df: DataFrame) => evaluator.evaluate(df),
          splits: new Map(),
        };
      })(),
    );
  } else if (message.kind === 'end') {
    states.delete(message.search);
  } else {
    void answer(message).then((reply) => port.postMessage(reply));
  }
});

async function answer(task: FitTask): Promise<FitReply> {
  try {
    const state = await states.get(task.search);
    if (state === undefined) {
      throw new DeepframeError(
        'INTERNAL',
        `A fit thread got a task of search ${task.search}, which it does not know.`,
        {
          search: String(task.search),
        },
      );
    }
    let split = state.splits.get(task.train);
    if (split === undefined) {
      const s = await session;
      // A private copy of the shared bytes: the engine hands column buffers to DuckDB, which takes no shared memory.
      const read = (bytes: SharedArrayBuffer) =>
        s.createDataFrame(tableFromIPC(new Uint8Array(bytes).slice()));
      split = { train: read(task.train), validation: read(task.validation) };
      state.splits.set(task.train, split);
    }
    const { train, validation } = split;
    const overrides = deserializeOverrides(state.estimator, task.overrides);
    // The fit's training sessions and the evaluation's model sessions get this thread's share of the cores.
    const { model, metric } = await withTrainingThreads(state.threads, async () => {
      const fitted = await state.estimator.fit(train, overrides as never);
      return { model: fitted, metric: await state.evaluate(await fitted.transform(validation)) };
    });
    if (task.modelDir !== undefined) await model.save(task.modelDir);
    return { id: task.id, metric };
  } catch (error) {
    return { id: task.id, error: errorToWire(error) };
  }
}

/** Rebuilds a param map: by name for a plain object; by stage uid and param name for a `ParamMap`. */
function deserializeOverrides(
  estimator: Estimator,
  o: SerializedOverrides,
): ParamMap | Readonly<Record<string, unknown>> {
  if (o.kind === 'object') return o.values;
  const stages = stagesByUid(estimator);
  const map = new ParamMap();
  for (const { stage, name, value } of o.pairs) {
    const owner = stages.get(stage);
    if (owner === undefined) {
      throw new DeepframeError(
        'INTERNAL',
        `Stage '${stage}' of a param map is not in the loaded estimator.`,
        {
          stage,
        },
      );
    }
    map.put(owner.getParam(name), value as never);
  }
  return map;
}
