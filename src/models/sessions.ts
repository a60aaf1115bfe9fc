/**
 * ONNX Runtime sessions: created from a model file with plain-JSON options (part of stage specs), and cached per
 * worker so that one session serves every batch, task and stage that runs the same model on that worker.
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describeCause, ModelError, ParamError } from '../errors.js';

/** ONNX Runtime's graph optimization levels. */
export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

const LEVELS: readonly GraphOptimizationLevel[] = ['disabled', 'basic', 'extended', 'all'];

/**
 * How to create a session: plain JSON, so that it travels inside a stage spec to any worker.
 *
 * @example
 * ```ts
 * const options: SessionOptionsJson = {
 *   executionProviders: ['cuda', 'cpu'], // CUDA first, CPU for the operators CUDA lacks
 *   intraOpNumThreads: 2,
 *   graphOptimizationLevel: 'all',
 * };
 * ```
 */
export interface SessionOptionsJson {
  /**
   * Execution providers in order of preference (default `['cpu']`). `'cpu'` is always available; `'cuda'` needs
   * the CUDA build of onnxruntime-node (`npm install onnxruntime-node --onnxruntime-node-install=cuda12`) and an
   * NVIDIA GPU on the machine that runs the stage; other names are passed to ONNX Runtime as they are.
   */
  readonly executionProviders?: readonly string[];
  /** Threads one operator may use (ONNX Runtime's default: one per physical core). CPU provider only. */
  readonly intraOpNumThreads?: number;
  /** Threads that run independent operators in parallel (ONNX Runtime's default). CPU provider only. */
  readonly interOpNumThreads?: number;
  /** How much ONNX Runtime rewrites the graph when it loads it (default `'all'`). */
  readonly graphOptimizationLevel?: GraphOptimizationLevel;
}

/** Another name for {@link SessionOptionsJson}. */
export type ModelSessionOptions = SessionOptionsJson;

/**
 * Checks session options and returns them in a canonical form (defaults filled in, keys in a fixed order), which
 * is also what the session cache keys on.
 *
 * @throws ParamError `INVALID_SESSION_OPTIONS` naming the field, the value and what is allowed.
 * @example
 * ```ts
 * normalizeSessionOptions({ intraOpNumThreads: 2 });
 * // { executionProviders: ['cpu'], intraOpNumThreads: 2, interOpNumThreads: 0, graphOptimizationLevel: 'all' }
 * ```
 */
export function normalizeSessionOptions(options: SessionOptionsJson = {}): Required<SessionOptionsJson> {
  const bad = (field: string, value: unknown, expected: string): ParamError =>
    new ParamError(
      'INVALID_SESSION_OPTIONS',
      `Session option '${field}' is ${JSON.stringify(value)}; expected ${expected}.`,
      { field, value: JSON.stringify(value) ?? String(value), expected },
    );
  const eps = options.executionProviders ?? ['cpu'];
  if (!Array.isArray(eps) || eps.length === 0 || eps.some((e) => typeof e !== 'string' || e === '')) {
    throw bad('executionProviders', eps, "a non-empty list of provider names such as ['cuda', 'cpu']");
  }
  const threads = (field: 'intraOpNumThreads' | 'interOpNumThreads'): number => {
    const v = options[field] ?? 0;
    if (!Number.isInteger(v) || v < 0) throw bad(field, v, 'an integer ≥ 0 (0 lets ONNX Runtime choose)');
    return v;
  };
  const level = options.graphOptimizationLevel ?? 'all';
  if (!LEVELS.includes(level)) throw bad('graphOptimizationLevel', level, `one of ${LEVELS.join(', ')}`);
  return {
    executionProviders: eps.map((e) => e.toLowerCase()),
    intraOpNumThreads: threads('intraOpNumThreads'),
    interOpNumThreads: threads('interOpNumThreads'),
    graphOptimizationLevel: level,
  };
}

/** The install command that gives onnxruntime-node its CUDA provider. */
export const CUDA_INSTALL_HINT = 'npm install onnxruntime-node --onnxruntime-node-install=cuda12';

/**
 * Whether this installation of onnxruntime-node can use an execution provider: `'bundled'` (in the package),
 * `'installable'` (the platform has it, as a separate download that may be missing) or `'unavailable'`.
 *
 * @example
 * ```ts
 * executionProviderSupport('cuda'); // 'installable' on Linux x64, 'unavailable' on macOS
 * ```
 */
export function executionProviderSupport(name: string): 'bundled' | 'installable' | 'unavailable' {
  const found = ort.listSupportedBackends().find((b) => b.name === name.toLowerCase());
  if (found === undefined) return 'unavailable';
  return found.bundled ? 'bundled' : 'installable';
}

/**
 * Creates an ONNX Runtime session for a model file. Prefer {@link getSession} inside stages: it reuses sessions.
 *
 * @throws ModelError `MODEL_LOAD_FAILED` (naming the path and ONNX Runtime's reason) when the file is missing or
 *   is not a model ONNX Runtime can load; ModelError `EXECUTION_PROVIDER_UNAVAILABLE`
 *   when a provider such as `cuda` is asked for but not installed (saying how to install it).
 * @example
 * ```ts
 * const session = await createSession('/models/m.onnx', { intraOpNumThreads: 1 });
 * try { await session.run(feeds); } finally { await session.release(); }
 * ```
 */
