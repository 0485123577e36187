import type { Migration } from '../migration.ts';

/**
 * Integrations, their API keys, the Secret signing keys, notices and the append-only activity log.
 * "Exactly one active key per integration" is enforced by a partial unique index (at most one) and
 * by every lifecycle change running in one transaction (at least one).
 */
export const migration0002: Migration = {
  version: 2,
  name: 'integrations, keys, signing keys, notices, activity log',
  up(db) {
    db.exec(`
      CREATE TABLE integrations (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,
        website TEXT,
        platform TEXT NOT NULL CHECK (platform IN ('web', 'mobile', 'desktop', 'server', 'other')),
        ip_acl TEXT NOT NULL DEFAULT '[]',
        prefix TEXT NOT NULL,
        rotation_days INTEGER NOT NULL CHECK (rotation_days BETWEEN 1 AND 365),
        grace_days INTEGER NOT NULL CHECK (grace_days BETWEEN 0 AND 30),
        never_expire INTEGER NOT NULL DEFAULT 0 CHECK (never_expire IN (0, 1)),
        enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        notes TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY NOT NULL,
        integration_id TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
        material TEXT NOT NULL,
        lookup_hash TEXT NOT NULL UNIQUE,
        masked TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'grace', 'expired', 'revoked')),
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        grace_ends_at INTEGER,
        ended_at INTEGER,
        last_used_at INTEGER,
        replaced_by TEXT
      ) STRICT;
      CREATE UNIQUE INDEX api_keys_one_active ON api_keys (integration_id) WHERE status = 'active';
      CREATE INDEX api_keys_by_integration ON api_keys (integration_id, created_at);
      CREATE INDEX api_keys_expiry ON api_keys (expires_at) WHERE status = 'active' AND expires_at IS NOT NULL;
      CREATE INDEX api_keys_grace ON api_keys (grace_ends_at) WHERE status = 'grace';

      CREATE TABLE signing_keys (
        kid TEXT PRIMARY KEY NOT NULL,
        private_jwk TEXT NOT NULL,
        public_jwk TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        retired_at INTEGER,
        last_secret_expires_at INTEGER
      ) STRICT;
      CREATE UNIQUE INDEX signing_keys_one_current ON signing_keys ((retired_at IS NULL)) WHERE retired_at IS NULL;

      CREATE INDEX api_keys_ended ON api_keys (ended_at) WHERE status IN ('expired', 'revoked');

      CREATE TABLE notices (
        id TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('expires-soon', 'grace-ending', 'expired', 'rotated', 'rotation-failed')),
        integration_id TEXT,
        integration_name TEXT NOT NULL,
        key_id TEXT,
        due_at INTEGER NOT NULL,
        fired_at INTEGER NOT NULL,
        superseded INTEGER NOT NULL DEFAULT 0 CHECK (superseded IN (0, 1)),
        message TEXT NOT NULL,
        read_at INTEGER
      ) STRICT;
      CREATE INDEX notices_by_time ON notices (fired_at);

      CREATE TABLE activity_log (
        seq INTEGER PRIMARY KEY NOT NULL,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        integration_id TEXT,
        key_id TEXT,
        outcome TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT '{}',
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER activity_log_no_update BEFORE UPDATE ON activity_log
        BEGIN SELECT RAISE(ABORT, 'the activity log is append-only'); END;
      CREATE TRIGGER activity_log_no_delete BEFORE DELETE ON activity_log
        BEGIN SELECT RAISE(ABORT, 'the activity log is append-only'); END;
    `);
  },
};
