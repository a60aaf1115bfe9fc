import { ExecutionError, SchemaError } from '../../errors.js';
import { type Expr, outputName, type SortOrder } from '../../plan/expressions.js';
import type { JoinType, PlanNode } from '../../plan/nodes.js';
import { type DataType, DataTypes, type StructType } from '../../types/DataType.js';
import { fieldNames, requireField } from '../../types/Schema.js';
import { compileExpression, type ExprContext, type ScopeEntry } from './compileExpression.js';
import { readFilesSql } from './readFilesSql.js';
import { quoteIdent } from './sqlText.js';

/** A plan compiled to one DuckDB query, with the schema it produces. */
export interface CompiledPlan {
  readonly sql: string;
  readonly schema: StructType;
  /** The user's alias for the relation (`df.alias(name)`), for qualified column names in joins. */
  readonly userAlias?: string;
}

/** What the compiler needs from the engine: the schema of a query, and tables for nodes that are not SQL. */
export interface CompilerHost {
  /** The output schema of a query, read from DuckDB without running it; the SQL that normalizes its types. */
  describe(sql: string): Promise<{ schema: StructType; normalizedSql: string }>;
  /** The SQL that reads a node the query engine cannot compute itself (local data, caches, tensor stages). */
  boundary(node: PlanNode): Promise<CompiledPlan>;
  /** Runs a small query (metadata look-ups) and returns its rows. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** The session's temporary views that a SQL query reads, found by the query engine's own parser. */
  referencedViews(query: string): Promise<readonly TempView[]>;
  /** A temporary view by name; a SchemaError naming the session's views when there is none. */
  view(name: string): TempView;
}

/** A temporary view: its name as registered, and the plan it stands for. */
export interface TempView {
  readonly name: string;
  readonly plan: PlanNode;
}

let aliasCounter = 0;
const nextAlias = () => `_t${++aliasCounter}`;

/**
 * Compiles logical plans to DuckDB SQL with Spark's semantics. Each node becomes a query over its children's
 * queries; DuckDB's optimizer flattens the nesting.
 */
export class PlanCompiler {
  readonly #host: CompilerHost;
  readonly #cache = new WeakMap<PlanNode, Promise<CompiledPlan>>();

  constructor(host: CompilerHost) {
    this.#host = host;
  }

  /** Compiles a plan (memoized per node object: plans are immutable). */
  compile(node: PlanNode): Promise<CompiledPlan> {
    let compiled = this.#cache.get(node);
    if (compiled === undefined) {
      compiled = this.#compile(node);
      this.#cache.set(node, compiled);
      compiled.catch(() => this.#cache.delete(node));
    }
    return compiled;
  }

  async #finish(sql: string, userAlias?: string): Promise<CompiledPlan> {
    const { schema, normalizedSql } = await this.#host.describe(sql);
    return userAlias === undefined
      ? { sql: normalizedSql, schema }
      : { sql: normalizedSql, schema, userAlias };
  }

