import { join } from 'node:path';
import { SqliteDriver } from './sqlite-driver.ts';
import { SqlStorage } from './sql-storage.ts';
import type { Storage } from './storage.ts';

/** The embedded database's file name inside the data folder. */
export const SQLITE_FILE = 'keyward-server.sqlite';

/**
 * Opens the configured storage and migrates it: PostgreSQL when `databaseUrl` is a
 * `postgres://` / `postgresql://` URL, else the embedded SQLite file in `dataDir`.
 */
export async function openStorage(options: {
  dataDir: string;
  databaseUrl?: string | undefined;
}): Promise<Storage> {
  const url = options.databaseUrl?.trim();
  if (url !== undefined && url !== '') {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new Error('DATABASE_URL must start with postgres:// or postgresql://');
    }
    // Loaded only when used: an embedded server never holds the PostgreSQL client in memory.
    const { PostgresDriver } = await import('./postgres-driver.ts');
    return SqlStorage.open(new PostgresDriver(url));
  }
  return SqlStorage.open(new SqliteDriver(join(options.dataDir, SQLITE_FILE)));
}
