import { basename, resolve } from 'node:path';
import * as arrow from 'apache-arrow';
import type { DataParallelStageSpec } from '../../distributed/dataParallelStage.js';
import { SparkError } from '../../errors.js';
import type { OnnxStageSpec } from '../../models/onnxStage.js';
import { countPlan } from '../../plan/builders.js';
import { children, type PlanNode } from '../../plan/nodes.js';
import type { SqlFunction } from '../../sql/sqlFunction.js';
import type { StructType } from '../../types/DataType.js';
import type { Engine, EngineOptions, GangRunOptions, WriteSpec } from '../Engine.js';
import { tableForSpark } from './arrowForSpark.js';
import { type ConnectRelation, RelationCompiler, sparkSchemaString } from './compileRelation.js';
import type { ArtifactEntry, ArtifactSummary } from './connect/artifacts.js';
import { fromSparkSchema } from './connect/dataTypes.js';
import { ExecutorArtifacts } from './executors/artifacts.js';
import { argumentKind, functionCommand, type ShippedOverload } from './executors/functionCommand.js';
import { GANG_OUTPUT_SCHEMA, gangNotStarted, gangTooLarge, readGang } from './executors/gang.js';
import { packWorker } from './executors/packWorker.js';
import {
  hasVectors,
  sparkJsonSchema,
  sparkJsonType,
  vectorColumns,
  withVectorTypes,
} from './executors/sparkSchema.js';
import { stageErrorFrom } from './executors/stageErrors.js';
import { type MapBatchesNode, type PreparedStage, stageRelation } from './executors/stageRelation.js';
import type { MlConnection } from './ml/MllibClient.js';
import type * as proto from './proto/index.js';

/** What the engine needs of a Spark Connect client. */
export interface ConnectClientLike {
  /** Runs a plan (a relation, or a command), streaming the result's Arrow batches. */
  executePlan(
    plan: { root: ConnectRelation } | { command: Record<string, unknown> },
    options?: { signal?: AbortSignal },
  ): AsyncIterable<arrow.RecordBatch>;
  /** The schema of a relation, without running it. */
  analyzeSchema(plan: { root: ConnectRelation }): Promise<StructType>;
  /** The schema of a relation as Spark's protocol type (with fields' metadata), without running it. */
  analyzeSparkSchema(plan: { root: ConnectRelation }): Promise<proto.DataType>;
  /** Uploads artifacts to the session (the executors' files for deepframe's stages). */
  addArtifacts(entries: readonly ArtifactEntry[]): Promise<readonly ArtifactSummary[]>;
  /** Sets session configuration. */
  setConfig(entries: Readonly<Record<string, string>>): Promise<void>;
  /** Keeps a relation's rows on the cluster once computed; plans holding the same relation read them. */
  persist(relation: ConnectRelation): Promise<void>;
  /** Drops what {@link ConnectClientLike.persist} kept. */
  unpersist(relation: ConnectRelation, blocking?: boolean): Promise<void>;
  /** Runs a Spark ML command (Spark ML over Connect) and resolves to the server's answer. */
  executeMlCommand(command: proto.MlCommand): Promise<proto.MlCommandResult>;
  /** Releases the session and closes the channel. */
  close(): Promise<void>;
}

/**
 * Session settings deepframe applies so that Spark's semantics match the embedded engine's where they can:
 * with ANSI mode off, `x / 0` is null and a failed cast gives null (as in Spark 3), instead of an error.
 */
export const SPARK_SESSION_DEFAULTS: Readonly<Record<string, string>> = {
  'spark.sql.ansi.enabled': 'false',
};

/** The executors' Python (`major.minor`) that stages are sent for unless `deepframe.spark.pythonVersion` says. */
export const DEFAULT_EXECUTOR_PYTHON = '3.11';

/** Spark's Arrow batch size setting, which deepframe sets to a stage's `batchSize` while the stage runs. */
const ARROW_BATCH_ROWS = 'spark.sql.execution.arrow.maxRecordsPerBatch';
/** Spark's default for {@link ARROW_BATCH_ROWS}. */
const SPARK_ARROW_BATCH_ROWS = '10000';

