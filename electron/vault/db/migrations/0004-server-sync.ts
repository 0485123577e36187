import type { Migration } from '../migration.ts';
import { putIntegrationSql, putKeySql, putSigningKeySql } from '../../sync/published-sql.ts';

const ACCEPTED = "('key-or-secret', 'secret-only', 'key-only')";
/** The guard of this migration's triggers: true while the vault is connected to a server. */
const CONNECTED_SQL = 'EXISTS (SELECT 1 FROM server_connection)';

/**
 * The Keyward server connection (issue 11):
 *
 * - integrations gain `accepts` (which credential verifiers take) and an optional rate limit;
 * - `server_connection`: the one connected server (URL, device, pinned certificate, revision, last
 *   publish, last error, whether a full snapshot is due, and the publisher lease shared by every
 *   process on this vault);
 * - `sync_device`: the Ed25519 device key (private half only in this encrypted database);
 * - `sync_outbox`: published facts waiting for the server, in order. Triggers write it in the same
 *   transaction as the change, while a connection exists, so no code path can bypass it; a rolled
 *   back change leaves no row. Rows hold facts only (see electron/vault/sync/published-sql.ts).
 *
 * These triggers always exist and check for a connection on every write; migration 0005 replaces
 * them with triggers that exist only while a server is connected (electron/vault/sync/outbox-triggers.ts).
 */
export const migration0004: Migration = {
  version: 4,
  name: 'server connection, device key, outbox',
  up(db) {
    db.exec(`
      ALTER TABLE integrations ADD COLUMN accepts TEXT NOT NULL DEFAULT 'key-or-secret' CHECK (accepts IN ${ACCEPTED});
      ALTER TABLE integrations ADD COLUMN rate_limit_requests INTEGER
        CHECK (rate_limit_requests IS NULL OR rate_limit_requests BETWEEN 1 AND 1000000);
      ALTER TABLE integrations ADD COLUMN rate_limit_window_seconds INTEGER
        CHECK (rate_limit_window_seconds IS NULL OR rate_limit_window_seconds BETWEEN 1 AND 86400);

      CREATE TABLE server_connection (
        id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
        url TEXT NOT NULL,
        device_id TEXT NOT NULL,
        device_name TEXT NOT NULL,
        connected_at INTEGER NOT NULL,
        pinned_cert_pem TEXT,
        pinned_cert_sha256 TEXT,
        revision INTEGER,
        last_publish_at INTEGER,
        last_error TEXT,
        snapshot_needed INTEGER NOT NULL DEFAULT 1 CHECK (snapshot_needed IN (0, 1)),
        lease_holder TEXT,
        lease_expires_at INTEGER
      ) STRICT;

      CREATE TABLE sync_device (
        id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
        private_key_pem TEXT NOT NULL,
        public_key TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE sync_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        op TEXT NOT NULL,
        batch_id TEXT
      ) STRICT;
      CREATE INDEX sync_outbox_batch ON sync_outbox (batch_id) WHERE batch_id IS NOT NULL;

      CREATE TRIGGER sync_integration_insert AFTER INSERT ON integrations WHEN ${CONNECTED_SQL}
        BEGIN INSERT INTO sync_outbox (op) VALUES (${putIntegrationSql('NEW')}); END;
      CREATE TRIGGER sync_integration_update AFTER UPDATE ON integrations WHEN ${CONNECTED_SQL} AND (
          NEW.id IS NOT OLD.id OR NEW.name IS NOT OLD.name OR NEW.never_expire IS NOT OLD.never_expire OR
          NEW.grace_days IS NOT OLD.grace_days OR NEW.enabled IS NOT OLD.enabled OR NEW.ip_acl IS NOT OLD.ip_acl OR
          NEW.accepts IS NOT OLD.accepts OR NEW.rate_limit_requests IS NOT OLD.rate_limit_requests OR
          NEW.rate_limit_window_seconds IS NOT OLD.rate_limit_window_seconds)
        BEGIN INSERT INTO sync_outbox (op) VALUES (${putIntegrationSql('NEW')}); END;
      CREATE TRIGGER sync_integration_delete AFTER DELETE ON integrations WHEN ${CONNECTED_SQL}
        BEGIN INSERT INTO sync_outbox (op) VALUES (json_object('op', 'deleteIntegration', 'integrationId', OLD.id)); END;

      CREATE TRIGGER sync_key_insert AFTER INSERT ON api_keys WHEN ${CONNECTED_SQL}
        BEGIN INSERT INTO sync_outbox (op) VALUES (${putKeySql('NEW')}); END;
      CREATE TRIGGER sync_key_update AFTER UPDATE ON api_keys WHEN ${CONNECTED_SQL} AND (
          NEW.id IS NOT OLD.id OR NEW.integration_id IS NOT OLD.integration_id OR
          NEW.lookup_hash IS NOT OLD.lookup_hash OR NEW.status IS NOT OLD.status OR
          NEW.created_at IS NOT OLD.created_at OR NEW.expires_at IS NOT OLD.expires_at OR
          NEW.grace_ends_at IS NOT OLD.grace_ends_at OR NEW.ended_at IS NOT OLD.ended_at)
        BEGIN INSERT INTO sync_outbox (op) VALUES (${putKeySql('NEW')}); END;
      -- A key deleted with its integration (ON DELETE CASCADE) needs no row of its own: the
      -- server's deleteIntegration removes its keys.
      CREATE TRIGGER sync_key_delete AFTER DELETE ON api_keys WHEN ${CONNECTED_SQL} AND
          EXISTS (SELECT 1 FROM integrations WHERE id = OLD.integration_id)
        BEGIN INSERT INTO sync_outbox (op) VALUES (json_object('op', 'deleteKey', 'keyId', OLD.id)); END;

      CREATE TRIGGER sync_signing_key_insert AFTER INSERT ON signing_keys WHEN ${CONNECTED_SQL}
        BEGIN INSERT INTO sync_outbox (op) VALUES (${putSigningKeySql('NEW')}); END;
      CREATE TRIGGER sync_signing_key_delete AFTER DELETE ON signing_keys WHEN ${CONNECTED_SQL}
        BEGIN INSERT INTO sync_outbox (op) VALUES (json_object('op', 'deleteSigningKey', 'kid', OLD.kid)); END;
    `);
  },
};
