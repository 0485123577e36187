// The outbox triggers exist only while the vault is connected (an unconnected vault's writes pay
// nothing for a server): connect creates them in its own transaction, disconnect drops them, and
// every other connection on the vault — another engine in this process with statements prepared
// before, or another process (the CLI beside the desktop) — follows at its next statement.
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/vault/db/migrate.ts';
import { MIGRATIONS } from '../../../electron/vault/db/migrations/index.ts';
import { openVaultDatabase } from '../../../electron/vault/db/open-database.ts';
import { dropOutboxTriggers, OUTBOX_TRIGGERS } from '../../../electron/vault/sync/outbox-triggers.ts';
import { engineInternals } from '../../support/engine-internals.ts';
import { createWeakVault, runEngineProcess } from '../../support/engine-process.ts';
import {
  outboxOps,
  outboxTriggers,
  serverFacts,
  startTestServer,
  until,
  vaultFacts,
} from '../../support/sync-fixtures.ts';
import { createTestEngine } from '../../support/temp-engine.ts';
import { makeTempDir } from '../../support/temp-vault.ts';

const PASSWORD = 'correct horse battery staple';
const ALL = [...OUTBOX_TRIGGERS].sort();

describe('outbox triggers exist only while a server is connected', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup();
    }
  });

  it('none before connecting (nor after a refused connect); connect creates them, disconnect drops them, connecting again brings them back — and another open connection follows each time', async () => {
    const server = await startTestServer();
    cleanups.push(server.cleanup);
    const made = await createTestEngine({ password: PASSWORD, start: Date.now() });
    cleanups.push(made.cleanup);
    const { engine } = made;
    const { integration } = engine.createIntegration({ name: 'Billing', platform: 'server' });
    expect(outboxTriggers(engine)).toEqual([]);

    // Another engine (its own SQLite connection) already open, with a statement prepared and run
    // while no trigger existed: SQLite must re-prepare it after each schema change.
    const other = made.another();
    await other.unlockWithPassword(PASSWORD);
    cleanups.push(() => other.lock());
    const otherDb = engineInternals(other).db;
    const toggle = otherDb.prepare('UPDATE integrations SET enabled = ? WHERE id = ?');
    toggle.run(0, integration.id);
    expect(outboxOps(engine)).toEqual([]);

    await engine.reauthenticate({ password: PASSWORD });
    await expect(engine.connectServer({ url: server.base, code: 'not-a-code' })).rejects.toMatchObject({
      code: 'SERVER_REJECTED',
    });
    expect(outboxTriggers(engine)).toEqual([]);

    expect(await engine.connectServer({ url: server.base, code: await server.code() })).toMatchObject({
      state: 'up-to-date',
      waiting: 0,
    });
    expect(outboxTriggers(engine)).toEqual(ALL);
    // Only the change itself is checked now, not whether a server is connected.
    const sql = engineInternals(engine)
      .db.prepare("SELECT group_concat(sql, ';') FROM sqlite_schema WHERE type = 'trigger'")
      .pluck()
      .get() as string;
    expect(sql).not.toContain('server_connection');

    // The other connection's old statement now writes its outbox row; so do its engine's methods.
    toggle.run(1, integration.id);
    expect(outboxOps(engine)).toMatchObject([{ op: 'putIntegration', integration: { enabled: true } }]);
    other.rotate(integration.id);
    expect(outboxOps(engine).map((row) => row.op)).toEqual(['putIntegration', 'putKey', 'putKey']);
    expect(await other.publishNow()).toMatchObject({ state: 'up-to-date', waiting: 0 });
    expect(await serverFacts(server.storage())).toBe(vaultFacts(engine));

    await engine.disconnectServer();
    expect(outboxTriggers(engine)).toEqual([]);
    toggle.run(0, integration.id);
    other.rotate(integration.id);
    engine.rotate(integration.id);
    expect(outboxOps(engine)).toEqual([]);

    await engine.reauthenticate({ password: PASSWORD });
    await engine.connectServer({ url: server.base, code: await server.code() });
    expect(outboxTriggers(other)).toEqual(ALL);
    toggle.run(1, integration.id);
    expect(outboxOps(other).map((row) => row.op)).toEqual(['putIntegration']);
    // The snapshot of the new connection carried what changed while disconnected.
    expect(await other.publishNow()).toMatchObject({ state: 'up-to-date', waiting: 0 });
    expect(await serverFacts(server.storage())).toBe(vaultFacts(engine));
  });

  it('another process already open on the vault (the CLI beside the desktop) queues its changes once this one connects, and stops once it disconnects', async () => {
    const server = await startTestServer();
    cleanups.push(server.cleanup);
    const vault = await createWeakVault(PASSWORD);
    cleanups.push(vault.cleanup);
    const signal = (name: string) => join(dirname(vault.path), name);
    const child = runEngineProcess(
      vault.path,
      `
      import { existsSync, writeFileSync } from 'node:fs';
      const signal = (name) => ${JSON.stringify(dirname(vault.path))} + '/' + name;
      const wait = async (name) => {
        const started = Date.now();
        while (!existsSync(signal(name))) {
          if (Date.now() - started > 30_000) { console.error('no ' + name + ' signal'); process.exit(3); }
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      const engine = openEngine();
      await engine.unlockWithPassword(${JSON.stringify(PASSWORD)});
      const { integration } = engine.createIntegration({ name: 'From the CLI', platform: 'server' });
      writeFileSync(signal('opened'), integration.id);
      await wait('connected');
      engine.rotate(integration.id);
      writeFileSync(signal('rotated'), '');
      await wait('disconnected');
      engine.rotate(integration.id);
      engine.setIntegrationEnabled(integration.id, false);
      engine.lock();
      `,
      { actor: 'cli' },
    );
    let ended: { code: number | null; stderr: string } | null = null;
    void child.then((result) => (ended = result));
    const waitFor = (name: string) =>
      until(
        () => {
          if (ended !== null && !existsSync(signal(name))) {
            throw new Error(`the other process ended (${ended.code}) before '${name}': ${ended.stderr}`);
          }
          return existsSync(signal(name));
        },
        `the other process's '${name}'`,
        20_000,
      );
    const desktop = vault.open();
    await desktop.unlockWithPassword(PASSWORD);
    cleanups.push(() => desktop.lock());
    await waitFor('opened');

    await desktop.reauthenticate({ password: PASSWORD });
    await desktop.connectServer({ url: server.base, code: await server.code() });
    expect(outboxOps(desktop)).toEqual([]);
    writeFileSync(signal('connected'), '');
    await waitFor('rotated');
    // Its change, made through its already-open connection, is in the outbox: old key → grace, new one.
    expect(outboxOps(desktop).map((row) => row.op)).toEqual(['putKey', 'putKey']);
    expect(await desktop.publishNow()).toMatchObject({ state: 'up-to-date', waiting: 0 });
    expect(await serverFacts(server.storage())).toBe(vaultFacts(desktop));

    await desktop.disconnectServer();
    writeFileSync(signal('disconnected'), '');
    const result = await child;
    expect(result.code, result.stderr).toBe(0);
    expect(outboxOps(desktop)).toEqual([]);
    expect(desktop.listIntegrations().find((item) => item.name === 'From the CLI')?.enabled).toBe(false);
  }, 60_000);

  it('a vault connected under the always-on triggers of migration 0004 still queues and publishes its changes after the upgrade', async () => {
    const server = await startTestServer();
    cleanups.push(server.cleanup);
    const made = await createTestEngine({ password: PASSWORD, start: Date.now() });
    cleanups.push(made.cleanup);
    const { engine } = made;
    const { integration } = engine.createIntegration({ name: 'Billing', platform: 'server' });
    await engine.reauthenticate({ password: PASSWORD });
    await engine.connectServer({ url: server.base, code: await server.code() });

    // Turn it into what the previous Keyward left: schema version 4 with 0004's triggers.
    const scratch = makeTempDir();
    const old = openVaultDatabase(join(scratch.dir, 'v4.vault'), {
      dataKey: randomBytes(32),
      create: true,
      skipMigrations: true,
    });
    migrate(old, MIGRATIONS.slice(0, 4));
    const oldTriggers = old
      .prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name GLOB 'sync_*'")
      .pluck()
      .all() as string[];
    old.close();
    scratch.cleanup();
    expect(oldTriggers.join(';')).toContain('server_connection');
    const { db } = engineInternals(engine);
    db.transaction(() => {
      dropOutboxTriggers(db);
      db.exec(oldTriggers.map((sql) => `${sql};`).join(' '));
      db.pragma('user_version = 4');
    })();
    engine.setIntegrationEnabled(integration.id, false); // queued by the old trigger, not yet sent
    expect(outboxOps(engine).map((row) => row.op)).toEqual(['putIntegration']);
    engine.lock();

    await engine.unlockWithPassword(PASSWORD); // migration 0005
    expect(engineInternals(engine).db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(outboxTriggers(engine)).toEqual(ALL);
    engine.rotate(integration.id);
    expect(outboxOps(engine).map((row) => row.op)).toEqual(['putIntegration', 'putKey', 'putKey']);
    expect(await engine.publishNow()).toMatchObject({ state: 'up-to-date', waiting: 0 });
    expect(await serverFacts(server.storage())).toBe(vaultFacts(engine));
  });
});
