/**
 * A member of a data-parallel gang on a Spark executor: the Node.js worker that `make_gang_runner` (the executor
 * module) starts in a barrier task. It reads the task's partition from stdin (the stdio framing; the header adds
 * the gang: rank, size, every member's address, the listening socket's file descriptor), joins the TCP ring,
 * trains its replica on its partition in lockstep with the others (see `replica.ts`), and writes one row to
 * stdout: its rank and rows, the epochs' losses, and — rank 0 only — the trained state.
 *
 * @module
 */
import { once } from 'node:events';
import net from 'node:net';
import type { Writable } from 'node:stream';
import * as arrow from 'apache-arrow';
import { ParamError, SchemaError } from '../errors.js';
import { sequentialFromJson } from '../nn/layerJson.js';
import { canonicalRowOrder } from '../tensor/rowOrder.js';
import { loadCheckpoint } from './checkpoint.js';
import type { DataParallelStageSpec } from './dataParallelStage.js';
import { GangEvaluator, splitHoldout, standardizeAcrossGang } from './holdout.js';
import { type EpochProgress, runReplica } from './replica.js';
import { ringAllGather } from './ring.js';
import { partitionSampler, shares } from './sampler.js';
import { connectTcpRing, type PeerAddress } from './tcpRing.js';

/** The gang part of a stdio header. */
export interface GangHeader {
  readonly rank: number;
  readonly size: number;
  /** Every member's `host:port`, by rank. */
  readonly peers: readonly string[];
  /** The listening socket, inherited from the executor's Python runner. */
  readonly listenFd: number;
}

/** The row each member writes (`state` is rank 0's trained state, the others' is null). */
export const GANG_OUTPUT_FIELDS = ['rank', 'rows', 'history', 'stop', 'state', 'restarts'] as const;

/**
 * Runs this member of the gang over the partition in `rest` (an Arrow IPC stream, or nothing for an empty
 * partition) and writes its row to `output`.
 *
 * @example
 * ```ts
 * const { header, rest } = await readStdioHeader(process.stdin);
 * if (header.gang) await runGangTask(header.spec as DataParallelStageSpec, header.gang, rest, process.stdout);
 * ```
 */
