import type { SqliteDatabase } from '../db/sqlite.ts';
import { putIntegrationSql, putKeySql, putSigningKeySql } from './published-sql.ts';

/**
 * The triggers that write `sync_outbox`, by name. They exist only while the vault is connected to a
 * server: {@link createOutboxTriggers} on connect, {@link dropOutboxTriggers} on disconnect, each in
 * the transaction that writes or deletes the `server_connection` row (migration 0005). An
 * unconnected vault's writes pay nothing for the server (no trigger, no "connected?" check).
 */
export const OUTBOX_TRIGGERS = [
  'sync_integration_insert',
  'sync_integration_update',
  'sync_integration_delete',
  'sync_key_insert',
  'sync_key_update',
  'sync_key_delete',
  'sync_signing_key_insert',
  'sync_signing_key_retire',
  'sync_signing_key_delete',
] as const;

/**
 * The triggers' SQL: each change to a published fact appends its operation
 * (`shared/sync/publish-batch.ts`) to `sync_outbox` in the change's own transaction. Only published
 * columns count (a new "last used" or notes do not); a key deleted with its integration (ON DELETE
 * CASCADE) needs no row of its own, the server's deleteIntegration removes its keys. No "is a server
 * connected?" guard: the triggers exist only while one is.
 */
const OUTBOX_TRIGGERS_SQL = `
  CREATE TRIGGER sync_integration_insert AFTER INSERT ON integrations
    BEGIN INSERT INTO sync_outbox (op) VALUES (${putIntegrationSql('NEW')}); END;
  CREATE TRIGGER sync_integration_update AFTER UPDATE ON integrations WHEN
      NEW.id IS NOT OLD.id OR NEW.name IS NOT OLD.name OR NEW.never_expire IS NOT OLD.never_expire OR
      NEW.grace_days IS NOT OLD.grace_days OR NEW.enabled IS NOT OLD.enabled OR NEW.ip_acl IS NOT OLD.ip_acl OR
      NEW.accepts IS NOT OLD.accepts OR NEW.rate_limit_requests IS NOT OLD.rate_limit_requests OR
      NEW.rate_limit_window_seconds IS NOT OLD.rate_limit_window_seconds
    BEGIN INSERT INTO sync_outbox (op) VALUES (${putIntegrationSql('NEW')}); END;
  CREATE TRIGGER sync_integration_delete AFTER DELETE ON integrations
    BEGIN INSERT INTO sync_outbox (op) VALUES (json_object('op', 'deleteIntegration', 'integrationId', OLD.id)); END;

  CREATE TRIGGER sync_key_insert AFTER INSERT ON api_keys
    BEGIN INSERT INTO sync_outbox (op) VALUES (${putKeySql('NEW')}); END;
  CREATE TRIGGER sync_key_update AFTER UPDATE ON api_keys WHEN
      NEW.id IS NOT OLD.id OR NEW.integration_id IS NOT OLD.integration_id OR
      NEW.lookup_hash IS NOT OLD.lookup_hash OR NEW.status IS NOT OLD.status OR
      NEW.created_at IS NOT OLD.created_at OR NEW.expires_at IS NOT OLD.expires_at OR
      NEW.grace_ends_at IS NOT OLD.grace_ends_at OR NEW.ended_at IS NOT OLD.ended_at
    BEGIN INSERT INTO sync_outbox (op) VALUES (${putKeySql('NEW')}); END;
  CREATE TRIGGER sync_key_delete AFTER DELETE ON api_keys WHEN
      EXISTS (SELECT 1 FROM integrations WHERE id = OLD.integration_id)
    BEGIN INSERT INTO sync_outbox (op) VALUES (json_object('op', 'deleteKey', 'keyId', OLD.id)); END;

  CREATE TRIGGER sync_signing_key_insert AFTER INSERT ON signing_keys
    BEGIN INSERT INTO sync_outbox (op) VALUES (${putSigningKeySql('NEW')}); END;
  CREATE TRIGGER sync_signing_key_retire AFTER UPDATE OF retired_at ON signing_keys WHEN
      NEW.retired_at IS NOT OLD.retired_at
    BEGIN INSERT INTO sync_outbox (op) VALUES (${putSigningKeySql('NEW')}); END;
  CREATE TRIGGER sync_signing_key_delete AFTER DELETE ON signing_keys
    BEGIN INSERT INTO sync_outbox (op) VALUES (json_object('op', 'deleteSigningKey', 'kid', OLD.kid)); END;
`;

/**
 * Drops the outbox triggers of `schema` (`main`, or an attached copy), those that exist. Runs in the
 * caller's transaction. Other connections on the vault (the desktop and the CLI side by side) see the
 * schema change at their next statement: SQLite re-prepares statements made before it.
 */
export function dropOutboxTriggers(db: SqliteDatabase, schema = 'main'): void {
  db.exec(OUTBOX_TRIGGERS.map((name) => `DROP TRIGGER IF EXISTS ${schema}.${name};`).join(' '));
}

/**
 * (Re)creates the outbox triggers in their current shape, in the caller's transaction (the one that
 * writes the `server_connection` row, or a migration's). From its commit on, every connection's
 * changes to published facts, in any process, write their outbox rows.
 */
export function createOutboxTriggers(db: SqliteDatabase): void {
  dropOutboxTriggers(db);
  db.exec(OUTBOX_TRIGGERS_SQL);
}
