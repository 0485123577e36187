import type { SqliteDatabase, SqliteStatement } from './sqlite.ts';

/**
 * The `meta` table (key → text) is read and written only here, with statements prepared once per
 * connection. Keys in use: `vault_id`, `created_at` (written at create), `log_head` (the activity
 * log's chain head), `notices_expired_watermark`, `totp_secret`, `totp_last_step`,
 * `reauth_failures`, `reauth_last_failure`, `reauth_seq`, `reauth_pending`.
 */
interface MetaStatements {
  get: SqliteStatement<[string], { value: string }>;
  set: SqliteStatement<[string, string]>;
  remove: SqliteStatement<[string]>;
}

const prepared = new WeakMap<SqliteDatabase, MetaStatements>();

function statements(db: SqliteDatabase): MetaStatements {
  let found = prepared.get(db);
  if (found === undefined) {
    found = {
      get: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      set: db.prepare<[string, string]>(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      remove: db.prepare<[string]>('DELETE FROM meta WHERE key = ?'),
    };
    prepared.set(db, found);
  }
  return found;
}

/** The value stored under `key`, or null when there is none. */
export function readMeta(db: SqliteDatabase, key: string): string | null {
  return statements(db).get.get(key)?.value ?? null;
}

/** Stores `value` under `key` (replacing it); null removes the key. */
export function writeMeta(db: SqliteDatabase, key: string, value: string | null): void {
  if (value === null) {
    statements(db).remove.run(key);
  } else {
    statements(db).set.run(key, value);
  }
}
