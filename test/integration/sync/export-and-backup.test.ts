import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeywardEngine } from '../../../electron/vault/keyward-engine.ts';
import { OUTBOX_TRIGGERS } from '../../../electron/vault/sync/outbox-triggers.ts';
import { engineInternals } from '../../support/engine-internals.ts';
import { outboxOps, outboxTriggers, startTestServer } from '../../support/sync-fixtures.ts';
import { createTestEngine } from '../../support/temp-engine.ts';

// A vault export is the file a user moves to another machine: it must not carry this device's
// place on the server (connection, device private key, outbox) — the other machine enrols with its
// own code. A backup is for this machine: restoring it keeps the connection.

const PASSWORD = 'correct horse battery staple';

/** How many rows each of the device's sync tables holds. */
function syncRows(engine: KeywardEngine): Record<string, number> {
  const { db } = engineInternals(engine);
  const count = (table: string) =>
    (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    connection: count('server_connection'),
    deviceKey: count('sync_device'),
    outbox: count('sync_outbox'),
    triggers: outboxTriggers(engine).length,
  };
}

describe('exports leave the server connection behind; backups keep it', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup();
    }
  });

  it('an export of a connected vault imports not connected, without the device key or outbox; it can enrol on its own; a backup restore is still connected', async () => {
    const server = await startTestServer();
    cleanups.push(server.cleanup);
    const made = await createTestEngine({ password: PASSWORD, start: Date.now() });
    cleanups.push(made.cleanup);
    const { engine, dir } = made;
    engine.createIntegration({ name: 'Billing', platform: 'server' });
    await engine.reauthenticate({ password: PASSWORD });
    const connected = await engine.connectServer({ url: server.base, code: await server.code() });
    const deviceId = connected.server?.deviceId;
    expect(deviceId).toEqual(expect.any(String));
    const backup = engine.backupNow();
    // A change not yet published: the outbox holds it.
    engine.createIntegration({ name: 'Maps', platform: 'web' });
    expect(outboxOps(engine).length).toBeGreaterThan(0);
    expect(syncRows(engine)).toMatchObject({ connection: 1, deviceKey: 1, triggers: OUTBOX_TRIGGERS.length });

    const moved = join(dir, 'moved.kwexport');
    engine.exportTo(moved);
    // The export changed nothing here.
    expect(engine.serverStatus()).toMatchObject({ state: 'waiting', server: { deviceId } });
    expect(syncRows(engine)).toMatchObject({ connection: 1, deviceKey: 1, triggers: OUTBOX_TRIGGERS.length });

    const other = made.another(join(dir, 'elsewhere', 'k.vault'));
    cleanups.push(() => other.lock());
    await other.importFrom(moved, PASSWORD);
    await other.unlockWithPassword(PASSWORD);
    expect(
      other
        .listIntegrations()
        .map((integration) => integration.name)
        .sort(),
    ).toEqual(['Billing', 'Maps']);
    expect(other.serverStatus()).toEqual({ state: 'not-connected', waiting: 0, reason: null, server: null });
    // Nor the outbox triggers, which exist only while connected.
    expect(syncRows(other)).toEqual({ connection: 0, deviceKey: 0, outbox: 0, triggers: 0 });
    // Not even the freed pages of the copy are kept: it was vacuumed after the deletion.
    expect(engineInternals(other).db.pragma('freelist_count', { simple: true })).toBe(0);
    // A change on the imported vault queues nothing (not connected) ...
    other.createIntegration({ name: 'Search', platform: 'server' });
    expect(syncRows(other).outbox).toBe(0);
    // ... and it enrols with its own code as a device of its own.
    const unconnectedBackup = other.backupNow();
    await other.reauthenticate({ password: PASSWORD });
    const joined = await other.connectServer({ url: server.base, code: await server.code() });
    expect(joined).toMatchObject({ state: 'up-to-date' });
    expect(joined.server?.deviceId).not.toBe(deviceId);
    expect(syncRows(other)).toMatchObject({ triggers: OUTBOX_TRIGGERS.length });
    // A backup made before it connected restores not connected: no triggers, nothing queued.
    other.lock();
    await other.restoreBackup(unconnectedBackup.name, PASSWORD);
    await other.unlockWithPassword(PASSWORD);
    expect(other.serverStatus().state).toBe('not-connected');
    other.createIntegration({ name: 'Offline again', platform: 'server' });
    expect(syncRows(other)).toEqual({ connection: 0, deviceKey: 0, outbox: 0, triggers: 0 });

    // The backup (this machine) keeps the connection and the device key.
    engine.lock();
    await engine.restoreBackup(backup.name, PASSWORD);
    await engine.unlockWithPassword(PASSWORD);
    expect(engine.serverStatus()).toMatchObject({ server: { deviceId, url: server.base } });
    expect(engine.serverStatus().state).not.toBe('not-connected');
    expect(syncRows(engine)).toMatchObject({ connection: 1, deviceKey: 1, triggers: OUTBOX_TRIGGERS.length });
    // ... and so its changes still queue for the server.
    const queued = outboxOps(engine).length;
    engine.createIntegration({ name: 'After restore', platform: 'server' });
    expect(outboxOps(engine).length).toBe(queued + 2);
  });
});
