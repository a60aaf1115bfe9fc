/**
 * A worker thread of a data-parallel gang on the embedded engine: trains one replica (see `replica.ts`) over the
 * shared rows, its slice of every global batch, exchanging gradients with the other threads through the
 * shared-memory ring. Rank 0 writes the checkpoint after every epoch and reports the epoch's loss.
 *
 * The thread serves one run per `run` message and stays for the next (the driver keeps idle threads a while), so
 * that a fit does not pay for loading deepframe and ONNX Runtime into new threads every time.
 *
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { DeepframeError } from '../errors.js';
import { errorToWire } from '../worker/wireError.js';
import { loadCheckpoint } from './checkpoint.js';
import type { GangThreadData, GangThreadMessage } from './gangMessages.js';
import { type EpochProgress, runReplica } from './replica.js';
import { globalBatchSampler, seededShuffleSampler } from './sampler.js';
import { sharedMemoryLink } from './sharedMemoryRing.js';

const port = parentPort;
if (port === null) {
  throw new DeepframeError('INTERNAL', 'gangThread runs in a worker thread, not on the main thread.', {});
}
let runId = 0;
const post = (message: GangThreadMessage) => port.postMessage({ ...message, run: runId });

async function main(d: GangThreadData): Promise<void> {
  const { job, rank, size } = d;
  const x = new Float32Array(d.data.x);
  const labels = new Float64Array(d.data.labels);
  const rowWeights = d.data.weights === undefined ? undefined : new Float64Array(d.data.weights);
  const resume = await loadCheckpoint(d.checkpoint.dir, d.checkpoint.run);
  const link = sharedMemoryLink(d.ring, rank);
  const report = job.kind === 'minibatch' && job.reportWeights === true;
  const onEpoch = (progress: EpochProgress) => {
    if (rank !== 0) return;
    post({
      kind: 'epoch',
      epoch: progress.epoch,
      loss: progress.history.at(-1) ?? Number.NaN,
      ...(report && progress.weights !== undefined
        ? {
            weights: progress.weights.map((w) => w.slice()),
            layers: (progress.layers ?? []).map((l) => l.slice()),
          }
        : {}),
    });
  };
  const finish = new Int32Array(d.finish);
  const common = {
    link,
    threads: d.threads,
    onEpoch,
    shouldStop: () => Atomics.load(finish, 0) !== 0,
    checkpointTo: { ...d.checkpoint, restarts: resume === undefined ? 0 : (resume.restarts ?? 0) + 1 },
    ...(resume === undefined ? {} : { resume }),
  };
  let result: Awaited<ReturnType<typeof runReplica>>;
  if (job.kind === 'minibatch') {
    result = await runReplica(
      job,
      { x, labels },
      {
        ...common,
        sampler:
          job.sampling?.kind === 'seededShuffle'
            ? seededShuffleSampler(
                d.data.rows,
                job.globalBatch,
                job.sampling.seed,
                job.sampling.skipDraws,
                rank,
                size,
              )
            : globalBatchSampler(new Uint32Array(d.data.order), job.globalBatch, job.seed, rank, size),
        ...(d.initialWeights === undefined ? {} : { initialWeights: d.initialWeights }),
      },
    );
  } else {
    // Full batches: this worker's contiguous share of the rows, copied out of shared memory.
    const rows = d.data.rows;
    const start = Math.floor((rows * rank) / size);
    const end = Math.floor((rows * (rank + 1)) / size);
    const features = x.length / Math.max(rows, 1);
    result = await runReplica(
      job,
      {
        x: x.slice(start * features, end * features),
        labels: labels.slice(start, end),
        ...(rowWeights === undefined ? {} : { weights: rowWeights.slice(start, end) }),
      },
      {
        ...common,
        ...(d.initialWeights === undefined ? {} : { initialWeights: d.initialWeights }),
      },
    );
  }
  post({
    kind: 'done',
    history: result.history,
    stopReason: result.stopReason,
    final: rank === 0 ? result.final : { ...result.final, arrays: {} },
  });
}

port.on('message', (message: { kind: 'run'; run: number; data: GangThreadData }) => {
  runId = message.run;
  main(message.data).catch((error: unknown) => {
    post({ kind: 'error', error: errorToWire(error) });
  });
});