  #context(child: CompiledPlan, where: string, sqlAlias?: string): ExprContext {
    const entry: ScopeEntry = {
      schema: child.schema,
      ...(sqlAlias === undefined ? {} : { sqlAlias }),
      ...(child.userAlias === undefined ? {} : { userAlias: child.userAlias }),
    };
    return this.#contextFor([entry], `FROM (${child.sql}) AS ${sqlAlias ?? nextAlias()}`, where);
  }

  #contextFor(scope: readonly ScopeEntry[], fromSql: string, where: string): ExprContext {
    return {
      scope,
      where,
      typeOf: async (sql: string): Promise<DataType> => {
        const { schema } = await this.#host.describe(`SELECT ${sql} AS v ${fromSql}`);
        return schema.fields[0]?.type ?? DataTypes.null;
      },
    };
  }

  async #selectItem(expr: Expr, ctx: ExprContext): Promise<string> {
    const sql = await compileExpression(expr, ctx);
    if (expr.kind === 'star') return sql;
    // SQL text may carry its own alias (`a + 1 AS b`); unaliased, DuckDB names the column by its text, as Spark does.
    if (expr.kind === 'sqlExpr') return expr.sql;
    return `${sql} AS ${quoteIdent(outputName(expr))}`;
  }

  async #compile(node: PlanNode): Promise<CompiledPlan> {
    switch (node.kind) {
      case 'mapBatches':
        if (node.barrier === true) {
          throw new ExecutionError(
            'BARRIER_STAGE_NOT_SUPPORTED',
            'A barrier (gang) stage runs on Spark only; on the embedded engine, data-parallel training runs on ' +
              'worker threads (numWorkers), not as a stage.',
            { stage: node.stage.kind },
          );
        }
        return this.#host.boundary(node);
      case 'localData':
      case 'cache':
      case 'readImages':
        return this.#host.boundary(node);
      case 'range': {
        if (node.step === 0) {
          throw new SchemaError('INVALID_PARAMETER_VALUE', 'range() step must not be 0.', { step: '0' });
        }
        return this.#finish(`SELECT range AS id FROM range(${node.start}, ${node.end}, ${node.step})`);
      }
      case 'readFiles':
        // DuckDB reads Parquet, CSV and JSON itself; Arrow IPC files are loaded as local data.
        return node.format === 'arrow'
          ? this.#host.boundary(node)
          : this.#finish(await readFilesSql(node, this.#host));
      case 'sql': {
        const query = node.query.replace(/[\s;]+$/, '');
        // The temporary views the query reads become CTEs over their plans' SQL (the query engine knows only
        // its own tables): a view over a model stage runs the stage when the query runs, not before.
        const views = await this.#host.referencedViews(query);
        const ctes = [];
        for (const view of views)
          ctes.push(`${quoteIdent(view.name)} AS (${(await this.compile(view.plan)).sql})`);
        try {
          return await this.#finish(
            ctes.length === 0 ? query : `WITH ${ctes.join(', ')} SELECT * FROM (${query}) AS ${nextAlias()}`,
          );
        } catch (e) {
          // DuckDB names a missing table; say which views the session has instead.
          const missing = /Table with name ([^\s]+) does not exist/.exec(
            e instanceof Error ? e.message : '',
          )?.[1];
          if (missing !== undefined) this.#host.view(missing);
          throw e;
        }
      }
      case 'table':
        return this.compile(this.#host.view(node.name).plan);
      case 'project': {
        const child = await this.compile(node.input);
        const alias = nextAlias();
        const ctx = this.#context(child, 'select()', alias);
        if (node.exprs.length === 0) {
          throw new SchemaError('EMPTY_SELECT', 'select() needs at least one column.');
        }
        // A select of aggregates (`select(sum('x'))`) is a global aggregate, which the same SQL expresses.
        const items = await Promise.all(node.exprs.map((e) => this.#selectItem(e, ctx)));
        return this.#finish(`SELECT ${items.join(', ')} FROM (${child.sql}) AS ${alias}`);
      }
      case 'withColumns': {
        const child = await this.compile(node.input);
        const alias = nextAlias();
        const ctx = this.#context(child, 'withColumn()', alias);
        const replaced = new Map<string, string>();
        const added: string[] = [];
        for (const { name, expr } of node.columns) {
          const sql = `${await compileExpression(expr, ctx)} AS ${quoteIdent(name)}`;
          const existing = child.schema.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
          if (existing !== undefined) replaced.set(existing.name, sql);
          else added.push(sql);
        }
        const items = child.schema.fields.map(
          (f) => replaced.get(f.name) ?? `${alias}.${quoteIdent(f.name)}`,
        );
        return this.#finish(
          `SELECT ${[...items, ...added].join(', ')} FROM (${child.sql}) AS ${alias}`,
          child.userAlias,
        );
      }
      case 'renameColumns': {
        const child = await this.compile(node.input);
        const renames = new Map(node.renames.map((r) => [r.from.toLowerCase(), r.to]));
        const items = child.schema.fields.map((f) => {
          const to = renames.get(f.name.toLowerCase());
          return to === undefined ? quoteIdent(f.name) : `${quoteIdent(f.name)} AS ${quoteIdent(to)}`;
        });
        return this.#finish(`SELECT ${items.join(', ')} FROM (${child.sql}) AS ${nextAlias()}`);
      }
      case 'drop': {
        const child = await this.compile(node.input);
        const dropped = new Set(node.columns.map((c) => c.toLowerCase()));
        const kept = child.schema.fields.filter((f) => !dropped.has(f.name.toLowerCase()));
        if (kept.length === 0) {
          return this.#finish(
            `SELECT * EXCLUDE (${child.schema.fields.map((f) => quoteIdent(f.name)).join(', ')}) FROM (${child.sql})`,
          );
        }
        return this.#finish(
          `SELECT ${kept.map((f) => quoteIdent(f.name)).join(', ')} FROM (${child.sql}) AS ${nextAlias()}`,
          child.userAlias,
        );
      }
      case 'filter': {
        const child = await this.compile(node.input);
        const alias = nextAlias();
        const cond = await compileExpression(node.condition, this.#context(child, 'filter()', alias));
        return this.#finish(`SELECT * FROM (${child.sql}) AS ${alias} WHERE ${cond}`, child.userAlias);
      }
      case 'limit': {
        this.#checkCount('limit', node.n);
        if (node.input.kind === 'sort') {
          const sorted = await this.#sortSql(node.input.input, node.input.orders);
          return this.#finish(`${sorted.sql} LIMIT ${node.n}`, sorted.userAlias);
        }
        const child = await this.compile(node.input);
        return this.#finish(
          `SELECT * FROM (${child.sql}) AS ${nextAlias()} LIMIT ${node.n}`,
          child.userAlias,
        );
      }
      case 'offset': {
        this.#checkCount('offset', node.n);
        const child = await this.compile(node.input);
        return this.#finish(
          `SELECT * FROM (${child.sql}) AS ${nextAlias()} OFFSET ${node.n}`,
          child.userAlias,
        );
      }
      case 'sort':
        return this.#sortSql(node.input, node.orders).then((s) => this.#finish(s.sql, s.userAlias));
      case 'sample':
        return this.#sample(node);
      case 'union':
        return this.#union(node.inputs, node.byName);
      case 'join':
        return this.#join(node);
      case 'aggregate': {
        const child = await this.compile(node.input);
        const alias = nextAlias();
        const ctx = this.#context(child, 'groupBy().agg()', alias);
        const keys = await Promise.all(node.groupBy.map((e) => compileExpression(e, ctx)));
        const items = [
          ...(await Promise.all(node.groupBy.map((e) => this.#selectItem(e, ctx)))),
          ...(await Promise.all(node.aggregates.map((e) => this.#selectItem(e, ctx)))),
        ];
        const groupBy = keys.length > 0 ? ` GROUP BY ${keys.join(', ')}` : '';
        return this.#finish(`SELECT ${items.join(', ')} FROM (${child.sql}) AS ${alias}${groupBy}`);
      }
      case 'distinct': {
        const child = await this.compile(node.input);
        if (node.columns === undefined || node.columns.length === 0) {
          return this.#finish(`SELECT DISTINCT * FROM (${child.sql}) AS ${nextAlias()}`);
        }
        const keys = node.columns.map((c) =>
          quoteIdent(requireField(child.schema, c, 'dropDuplicates()').name),
        );
        return this.#finish(
          `SELECT * FROM (${child.sql}) AS ${nextAlias()} QUALIFY row_number() OVER (PARTITION BY ${keys.join(', ')}) = 1`,
        );
      }
      case 'repartition': {
        const child = await this.compile(node.input);
        return child;
      }
      case 'subqueryAlias': {
        const child = await this.compile(node.input);
        return { ...child, userAlias: node.alias };
      }
      default: {
        const never: never = node;
        return never;
      }
    }
  }

  #checkCount(op: string, n: number): void {
    if (!Number.isInteger(n) || n < 0) {
      throw new SchemaError('INVALID_PARAMETER_VALUE', `${op}() takes a whole number ≥ 0, got ${n}.`, {
        value: String(n),
      });
    }
  }

  async #sortSql(
    input: PlanNode,
    orders: readonly SortOrder[],
  ): Promise<{ sql: string; userAlias?: string }> {
    const child = await this.compile(input);
    const alias = nextAlias();
    const ctx = this.#context(child, 'orderBy()', alias);
    const keys = await Promise.all(
      orders.map(
        async (o) =>
          `${await compileExpression(o.expr, ctx)} ${o.ascending ? 'ASC' : 'DESC'} NULLS ${o.nullsFirst ? 'FIRST' : 'LAST'}`,
      ),
    );
    const sql = `SELECT * FROM (${child.sql}) AS ${alias} ORDER BY ${keys.join(', ')}`;
    return child.userAlias === undefined ? { sql } : { sql, userAlias: child.userAlias };
  }

  /**
   * Bernoulli (or Poisson, with replacement) sampling that is deterministic for a seed and independent of how rows
   * are ordered or split: each row's draw is a hash of its content, the seed, and its rank among identical rows. So
   * `randomSplit` with one seed gives disjoint splits that together hold every row once.
   */
  async #sample(node: Extract<PlanNode, { kind: 'sample' }>): Promise<CompiledPlan> {
    const child = await this.compile(node.input);
    const cols = child.schema.fields.map((f) => quoteIdent(f.name));
    const content = `hash(${cols.join(', ')})`;
    const u = `(CAST(hash(__df_h, row_number() OVER (PARTITION BY __df_h), ${Math.trunc(node.seed)}) AS DOUBLE) / 18446744073709551616.0)`;
    const hashed = `SELECT *, ${content} AS __df_h FROM (${child.sql}) AS ${nextAlias()}`;
    const drawn = `SELECT *, ${u} AS __df_u FROM (${hashed}) AS ${nextAlias()}`;
    const selectCols = cols.join(', ');
    if (!node.withReplacement) {
      const conds: string[] = [];
      if (node.lowerBound > 0) conds.push(`__df_u >= ${node.lowerBound}`);
      if (node.upperBound < 1) conds.push(`__df_u < ${node.upperBound}`);
      const where = conds.length > 0 ? ` WHERE ${conds.join(' AND ')}` : '';
      return this.#finish(`SELECT ${selectCols} FROM (${drawn}) AS ${nextAlias()}${where}`);
    }
    // With replacement: each row appears k times, k ~ Poisson(fraction), by the inverse of its CDF at u.
    const fraction = node.upperBound - node.lowerBound;
    const branches: string[] = [];
    let p = Math.exp(-fraction);
    let cdf = p;
    let k = 0;
    while (cdf < 1 - 1e-12 && k < 1000) {
      branches.push(`WHEN __df_u < ${cdf} THEN ${k}`);
      k++;
      p *= fraction / k;
      cdf += p;
    }
    const copies = `(CASE ${branches.join(' ')} ELSE ${k} END)`;
    return this.#finish(
      `SELECT ${selectCols} FROM (SELECT *, unnest(range(${copies})) AS __df_i FROM (${drawn}) AS ${nextAlias()}) AS ${nextAlias()}`,
    );
  }

  async #union(inputs: readonly PlanNode[], byName: boolean): Promise<CompiledPlan> {
    const compiled = await Promise.all(inputs.map((i) => this.compile(i)));
    const [first, ...rest] = compiled;
    if (first === undefined) throw new SchemaError('EMPTY_UNION', 'union() needs at least one DataFrame.');
    for (const other of rest) {
      if (other.schema.fields.length !== first.schema.fields.length) {
        throw new SchemaError(
          'NUM_COLUMNS_MISMATCH',
          `union() can only combine DataFrames with the same number of columns: the first has ${first.schema.fields.length} ` +
            `(${fieldNames(first.schema).join(', ')}), another has ${other.schema.fields.length} (${fieldNames(other.schema).join(', ')}).`,
          { expected: String(first.schema.fields.length), actual: String(other.schema.fields.length) },
        );
      }
      if (byName) {
        for (const f of first.schema.fields) requireField(other.schema, f.name, 'unionByName()');
      }
    }
    const op = byName ? 'UNION ALL BY NAME' : 'UNION ALL';
    return this.#finish(compiled.map((c) => `(SELECT * FROM (${c.sql}) AS ${nextAlias()})`).join(` ${op} `));
  }

  async #join(node: Extract<PlanNode, { kind: 'join' }>): Promise<CompiledPlan> {
    const [left, right] = await Promise.all([this.compile(node.left), this.compile(node.right)]);
    const l = nextAlias();
    const r = nextAlias();
    const from = `(${left.sql}) AS ${l}`;
    const to = `(${right.sql}) AS ${r}`;
    const kw = JOIN_KEYWORDS[node.how];
    const leftCols = left.schema.fields.map((f) => `${l}.${quoteIdent(f.name)}`);
    if (node.how === 'cross') {
      return this.#finish(
        `SELECT ${[...leftCols, ...right.schema.fields.map((f) => `${r}.${quoteIdent(f.name)}`)].join(', ')} FROM ${from} CROSS JOIN ${to}`,
      );
    }
    if (node.usingColumns !== undefined) {
      const keys = node.usingColumns.map((k) => ({
        left: requireField(left.schema, k, 'the left side of join()').name,
        right: requireField(right.schema, k, 'the right side of join()').name,
      }));
      const on = keys.map((k) => `${l}.${quoteIdent(k.left)} = ${r}.${quoteIdent(k.right)}`).join(' AND ');
      if (node.how === 'semi' || node.how === 'anti') {
        return this.#finish(`SELECT ${leftCols.join(', ')} FROM ${from} ${kw} ${to} ON ${on}`);
      }
      const keyItems = keys.map((k) => {
        const ql = `${l}.${quoteIdent(k.left)}`;
        const qr = `${r}.${quoteIdent(k.right)}`;
        const value = node.how === 'full' ? `coalesce(${ql}, ${qr})` : node.how === 'right' ? qr : ql;
        return `${value} AS ${quoteIdent(k.left)}`;
      });
      const isKey = (name: string, side: 'left' | 'right') =>
        keys.some((k) => k[side].toLowerCase() === name.toLowerCase());
      const others = [
        ...left.schema.fields.filter((f) => !isKey(f.name, 'left')).map((f) => `${l}.${quoteIdent(f.name)}`),
        ...right.schema.fields
          .filter((f) => !isKey(f.name, 'right'))
          .map((f) => `${r}.${quoteIdent(f.name)}`),
      ];
      return this.#finish(`SELECT ${[...keyItems, ...others].join(', ')} FROM ${from} ${kw} ${to} ON ${on}`);
    }
    if (node.condition === undefined) {
      throw new SchemaError(
        'MISSING_JOIN_CONDITION',
        `A ${node.how} join needs column names or a condition.`,
      );
    }
    const scope: ScopeEntry[] = [
      {
        schema: left.schema,
        sqlAlias: l,
        ...(left.userAlias === undefined ? {} : { userAlias: left.userAlias }),
      },
      {
        schema: right.schema,
        sqlAlias: r,
        ...(right.userAlias === undefined ? {} : { userAlias: right.userAlias }),
      },
    ];
    const cond = await compileExpression(
      node.condition,
      this.#contextFor(scope, `FROM ${from} CROSS JOIN ${to}`, 'join()'),
    );
    const items =
      node.how === 'semi' || node.how === 'anti'
        ? leftCols
        : [...leftCols, ...right.schema.fields.map((f) => `${r}.${quoteIdent(f.name)}`)];
    return this.#finish(`SELECT ${items.join(', ')} FROM ${from} ${kw} ${to} ON ${cond}`);
  }
}

const JOIN_KEYWORDS: Record<JoinType, string> = {
  inner: 'INNER JOIN',
  left: 'LEFT OUTER JOIN',
  right: 'RIGHT OUTER JOIN',
  full: 'FULL OUTER JOIN',
  semi: 'SEMI JOIN',
  anti: 'ANTI JOIN',
  cross: 'CROSS JOIN',
};
