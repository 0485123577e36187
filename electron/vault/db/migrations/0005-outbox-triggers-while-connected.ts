import type { Migration } from '../migration.ts';
import { createOutboxTriggers } from '../../sync/outbox-triggers.ts';

/** The triggers migration 0004 made (they always exist and check for a connection on every write). */
const ALWAYS_ON_TRIGGERS = [
  'sync_integration_insert',
  'sync_integration_update',
  'sync_integration_delete',
  'sync_key_insert',
  'sync_key_update',
  'sync_key_delete',
  'sync_signing_key_insert',
  'sync_signing_key_delete',
];

/**
 * The outbox triggers exist only while a server is connected: migration 0004's always-on triggers,
 * which asked "is a server connected?" on every write (a bulk write of keys ran ~2.5x slower on a
 * vault never connected), are dropped. A vault connected at upgrade time gets the triggers back
 * without that guard, so its changes keep landing in the outbox; rows already waiting there stay.
 * From now on connecting creates them and disconnecting drops them (electron/vault/sync/sync-store.ts).
 */
export const migration0005: Migration = {
  version: 5,
  name: 'outbox triggers only while connected',
  up(db) {
    db.exec(ALWAYS_ON_TRIGGERS.map((name) => `DROP TRIGGER IF EXISTS ${name};`).join(' '));
    if (db.prepare('SELECT 1 FROM server_connection').get() !== undefined) {
      createOutboxTriggers(db);
    }
  },
};
