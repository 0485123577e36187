import Sqlite from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SQLITE_FILE } from '../../../server/storage/open-storage.ts';
import { createTestEngine, type TestEngine } from '../../support/temp-engine.ts';
import { engineInternals } from '../../support/engine-internals.ts';
import {
  outboxOps,
  recordStatuses,
  serverFacts,
  startTestServer,
  until,
  vaultFacts,
  verifyAt,
  type TestServer,
} from '../../support/sync-fixtures.ts';

const PASSWORD = 'correct horse battery staple';

describe('publishing while the server comes and goes', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup();
    }
  });

  async function setup(backgroundPublish: boolean): Promise<{ made: TestEngine; server: TestServer }> {
    const server = await startTestServer();
    cleanups.push(server.cleanup);
    const made = await createTestEngine({ password: PASSWORD, start: Date.now(), backgroundPublish });
    cleanups.push(made.cleanup);
    await made.engine.reauthenticate({ password: PASSWORD });
    await made.engine.connectServer({ url: server.base, code: await server.code() });
    return { made, server };
  }

  it('CLI: offline changes wait in the outbox (offline, N waiting) and go out in order when the server is back', async () => {
    const { made, server } = await setup(false);
    const { engine } = made;
    const { integration, key } = engine.createIntegration({ name: 'Billing', platform: 'server' });
    expect(engine.serverStatus()).toMatchObject({ state: 'waiting', waiting: 2 });
    await server.stop();
    const offline = await engine.publishNow();
    expect(offline).toMatchObject({ state: 'offline', waiting: 2 });
    expect(offline.reason).toMatch(/cannot be reached: the connection was refused/);
    // The same key moves through several states: only the right order ends where the vault is.
    const next = engine.rotate(integration.id);
    engine.endGrace(key.id);
    engine.revoke(integration.id, { graceDays: 2, newLifetimeDays: 30 });
    engine.editIntegration(integration.id, { ipAcl: ['127.0.0.0/8'], accepts: 'key-only' });
    expect(engine.serverStatus()).toMatchObject({ state: 'offline', waiting: 8 });
    expect(await engine.publishNow()).toMatchObject({ state: 'offline', waiting: 8 });

    await server.restart();
    expect(await engine.publishNow()).toMatchObject({ state: 'up-to-date', waiting: 0, reason: null });
    expect(await serverFacts(server.storage())).toBe(vaultFacts(engine));
    const material = (id: string) => engineInternals(engine).lifecycle.material(id);
    expect(await verifyAt(server.base, material(key.id))).toEqual({ status: 401, code: 'KEY_REVOKED' });
    expect(await verifyAt(server.base, material(next.id))).toMatchObject({ status: 200 });
  });

  it('desktop: publishes in the background after each change, retries while offline; listeners hear every state', async () => {
    const { made, server } = await setup(true);
    const { engine } = made;
    const heard = recordStatuses(engine);
    const { integration, key } = engine.createIntegration({ name: 'Billing', platform: 'server' });
    const first = engineInternals(engine).lifecycle.material(key.id);
    await until(() => engine.serverStatus().state === 'up-to-date', 'the background publish');
    expect(await verifyAt(server.base, first)).toMatchObject({ status: 200 });

    await server.stop();
    engine.setIntegrationEnabled(integration.id, false);
    await until(() => engine.serverStatus().state === 'offline', 'offline');
    expect(engine.serverStatus()).toMatchObject({ state: 'offline', waiting: 1 });
    engine.editIntegration(integration.id, { rateLimit: { requests: 5, windowSeconds: 60 } });
    expect(engine.serverStatus()).toMatchObject({ state: 'offline', waiting: 2 });

    await server.restart();
    // The retry (backoff from 1 s) finds it back without any call.
    await until(
      () => engine.serverStatus().state === 'up-to-date',
      'the retry after the server came back',
      15_000,
    );
    expect(await verifyAt(server.base, first)).toEqual({ status: 403, code: 'API_DISABLED' });
    expect(await serverFacts(server.storage())).toBe(vaultFacts(engine));
    const states = heard.map((status) => status.state);
    expect(states).toContain('waiting');
    expect(states.indexOf('offline')).toBeGreaterThan(states.indexOf('waiting'));
    expect(states.at(-1)).toBe('up-to-date');
    expect(heard.find((status) => status.state === 'offline')?.waiting).toBeGreaterThan(0);
  });

  it('usage and test via the server; disconnect revokes the device and forgets it all', async () => {
    const { made, server } = await setup(false);
    const { engine } = made;
    const { integration, key } = engine.createIntegration({
      name: 'Billing',
      platform: 'server',
      ipAcl: ['127.0.0.0/8'],
    });
    await engine.publishNow();
    const material = engineInternals(engine).lifecycle.material(key.id);
    for (let index = 0; index < 3; index += 1) {
      expect(await verifyAt(server.base, material)).toMatchObject({ status: 200 });
    }
    expect(await engine.testKey(key.id)).toMatchObject({ accepted: true, reason: null, against: 'server' });
    expect(await engine.testKey(key.id, { ip: '203.0.113.5' })).toMatchObject({
      accepted: false,
      reason: 'IP_NOT_ALLOWED',
      against: 'server',
    });
    expect(await engine.testKey(key.id, { ip: '203.0.113.5', where: 'local' })).toMatchObject({
      accepted: false,
      reason: 'IP_NOT_ALLOWED',
      against: 'local',
    });
    expect(engine.activity({ action: 'key.test', limit: 3 }).map((entry) => entry.details.against)).toEqual([
      'local',
      'server',
      'server',
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the request log's batched write
    const usage = await engine.integrationUsage('billing');
    expect(usage.integrationId).toBe(integration.id);
    const mine = usage.keys.find((entry) => entry.keyId === key.id);
    expect(mine?.lastUsedAt).not.toBeNull();
    expect(mine?.callsLast24h).toBeGreaterThanOrEqual(3);
    // Alike calls within a second are one entry that counts them.
    expect(usage.recent.reduce((sum, call) => sum + (call.calls ?? 1), 0)).toBeGreaterThanOrEqual(3);
    expect(engine.key(key.id).lastUsedAt).toBeGreaterThanOrEqual(mine?.lastUsedAt ?? Infinity);

    const deviceId = engine.serverStatus().server?.deviceId;
    await engine.disconnectServer();
    expect(engine.serverStatus()).toEqual({ state: 'not-connected', waiting: 0, reason: null, server: null });
    expect(engine.activity({ action: 'server.disconnect', limit: 1 })[0]).toMatchObject({
      outcome: 'success',
      details: { revokedOnServer: true },
    });
    const devices = await server.storage().listDevices();
    expect(devices.find((device) => device.deviceId === deviceId)?.revokedAt).not.toBeNull();
    const { db } = engineInternals(engine);
    expect(db.prepare('SELECT count(*) FROM sync_device').pluck().get()).toBe(0);
    engine.rotate(integration.id);
    expect(outboxOps(engine)).toEqual([]); // not connected: nothing is queued
    expect(await engine.testKey(key.id)).toMatchObject({ against: 'local' });
    await expect(engine.integrationUsage('billing')).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
  });

  it('an expired token is renewed by signing in again; a revoked device is an error with what to do', async () => {
    const { made, server } = await setup(false);
    const { engine } = made;
    engine.createIntegration({ name: 'Billing', platform: 'server' });
    await engine.publishNow();
    // The server forgets every token (as if they had expired): the next publish signs in again.
    const serverDb = new Sqlite(join(server.dataDir, SQLITE_FILE));
    serverDb.prepare('DELETE FROM tokens').run();
    serverDb.close();
    engine.createIntegration({ name: 'Maps', platform: 'web' });
    expect(await engine.publishNow()).toMatchObject({ state: 'up-to-date', waiting: 0 });

    await server.storage().revokeDevice(engine.serverStatus().server?.deviceId ?? '', Date.now());
    engine.createIntegration({ name: 'Search', platform: 'web' });
    const refused = await engine.publishNow();
    expect(refused).toMatchObject({ state: 'error', waiting: 2 });
    expect(refused.reason).toMatch(
      /no longer accepts this device .* connect again with a new enrolment code/,
    );
  });
});
