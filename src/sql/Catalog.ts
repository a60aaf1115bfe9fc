import type { Session } from '../frame/Session.js';

/** A table or view the session's SQL can read. */
export interface CatalogTable {
  readonly name: string;
  /** Whether it is a temporary view of this session (made by `createOrReplaceTempView`). */
  readonly isTemporary: boolean;
}

/**
 * The session's catalog, after Spark's `spark.catalog`: the temporary views that `session.sql` and
 * `session.table` read.
 *
 * @example
 * ```ts
 * await people.createOrReplaceTempView('people');
 * await session.catalog.listTables(); // [{ name: 'people', isTemporary: true }]
 * await session.catalog.dropTempView('people'); // true
 * ```
 */
export class Catalog {
  /** @internal Use `session.catalog`. */
  constructor(private readonly session: Session) {}

  /**
   * The session's temporary views, by name.
   *
   * @example
   * ```ts
   * (await session.catalog.listTables()).map((t) => t.name);
   * ```
   */
  async listTables(): Promise<CatalogTable[]> {
    return (await this.session.engine.tempViewNames()).map((name) => ({ name, isTemporary: true }));
  }

  /**
   * Whether the session has a temporary view of this name (case-insensitive).
   *
   * @example
   * ```ts
   * if (!(await session.catalog.tableExists('images'))) await images.createTempView('images');
   * ```
   */
  async tableExists(name: string): Promise<boolean> {
    const names = await this.session.engine.tempViewNames();
    return names.some((n) => n.toLowerCase() === name.toLowerCase());
  }

  /**
   * Drops a temporary view; whether there was one (Spark's `dropTempView`).
   *
   * @example
   * ```ts
   * await session.catalog.dropTempView('people');
   * ```
   */
  dropTempView(name: string): Promise<boolean> {
    return this.session.engine.dropTempView(name);
  }
}