/** How deepframe's stages run on this session's executors (from the session's `deepframe.spark.*` settings). */
export interface SparkExecutorSettings {
  /** `deepframe.spark.pythonVersion`: the executors' Python, `major.minor` (`3.11` by default). */
  readonly pythonVersion: string;
  /**
   * `deepframe.spark.workerDir`: a folder where every executor has the packed worker unpacked already
   * (`deepframe pack-worker`, then `tar -xzf` there); nothing is shipped for the worker then.
   */
  readonly workerDir?: string;
  /**
   * `deepframe.spark.workerArchive`: a packed worker to ship instead of packing this machine's (for executors of
   * another platform: `deepframe pack-worker --node <their node> --platform linux --arch arm64`).
   */
  readonly workerArchive?: string;
  /**
   * `deepframe.spark.gangStartTimeout`: seconds a data-parallel gang waits for all its tasks to start (Spark's
   * barrier mode needs a free slot per worker at once) before failing with `GANG_NOT_STARTED` (default 120).
   */
  readonly gangStartTimeoutMs: number;
}

/** The settings of a session's `deepframe.spark.*` configuration. */
function executorSettings(config: Readonly<Record<string, string>>): SparkExecutorSettings {
  const pythonVersion = config['deepframe.spark.pythonVersion'] ?? DEFAULT_EXECUTOR_PYTHON;
  if (!/^\d+\.\d+$/.test(pythonVersion)) {
    throw new SparkError(
      'INVALID_PYTHON_VERSION',
      `deepframe.spark.pythonVersion must be the executors' Python as major.minor (such as 3.11), not '${pythonVersion}'.`,
      { pythonVersion },
    );
  }
  const workerDir = config['deepframe.spark.workerDir'];
  const workerArchive = config['deepframe.spark.workerArchive'];
  const gangStart = Number(config['deepframe.spark.gangStartTimeout'] ?? '120');
  if (!(gangStart > 0) || !Number.isFinite(gangStart)) {
    throw new SparkError(
      'INVALID_GANG_START_TIMEOUT',
      `deepframe.spark.gangStartTimeout must be a positive number of seconds, not '${config['deepframe.spark.gangStartTimeout']}'.`,
      { value: String(config['deepframe.spark.gangStartTimeout']) },
    );
  }
  return {
    pythonVersion,
    gangStartTimeoutMs: gangStart * 1000,
    ...(workerDir === undefined || workerDir === '' ? {} : { workerDir }),
    ...(workerArchive === undefined || workerArchive === '' ? {} : { workerArchive }),
  };
}

async function collectBatches(batches: AsyncIterable<arrow.RecordBatch>): Promise<arrow.RecordBatch[]> {
  const out: arrow.RecordBatch[] = [];
  for await (const b of batches) out.push(b);
  return out;
}

/** The `mapBatches` nodes of a plan, inputs before the stages that read them. */
function stageNodes(plan: PlanNode, out: MapBatchesNode[] = []): MapBatchesNode[] {
  for (const child of children(plan)) stageNodes(child, out);
  if (plan.kind === 'mapBatches' && !out.includes(plan)) out.push(plan);
  return out;
}

/** The input columns a stage reads as vectors: those Spark's schema marks, and an onnx stage's tensor inputs. */
function stageVectors(node: MapBatchesNode, input: proto.DataType): Record<string, number> {
  const vectors = vectorColumns(input);
  if (node.stage.kind === 'onnx') {
    const spec: OnnxStageSpec = node.stage;
    const arrays = new Set((input.struct?.fields ?? []).filter((f) => f.dataType?.array).map((f) => f.name));
    for (const i of spec.inputs) {
      if (i.source === 'tensor' && vectors[i.column] === undefined && arrays.has(i.column)) {
        vectors[i.column] = i.shape.reduce((a, b) => a * b, 1);
      }
    }
  }
  if (node.stage.kind === 'dataParallel' && vectors[node.stage.featuresCol] === undefined) {
    vectors[node.stage.featuresCol] = node.stage.inputShape.reduce((a, b) => a * b, 1);
  }
  return vectors;
}

