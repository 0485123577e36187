import { afterEach, describe, expect, it } from 'vitest';
import { issueEnrolmentCode } from '../../../server/devices/device-auth.ts';
import { KeywardServer } from '../../../server/keyward-server.ts';
import { integrationUsageSchema } from '../../../shared/sync/usage.ts';
import { serverTestResultSchema } from '../../../shared/sync/server-test.ts';
import {
  enrol,
  mintSecret,
  newDeviceKey,
  newSigningKey,
  publish,
  signIn,
} from '../../support/server-client.ts';
import { batch, freshStorage, integrationFacts, keyFacts } from '../../support/server-fixtures.ts';

// What the desktop and the CLI ask a server for, besides publishing: "test via server" (with "as if
// from IP"), the usage summary that feeds "last used", the sparkline and the recent calls, and more
// enrolment codes for the owner's other devices.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

async function connectedServer() {
  const fresh = await freshStorage('sqlite');
  cleanups.push(fresh.cleanup);
  const server = new KeywardServer({ storage: fresh.storage, port: 0, pollIntervalMs: 60_000 });
  cleanups.push(() => server.close());
  const base = await server.start();
  await server.ready();
  const { enrolmentCode } = await issueEnrolmentCode(fresh.storage, { role: 'owner', now: Date.now() });
  const device = newDeviceKey();
  expect((await enrol(base, device, enrolmentCode)).status).toBe(201);
  const token = (await signIn(base, device)).token as string;
  const signing = newSigningKey();
  const open = integrationFacts({ ipAcl: ['203.0.113.0/24'] });
  const secretOnly = integrationFacts({ integrationName: 'Payments', accepts: 'secret-only' });
  const key = keyFacts(open.integrationId);
  const strict = keyFacts(secretOnly.integrationId);
  const published = await publish(
    base,
    token,
    batch(
      [
        { op: 'putIntegration', integration: open },
        { op: 'putIntegration', integration: secretOnly },
        { op: 'putKey', key: key.facts },
        { op: 'putKey', key: strict.facts },
        { op: 'putSigningKey', signingKey: { kid: signing.kid, x: signing.x, createdAt: 1 } },
      ],
      { snapshot: true },
    ),
  );
  expect(published.status).toBe(200);
  const call = (path: string, init: RequestInit = {}, bearer: string | null = token) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
      },
    });
  return { base, server, token, call, open, secretOnly, key, strict, signing, device };
}

