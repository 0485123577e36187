import { ActivityLog } from '../../electron/vault/audit/activity-log.ts';
import { openVaultDatabase } from '../../electron/vault/db/open-database.ts';
import type { SqliteDatabase } from '../../electron/vault/db/sqlite.ts';
import { createVaultKeys } from '../../electron/vault/keys/vault-keys.ts';
import type { VaultKeys } from '../../electron/vault/keys/vault-keys.ts';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FakeClock } from './fake-clock.ts';
import { makeTempDir } from './temp-vault.ts';

/**
 * A real encrypted database (no Argon2id, for speed) with the key services (integrations, lifecycle,
 * verification, due steps), the log and a fake clock.
 */
export function makeLifecycle(start = Date.UTC(2026, 0, 1, 9)): VaultKeys & {
  db: SqliteDatabase;
  clock: FakeClock;
  log: ActivityLog;
  cleanup: () => void;
} {
  const { dir, cleanup } = makeTempDir();
  const db = openVaultDatabase(join(dir, 'lifecycle.vault'), { dataKey: randomBytes(32), create: true });
  const clock = new FakeClock(start);
  const log = new ActivityLog(db, clock);
  return {
    db,
    clock,
    log,
    ...createVaultKeys({ db, clock, log }),
    cleanup: () => {
      db.close();
      cleanup();
    },
  };
}
