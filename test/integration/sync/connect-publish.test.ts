import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeywardError } from '../../../shared/errors.ts';
import { createTestEngine, type TestEngine } from '../../support/temp-engine.ts';
import { enrol, newDeviceKey, publish, signIn } from '../../support/server-client.ts';
import { batch, integrationFacts } from '../../support/server-fixtures.ts';
import {
  outboxOps,
  serverFacts,
  startTestServer,
  vaultFacts,
  verifyAt,
  type TestServer,
} from '../../support/sync-fixtures.ts';

const PASSWORD = 'correct horse battery staple';

async function codeOf(work: () => unknown): Promise<string> {
  try {
    await work();
  } catch (error) {
    return error instanceof KeywardError ? error.code : String(error);
  }
  return 'no error';
}

describe('connecting a vault to a Keyward server and publishing', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup();
    }
  });

  async function setup(): Promise<{ made: TestEngine; server: TestServer }> {
    const server = await startTestServer();
    cleanups.push(server.cleanup);
    const made = await createTestEngine({ password: PASSWORD, start: Date.now() });
    cleanups.push(made.cleanup);
    return { made, server };
  }

  it('connect needs re-authentication, enrols, sends a snapshot; the server then verifies the vault keys', async () => {
    const { made, server } = await setup();
    const { engine } = made;
    const billing = engine.createIntegration({ name: 'Billing', platform: 'server' });
    const maps = engine.createIntegration({ name: 'Maps', platform: 'web', ipAcl: ['10.0.0.0/8'] });
    const internals = made.internals();
    const billingKey = internals.lifecycle.material(billing.key.id);
    const mapsKey = internals.lifecycle.material(maps.key.id);
    expect(engine.serverStatus()).toEqual({ state: 'not-connected', waiting: 0, reason: null, server: null });

    const code = await server.code();
    expect(await codeOf(() => engine.connectServer({ url: server.base, code }))).toBe('REAUTH_REQUIRED');
    await engine.reauthenticate({ password: PASSWORD });
    const status = await engine.connectServer({ url: server.base, code, deviceName: 'Test laptop' });
    expect(status).toMatchObject({
      state: 'up-to-date',
      waiting: 0,
      reason: null,
      server: { url: server.base, deviceName: 'Test laptop', pinnedCertSha256: null, revision: 1 },
    });
    expect(status.server?.lastPublishAt).toBe(made.clock.now());
    expect(engine.activity({ action: 'server.connect', limit: 1 })[0]).toMatchObject({ outcome: 'success' });
    expect(await verifyAt(server.base, billingKey)).toEqual({ status: 200, code: null });
    // The ACL went with it: from 127.0.0.1 the Maps key is refused.
    expect(await verifyAt(server.base, mapsKey)).toEqual({ status: 403, code: 'IP_NOT_ALLOWED' });
    // A used code cannot connect again, and a connected vault cannot connect twice.
    expect(await codeOf(() => engine.connectServer({ url: server.base, code }))).toBe('INVALID_STATE');
  });

  it('rotate, revoke, end grace, disable and ACL edits reach the server; secret-only is published and enforced', async () => {
    const { made, server } = await setup();
    const { engine } = made;
    const { integration, key } = engine.createIntegration({ name: 'Billing', platform: 'server' });
    await engine.reauthenticate({ password: PASSWORD });
    await engine.connectServer({ url: server.base, code: await server.code() });
    const material = (id: string) => made.internals().lifecycle.material(id);
    const first = material(key.id);

    const rotated = engine.rotate(integration.id);
    await engine.publishNow();
    expect(await verifyAt(server.base, first)).toMatchObject({ status: 200 });
    expect(await verifyAt(server.base, material(rotated.id))).toMatchObject({ status: 200 });

    engine.endGrace(key.id);
    expect(engine.serverStatus()).toMatchObject({ state: 'waiting', waiting: 1 });
    expect(await engine.publishNow()).toMatchObject({ state: 'up-to-date', waiting: 0 });
    expect(await verifyAt(server.base, first)).toEqual({ status: 401, code: 'KEY_REVOKED' });

    engine.setIntegrationEnabled(integration.id, false);
    await engine.publishNow();
    expect(await verifyAt(server.base, material(rotated.id))).toEqual({ status: 403, code: 'API_DISABLED' });
    engine.setIntegrationEnabled(integration.id, true);
    engine.editIntegration(integration.id, { ipAcl: ['192.0.2.0/24'] });
    await engine.publishNow();
    expect(await verifyAt(server.base, material(rotated.id))).toEqual({
      status: 403,
      code: 'IP_NOT_ALLOWED',
    });
    engine.editIntegration(integration.id, { ipAcl: [], accepts: 'secret-only' });
    await engine.publishNow();
    expect(engine.integration(integration.id).accepts).toBe('secret-only');
    expect(await verifyAt(server.base, material(rotated.id))).toEqual({
      status: 401,
      code: 'SECRET_REQUIRED',
    });
    const secret = await engine.mintSecret(integration.id);
    await engine.publishNow(); // the signing key made for the first Secret
    expect(await verifyAt(server.base, secret.token)).toMatchObject({ status: 200 });

    const revoked = engine.revoke(integration.id, { graceDays: 0, newLifetimeDays: 30 });
    engine.editIntegration(integration.id, { accepts: 'key-or-secret' });
    await engine.publishNow();
    expect(await verifyAt(server.base, material(rotated.id))).toEqual({ status: 401, code: 'KEY_REVOKED' });
    expect(await verifyAt(server.base, material(revoked.id))).toMatchObject({ status: 200 });
  });

  it('every kind of change lands in the outbox, in order, with facts only; a rolled-back change leaves none', async () => {
    const { made, server } = await setup();
    const { engine } = made;
    await engine.reauthenticate({ password: PASSWORD });
    await engine.connectServer({ url: server.base, code: await server.code() });
    await server.stop(); // nothing goes out: the outbox keeps everything

    const kinds = (): string[] => outboxOps(engine).map((row) => row.op);
    const { integration, key } = engine.createIntegration({
      name: 'Billing',
      platform: 'server',
      accepts: 'key-only',
      rateLimit: { requests: 100, windowSeconds: 60 },
    });
    expect(kinds()).toEqual(['putIntegration', 'putKey']);
    expect(outboxOps(engine)[0]).toMatchObject({
      integration: { accepts: 'key-only', rateLimit: { requests: 100, windowSeconds: 60 } },
    });
    const step = (action: () => unknown, expected: string[]) => {
      const before = kinds().length;
      action();
      expect(kinds().slice(before)).toEqual(expected);
    };
    step(() => engine.rotate(integration.id), ['putKey', 'putKey']); // old → grace, new active
    step(() => engine.endGrace(key.id), ['putKey']);
    step(() => engine.regenerate(integration.id), ['putKey', 'putKey']);
    step(() => engine.revoke(integration.id, { graceDays: 3, newLifetimeDays: 30 }), ['putKey', 'putKey']);
    step(() => engine.setIntegrationEnabled(integration.id, false), ['putIntegration']);
    step(() => engine.editIntegration(integration.id, { ipAcl: ['10.0.0.0/8'] }), ['putIntegration']);
    step(() => engine.editIntegration(integration.id, { name: 'Billing v2' }), ['putIntegration']);
    step(() => engine.editIntegration(integration.id, { rateLimit: null }), ['putIntegration']);
    step(() => engine.editIntegration(integration.id, { notes: 'not published' }), []);
    step(() => engine.setNeverExpire(integration.id, true, true), ['putIntegration', 'putKey']);
    step(() => engine.deleteKey(key.id), ['deleteKey']);
    const before = kinds().length;
    await engine.jwks(); // the first signing key
    await made.internals().signingKeys.rotate({ actor: 'test' });
    // The first key, its retirement (the server then refuses Secrets it signs later), the new key.
    expect(kinds().slice(before)).toEqual(['putSigningKey', 'putSigningKey', 'putSigningKey']);
    const published = outboxOps(engine)
      .slice(before)
      .map((op) => op.signingKey as { kid: string; retiredAt: number | null });
    expect(published[1]).toMatchObject({ kid: published[0]?.kid, retiredAt: made.clock.now() });
    expect(published[2]?.retiredAt).toBeNull();
    // The scheduler's due steps: the grace key of the revoke expires.
    made.clock.advance(4 * 86_400_000);
    engine.catchUp('resume');
    expect(kinds().at(-1)).toBe('putKey');
    await engine.reauthenticate({ password: PASSWORD });
    step(() => engine.deleteIntegration(integration.id, true), ['deleteIntegration']);

    // A change that fails inside its transaction leaves nothing behind.
    const other = engine.createIntegration({ name: 'Other', platform: 'web' });
    const count = kinds().length;
    expect(await codeOf(() => engine.editIntegration(other.integration.id, { name: 'Billing v2' }))).toBe(
      'no error',
    );
    const rows = kinds().length;
    expect(rows).toBe(count + 1);
    expect(await codeOf(() => engine.createIntegration({ name: 'Billing v2', platform: 'web' }))).toBe(
      'INVALID_STATE',
    );
    const { db } = made.internals();
    expect(() =>
      db
        .transaction(() => {
          db.prepare('UPDATE integrations SET enabled = 0 WHERE id = ?').run(other.integration.id);
          throw new Error('rolled back');
        })
        .immediate(),
    ).toThrow('rolled back');
    expect(kinds()).toHaveLength(rows);

    // Facts only: no row holds any key's material.
    const all = JSON.stringify(outboxOps(engine));
    for (const row of db.prepare('SELECT material FROM api_keys').pluck().all() as string[]) {
      expect(all).not.toContain(row);
    }
  });

  it('a server moved on by someone else answers 409: the vault sends a snapshot and the server matches it again', async () => {
    const { made, server } = await setup();
    const { engine } = made;
    await engine.reauthenticate({ password: PASSWORD });
    await engine.connectServer({ url: server.base, code: await server.code() });
    // Another device publishes: the server's revision is no longer the one the vault follows.
    const other = newDeviceKey();
    await enrol(server.base, other, await server.code());
    const { token } = await signIn(server.base, other);
    const stranger = integrationFacts({ integrationName: 'Stranger' });
    expect(
      (await publish(server.base, token as string, batch([{ op: 'putIntegration', integration: stranger }])))
        .status,
    ).toBe(200);

    engine.createIntegration({ name: 'Billing', platform: 'server' });
    expect(await engine.publishNow()).toMatchObject({ state: 'up-to-date', waiting: 0 });
    expect(await serverFacts(server.storage())).toBe(vaultFacts(engine));
  });

  it('the device key is made in the vault: its private half is nowhere in the vault folder in plain form', async () => {
    const { made, server } = await setup();
    const { engine } = made;
    await engine.reauthenticate({ password: PASSWORD });
    await engine.connectServer({ url: server.base, code: await server.code() });
    const { db } = made.internals();
    const pem = db.prepare('SELECT private_key_pem FROM sync_device').pluck().get() as string;
    const der = createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' });
    const seed = der.subarray(der.length - 32);
    engine.lock();
    for (const file of readdirSync(made.dir, { recursive: true, withFileTypes: true })) {
      if (file.isFile()) {
        const bytes = readFileSync(join(file.parentPath, file.name));
        expect(bytes.includes(seed)).toBe(false);
        expect(bytes.includes(Buffer.from(pem.split('\n')[1] ?? 'missing'))).toBe(false);
      }
    }
  });

  it('a plain-http URL to another host is INVALID_INPUT; a wrong code is SERVER_REJECTED; no server is SERVER_UNREACHABLE', async () => {
    const { made, server } = await setup();
    const { engine } = made;
    await engine.reauthenticate({ password: PASSWORD });
    expect(await codeOf(() => engine.connectServer({ url: 'http://keys.example.com', code: 'X' }))).toBe(
      'INVALID_INPUT',
    );
    expect(await codeOf(() => engine.connectServer({ url: 'http://10.1.2.3:8787', code: 'X' }))).toBe(
      'INVALID_INPUT',
    );
    expect(await codeOf(() => engine.connectServer({ url: server.base, code: 'AAAAA-BBBBB' }))).toBe(
      'SERVER_REJECTED',
    );
    const dead = `http://127.0.0.1:${server.port}`;
    await server.stop();
    expect(await codeOf(() => engine.connectServer({ url: dead, code: 'AAAAA-BBBBB' }))).toBe(
      'SERVER_UNREACHABLE',
    );
    expect(engine.serverStatus().state).toBe('not-connected');
    expect(await codeOf(() => engine.integrationUsage('nothing'))).toBe('NOT_FOUND');
  });
});
