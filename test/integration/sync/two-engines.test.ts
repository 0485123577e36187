import Sqlite from 'better-sqlite3-multiple-ciphers';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SQLITE_FILE } from '../../../server/storage/open-storage.ts';
import { LEASE_WAIT_MS } from '../../../electron/vault/sync/server-sync.ts';
import type { KeywardEngine } from '../../../electron/vault/keyward-engine.ts';
import { engineInternals } from '../../support/engine-internals.ts';
import { serverFacts, startTestServer, until, vaultFacts } from '../../support/sync-fixtures.ts';
import { createWeakVault, runEngineProcess } from '../../support/engine-process.ts';
import { createTestEngine } from '../../support/temp-engine.ts';

const PASSWORD = 'correct horse battery staple';

/**
 * Once each: how many rows the vault's outbox ever held (`written`) and how many operations the
 * server's non-snapshot batches carried (`sent`); equal when every change arrived exactly once.
 */
function outboxRowsSent(engine: KeywardEngine, serverDataDir: string): { written: number; sent: unknown } {
  const written = engineInternals(engine)
    .db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'")
    .pluck()
    .get() as number;
  const serverDb = new Sqlite(join(serverDataDir, SQLITE_FILE), { readonly: true });
  try {
    const sent = serverDb
      .prepare('SELECT coalesce(sum(op_count), 0) FROM batches WHERE snapshot = 0')
      .pluck()
      .get();
    return { written, sent };
  } finally {
    serverDb.close();
  }
}

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

    const { written, sent } = outboxRowsSent(a, server.dataDir);
    expect(written).toBeGreaterThan(12 * 6);
    expect(sent).toBe(written);
  });

  it(
    'two processes on one vault (the app and a CLI command) publishing at once: every change arrives once, in order',
    { timeout: 90_000 },
    async () => {
      const server = await startTestServer();
      cleanups.push(server.cleanup);
      const vault = await createWeakVault(PASSWORD);
      cleanups.push(vault.cleanup);
      const a = vault.open();
      await a.unlockWithPassword(PASSWORD, { countsAsReauth: true });
      cleanups.push(() => a.lock());
      await a.connectServer({ url: server.base, code: await server.code() });
      const one = a.createIntegration({ name: 'One', platform: 'server' }).integration;
      // The other process changes its own integration and publishes after each change, as CLI
      // commands do, while this one does the same with its own: both race for the publisher lease.
      const child = runEngineProcess(
        vault.path,
        `
      import { writeFileSync } from 'node:fs';
      const engine = openEngine();
      await engine.unlockWithPassword(${JSON.stringify(PASSWORD)});
      const { integration } = engine.createIntegration({ name: 'Two', platform: 'server' });
      writeFileSync(${JSON.stringify(`${vault.path}.started`)}, '');
      for (let round = 0; round < 15; round += 1) {
        engine.rotate(integration.id);
        engine.setIntegrationEnabled(integration.id, round % 2 === 0);
        await engine.publishNow();
      }
      engine.lock();
      `,
        { actor: 'cli' },
      );
      await until(() => existsSync(`${vault.path}.started`), 'the other process to start', 30_000);
      for (let round = 0; round < 15; round += 1) {
        a.rotate(one.id);
        a.editIntegration(one.id, { ipAcl: round % 2 === 0 ? ['10.0.0.0/8'] : [] });
        await a.publishNow();
      }
      const ended = await child;
      expect(ended.code, ended.stderr).toBe(0);
      await a.publishNow();
      expect(a.serverStatus()).toMatchObject({ state: 'up-to-date', waiting: 0 });
      expect(await serverFacts(server.storage())).toBe(vaultFacts(a));
      const { written, sent } = outboxRowsSent(a, server.dataDir);
      expect(written).toBeGreaterThan(15 * 4);
      expect(sent).toBe(written);
    },
  );

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