/**
 * The Spark engine: plans compile to Spark Connect relations that a Spark cluster runs; results stream back as
 * Arrow batches. Local data goes up as Arrow IPC in the plan.
 *
 * Tensor stages (`mapInArrow`, `OnnxTransformer`, `DeepImagePredictor`, …) run on the executors as Spark's
 * map-in-Arrow Python UDFs that stream each partition through deepframe's packed Node.js worker. Before the first
 * stage of a session runs, the engine packs the worker (once per machine, cached in `<DEEPFRAME_HOME>/worker/`)
 * and ships it with the executor module and the stages' files (see `executors/artifacts.ts`). Settings:
 * `deepframe.spark.pythonVersion`, `deepframe.spark.workerDir`, `deepframe.spark.workerArchive`
 * ({@link SparkExecutorSettings}). Vectors travel as `array<float>` with their sizes in Spark's field metadata, so
 * schemas that Spark analyses still say `vector<N>`.
 *
 * @example
 * ```ts
 * await using session = await Session.builder()
 *   .remote('sc://spark-host:15002')
 *   .config('deepframe.spark.pythonVersion', '3.12')
 *   .create();
 * await (await new OnnxTransformer({ model: 'mlp.onnx', inputMapping: { x: 'x' } }).transform(df)).show();
 * ```
 */
export class SparkEngine implements Engine {
  readonly name = 'spark';
  readonly parallelism: number;
  readonly #client: ConnectClientLike;
  readonly #local = new Map<string, { table: arrow.Table; schema: StructType; ipc?: Uint8Array }>();
  /** The relations persisted on the cluster for `cache()` nodes, by cache id. */
  readonly #persisted = new Map<string, ConnectRelation>();
  readonly #settings: SparkExecutorSettings;
  readonly #arrowBatchRowsDefault: string;
  #artifacts: ExecutorArtifacts | undefined;
  #arrowBatchRows: string;
  #closed = false;

  constructor(
    client: ConnectClientLike,
    parallelism: number,
    settings: SparkExecutorSettings = { pythonVersion: DEFAULT_EXECUTOR_PYTHON, gangStartTimeoutMs: 120_000 },
    arrowBatchRows: string = SPARK_ARROW_BATCH_ROWS,
  ) {
    this.#client = client;
    this.parallelism = parallelism;
    this.#settings = settings;
    this.#arrowBatchRowsDefault = arrowBatchRows;
    this.#arrowBatchRows = arrowBatchRows;
  }

  /** Connects to `options.master` (`sc://host:port`) with `connect`, and applies deepframe's session settings. */
  static async create(
    options: EngineOptions,
    connect: (url: string) => Promise<ConnectClientLike>,
  ): Promise<SparkEngine> {
    const settings = executorSettings(options.config);
    const client = await connect(options.master);
    const conf = Object.fromEntries(Object.entries(options.config).filter(([k]) => k.startsWith('spark.')));
    await client.setConfig({ ...SPARK_SESSION_DEFAULTS, ...conf });
    const parallelism = Number(options.config['deepframe.spark.parallelism'] ?? '2');
    return new SparkEngine(client, parallelism, settings, conf[ARROW_BATCH_ROWS] ?? SPARK_ARROW_BATCH_ROWS);
  }

