import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../../server/storage/storage.ts';
import { openStorage } from '../../../server/storage/open-storage.ts';
import { postgresAvailable } from '../../support/postgres.ts';
import {
  batch,
  DAY,
  freshStorage,
  integrationFacts,
  keyFacts,
  type StorageKind,
} from '../../support/server-fixtures.ts';

// One storage suite, run on both adapters: embedded SQLite and a real PostgreSQL cluster
// (scripts/with-postgres.sh; `npm test` always runs under it).
const kinds: StorageKind[] = postgresAvailable() ? ['sqlite', 'postgres'] : ['sqlite'];

describe.each(kinds)('server storage on %s', (kind) => {
  let storage: Storage;
  let cleanup: (() => Promise<void>) | null = null;
  const open = async (): Promise<Storage> => {
    const fresh = await freshStorage(kind);
    storage = fresh.storage;
    cleanup = fresh.cleanup;
    return storage;
  };
  afterEach(async () => {
    await cleanup?.();
    cleanup = null;
  });

  it('starts empty at revision 0 and migrates idempotently', async () => {
    const fresh = await freshStorage(kind);
    cleanup = fresh.cleanup;
    expect(await fresh.storage.currentRevision()).toBe(0);
    const changes = await fresh.storage.changesSince(0);
    expect(changes).toMatchObject({ revision: 0, publishedAt: null, keys: [], integrations: [] });
    // Opening the same database again (a second instance, a restart) migrates nothing and keeps data.
    const again = await openStorage({ dataDir: fresh.dataDir, databaseUrl: fresh.databaseUrl });
    expect(await again.currentRevision()).toBe(0);
    await again.close();
  });

  it('applies a batch atomically as the next revision and reports what changed since', async () => {
    await open();
    const integration = integrationFacts({
      ipAcl: ['10.0.0.0/8'],
      rateLimit: { requests: 5, windowSeconds: 60 },
    });
    const a = keyFacts(integration.integrationId);
    const b = keyFacts(integration.integrationId, { status: 'grace', graceEndsAt: Date.now() + DAY });
    const first = await storage.applyBatch(
      batch([
        { op: 'putIntegration', integration },
        { op: 'putKey', key: a.facts },
        { op: 'putKey', key: b.facts },
        { op: 'putSigningKey', signingKey: { kid: 'k1', x: 'A'.repeat(43), createdAt: 1 } },
      ]),
      { deviceId: null, now: 1000 },
    );
    expect(first).toEqual({ kind: 'applied', revision: 1 });
    const all = await storage.changesSince(0);
    expect(all.revision).toBe(1);
    expect(all.publishedAt).toBe(1000);
    expect(all.integrations).toEqual([integration]);
    expect(all.keys.sort((x, y) => x.keyId.localeCompare(y.keyId))).toEqual(
      [a.facts, b.facts].sort((x, y) => x.keyId.localeCompare(y.keyId)),
    );
    // A signing key published by an older desktop (no retiredAt) reads as current.
    expect(all.signingKeys).toEqual([{ kid: 'k1', x: 'A'.repeat(43), createdAt: 1, retiredAt: null }]);

    const revoked = { ...a.facts, status: 'revoked' as const, endedAt: 2000 };
    expect(
      await storage.applyBatch(
        batch([
          { op: 'putKey', key: revoked },
          { op: 'deleteKey', keyId: b.facts.keyId },
          {
            op: 'putSigningKey',
            signingKey: { kid: 'k1', x: 'A'.repeat(43), createdAt: 1, retiredAt: 1500 },
          },
        ]),
        {
          deviceId: null,
          now: 2000,
        },
      ),
    ).toEqual({ kind: 'applied', revision: 2 });
    const since = await storage.changesSince(1);
    expect(since.keys).toEqual([revoked]);
    expect(since.removedKeys).toEqual([b.facts.keyId]);
    expect(since.integrations).toEqual([]);
    expect(since.signingKeys).toEqual([{ kid: 'k1', x: 'A'.repeat(43), createdAt: 1, retiredAt: 1500 }]);
  });

  it('answers a retried batch id with its first revision and changes nothing', async () => {
    await open();
    const integration = integrationFacts();
    const first = batch([{ op: 'putIntegration', integration }]);
    expect(await storage.applyBatch(first, { deviceId: null, now: 1 })).toEqual({
      kind: 'applied',
      revision: 1,
    });
    expect(await storage.applyBatch(first, { deviceId: null, now: 2 })).toEqual({
      kind: 'duplicate',
      revision: 1,
    });
    expect(await storage.currentRevision()).toBe(1);
  });

  it('refuses a stale baseRevision (409) and an inconsistent batch, all or nothing', async () => {
    await open();
    const integration = integrationFacts();
    await storage.applyBatch(batch([{ op: 'putIntegration', integration }]), { deviceId: null, now: 1 });
    expect(
      await storage.applyBatch(
        batch([{ op: 'deleteIntegration', integrationId: integration.integrationId }], { baseRevision: 0 }),
        {
          deviceId: null,
          now: 2,
        },
      ),
    ).toEqual({ kind: 'conflict', revision: 1 });
    // A key of an unknown integration after valid ops: nothing of the batch is kept.
    const other = integrationFacts({ integrationName: 'Other' });
    const orphan = keyFacts(randomUUID());
    const outcome = await storage.applyBatch(
      batch([
        { op: 'putIntegration', integration: other },
        { op: 'putKey', key: orphan.facts },
      ]),
      { deviceId: null, now: 3 },
    );
    expect(outcome.kind).toBe('invalid');
    // Two keys with one lookup hash.
    const a = keyFacts(integration.integrationId);
    const twin = { ...keyFacts(integration.integrationId).facts, lookupHash: a.facts.lookupHash };
    expect(
      (
        await storage.applyBatch(
          batch([
            { op: 'putKey', key: a.facts },
            { op: 'putKey', key: twin },
          ]),
          { deviceId: null, now: 4 },
        )
      ).kind,
    ).toBe('invalid');
    expect(await storage.currentRevision()).toBe(1);
    const state = await storage.changesSince(0);
    expect(state.integrations.map((row) => row.integrationId)).toEqual([integration.integrationId]);
    expect(state.keys).toEqual([]);
  });

  it('deleting an integration ends all its keys; a snapshot replaces everything', async () => {
    await open();
    const one = integrationFacts({ integrationName: 'One' });
    const two = integrationFacts({ integrationName: 'Two' });
    const k1 = keyFacts(one.integrationId);
    const k2 = keyFacts(two.integrationId);
    await storage.applyBatch(
      batch([
        { op: 'putIntegration', integration: one },
        { op: 'putIntegration', integration: two },
        { op: 'putKey', key: k1.facts },
        { op: 'putKey', key: k2.facts },
      ]),
      { deviceId: null, now: 1 },
    );
    await storage.applyBatch(batch([{ op: 'deleteIntegration', integrationId: one.integrationId }]), {
      deviceId: null,
      now: 2,
    });
    let changes = await storage.changesSince(1);
    expect(changes.removedIntegrations).toEqual([one.integrationId]);
    expect(changes.removedKeys).toEqual([k1.facts.keyId]);
    const three = integrationFacts({ integrationName: 'Three' });
    const k3 = keyFacts(three.integrationId);
    await storage.applyBatch(
      batch(
        [
          { op: 'putIntegration', integration: three },
          { op: 'putKey', key: k3.facts },
        ],
        { snapshot: true },
      ),
      { deviceId: null, now: 3 },
    );
    changes = await storage.changesSince(2);
    expect(changes.removedIntegrations).toEqual([two.integrationId]);
    expect(changes.removedKeys).toEqual([k2.facts.keyId]);
    const state = await storage.changesSince(0);
    expect(state.integrations).toEqual([three]);
    expect(state.keys).toEqual([k3.facts]);
  });

  it('enrols a device once per code, hands out single-use challenges, and revokes at once', async () => {
    await open();
    const now = 1_000_000;
    await storage.addEnrolmentCode({
      codeHash: 'h1',
      memberId: null,
      role: 'owner',
      createdAt: now,
      expiresAt: now + DAY,
    });
    await storage.addEnrolmentCode({
      codeHash: 'old',
      memberId: null,
      role: 'owner',
      createdAt: 0,
      expiresAt: now - 1,
    });
    const device = {
      deviceId: randomUUID(),
      memberId: randomUUID(),
      name: 'Laptop',
      publicKey: 'P'.repeat(43),
    };
    const enrolled = await storage.enrolDevice('h1', device, now);
    expect(enrolled).toMatchObject({
      deviceId: device.deviceId,
      role: 'owner',
      name: 'Laptop',
      revokedAt: null,
    });
    expect(await storage.enrolDevice('h1', { ...device, deviceId: randomUUID() }, now)).toBeNull();
    expect(await storage.enrolDevice('old', { ...device, deviceId: randomUUID() }, now)).toBeNull();
    expect(await storage.listDevices()).toHaveLength(1);

    await storage.addChallenge({
      challengeId: 'c1',
      deviceId: device.deviceId,
      challenge: 'abc',
      expiresAt: now + 60_000,
    });
    expect(await storage.consumeChallenge('c1', 'someone-else', now)).toBeNull();
    expect(await storage.consumeChallenge('c1', device.deviceId, now)).toBe('abc');
    expect(await storage.consumeChallenge('c1', device.deviceId, now)).toBeNull();

    await storage.addToken({ tokenHash: 't1', deviceId: device.deviceId, expiresAt: now + 60_000 });
    expect((await storage.deviceForToken('t1', now))?.deviceId).toBe(device.deviceId);
    expect(await storage.deviceForToken('t1', now + 60_000)).toBeNull();
    expect(await storage.revokeDevice(device.deviceId, now)).toBe(true);
    expect(await storage.revokeDevice(device.deviceId, now)).toBe(false);
    expect(await storage.deviceForToken('t1', now)).toBeNull();
    expect((await storage.getDevice(device.deviceId))?.revokedAt).toBe(now);
  });

  it('appends the request log in batches, reads it back newest first, and prunes by age', async () => {
    await open();
    const entries = Array.from({ length: 1500 }, (_, index) => ({
      at: 1000 + index,
      keyId: index % 2 === 0 ? 'k-even' : null,
      integrationId: 'i1',
      outcome: index % 2 === 0 ? 'OK' : 'KEY_UNKNOWN',
      clientIp: '203.0.113.7',
      instance: 'test',
    }));
    await storage.appendRequests(entries);
    const recent = await storage.recentRequests({ keyId: 'k-even', limit: 3 });
    expect(recent.map((entry) => entry.at)).toEqual([2498, 2496, 2494]);
    expect(await storage.pruneRequests(2000)).toBe(1000);
    expect((await storage.recentRequests({ limit: 10_000 })).length).toBe(500);
  });

  it("summarises an integration's usage: last use, 30 daily counts, calls in 24 h, recent calls", async () => {
    await open();
    const integration = integrationFacts();
    const old = keyFacts(integration.integrationId, { status: 'grace', graceEndsAt: 50 * DAY });
    const current = keyFacts(integration.integrationId);
    await storage.applyBatch(
      batch([
        { op: 'putIntegration', integration },
        { op: 'putKey', key: old.facts },
        { op: 'putKey', key: current.facts },
      ]),
      { deviceId: null, now: 1 },
    );
    const until = 40 * DAY;
    const call = (
      at: number,
      keyId: string | null,
      outcome = 'OK',
      integrationId = integration.integrationId,
    ) => ({
      at,
      keyId,
      integrationId,
      outcome,
      clientIp: '203.0.113.7',
      instance: 'test',
    });
    const currentId = current.facts.keyId;
    const oldId = old.facts.keyId;
    await storage.appendRequests([
      call(until - 31 * DAY, currentId), // before the window: counts for last use only
      call(until - 30 * DAY, currentId), // first bucket
      call(until - 29 * DAY - 1, currentId), // still the first bucket
      call(until - 2 * DAY, oldId),
      call(until - DAY, currentId), // last bucket starts here
      call(until - 1000, currentId),
      call(until - 500, currentId, 'RATE_LIMITED'), // in the last 24 h, not a use
      call(until - 100, oldId, 'KEY_REVOKED'),
      call(until, currentId), // at `until`: outside the summary
      call(until - 10, null, 'KEY_UNKNOWN', 'another-integration'),
    ]);
    const summary = await storage.usageSummary(integration.integrationId, until);
    expect(summary.integrationId).toBe(integration.integrationId);
    expect(summary.until).toBe(until);
    const byKey = new Map(summary.keys.map((entry) => [entry.keyId, entry]));
    expect(byKey.size).toBe(2);
    const currentUsage = byKey.get(currentId);
    expect(currentUsage?.daily).toHaveLength(30);
    expect(currentUsage?.daily[0]).toBe(2);
    expect(currentUsage?.daily[29]).toBe(2);
    expect(currentUsage?.daily.reduce((sum, count) => sum + count, 0)).toBe(4);
    expect(currentUsage?.lastUsedAt).toBe(until);
    expect(currentUsage?.callsLast24h).toBe(3);
    expect(byKey.get(oldId)).toMatchObject({ lastUsedAt: until - 2 * DAY, callsLast24h: 1 });
    expect(byKey.get(oldId)?.daily[28]).toBe(1);
    expect(summary.recent.map((entry) => entry.outcome)).toEqual([
      'OK',
      'KEY_REVOKED',
      'RATE_LIMITED',
      'OK',
      'OK',
      'OK',
      'OK',
      'OK',
      'OK',
    ]);
    expect(summary.recent[1]).toEqual({
      at: until - 100,
      keyId: oldId,
      outcome: 'KEY_REVOKED',
      clientIp: '203.0.113.7',
    });
    // An integration nobody called: its keys with no use.
    const quiet = await storage.usageSummary('nobody', until);
    expect(quiet).toEqual({ integrationId: 'nobody', until, keys: [], recent: [] });
  });
});
