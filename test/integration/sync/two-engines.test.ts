import Sqlite from 'better-sqlite3-multiple-ciphers';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SQLITE_FILE } from '../../../server/storage/open-storage.ts';
import { LEASE_WAIT_MS } from '../../../electron/vault/sync/server-sync.ts';
import { engineInternals } from '../../support/engine-internals.ts';
import { serverFacts, startTestServer, vaultFacts } from '../../support/sync-fixtures.ts';
import { createTestEngine } from '../../support/temp-engine.ts';

const PASSWORD = 'correct horse battery staple';

describe('two engines on one vault publishing at once', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup();
    }
  });

  it('every change arrives once, in order', { timeout: 60_000 }, async () => {
    const server = await startTestServer();
    cleanups.push(server.cleanup);
    const made = await createTestEngine({ password: PASSWORD, start: Date.now() });
    cleanups.push(made.cleanup);
    const a = made.engine;
    await a.reauthenticate({ password: PASSWORD });
    await a.connectServer({ url: server.base, code: await server.code() });
    const b = made.another();
    await b.unlockWithPassword(PASSWORD, { countsAsReauth: true });
    cleanups.push(() => b.lock());

    const one = a.createIntegration({ name: 'One', platform: 'server' }).integration;
    const two = b.createIntegration({ name: 'Two', platform: 'server' }).integration;
    for (let round = 0; round < 12; round += 1) {
      a.rotate(one.id);
      b.setIntegrationEnabled(two.id, round % 2 === 0);
      b.rotate(two.id);
      a.editIntegration(one.id, { ipAcl: round % 2 === 0 ? ['10.0.0.0/8'] : [] });
      // Both publish at the same time, several times over.
      await Promise.all([a.publishNow(), b.publishNow(), a.publishNow(), b.publishNow()]);
    }
    await Promise.all([a.publishNow(), b.publishNow()]);
    expect(a.serverStatus()).toMatchObject({ state: 'up-to-date', waiting: 0 });
    expect(await serverFacts(server.storage())).toBe(vaultFacts(a));

    // Once each: the server's non-snapshot batches carry exactly the rows the outbox ever held.
    const { db } = engineInternals(a);
    const written = db
      .prepare("SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'")
      .pluck()
      .get() as number;
    const serverDb = new Sqlite(join(server.dataDir, SQLITE_FILE), { readonly: true });
    const sent = serverDb
      .prepare('SELECT coalesce(sum(op_count), 0) FROM batches WHERE snapshot = 0')
      .pluck()
      .get();
    serverDb.close();
    expect(written).toBeGreaterThan(12 * 6);
    expect(sent).toBe(written);
  });

  it('a lease held by a process that died is taken over at once; one held by a live one makes publishNow wait, then say so', async () => {
    const server = await startTestServer();
    cleanups.push(server.cleanup);
    const made = await createTestEngine({ password: PASSWORD, start: Date.now() });
    cleanups.push(made.cleanup);
    const { engine } = made;
    await engine.reauthenticate({ password: PASSWORD });
    await engine.connectServer({ url: server.base, code: await server.code() });
    const { db } = engineInternals(engine);
    const holdLease = (holder: string) =>
      db
        .prepare('UPDATE server_connection SET lease_holder = ?, lease_expires_at = ?')
        .run(holder, Date.now() + 3_600_000);

    // A CLI process that was killed while publishing: its pid is gone.
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid;
    holdLease(`${hostname()}:${dead}:crashed`);
    engine.createIntegration({ name: 'Billing', platform: 'server' });
    expect(await engine.publishNow()).toMatchObject({ state: 'up-to-date', waiting: 0 });

    // A live publisher (this very process, another engine): this one waits for it, then gives up
    // saying the changes wait (the holder will send them).
    holdLease(`${hostname()}:${process.pid}:other-engine`);
    engine.createIntegration({ name: 'Maps', platform: 'web' });
    const started = Date.now();
    expect(await engine.publishNow()).toMatchObject({ state: 'waiting', waiting: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(LEASE_WAIT_MS - 100);
  }, 30_000);
});
