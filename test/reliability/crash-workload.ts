// What crash-child.ts does and crash-safety.test.ts checks: shared so both sides agree on the
// table, the rows' contents, the passwords and the Argon2id tuning (lifecycle-crash uses the last).
import { createHash } from 'node:crypto';
import type { Clock } from '../../electron/vault/clock.ts';
import type { SqliteDatabase } from '../../electron/vault/db/sqlite.ts';
import { Vault } from '../../electron/vault/vault.ts';
import type { KdfTuning } from '../../electron/vault/vault.ts';
import { MemoryKeychain } from '../support/temp-vault.ts';

/** The workloads the child runs until it is killed. */
export const CRASH_MODES = ['writes', 'passwords', 'mixed', 'create'] as const;
export type CrashMode = (typeof CRASH_MODES)[number];

/** The master password alternates between these two. */
export const CRASH_PASSWORDS = ['crash-test password one', 'crash-test password two'] as const;

/**
 * Argon2id far below the 64 MiB / t=3 floor, so hundreds of rounds of unlocks and password changes
 * fit in seconds. The code path (derive, wrap, atomic header write) is the same as with the real
 * parameters; only the time spent inside Argon2id differs.
 */
export const WEAK_KDF: KdfTuning = { memoryKiB: 1024, iterations: 1, parallelism: 1 };

/**
 * A vault with {@link WEAK_KDF} (allowWeakKdf is what lets the engine accept it). Parents use it too:
 * unlocking re-wraps below-default headers with the instance's tuning, and a parent must not slow
 * every later round down to 64 MiB.
 */
export function weakVault(path: string, clock: Clock): Vault {
  return new Vault({ path, clock, keychain: new MemoryKeychain(), kdfTuning: WEAK_KDF, allowWeakKdf: true });
}

/** Rows the child commits: `n` is the size of the transaction the row was written in. */
export const CRASH_TABLE_SQL = `
  CREATE TABLE IF NOT EXISTS crash_rows (
    id INTEGER PRIMARY KEY,
    txn INTEGER NOT NULL,
    n INTEGER NOT NULL,
    body BLOB NOT NULL
  ) STRICT`;

/** The body of row `id`: derived from the id, 32 bytes to ~4.5 KiB, so pages fill and some overflow. */
export function crashRowBody(id: number): Buffer {
  const digest = createHash('sha256').update(`keyward-crash-row-${id}`).digest();
  return Buffer.alloc(id % 10 === 0 ? 4500 : 32 + ((id * 7919) % 800), digest);
}

/** Commits one transaction of `count` rows and returns the id of its first row. */
export function insertCrashTransaction(db: SqliteDatabase, txn: number, count: number): number {
  const next = db.prepare('SELECT coalesce(max(id), 0) + 1 AS id FROM crash_rows');
  const insert = db.prepare('INSERT INTO crash_rows (id, txn, n, body) VALUES (?, ?, ?, ?)');
  return db.transaction(() => {
    const first = (next.get() as { id: number }).id;
    for (let id = first; id < first + count; id++) {
      insert.run(id, txn, count, crashRowBody(id));
    }
    return first;
  })();
}