describe('the device API of a Keyward server', () => {
  it('tests a credential as /v1/verify would, as if from an IP, and logs it', async () => {
    const { base, token, call, key, strict, secretOnly, signing } = await connectedServer();
    const test = async (body: unknown) => {
      const response = await call('/v1/test', { method: 'POST', body: JSON.stringify(body) });
      return { status: response.status, body: await response.json() };
    };
    const inside = await test({ credential: key.material, clientIp: '203.0.113.9' });
    expect(inside.status).toBe(200);
    expect(serverTestResultSchema.parse(inside.body)).toMatchObject({
      accepted: true,
      keyId: key.facts.keyId,
      status: 'active',
    });
    expect(
      serverTestResultSchema.parse((await test({ credential: key.material, clientIp: '192.0.2.1' })).body),
    ).toMatchObject({ accepted: false, code: 'IP_NOT_ALLOWED' });
    expect(serverTestResultSchema.parse((await test({ credential: strict.material })).body)).toMatchObject({
      accepted: false,
      code: 'SECRET_REQUIRED',
    });
    // A revoked key of the Secret-only integration: the test names what is wrong with the key itself.
    const revoked = keyFacts(secretOnly.integrationId, { status: 'revoked', endedAt: Date.now() - 1000 });
    expect((await publish(base, token, batch([{ op: 'putKey', key: revoked.facts }]))).status).toBe(200);
    expect(serverTestResultSchema.parse((await test({ credential: revoked.material })).body)).toMatchObject({
      accepted: false,
      code: 'KEY_REVOKED',
    });
    const secret = mintSecret(signing, {
      integrationId: secretOnly.integrationId,
      keyId: strict.facts.keyId,
      key: strict.material,
      iat: Math.floor(Date.now() / 1000),
    });
    expect(serverTestResultSchema.parse((await test({ credential: secret })).body)).toMatchObject({
      accepted: true,
      keyId: strict.facts.keyId,
    });
    expect(serverTestResultSchema.parse((await test({ credential: 'kw_nonsense' })).body)).toMatchObject({
      accepted: false,
      code: 'KEY_MALFORMED',
    });
    // Bad input is a typed 400 that never echoes the credential; no token is a 401.
    const badIp = await test({ credential: key.material, clientIp: '999.1.1.1' });
    expect(badIp.status).toBe(400);
    expect(JSON.stringify(badIp.body)).not.toContain(key.material);
    expect((await test({ credential: key.material, extra: 1 })).status).toBe(400);
    expect(
      (await call('/v1/test', { method: 'POST', body: JSON.stringify({ credential: key.material }) }, null))
        .status,
    ).toBe(401);

    // The tests are in the usage like any verification: the outside-the-ACL one included.
    const summary = await call(`/v1/usage/summary?integrationId=${key.facts.integrationId}`);
    expect(summary.status).toBe(200);
    const usage = integrationUsageSchema.parse(await summary.json());
    expect(usage.recent.map((entry) => [entry.outcome, entry.clientIp])).toEqual([
      ['IP_NOT_ALLOWED', '192.0.2.1'],
      ['OK', '203.0.113.9'],
    ]);
  });

  it('summarises usage straight after verifications (the log buffer is written first)', async () => {
    const { base, call, key, open } = await connectedServer();
    for (let round = 0; round < 3; round += 1) {
      await fetch(`${base}/v1/verify`, {
        headers: { 'x-api-key': key.material, 'x-forwarded-for': '203.0.113.5' },
      });
    }
    // From 127.0.0.1 (no trusted proxy): outside the ACL.
    const response = await call(`/v1/usage/summary?integrationId=${open.integrationId}`);
    const usage = integrationUsageSchema.parse(await response.json());
    expect(usage.keys).toEqual([
      {
        keyId: key.facts.keyId,
        lastUsedAt: null,
        daily: new Array(30).fill(0),
        callsLast24h: 3,
      },
    ]);
    // Alike calls within a second are one entry that counts them.
    expect(usage.recent.reduce((sum, entry) => sum + (entry.calls ?? 1), 0)).toBe(3);
    expect(
      usage.recent.every((entry) => entry.outcome === 'IP_NOT_ALLOWED' && entry.clientIp === '127.0.0.1'),
    ).toBe(true);
    expect((await call('/v1/usage/summary')).status).toBe(400);
    expect((await call(`/v1/usage/summary?integrationId=${open.integrationId}`, {}, 'forged')).status).toBe(
      401,
    );
  });

  it("gives the owner more enrolment codes: each enrols one more of the owner's devices, once", async () => {
    const { base, call, device } = await connectedServer();
    const issued = await call('/v1/enrolment-codes', { method: 'POST', body: '{}' });
    expect(issued.status).toBe(200);
    const { enrolmentCode, expiresAt } = (await issued.json()) as {
      enrolmentCode: string;
      expiresAt: number;
    };
    expect(expiresAt - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    const laptop = newDeviceKey();
    const joined = await enrol(base, laptop, enrolmentCode, 'Second laptop');
    expect(joined.status).toBe(201);
    const devices = (await (await call('/v1/devices')).json()) as {
      devices: { deviceId: string; memberId: string; role: string }[];
    };
    const byId = new Map(devices.devices.map((entry) => [entry.deviceId, entry]));
    expect(byId.get(laptop.deviceId as string)?.memberId).toBe(byId.get(device.deviceId as string)?.memberId);
    expect(byId.get(laptop.deviceId as string)?.role).toBe('owner');
    expect((await enrol(base, newDeviceKey(), enrolmentCode)).status).toBe(401);
    expect((await call('/v1/enrolment-codes', { method: 'POST', body: '{}' }, null)).status).toBe(401);
  });
});
