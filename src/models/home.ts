/**
 * Where deepframe keeps what it downloads or derives (zoo models, labels, cut graphs), and whether it may
 * download at all.
 *
 * @module
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * deepframe's cache directory: `home` when given, else `$DEEPFRAME_HOME`, else `~/.cache/deepframe`. Zoo models
 * live in its `models/` folder, labels in `labels/`.
 *
 * @example
 * ```ts
 * deepframeHome(); // '/home/ann/.cache/deepframe', or $DEEPFRAME_HOME
 * ```
 */
export function deepframeHome(home?: string): string {
  const fromEnv = process.env.DEEPFRAME_HOME;
  if (home !== undefined && home !== '') return resolve(home);
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  return join(homedir(), '.cache', 'deepframe');
}

/**
 * Whether downloads are off: `offline` when given, else `$DEEPFRAME_OFFLINE` set to `1`, `true` or `yes`.
 *
 * @example
 * ```ts
 * process.env.DEEPFRAME_OFFLINE = '1';
 * isOffline(); // true
 * isOffline(false); // false: the option wins
 * ```
 */
export function isOffline(offline?: boolean): boolean {
  if (offline !== undefined) return offline;
  const v = (process.env.DEEPFRAME_OFFLINE ?? '').trim().toLowerCase();
  return v === '1' || v === 'true' || v === 'yes';
}
