// Big vaults for the key table's tests and benchmarks: `count` integrations with one active key
// each, written straight into the vault's tables (the engine's create path — random keys, hashes,
// a log entry each — would take minutes at 100k). Only what the key table reads has to be real.
import type { SqliteDatabase } from '../../../electron/vault/db/sqlite.ts';
import type { KeywardEngine } from '../../../electron/vault/keyward-engine.ts';
import { engineInternals } from '../engine-internals.ts';

const DAY = 86_400_000;
const BULK_WORDS = ['billing', 'payments', 'webhooks', 'mobile', 'partner', 'reporting', 'search', 'export'];
const PLATFORMS = ['web', 'mobile', 'desktop', 'server', 'other'];

/** The name of the `i`th bulk integration, e.g. `webhooks search 42`. */
export function bulkName(i: number): string {
  return `${BULK_WORDS[i % BULK_WORDS.length] ?? ''} ${BULK_WORDS[(i * 7) % BULK_WORDS.length] ?? ''} ${i}`;
}

/** An `openApp` seed that writes `count` bulk integrations and keys, in one transaction. */
export function seedBulk(count: number): (engine: KeywardEngine) => void {
  return (engine) => {
    writeBulkKeys(engineInternals(engine).db, count);
  };
}

/**
 * Writes `count` bulk integrations (`bulk-<i>`, named {@link bulkName}) with one active key each
 * (`bulk-key-<i>`) into a vault database, in one transaction; created up to 300 days before `now`.
 */
export function writeBulkKeys(db: SqliteDatabase, count: number, now = Date.now()): void {
  const integration = db.prepare(
    `INSERT INTO integrations (id, name, name_key, website, platform, ip_acl, prefix, rotation_days, grace_days,
       never_expire, enabled, notes, created_at, updated_at)
     VALUES (?, ?, ?, NULL, ?, '[]', 'kw_', 365, 30, 0, 1, NULL, ?, ?)`,
  );
  const key = db.prepare(
    `INSERT INTO api_keys (id, integration_id, material, lookup_hash, masked, status, created_at, expires_at)
     VALUES (?, ?, 'not a real key', ?, ?, 'active', ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const name = bulkName(i);
      const created = now - (i % 300) * DAY;
      integration.run(
        `bulk-${i}`,
        name,
        name.toLowerCase(),
        PLATFORMS[i % PLATFORMS.length] ?? 'web',
        created,
        created,
      );
      key.run(
        `bulk-key-${i}`,
        `bulk-${i}`,
        `hash-${i}`,
        `kw_${String(i).padStart(5, '0')}…`,
        created,
        created + 365 * DAY,
      );
    }
  })();
}
