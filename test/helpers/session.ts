import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { Session } from '../../src/frame/Session.js';

/**
 * A fresh embedded session for one test file, stopped after its tests; `dir()` is a temporary directory removed
 * at the end.
 */
export function useSession(): { session: () => Session; dir: () => string } {
  let session: Session | undefined;
  let dir: string | undefined;
  before(async () => {
    session = await Session.builder().master('local[2]').create();
    dir = mkdtempSync(join(tmpdir(), 'deepframe-test-'));
  });
  after(async () => {
    await session?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  return {
    session: () => session!,
    dir: () => dir!,
  };
}

/** Sorts rows by a key for order-independent comparison. */
export function sortBy<T extends Record<string, unknown>>(rows: readonly T[], key: string): T[] {
  return [...rows].sort((a, b) => {
    const x = a[key] as number | string | bigint | null;
    const y = b[key] as number | string | bigint | null;
    if (x === y) return 0;
    if (x === null) return -1;
    if (y === null) return 1;
    return x < y ? -1 : 1;
  });
}
