import type { Migration } from '../migration.ts';
import { createOutboxTriggers } from '../../sync/outbox-triggers.ts';

/**
 * A signing key's retirement is published (`retiredAt`): a server then refuses Secrets signed with
 * it after the rotation, which a vault never mints (a leaked retired key cannot stretch a Secret's
 * life). A vault connected at upgrade time gets the outbox triggers again, now with the one that
 * publishes a retirement; an unconnected vault has none to change.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'publish signing-key retirement',
  up(db) {
    if (db.prepare('SELECT 1 FROM server_connection').get() !== undefined) {
      createOutboxTriggers(db);
    }
  },
};
