import { ParamError, SparkError } from '../../errors.js';
import type { JoinType, PlanNode } from '../../plan/nodes.js';
import type { StructType } from '../../types/DataType.js';
import type { SaveMode, WriteSpec } from '../Engine.js';
import {
  type ConnectExpression,
  sparkExpression,
  sparkNamedExpression,
  sparkSortOrder,
  sparkTypeString,
} from './compileExpression.js';

/** A Spark Connect `Relation` message as a plain object (protobufjs field names); the client encodes it. */
export type ConnectRelation = Record<string, unknown>;

/** What the compiler needs from the engine: the Arrow IPC bytes of local data, and relations for stages. */
export interface RelationHost {
  /** Arrow IPC stream bytes of local data (vectors as lists of floats), and its Spark schema string. */
  localData(dataId: string): { data: Uint8Array; schema: string };
  /** The relation for a node that runs deepframe's own code on executors (a tensor stage). */
  stage?(node: Extract<PlanNode, { kind: 'mapBatches' }>, input: ConnectRelation): ConnectRelation;
}

const JOIN_TYPES: Readonly<Record<JoinType, string>> = {
  inner: 'JOIN_TYPE_INNER',
  left: 'JOIN_TYPE_LEFT_OUTER',
  right: 'JOIN_TYPE_RIGHT_OUTER',
  full: 'JOIN_TYPE_FULL_OUTER',
  semi: 'JOIN_TYPE_LEFT_SEMI',
  anti: 'JOIN_TYPE_LEFT_ANTI',
  cross: 'JOIN_TYPE_CROSS',
};

/** Spark's save modes, by deepframe's names. */
export const SAVE_MODES: Readonly<Record<SaveMode, string>> = {
  error: 'SAVE_MODE_ERROR_IF_EXISTS',
  errorifexists: 'SAVE_MODE_ERROR_IF_EXISTS',
  overwrite: 'SAVE_MODE_OVERWRITE',
  append: 'SAVE_MODE_APPEND',
  ignore: 'SAVE_MODE_IGNORE',
};

