import { ActivityLog } from '../../electron/vault/audit/activity-log.ts';
import { openVaultDatabase } from '../../electron/vault/db/open-database.ts';
import type { SqliteDatabase } from '../../electron/vault/db/sqlite.ts';
import { KeyLifecycle } from '../../electron/vault/keys/key-lifecycle.ts';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FakeClock } from './fake-clock.ts';
import { makeTempDir } from './temp-vault.ts';

/** A real encrypted database (no Argon2id, for speed) with the lifecycle, the log and a fake clock. */
export function makeLifecycle(start = Date.UTC(2026, 0, 1, 9)): {
  db: SqliteDatabase;
  clock: FakeClock;
  log: ActivityLog;
  lifecycle: KeyLifecycle;
  cleanup: () => void;
} {
  const { dir, cleanup } = makeTempDir();
  const db = openVaultDatabase(join(dir, 'lifecycle.vault'), { dataKey: randomBytes(32), create: true });
  const clock = new FakeClock(start);
  const log = new ActivityLog(db, clock);
  const lifecycle = new KeyLifecycle({ db, clock, log });
  return {
    db,
    clock,
    log,
    lifecycle,
    cleanup: () => {
      db.close();
      cleanup();
    },
  };
}