export async function createSession(
  modelPath: string,
  options: SessionOptionsJson = {},
): Promise<ort.InferenceSession> {
  const opts = normalizeSessionOptions(options);
  await statModel(modelPath);
  for (const ep of opts.executionProviders) {
    if (ep !== 'cpu' && executionProviderSupport(ep) === 'unavailable')
      throw providerUnavailable(ep, modelPath);
  }
  const ortOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: opts.executionProviders,
    graphOptimizationLevel: opts.graphOptimizationLevel,
    ...(opts.intraOpNumThreads > 0 ? { intraOpNumThreads: opts.intraOpNumThreads } : {}),
    ...(opts.interOpNumThreads > 0 ? { interOpNumThreads: opts.interOpNumThreads } : {}),
  };
  try {
    return await ort.InferenceSession.create(modelPath, ortOptions);
  } catch (e) {
    const reason = describeCause(e);
    const ep = opts.executionProviders.find((p) => p !== 'cpu' && reason.toLowerCase().includes(p));
    if (ep !== undefined) throw providerUnavailable(ep, modelPath, reason, e);
    throw new ModelError(
      'MODEL_LOAD_FAILED',
      `ONNX Runtime cannot load the model '${modelPath}': ${reason}. Check that the file is a complete ONNX model ` +
        '(not a partial download or a Git LFS pointer) and that its opset is supported by onnxruntime-node ' +
        `${ort.env.versions.common}.`,
      { path: modelPath, reason },
      { cause: e },
    );
  }
}

async function statModel(modelPath: string): Promise<{ size: number; mtimeMs: number }> {
  try {
    const s = await stat(modelPath);
    if (!s.isFile()) {
      throw new ModelError('MODEL_LOAD_FAILED', `Cannot load the model '${modelPath}': it is not a file.`, {
        path: modelPath,
        reason: 'not a file',
      });
    }
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch (e) {
    if (e instanceof ModelError) throw e;
    const reason = describeCause(e);
    throw new ModelError(
      'MODEL_LOAD_FAILED',
      `Cannot load the model '${modelPath}': the file does not exist or cannot be read (${reason}). Pass the ` +
        "path of an .onnx file, or the name of a zoo model (resolveModel('ResNet50')).",
      { path: modelPath, reason },
      { cause: e },
    );
  }
}

function providerUnavailable(ep: string, modelPath: string, reason?: string, cause?: unknown): ModelError {
  const how =
    ep === 'cuda'
      ? `Install the CUDA build of ONNX Runtime with '${CUDA_INSTALL_HINT}' (it needs CUDA 12 and cuDNN 9 on an ` +
        "NVIDIA GPU), or use executionProviders: ['cpu']."
      : `This build of onnxruntime-node supports: ${ort
          .listSupportedBackends()
          .map((b) => b.name)
          .join(', ')}. Use one of them, or 'cpu'.`;
  return new ModelError(
    'EXECUTION_PROVIDER_UNAVAILABLE',
    `Execution provider '${ep}' is not available for the model '${modelPath}'${reason ? ` (${reason})` : ''}. ${how}`,
    { provider: ep, path: modelPath, reason: reason ?? 'not supported on this platform' },
    cause === undefined ? {} : { cause },
  );
}

/** The prefix of the keys {@link getSession} uses in a worker's cache. */
export const SESSION_CACHE_PREFIX = 'models/session:';

/**
 * The session for a model file, from the worker's cache: created on first use and reused for every later call
 * with the same file (same resolved path, size and modification time) and the same options. Concurrent calls share
 * one creation. A file that changed on disk gets a new session, and the old one is released.
 *
 * @param cache - the worker's cache (`StageContext.cache`), alive as long as the worker.
 * @throws the errors of {@link createSession}; a failed creation is not cached.
 * @example
 * ```ts
 * export async function run(batch: arrow.RecordBatch, options: { model: string }, context: StageContext) {
 *   const session = await getSession(options.model, { intraOpNumThreads: 1 }, context.cache);
 *   return session.run({ input: tensor });
 * }
 * ```
 */
export async function getSession(
  modelPath: string,
  options: SessionOptionsJson,
  cache: Map<string, unknown>,
): Promise<ort.InferenceSession> {
  const opts = normalizeSessionOptions(options);
  const path = resolve(modelPath);
  const { size, mtimeMs } = await statModel(modelPath);
  const optionsKey = JSON.stringify(opts);
  const key = `${SESSION_CACHE_PREFIX}${JSON.stringify([path, size, mtimeMs, optionsKey])}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached as Promise<ort.InferenceSession>;
  for (const [k, v] of [...cache]) {
    if (!k.startsWith(SESSION_CACHE_PREFIX)) continue;
    const [p, , , o] = JSON.parse(k.slice(SESSION_CACHE_PREFIX.length)) as [string, number, number, string];
    if (p === path && o === optionsKey) {
      cache.delete(k);
      void releaseQuietly(v);
    }
  }
  const created = createSession(path, opts);
  cache.set(key, created);
  created.catch(() => {
    if (cache.get(key) === created) cache.delete(key);
  });
  return created;
}

/**
 * Releases every session {@link getSession} put in a cache, and removes them from it (for a worker that shuts
 * down, or a test).
 *
 * @returns how many sessions were released.
 * @example
 * ```ts
 * await releaseSessions(context.cache);
 * ```
 */
export async function releaseSessions(cache: Map<string, unknown>): Promise<number> {
  let n = 0;
  for (const [k, v] of [...cache]) {
    if (!k.startsWith(SESSION_CACHE_PREFIX)) continue;
    cache.delete(k);
    if (await releaseQuietly(v)) n++;
  }
  return n;
}

async function releaseQuietly(entry: unknown): Promise<boolean> {
  try {
    const session = await (entry as Promise<ort.InferenceSession>);
    await session.release();
    return true;
  } catch {
    return false;
  }
}
