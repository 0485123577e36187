// The index's first load reads the keys in pages (server/sync/index-sync.ts, Storage.keyPage), so a
// large store never sits in memory twice. Publishes that land between two pages must not be lost:
// the catch-up from the revision the load started at brings them.
import { afterEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../../server/storage/storage.ts';
import { IndexSync } from '../../../server/sync/index-sync.ts';
import { KeyIndex } from '../../../server/verify/key-index.ts';
import { postgresAvailable } from '../../support/postgres.ts';
import {
  batch,
  freshStorage,
  integrationFacts,
  keyFacts,
  type StorageKind,
} from '../../support/server-fixtures.ts';

const kinds: StorageKind[] = postgresAvailable() ? ['sqlite', 'postgres'] : ['sqlite'];

describe.each(kinds)('the first index load in pages (%s)', (kind) => {
  let cleanup: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await cleanup?.();
    cleanup = null;
  });

  it('loads every key page by page and keeps what is published between pages', async () => {
    const fresh = await freshStorage(kind);
    cleanup = fresh.cleanup;
    const storage: Storage = fresh.storage;
    const now = Date.now();
    const integration = integrationFacts();
    const keys = Array.from({ length: 25 }, () => keyFacts(integration.integrationId, {}, now));
    await storage.applyBatch(
      batch(
        [
          { op: 'putIntegration', integration },
          ...keys.map((key) => ({ op: 'putKey' as const, key: key.facts })),
        ],
        { snapshot: true },
      ),
      { deviceId: null, now },
    );

    // While the load reads its pages, a device revokes one key, deletes another, and adds a key of
    // a new integration (written after the revision the load started from).
    const later = integrationFacts({ integrationName: 'Later API' });
    const added = keyFacts(later.integrationId, {}, now);
    const [revoked, deleted] = [...keys].sort((a, b) => (a.facts.keyId < b.facts.keyId ? -1 : 1)) as [
      (typeof keys)[number],
      (typeof keys)[number],
    ];
    let pages = 0;
    const racing: Storage = Object.create(storage) as Storage;
    racing.keyPage = async (after, limit) => {
      pages += 1;
      const page = await storage.keyPage(after, limit);
      if (pages === 2) {
        await storage.applyBatch(
          batch([
            { op: 'putKey', key: { ...revoked.facts, status: 'revoked', endedAt: now } },
            { op: 'deleteKey', keyId: deleted.facts.keyId },
            { op: 'putIntegration', integration: later },
            { op: 'putKey', key: added.facts },
          ]),
          { deviceId: null, now: now + 1 },
        );
      }
      return page;
    };

    const index = new KeyIndex();
    const sync = new IndexSync(racing, index, { keyPage: 7, pollIntervalMs: 60_000 });
    await sync.catchUp();
    expect(pages).toBe(4); // 7 + 7 + 7 + 4
    expect(index.loaded).toBe(true);
    await sync.catchUp(); // what the poll or NOTIFY would do next
    expect(index.revision).toBe(await storage.currentRevision());
    expect(index.size).toBe(25); // 25 - 1 deleted + 1 added
    expect(index.lookup(deleted.facts.lookupHash)).toBeUndefined();
    expect(index.lookup(revoked.facts.lookupHash)?.status).toBe('revoked');
    expect(index.lookup(added.facts.lookupHash)?.integrationId).toBe(later.integrationId);
    for (const key of keys) {
      if (key !== deleted) {
        expect(index.lookup(key.facts.lookupHash)?.keyId).toBe(key.facts.keyId);
      }
    }
    await sync.stop();
  });
});
