import type { SqliteDatabase as Database } from './sqlite.ts';
import { KeywardError } from '../../../shared/errors.ts';
import type { Migration } from './migration.ts';
import { MIGRATIONS } from './migrations/index.ts';

/**
 * Brings the database to the latest schema: every pending migration in one transaction, then
 * `user_version`. A crash part-way leaves the previous version intact. A file from a newer
 * Keyward is refused rather than touched.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number {
  const latest = migrations.at(-1)?.version ?? 0;
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`Migration list out of order at ${migration.name}`);
    }
  });
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new KeywardError(
      'INVALID_STATE',
      `This vault was written by a newer Keyward (schema ${current}; this version knows up to ${latest}). Update Keyward.`,
    );
  }
  if (current === latest) {
    return current;
  }
  db.transaction(() => {
    for (const migration of migrations.slice(current)) {
      migration.up(db);
    }
    db.pragma(`user_version = ${latest}`);
  }).immediate();
  return latest;
}