/** The DDL string of a schema, for readers and local relations. */
export function sparkSchemaString(schema: StructType): string {
  return schema.fields
    .map((f) => `\`${f.name.replaceAll('`', '``')}\` ${sparkTypeString(f.type)}`)
    .join(', ');
}

/**
 * Compiles logical plans to Spark Connect relations. Each relation gets a plan id, so that Spark can tell columns of
 * the two sides of a self-join apart.
 */
export class RelationCompiler {
  #nextId = 0;
  readonly #host: RelationHost;

  constructor(host: RelationHost) {
    this.#host = host;
  }

  #rel(body: ConnectRelation): ConnectRelation {
    return { common: { planId: String(this.#nextId++) }, ...body };
  }

  /** Compiles a plan to a relation. */
  compile(node: PlanNode): ConnectRelation {
    const c = (n: PlanNode) => this.compile(n);
    switch (node.kind) {
      case 'localData': {
        const { data, schema } = this.#host.localData(node.dataId);
        return this.#rel({ localRelation: { data, schema } });
      }
      case 'range':
        return this.#rel({
          range: {
            start: String(node.start),
            end: String(node.end),
            step: String(node.step),
            ...(node.numPartitions === undefined ? {} : { numPartitions: node.numPartitions }),
          },
        });
      case 'readFiles':
        return this.#rel({
          read: {
            dataSource: {
              format: node.format,
              options: { ...node.options },
              paths: [...node.paths],
              ...(node.schema === undefined ? {} : { schema: sparkSchemaString(node.schema) }),
            },
          },
        });
      case 'readImages':
        return this.#readImages(node);
      case 'sql':
        return this.#rel({ sql: { query: node.query } });
      case 'table':
        return this.#rel({ read: { namedTable: { unparsedIdentifier: node.name } } });
      case 'project':
        return this.#rel({
          project: { input: c(node.input), expressions: node.exprs.map(sparkNamedExpression) },
        });
      case 'withColumns':
        return this.#rel({
          withColumns: {
            input: c(node.input),
            aliases: node.columns.map(({ name, expr }) => ({ expr: sparkExpression(expr), name: [name] })),
          },
        });
      case 'renameColumns':
        return this.#rel({
          withColumnsRenamed: {
            input: c(node.input),
            renames: node.renames.map((r) => ({ colName: r.from, newColName: r.to })),
          },
        });
      case 'drop':
        return this.#rel({ drop: { input: c(node.input), columnNames: [...node.columns] } });
      case 'filter':
        return this.#rel({ filter: { input: c(node.input), condition: sparkExpression(node.condition) } });
      case 'limit':
        return this.#rel({ limit: { input: c(node.input), limit: node.n } });
      case 'offset':
        return this.#rel({ offset: { input: c(node.input), offset: node.n } });
      case 'sample':
        return this.#rel({
          sample: {
            input: c(node.input),
            lowerBound: node.lowerBound,
            upperBound: node.upperBound,
            withReplacement: node.withReplacement,
            seed: String(Math.trunc(node.seed)),
            // randomSplit's parts must see the rows in one order, as Spark's own randomSplit asks.
            deterministicOrder: node.lowerBound > 0 || node.upperBound < 1,
          },
        });
      case 'union': {
        const [first, ...rest] = node.inputs;
        if (first === undefined) throw new ParamError('EMPTY_UNION', 'union() needs at least one DataFrame.');
        return rest.reduce<ConnectRelation>(
          (left, right) =>
            this.#rel({
              setOp: {
                leftInput: left,
                rightInput: c(right),
                setOpType: 'SET_OP_TYPE_UNION',
                isAll: true,
                byName: node.byName,
              },
            }),
          c(first),
        );
      }
      case 'join':
        return this.#rel({
          join: {
            left: c(node.left),
            right: c(node.right),
            joinType: JOIN_TYPES[node.how],
            ...(node.usingColumns === undefined ? {} : { usingColumns: [...node.usingColumns] }),
            ...(node.condition === undefined ? {} : { joinCondition: sparkExpression(node.condition) }),
          },
        });
      case 'aggregate':
        return this.#rel({
          aggregate: {
            input: c(node.input),
            groupType: 'GROUP_TYPE_GROUPBY',
            groupingExpressions: node.groupBy.map(sparkExpression),
            aggregateExpressions: node.aggregates.map(sparkNamedExpression),
          },
        });
      case 'sort':
        return this.#rel({
          sort: { input: c(node.input), order: node.orders.map(sparkSortOrder), isGlobal: true },
        });
      case 'distinct':
        return this.#rel({
          deduplicate:
            node.columns === undefined || node.columns.length === 0
              ? { input: c(node.input), allColumnsAsKeys: true }
              : { input: c(node.input), columnNames: [...node.columns] },
        });
      case 'repartition':
        return this.#rel({
          repartition: { input: c(node.input), numPartitions: node.numPartitions, shuffle: true },
        });
      case 'subqueryAlias':
        return this.#rel({ subqueryAlias: { input: c(node.input), alias: node.alias } });
      case 'cache':
        // Spark caches on the server with persist(); within one plan the cached input is just the input.
        return c(node.input);
      case 'mapBatches': {
        if (this.#host.stage === undefined) {
          throw new SparkError(
            'UNSUPPORTED_OPERATION',
            `A ${node.stage.kind} stage cannot run on this Spark session yet: running deepframe's own stages on executors needs the worker shipped as an artifact.`,
            { stage: node.stage.kind },
          );
        }
        return this.#host.stage(node, c(node.input));
      }
      default: {
        const never: never = node;
        return never;
      }
    }
  }

  /** Spark's image source, with deepframe's `label` (the parent folder's name) computed from the origin. */
  #readImages(node: Extract<PlanNode, { kind: 'readImages' }>): ConnectRelation {
    const o = node.options;
    let rel: ConnectRelation = this.#rel({
      read: {
        dataSource: {
          format: 'image',
          options: {
            dropInvalid: String(o.dropInvalid),
            recursiveFileLookup: String(o.recursive),
            ...(o.sampleRatio < 1 ? { sampleRatio: String(o.sampleRatio) } : {}),
          },
          paths: [node.path],
        },
      },
    });
    if (o.labelFromFolder) {
      const label: ConnectExpression = {
        unresolvedFunction: {
          functionName: 'regexp_extract',
          arguments: [
            { unresolvedAttribute: { unparsedIdentifier: 'image.origin' } },
            { literal: { string: '/([^/]+)/[^/]+$' } },
            { literal: { integer: 1 } },
          ],
        },
      };
      rel = this.#rel({ withColumns: { input: rel, aliases: [{ expr: label, name: ['label'] }] } });
    }
    return rel;
  }

  /** The `WriteOperation` command that writes a plan's rows. */
  writeCommand(node: PlanNode, spec: WriteSpec): Record<string, unknown> {
    if (spec.format === 'arrow') {
      throw new SparkError(
        'UNSUPPORTED_FORMAT',
        "Spark has no Arrow IPC writer: use 'parquet' on a Spark session.",
        {
          format: spec.format,
        },
      );
    }
    return {
      writeOperation: {
        input: this.compile(node),
        source: spec.format,
        path: spec.path,
        mode: SAVE_MODES[spec.mode],
        partitioningColumns: [...spec.partitionBy],
        options: { ...spec.options },
      },
    };
  }
}