export async function runGangTask(
  spec: DataParallelStageSpec,
  gang: GangHeader,
  rest: AsyncIterable<Uint8Array>,
  output: Writable,
): Promise<void> {
  const read = await readPartition(spec, rest, gang.rank);
  // Validating while training: this member's held-out rows stay out of its batches.
  const holdout = spec.job.kind === 'minibatch' ? spec.holdout : undefined;
  const split =
    holdout === undefined
      ? undefined
      : splitHoldout(
          read,
          read.features,
          holdout.fraction,
          spec.job.kind === 'minibatch' ? spec.job.seed : 0,
          gang.rank,
        );
  const data: PartitionData =
    split === undefined ? read : { ...read, x: split.train.x, labels: split.train.labels };
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ fd: gang.listenFd }, () => resolve());
  });
  const link = await connectTcpRing({
    rank: gang.rank,
    size: gang.size,
    server,
    peers: gang.peers.map(parseAddress),
    timeoutMs: spec.connectTimeoutMs,
  });
  try {
    const scaling =
      split !== undefined && holdout?.standardize === true
        ? await standardizeAcrossGang([split.train.x, split.validation.x], split.train.x, read.features, link)
        : undefined;
    const rows = data.labels.length / data.width;
    const counts = await ringAllGather(Float64Array.of(rows), link);
    const total = counts.reduce((a, b) => a + b, 0);
    const resume = await loadCheckpoint(spec.checkpoint.dir, spec.checkpoint.run);
    // Spark ran this gang's stage again after a member failed: count it in the checkpoints from now on.
    const restarts = resume === undefined ? 0 : (resume.restarts ?? 0) + 1;
    if (resume !== undefined) {
      console.error(`worker ${gang.rank}: resuming after epoch ${resume.epoch} (restart ${restarts})`);
    }
    const job = spec.job;
    let sampler: ReturnType<typeof partitionSampler> | undefined;
    if (job.kind === 'minibatch') {
      const empty = counts.indexOf(0);
      if (empty >= 0) {
        throw new ParamError(
          'EMPTY_GANG_PARTITION',
          `Worker ${empty} of the gang has no rows to train on (${total} rows over ${gang.size} workers); give ` +
            'at least as many rows as numWorkers.',
          { worker: String(empty), rows: String(total) },
        );
      }
      const share = shares(Math.min(job.globalBatch, total), Array.from(counts))[gang.rank] as number;
      const keys = data.width === 1 ? data.labels : new Float64Array(rows);
      sampler = partitionSampler(
        canonicalRowOrder(data.x, data.features, keys),
        share,
        Math.min(job.globalBatch, total),
        total,
        job.seed,
        gang.rank,
      );
    }
    const evaluator =
      split !== undefined && job.kind === 'minibatch'
        ? await GangEvaluator.create(job, spec.threads)
        : undefined;
    const metrics: number[] = [];
    let best: { epoch: number; score: number; weights: Float32Array[]; layers: Float32Array[] } | undefined;
    const afterEpoch = async (p: EpochProgress): Promise<boolean> => {
      if (evaluator === undefined || split === undefined || holdout === undefined) return false;
      const m = await evaluator.epochMetrics(
        p.weights ?? [],
        p.layers ?? [],
        split.train,
        split.validation,
        link,
      );
      metrics.push(m.loss, m.accuracy, m.validationLoss, m.validationAccuracy);
      const score = Number.isNaN(m.validationLoss) ? m.loss : m.validationLoss;
      if (holdout.patience <= 0) return false;
      if (best === undefined || score < best.score) {
        best = {
          epoch: p.epoch,
          score,
          weights: (p.weights ?? []).map((w) => w.slice()),
          layers: (p.layers ?? []).map((l) => l.slice()),
        };
        return false;
      }
      return p.epoch - best.epoch >= holdout.patience;
    };
    const result = await runReplica(
      job,
      { x: data.x, labels: data.labels, ...(data.weights === undefined ? {} : { weights: data.weights }) },
      {
        link,
        threads: spec.threads,
        checkpointTo: { ...spec.checkpoint, restarts },
        afterEpoch,
        ...(sampler === undefined ? {} : { sampler }),
        ...(resume === undefined ? {} : { resume }),
        ...(spec.initialWeights === undefined
          ? {}
          : {
              initialWeights: spec.initialWeights.map((w) =>
                job.kind === 'minibatch' ? Float32Array.from(w) : Float64Array.from(w),
              ),
            }),
      },
    );
    await evaluator?.close();
    const final = best ?? {
      weights: result.final.arrays.weights ?? [],
      layers: result.final.arrays.layers ?? [],
    };
    const extra =
      scaling === undefined ? [] : [Float32Array.from(scaling.mean), Float32Array.from(scaling.std)];
    const state =
      gang.rank === 0 ? concatBytes([...(final.weights ?? []), ...(final.layers ?? []), ...extra]) : null;
    const table = new arrow.Table({
      rank: arrow.vectorFromArray([gang.rank], new arrow.Int32()),
      rows: arrow.vectorFromArray([rows], new arrow.Float64()),
      history: arrow.vectorFromArray(
        [Array.from(result.history)],
        new arrow.List(new arrow.Field('element', new arrow.Float64(), true)),
      ),
      stop: arrow.vectorFromArray([result.stopReason], new arrow.Utf8()),
      state: arrow.vectorFromArray([state], new arrow.Binary()),
      restarts: arrow.vectorFromArray([restarts], new arrow.Int32()),
      metrics: arrow.vectorFromArray(
        [metrics],
        new arrow.List(new arrow.Field('element', new arrow.Float64(), true)),
      ),
      best: arrow.vectorFromArray([best?.epoch ?? result.history.length], new arrow.Int32()),
      heldOut: arrow.vectorFromArray([split?.validation.labels.length ?? 0], new arrow.Float64()),
    });
    const bytes = arrow.tableToIPC(table, 'stream');
    if (!output.write(bytes)) await once(output, 'drain');
  } finally {
    link.close();
    server.close();
  }
}

interface PartitionData {
  readonly x: Float32Array;
  readonly labels: Float64Array;
  readonly weights: Float64Array | undefined;
  readonly features: number;
  /** Label values per row. */
  readonly width: number;
}