  /** The compiler; stages not in `prepared` compile for analysis only (nothing shipped, never run). */
  #compiler(prepared?: ReadonlyMap<MapBatchesNode, PreparedStage>): RelationCompiler {
    return new RelationCompiler({
      localData: (dataId) => {
        const local = this.#local.get(dataId);
        if (local === undefined) {
          throw new SparkError('UNKNOWN_LOCAL_DATA', `No local data '${dataId}' in this session.`, {
            dataId,
          });
        }
        local.ipc ??= tableForSpark(local.table);
        // Vectors' sizes go up in the fields' metadata, which only Spark's JSON schemas carry.
        const schema = hasVectors(local.schema)
          ? sparkJsonSchema(local.schema, true)
          : sparkSchemaString(local.schema);
        return { data: local.ipc, schema };
      },
      stage: (node, input) =>
        stageRelation(
          node,
          input,
          prepared?.get(node) ?? {
            spec: node.stage,
            runtime: { pythonModule: 'deepframe_executor', worker: { alias: 'deepframe-worker' } },
            vectors: {},
            pythonVersion: this.#settings.pythonVersion,
            inputColumns: [],
          },
        ),
    });
  }

  #executorArtifacts(): ExecutorArtifacts {
    const archive = this.#settings.workerArchive;
    this.#artifacts ??= new ExecutorArtifacts(this.#client, {
      workerArchive: async () => {
        if (archive === undefined) return packWorker();
        const fileName = basename(archive);
        if (!/\.(tar\.gz|tgz)$/.test(fileName)) {
          throw new SparkError(
            'INVALID_WORKER_ARCHIVE',
            `deepframe.spark.workerArchive must name a .tar.gz made by 'deepframe pack-worker', not '${archive}'.`,
            { path: archive },
          );
        }
        return { path: resolve(archive), fileName, alias: fileName.replace(/\.(tar\.gz|tgz)$/, '') };
      },
      ...(this.#settings.workerDir === undefined ? {} : { workerDir: this.#settings.workerDir }),
    });
    return this.#artifacts;
  }

  /**
   * Makes a plan's stages ready to run: ships what the executors need (once per session), finds the vector
   * columns of each stage's input, and sets Spark's Arrow batch size to the smallest stage batch size (back to
   * the session's own for plans without stages).
   */
  async #prepare(plan: PlanNode): Promise<ReadonlyMap<MapBatchesNode, PreparedStage> | undefined> {
    const nodes = stageNodes(plan);
    let rows = this.#arrowBatchRowsDefault;
    let prepared: Map<MapBatchesNode, PreparedStage> | undefined;
    if (nodes.length > 0) {
      const artifacts = this.#executorArtifacts();
      const runtime = await artifacts.runtime();
      prepared = new Map();
      for (const node of nodes) {
        const spec = await artifacts.shipStage(node.stage);
        const input = await this.#client.analyzeSparkSchema({
          root: this.#compiler(prepared).compile(node.input),
        });
        prepared.set(node, {
          spec,
          runtime,
          vectors: stageVectors(node, input),
          pythonVersion: this.#settings.pythonVersion,
          inputColumns: (input.struct?.fields ?? []).map((f) => f.name ?? ''),
        });
      }
      rows = String(Math.min(...nodes.map((n) => n.batchSize)));
    }
    // A cached DataFrame's input is persisted on the cluster the first time a plan reads it: later plans compile the
    // same relation, which Spark's cache manager then answers from the kept rows.
    for (const node of cacheNodes(plan)) {
      if (this.#persisted.has(node.cacheId)) continue;
      const relation = this.#compiler(prepared).compile(node.input);
      await this.#client.persist(relation);
      this.#persisted.set(node.cacheId, relation);
    }
    if (rows !== this.#arrowBatchRows) {
      await this.#client.setConfig({ [ARROW_BATCH_ROWS]: rows });
      this.#arrowBatchRows = rows;
    }
    return prepared;
  }

  /** A failure of a plan, as the deepframe error a stage raised on an executor when it was one. */
  #failure(error: unknown): unknown {
    const context = {
      pythonVersion: this.#settings.pythonVersion,
      ...(this.#artifacts === undefined ? {} : { shippedFiles: this.#artifacts.shippedFiles }),
    };
    return stageErrorFrom(error, context) ?? error;
  }

  #check(): void {
    if (this.#closed) {
      throw new SparkError(
        'SESSION_CLOSED',
        'This session has been stopped; create a new one with Session.builder().',
      );
    }
  }

  registerLocalData(dataId: string, table: arrow.Table, schema: StructType): void {
    this.#check();
    this.#local.set(dataId, { table, schema });
  }

  async schema(plan: PlanNode): Promise<StructType> {
    this.#check();
    const spark = await this.#client.analyzeSparkSchema({ root: this.#compiler().compile(plan) });
    return withVectorTypes(fromSparkSchema(spark), spark);
  }

  async *execute(plan: PlanNode, options: { signal?: AbortSignal } = {}): AsyncGenerator<arrow.RecordBatch> {
    this.#check();
    const prepared = await this.#prepare(plan);
    try {
      yield* this.#client.executePlan({ root: this.#compiler(prepared).compile(plan) }, options);
    } catch (e) {
      throw this.#failure(e);
    }
  }

  async count(plan: PlanNode): Promise<number> {
    const counted = countPlan(plan);
    for await (const batch of this.execute(counted)) {
      if (batch.numRows > 0) return Number(batch.getChildAt(0)?.get(0) ?? 0);
    }
    return 0;
  }

  async write(plan: PlanNode, spec: WriteSpec): Promise<void> {
    this.#check();
    const prepared = await this.#prepare(plan);
    try {
      for await (const _ of this.#client.executePlan({
        command: this.#compiler(prepared).writeCommand(plan, spec),
      })) {
        // A write returns no rows; draining the stream waits for it to finish.
      }
    } catch (e) {
      throw this.#failure(e);
    }
  }

  async createTempView(name: string, plan: PlanNode, replace: boolean): Promise<void> {
    this.#check();
    const prepared = await this.#prepare(plan);
    try {
      for await (const _ of this.#client.executePlan({
        command: {
          createDataframeView: {
            input: this.#compiler(prepared).compile(plan),
            name,
            isGlobal: false,
            replace,
          },
        },
      })) {
        // No rows: draining waits for the view to be made.
      }
    } catch (e) {
      throw this.#failure(e);
    }
  }

  async dropTempView(name: string): Promise<boolean> {
    const existed = (await this.tempViewNames()).some((v) => v.toLowerCase() === name.toLowerCase());
    if (existed)
      for await (const _ of this.execute({ kind: 'sql', query: `DROP VIEW ${quoteSparkIdent(name)}` }));
    return existed;
  }

  async runGang(input: PlanNode, spec: DataParallelStageSpec, options: GangRunOptions): Promise<arrow.Table> {
    this.#check();
    // Never hand Spark a barrier stage bigger than the cluster: its own check then fails the stage (and, with
    // adaptive execution, Spark 4.x stops the whole SparkContext while cancelling the job).
    // The slot check's queries wait for a free slot like any other: they get the start's timeout too.
    const startTimeoutMs = options.startTimeoutMs ?? this.#settings.gangStartTimeoutMs;
    const checking = new AbortController();
    const timer = setTimeout(() => checking.abort(), startTimeoutMs);
    let slots: number | undefined;
    try {
      slots = await this.#taskSlots(checking.signal);
    } catch (e) {
      if (checking.signal.aborted) throw gangNotStarted(options.numWorkers, startTimeoutMs, e);
      throw e;
    } finally {
      clearTimeout(timer);
    }
    if (slots !== undefined && slots < options.numWorkers) throw gangTooLarge(options.numWorkers, slots);
    const node: MapBatchesNode = {
      kind: 'mapBatches',
      input: { kind: 'repartition', input, numPartitions: options.numWorkers },
      stage: spec,
      outputSchema: GANG_OUTPUT_SCHEMA,
      batchSize: 4096,
      barrier: true,
    };
    // A shuffle after the gang makes its stage one that Spark runs again when a member fails (see gang.ts).
    const plan: PlanNode = { kind: 'repartition', input: node, numPartitions: 1 };
    const prepared = await this.#prepare(plan);
    const abort = new AbortController();
    try {
      const execution = this.#client.executePlan(
        { root: this.#compiler(prepared).compile(plan) },
        { signal: abort.signal },
      );
      return new arrow.Table(await readGang(execution, options.numWorkers, startTimeoutMs, abort));
    } catch (e) {
      throw this.#failure(e);
    }
  }

  /**
   * The cluster's task slots now: the partitions of a range with no partition count (Spark's default
   * parallelism: its executors' cores, at least 2) over `spark.task.cpus`; `undefined` when
   * `spark.sql.leafNodeDefaultParallelism` makes the range say something else.
   */
  async #taskSlots(signal: AbortSignal): Promise<number | undefined> {
    const setting = async (key: string): Promise<string | undefined> => {
      const table = new arrow.Table(
        await collectBatches(this.execute({ kind: 'sql', query: `SET ${key}` }, { signal })),
      );
      const value = table.getChild('value')?.get(0) as string | null | undefined;
      return value === null || value === undefined || value === '<undefined>' ? undefined : value;
    };
    if ((await setting('spark.sql.leafNodeDefaultParallelism')) !== undefined) return undefined;
    const cpus = Number((await setting('spark.task.cpus')) ?? '1') || 1;
    const counted = new arrow.Table(
      await collectBatches(
        this.execute(
          {
            kind: 'sql',
            query:
              'SELECT count(DISTINCT p) AS n FROM (SELECT spark_partition_id() AS p FROM range(0, 1048576))',
          },
          { signal },
        ),
      ),
    );
    return Math.floor(Number(counted.getChild('n')?.get(0) ?? 0) / cpus);
  }

  async registerFunction(fn: SqlFunction): Promise<void> {
    this.#check();
    const artifacts = this.#executorArtifacts();
    const runtime = await artifacts.runtime();
    const shipped: ShippedOverload[] = [];
    for (const o of fn.overloads) {
      shipped.push({
        spec: await artifacts.shipStage(o.spec),
        // A TypeScript function's declared arguments are cast to their types on the executor; Spark does not check them.
        argKinds:
          o.anyArguments === true || o.spec.kind === 'scalarFunction'
            ? ['*']
            : o.args.map((a) => argumentKind(a.type)),
        ...(o.spec.kind === 'scalarFunction' && o.args.length > 0
          ? { casts: o.args.map((a) => sparkJsonType(a.type)) }
          : {}),
        vectors: Object.fromEntries(
          o.args.flatMap((a) => (a.type.kind === 'vector' ? [[a.name, a.type.size] as const] : [])),
        ),
      });
    }
    const command = functionCommand(fn, shipped, runtime, this.#settings.pythonVersion);
    for await (const _ of this.#client.executePlan({ command: command as Record<string, unknown> })) {
      // No rows: draining waits for the function to be registered.
    }
  }

  async tempViewNames(): Promise<string[]> {
    const names: string[] = [];
    for await (const batch of this.execute({ kind: 'sql', query: 'SHOW VIEWS' })) {
      const view = batch.getChild('viewName');
      const temporary = batch.getChild('isTemporary');
      for (let i = 0; i < batch.numRows; i++)
        if (temporary?.get(i) === true) names.push(String(view?.get(i)));
    }
    return names.sort();
  }

  async uncache(cacheId: string): Promise<void> {
    const relation = this.#persisted.get(cacheId);
    this.#persisted.delete(cacheId);
    if (relation !== undefined && !this.#closed) await this.#client.unpersist(relation);
  }

  /**
   * @internal Spark ML over Connect on this session, for `engine/spark/ml`'s `MllibClient`: plans become datasets
   * with their stages shipped, and failures come back as this engine's errors.
   *
   * @example
   * ```ts
   * const mllib = new MllibClient(engine.ml()); // what MllibClient.for(engine) does
   * ```
   */
  ml(): MlConnection {
    this.#check();
    const client = this.#client;
    const failure = (e: unknown) => this.#failure(e);
    return {
      dataset: async (plan) => {
        const prepared = await this.#prepare(plan);
        return this.#compiler(prepared).compile(plan) as proto.Relation;
      },
      command: async (command) => {
        this.#check();
        try {
          return await client.executeMlCommand(command);
        } catch (e) {
          throw failure(e);
        }
      },
      async *execute(relation) {
        try {
          yield* client.executePlan({ root: relation as ConnectRelation });
        } catch (e) {
          throw failure(e);
        }
      },
      schema: (relation) => client.analyzeSparkSchema({ root: relation as ConnectRelation }),
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.close();
  }
}

/** The `cache` nodes of a plan, innermost first. */
function cacheNodes(plan: PlanNode): Extract<PlanNode, { kind: 'cache' }>[] {
  const out: Extract<PlanNode, { kind: 'cache' }>[] = [];
  const visit = (node: PlanNode) => {
    for (const child of children(node)) visit(child);
    if (node.kind === 'cache') out.push(node);
  };
  visit(plan);
  return out;
}

/** A Spark SQL identifier in backquotes. */
function quoteSparkIdent(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}
