import { SERVICE } from './protocol.js';
import type { ConnectTransport } from './transport.js';

/**
 * The runtime configuration of a Spark session (`spark.conf` in pyspark): SQL settings such as
 * `spark.sql.shuffle.partitions` or `spark.sql.ansi.enabled`. Static settings (`spark.executor.memory`, …) are
 * fixed when the server starts; setting one fails with Spark's `CANNOT_MODIFY_CONFIG`.
 *
 * @example
 * ```ts
 * await client.config.set({ 'spark.sql.shuffle.partitions': '4' });
 * await client.config.get('spark.sql.shuffle.partitions'); // '4'
 * ```
 */
export class SparkConfig {
  readonly #transport: ConnectTransport;

  constructor(transport: ConnectTransport) {
    this.#transport = transport;
  }

  /** A setting's value, or undefined when it is not set and has no default. */
  async get(key: string): Promise<string | undefined> {
    const response = await this.#transport.unary(SERVICE.config, {
      ...this.#transport.session(),
      operation: { getOption: { keys: [key] } },
    });
    return response.pairs?.[0]?.value;
  }

  /** Every setting that is set, or those whose key starts with `prefix`, by full key. */
  async getAll(prefix?: string): Promise<Record<string, string>> {
    const response = await this.#transport.unary(SERVICE.config, {
      ...this.#transport.session(),
      operation: { getAll: prefix === undefined ? {} : { prefix } },
    });
    // Spark answers with the keys' remainders after the prefix.
    return Object.fromEntries(
      (response.pairs ?? []).map((p) => [`${prefix ?? ''}${p.key ?? ''}`, p.value ?? '']),
    );
  }

  /** Sets settings. */
  async set(entries: Readonly<Record<string, string>>): Promise<void> {
    const pairs = Object.entries(entries).map(([key, value]) => ({ key, value }));
    if (pairs.length === 0) return;
    await this.#transport.unary(SERVICE.config, {
      ...this.#transport.session(),
      operation: { set: { pairs } },
    });
  }

  /** Returns settings to their defaults. */
  async unset(...keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.#transport.unary(SERVICE.config, {
      ...this.#transport.session(),
      operation: { unset: { keys } },
    });
  }

  /** Whether a setting can be changed at run time (SQL settings can, static ones cannot). */
  async isModifiable(key: string): Promise<boolean> {
    const response = await this.#transport.unary(SERVICE.config, {
      ...this.#transport.session(),
      operation: { isModifiable: { keys: [key] } },
    });
    return response.pairs?.[0]?.value === 'true';
  }
}