/** The partition's features, labels and row weights, checked row by row. */
async function readPartition(
  spec: DataParallelStageSpec,
  rest: AsyncIterable<Uint8Array>,
  rank: number,
): Promise<PartitionData> {
  const features = spec.inputShape.reduce((a, b) => a * b, 1);
  const width = spec.labelWidth;
  const xs: Float32Array[] = [];
  const labels: number[] = [];
  const weights: number[] = [];
  let row = 0;
  const chunks: Uint8Array[] = [];
  for await (const chunk of rest) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  if (bytes.length > 0) {
    const reader = arrow.RecordBatchReader.from(bytes);
    for (const batch of reader) {
      const fv = batch.getChild(spec.featuresCol);
      const lv = batch.getChild(spec.labelCol);
      const wv = spec.weightCol === undefined ? null : batch.getChild(spec.weightCol);
      if (fv === null || lv === null) {
        throw new SchemaError(
          'GANG_INPUT_MISMATCH',
          `Worker ${rank} of the gang got columns [${batch.schema.fields.map((f) => f.name).join(', ')}]; it needs '${spec.featuresCol}' and '${spec.labelCol}'.`,
          { worker: String(rank) },
        );
      }
      const values = fv.data[0]?.children[0]?.values as Float32Array | undefined;
      const offset = fv.data[0]?.offset ?? 0;
      for (let i = 0; i < batch.numRows; i++, row++) {
        const slice = values?.subarray((offset + i) * features, (offset + i + 1) * features);
        if (!fv.isValid(i) || slice === undefined || slice.length !== features) {
          throw rowError(rank, row, spec.featuresCol, 'null or short', `a vector of ${features} floats`);
        }
        const bad = slice.findIndex((v) => !Number.isFinite(v));
        if (bad >= 0)
          throw rowError(rank, row, spec.featuresCol, `${slice[bad]} at index ${bad}`, 'finite numbers');
        xs.push(Float32Array.from(slice));
        const label = lv.get(i) as unknown;
        if (width === 1) {
          const y = label === null ? Number.NaN : Number(label);
          if (!(Number.isInteger(y) && y >= 0)) {
            throw rowError(rank, row, spec.labelCol, String(label), 'a class index 0, 1, 2, …');
          }
          labels.push(y);
        } else {
          const targets = Array.from((label as { toArray(): ArrayLike<number> } | null)?.toArray() ?? []);
          if (targets.length !== width)
            throw rowError(rank, row, spec.labelCol, String(label), `${width} targets`);
          labels.push(...targets);
        }
        if (wv !== null) {
          const w = Number(wv.get(i));
          if (!(w >= 0) || !Number.isFinite(w))
            throw rowError(rank, row, spec.weightCol ?? '', String(w), 'a finite weight >= 0');
          weights.push(w);
        }
      }
    }
  }
  const x = new Float32Array(row * features);
  xs.forEach((r, i) => {
    x.set(r, i * features);
  });
  return {
    x,
    labels: Float64Array.from(labels),
    weights: spec.weightCol === undefined ? undefined : Float64Array.from(weights),
    features,
    width,
  };
}

function rowError(rank: number, row: number, column: string, value: string, expected: string): SchemaError {
  return new SchemaError(
    'INVALID_TRAINING_ROW',
    `Worker ${rank} of the gang cannot train on row ${row} of its partition: column '${column}' is ${value}; expected ${expected}.`,
    { worker: String(rank), row: String(row), column, value },
  );
}

function parseAddress(address: string): PeerAddress {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(address.slice(at + 1)) };
}

function concatBytes(arrays: readonly (Float32Array | Float64Array)[]): Uint8Array {
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.byteLength, 0));
  let k = 0;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), k);
    k += a.byteLength;
  }
  return out;
}

/**
 * The sizes of the arrays in rank 0's `state` bytes: the parameters, then the layers' state (`minibatch`, float32),
 * or the flat weights (`gradientDescent`, float64).
 */
export function stateLayout(spec: Pick<DataParallelStageSpec, 'job' | 'holdout'>): {
  dtype: 'float32' | 'float64';
  sizes: number[];
  /** How many of the arrays are parameters. */
  params: number;
  /** How many layer-state arrays follow them (then, when standardizing, the features' mean and std). */
  state: number;
} {
  const job = spec.job;
  const model = sequentialFromJson(job.network);
  const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
  const params = model.params(job.inputShape).map((p) => count(p.shape));
  if (job.kind === 'gradientDescent') {
    return { dtype: 'float64', sizes: [params.reduce((a, b) => a + b, 0)], params: 1, state: 0 };
  }
  const state = model.state(job.inputShape).map((s) => count(s.shape));
  const features = job.inputShape.reduce((a, b) => a * b, 1);
  const scaling = spec.holdout?.standardize === true ? [features, features] : [];
  return {
    dtype: 'float32',
    sizes: [...params, ...state, ...scaling],
    params: params.length,
    state: state.length,
  };
}
