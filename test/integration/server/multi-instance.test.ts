import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { KeywardServer } from '../../../server/keyward-server.ts';
import { openStorage } from '../../../server/storage/open-storage.ts';
import type { Storage } from '../../../server/storage/storage.ts';
import { postgresAvailable } from '../../support/postgres.ts';
import {
  batch,
  freshStorage,
  integrationFacts,
  keyFacts,
  type StorageKind,
} from '../../support/server-fixtures.ts';

/**
 * Two real instances on one database, each with its own connection(s) and index. A revoke
 * published to one must make the other answer 401 within 1 s: on PostgreSQL through
 * LISTEN/NOTIFY (the poll is set to a minute, so only the notification can do it), on a shared
 * SQLite file through the revision poll (the fallback).
 */
const cases: { kind: StorageKind; pollIntervalMs: number; path: string }[] = [
  ...(postgresAvailable()
    ? [{ kind: 'postgres' as const, pollIntervalMs: 60_000, path: 'LISTEN/NOTIFY' }]
    : []),
  { kind: 'sqlite', pollIntervalMs: 250, path: 'the revision poll' },
];

describe.each(cases)('two instances on one $kind database', ({ kind, pollIntervalMs, path }) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup();
    }
  });

  it(`a revoke published to one reaches the other within 1 s (${path})`, { timeout: 90_000 }, async () => {
    const fresh = await freshStorage(kind);
    cleanups.push(fresh.cleanup);
    const second: Storage = await openStorage({ dataDir: fresh.dataDir, databaseUrl: fresh.databaseUrl });
    cleanups.push(() => second.close());
    const integration = integrationFacts();
    const keys = Array.from({ length: 5 }, () => keyFacts(integration.integrationId));
    await fresh.storage.applyBatch(
      batch(
        [
          { op: 'putIntegration', integration },
          ...keys.map((key) => ({ op: 'putKey' as const, key: key.facts })),
        ],
        {
          snapshot: true,
        },
      ),
      { deviceId: null, now: Date.now() },
    );
    const a = new KeywardServer({ storage: fresh.storage, port: 0, pollIntervalMs, instance: 'a' });
    const b = new KeywardServer({ storage: second, port: 0, pollIntervalMs, instance: 'b' });
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    await a.start();
    const baseB = await b.start();
    await Promise.all([a.ready(), b.ready()]);
    // Let B's LISTEN connection settle before measuring.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const lags: number[] = [];
    for (const key of keys.slice(0, 3)) {
      const check = async () =>
        (await fetch(`${baseB}/v1/verify`, { headers: { 'x-api-key': key.material } })).status;
      expect(await check()).toBe(200);
      const started = performance.now();
      const outcome = await fresh.storage.applyBatch(
        batch([{ op: 'putKey', key: { ...key.facts, status: 'revoked', endedAt: Date.now() } }]),
        { deviceId: null, now: Date.now() },
      );
      expect(outcome.kind).toBe('applied');
      let status = 200;
      while (status === 200 && performance.now() - started < 2000) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        status = await check();
      }
      lags.push(performance.now() - started);
      expect(status).toBe(401);
    }
    console.log(`revocation ${kind} (${path}): ${lags.map((lag) => `${lag.toFixed(0)} ms`).join(', ')}`);
    // Within a second as a rule (the median of three); a test run sharing two cores with other files
    // may stall one sample, so the bound on each is 2 s. The p99 ≤ 1 s target is measured by
    // `npm run bench:revocation-propagation`, not here.
    expect([...lags].sort((x, y) => x - y)[1]).toBeLessThan(1000);
    expect(Math.max(...lags)).toBeLessThan(2000);
  });
});

describe.runIf(postgresAvailable())('a lost LISTEN connection (PostgreSQL)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup();
    }
  });

  it(
    'reconnects and catches up: a revoke published while it was down still arrives within 2 s',
    { timeout: 90_000 },
    async () => {
      const fresh = await freshStorage('postgres');
      cleanups.push(fresh.cleanup);
      const second = await openStorage({ dataDir: fresh.dataDir, databaseUrl: fresh.databaseUrl });
      cleanups.push(() => second.close());
      const integration = integrationFacts();
      const key = keyFacts(integration.integrationId);
      await fresh.storage.applyBatch(
        batch([
          { op: 'putIntegration', integration },
          { op: 'putKey', key: key.facts },
        ]),
        {
          deviceId: null,
          now: Date.now(),
        },
      );
      // The poll is a minute away: only the reconnect (and its catch-up) can bring the change.
      const b = new KeywardServer({ storage: second, port: 0, pollIntervalMs: 60_000 });
      cleanups.push(() => b.close());
      const baseB = await b.start();
      await b.ready();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const admin = new pg.Client({ connectionString: fresh.databaseUrl });
      await admin.connect();
      cleanups.push(() => admin.end());
      const killed = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'keyward-server-listen' AND datname = current_database()",
      );
      expect(killed.rowCount).toBe(1);
      const started = performance.now();
      await fresh.storage.applyBatch(
        batch([{ op: 'putKey', key: { ...key.facts, status: 'revoked', endedAt: Date.now() } }]),
        {
          deviceId: null,
          now: Date.now(),
        },
      );
      let status = 200;
      while (status === 200 && performance.now() - started < 4000) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        status = (await fetch(`${baseB}/v1/verify`, { headers: { 'x-api-key': key.material } })).status;
      }
      expect(status).toBe(401);
      expect(performance.now() - started).toBeLessThan(2000);
    },
  );
});
