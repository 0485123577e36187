import type { Migration } from '../migration.ts';

/**
 * Notices may be `backup-failed` too: a daily backup that failed is a notice (and an OS
 * notification), not only a log entry. SQLite cannot change a CHECK constraint in place, so the
 * table is rebuilt with the same columns, rows and index.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'backup-failed notices',
  up(db) {
    db.exec(`
      CREATE TABLE notices_next (
        id TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('expires-soon', 'grace-ending', 'expired', 'rotated', 'rotation-failed', 'backup-failed')),
        integration_id TEXT,
        integration_name TEXT NOT NULL,
        key_id TEXT,
        due_at INTEGER NOT NULL,
        fired_at INTEGER NOT NULL,
        superseded INTEGER NOT NULL DEFAULT 0 CHECK (superseded IN (0, 1)),
        message TEXT NOT NULL,
        read_at INTEGER
      ) STRICT;
      INSERT INTO notices_next (id, kind, integration_id, integration_name, key_id, due_at, fired_at, superseded, message, read_at)
        SELECT id, kind, integration_id, integration_name, key_id, due_at, fired_at, superseded, message, read_at FROM notices;
      DROP TABLE notices;
      ALTER TABLE notices_next RENAME TO notices;
      CREATE INDEX notices_by_time ON notices (fired_at);
    `);
  },
};
