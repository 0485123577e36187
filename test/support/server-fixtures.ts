import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApiKey } from '../../shared/keys/key-format.ts';
import { lookupHash } from '../../shared/keys/lookup-hash.ts';
import type {
  PublishBatch,
  PublishedIntegration,
  PublishedKeyFacts,
} from '../../shared/sync/publish-batch.ts';
import { openStorage } from '../../server/storage/open-storage.ts';
import type { Storage } from '../../server/storage/storage.ts';
import { freshPostgresDatabase } from './postgres.ts';

/** One day in ms. */
export const DAY = 86_400_000;

/** An integration's published facts, with overrides. */
export function integrationFacts(overrides: Partial<PublishedIntegration> = {}): PublishedIntegration {
  return {
    integrationId: randomUUID(),
    integrationName: 'Billing API',
    neverExpire: false,
    graceDays: 30,
    enabled: true,
    ipAcl: [],
    accepts: 'key-or-secret',
    rateLimit: null,
    ...overrides,
  };
}

/** A fresh API key (the material, kept by the test only) and its published facts. */
export function keyFacts(
  integrationId: string,
  overrides: Partial<PublishedKeyFacts> = {},
  now = Date.now(),
): { material: string; facts: PublishedKeyFacts } {
  const material = generateApiKey('kw_');
  return {
    material,
    facts: {
      keyId: randomUUID(),
      integrationId,
      lookupHash: lookupHash(material),
      status: 'active',
      createdAt: now - DAY,
      expiresAt: now + 300 * DAY,
      graceEndsAt: null,
      endedAt: null,
      ...overrides,
    },
  };
}

/** A batch with a fresh id. */
export function batch(ops: PublishBatch['ops'], extra: Partial<PublishBatch> = {}): PublishBatch {
  return { batchId: randomUUID(), snapshot: false, ops, ...extra };
}

/** The storage kinds a suite runs on: SQLite always, PostgreSQL when the test cluster is there. */
export type StorageKind = 'sqlite' | 'postgres';

/** Opens a fresh, empty storage of `kind`; `cleanup` closes it and removes its files. */
export async function freshStorage(kind: StorageKind): Promise<{
  storage: Storage;
  dataDir: string;
  databaseUrl: string | undefined;
  cleanup: () => Promise<void>;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyward-server-test-'));
  const databaseUrl = kind === 'postgres' ? await freshPostgresDatabase() : undefined;
  const storage = await openStorage({ dataDir, databaseUrl });
  return {
    storage,
    dataDir,
    databaseUrl,
    cleanup: async () => {
      await storage.close().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
