import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeywardServer } from '../../../server/keyward-server.ts';
import type { Storage } from '../../../server/storage/storage.ts';
import {
  freePort,
  gatewayAvailable,
  requestFrom,
  startCaddy,
  startEchoApi,
  startNginx,
  type ClientResponse,
  type EchoedRequest,
  type GatewayTargets,
  type RunningGateway,
} from '../../support/gateways.ts';
import { mintSecret, newSigningKey } from '../../support/server-client.ts';
import { batch, DAY, freshStorage, integrationFacts, keyFacts } from '../../support/server-fixtures.ts';

/**
 * The shipped gateway configurations, end to end: a client → real nginx (`auth_request`) or real
 * Caddy (`forward_auth`) from Debian → a real Keyward server with published keys → a real API that
 * echoes what it received. Each gateway gets its own integrations and its own client addresses
 * (127.0.x.y), so rate limits and IP ACLs of one test never touch another.
 */

/** The per-IP limit on failed verifications, small so that a test can reach it. */
const FAILED_LIMIT = { requests: 3, windowSeconds: 60 };

function fixturesFor(gateway: string, net: string) {
  const plain = integrationFacts({ integrationName: `Billing API (${gateway})` });
  const fenced = integrationFacts({ integrationName: 'Fenced', ipAcl: [`${net}.50/32`] });
  const secretOnly = integrationFacts({ integrationName: 'Secret only', accepts: 'secret-only' });
  const limited = integrationFacts({
    integrationName: 'Limited',
    rateLimit: { requests: 2, windowSeconds: 60 },
  });
  return {
    net,
    integrations: [plain, fenced, secretOnly, limited],
    plain,
    active: keyFacts(plain.integrationId),
    revoked: keyFacts(plain.integrationId, { status: 'revoked', endedAt: Date.now() - DAY }),
    fencedKey: keyFacts(fenced.integrationId),
    secretOnlyKey: keyFacts(secretOnly.integrationId),
    limitedKey: keyFacts(limited.integrationId),
  };
}

type Fixtures = ReturnType<typeof fixturesFor>;

const gateways: {
  name: 'nginx' | 'caddy';
  start: (targets: GatewayTargets) => Promise<RunningGateway>;
  fixtures: Fixtures;
}[] = [
  { name: 'nginx' as const, start: startNginx, fixtures: fixturesFor('nginx', '127.0.1') },
  { name: 'caddy' as const, start: startCaddy, fixtures: fixturesFor('caddy', '127.0.2') },
].filter((gateway) => gatewayAvailable(gateway.name));

const signing = newSigningKey();
let storage: Storage;
let cleanupStorage: () => Promise<void>;
let keyward: KeywardServer;
let verifyPort: number;
let api: Awaited<ReturnType<typeof startEchoApi>>;

beforeAll(async () => {
  ({ storage, cleanup: cleanupStorage } = await freshStorage('sqlite'));
  const everything = gateways.map((gateway) => gateway.fixtures);
  await storage.applyBatch(
    batch(
      [
        ...everything.flatMap((set) =>
          set.integrations.map((integration) => ({ op: 'putIntegration' as const, integration })),
        ),
        ...everything.flatMap((set) =>
          [set.active, set.revoked, set.fencedKey, set.secretOnlyKey, set.limitedKey].map((key) => ({
            op: 'putKey' as const,
            key: key.facts,
          })),
        ),
        { op: 'putSigningKey', signingKey: { kid: signing.kid, x: signing.x, createdAt: Date.now() - DAY } },
      ],
      { snapshot: true },
    ),
    { deviceId: null, now: Date.now() },
  );
  verifyPort = await freePort();
  // The gateways connect from 127.0.0.1: the one trusted proxy, whose forwarded client IP counts.
  keyward = new KeywardServer({
    storage,
    host: '127.0.0.1',
    port: verifyPort,
    trustedProxies: ['127.0.0.1/32'],
    failedLimit: FAILED_LIMIT,
    requestLogFlushMs: 60_000,
  });
  await keyward.start();
  await keyward.ready();
  api = await startEchoApi();
});

afterAll(async () => {
  await api?.close();
  await keyward?.close();
  await cleanupStorage?.();
});

const errorOf = (response: ClientResponse) => (JSON.parse(response.body) as { error: unknown }).error;

describe.each(gateways)('$name in front of an API', ({ name, start, fixtures }) => {
  let gateway: RunningGateway;
  const url = (path = '/orders?page=2') => `${gateway.base}${path}`;
  const from = (host: number) => `${fixtures.net}.${host}`;

  beforeAll(async () => {
    gateway = await start({ verifyPort, apiPort: api.port });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('a valid key reaches the API with the X-Keyward-* headers, which a client cannot forge', async () => {
    const response = await requestFrom(url(), {
      from: from(10),
      headers: {
        'x-api-key': fixtures.active.material,
        'x-keyward-key-id': 'forged',
        'x-keyward-integration': 'forged',
      },
    });
    expect(response.status, gateway.logs()).toBe(200);
    expect(response.headers['x-from']).toBe('echo-api');
    const echoed = JSON.parse(response.body) as EchoedRequest;
    expect(echoed.url).toBe('/orders?page=2');
    expect(echoed.headers['x-keyward-integration']).toBe(fixtures.plain.integrationId);
    expect(echoed.headers['x-keyward-key-id']).toBe(fixtures.active.facts.keyId);
    expect(echoed.headers['x-keyward-key-status']).toBe('active');
    expect(decodeURIComponent(echoed.headers['x-keyward-integration-name'] as string)).toBe(
      `Billing API (${name})`,
    );
    expect(Date.parse(echoed.headers['x-keyward-expires'] as string)).toBe(fixtures.active.facts.expiresAt);

    // Authorization: Bearer works too, and any method with a body: the verifier gets a GET without it.
    const put = await requestFrom(url('/orders/7'), {
      from: from(10),
      method: 'PUT',
      headers: { authorization: `Bearer ${fixtures.active.material}`, 'content-type': 'application/json' },
      body: '{"state":"paid"}',
    });
    expect(put.status, gateway.logs()).toBe(200);
    expect((JSON.parse(put.body) as EchoedRequest).method).toBe('PUT');
    expect((JSON.parse(put.body) as EchoedRequest).headers['x-keyward-key-id']).toBe(
      fixtures.active.facts.keyId,
    );
  });

  it('an unknown or revoked key gets 401 with the JSON error and X-Keyward-Code, never the API', async () => {
    const unknown = await requestFrom(url(), {
      from: from(20),
      headers: { 'x-api-key': keyFacts(fixtures.plain.integrationId).material },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.headers['x-from']).toBeUndefined();
    expect(unknown.headers['x-keyward-code']).toBe('KEY_UNKNOWN');
    expect(unknown.headers['content-type']).toMatch(/^application\/json/);
    expect(errorOf(unknown)).toMatchObject({ code: 'KEY_UNKNOWN', message: expect.any(String) as unknown });

    const revoked = await requestFrom(url(), {
      from: from(20),
      headers: { authorization: `Bearer ${fixtures.revoked.material}` },
    });
    expect(revoked.status).toBe(401);
    expect(revoked.headers['x-keyward-code']).toBe('KEY_REVOKED');
    expect(errorOf(revoked)).toMatchObject({ code: 'KEY_REVOKED' });

    const none = await requestFrom(url(), { from: from(21) });
    expect(none.status).toBe(401);
    expect(errorOf(none)).toMatchObject({ code: 'KEY_MALFORMED' });
  });

  it("the IP ACL sees the client's address: 403 outside it, even with a forged X-Forwarded-For", async () => {
    const key = { 'x-api-key': fixtures.fencedKey.material };
    expect((await requestFrom(url(), { from: from(50), headers: key })).status, gateway.logs()).toBe(200);
    const outside = await requestFrom(url(), {
      from: from(30),
      headers: { ...key, 'x-forwarded-for': from(50), 'x-real-ip': from(50) },
    });
    expect(outside.status).toBe(403);
    expect(outside.headers['x-keyward-code']).toBe('IP_NOT_ALLOWED');
    expect(errorOf(outside)).toMatchObject({ code: 'IP_NOT_ALLOWED' });
  });

  it('Secret-only: the raw key gets 401 SECRET_REQUIRED, a Secret reaches the API', async () => {
    const raw = await requestFrom(url(), {
      from: from(40),
      headers: { 'x-api-key': fixtures.secretOnlyKey.material },
    });
    expect(raw.status).toBe(401);
    expect(errorOf(raw)).toMatchObject({ code: 'SECRET_REQUIRED' });
    const secret = mintSecret(signing, {
      integrationId: fixtures.secretOnlyKey.facts.integrationId,
      keyId: fixtures.secretOnlyKey.facts.keyId,
      key: fixtures.secretOnlyKey.material,
      iat: Math.floor(Date.now() / 1000),
    });
    const ok = await requestFrom(url(), { from: from(40), headers: { authorization: `Bearer ${secret}` } });
    expect(ok.status, gateway.logs()).toBe(200);
    expect((JSON.parse(ok.body) as EchoedRequest).headers['x-keyward-key-id']).toBe(
      fixtures.secretOnlyKey.facts.keyId,
    );
  });

  it("the integration's rate limit: 429 with Retry-After and the JSON error", async () => {
    const key = { 'x-api-key': fixtures.limitedKey.material };
    for (let i = 0; i < 2; i++) {
      expect((await requestFrom(url(), { from: from(60), headers: key })).status, gateway.logs()).toBe(200);
    }
    const limited = await requestFrom(url(), { from: from(60), headers: key });
    expect(limited.status, gateway.logs()).toBe(429);
    expect(limited.headers['x-from']).toBeUndefined();
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.headers['x-keyward-code']).toBe('RATE_LIMITED');
    expect(limited.headers['ratelimit-policy']).toBe('"integration";q=2;w=60');
    expect(limited.headers['ratelimit']).toMatch(/^"integration";r=0;t=\d+$/);
    expect(errorOf(limited)).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('the per-IP limit on failed verifications: 429 with Retry-After for that client only', async () => {
    const unknownKey = () => ({ 'x-api-key': keyFacts(fixtures.plain.integrationId).material });
    for (let i = 0; i < FAILED_LIMIT.requests; i++) {
      expect((await requestFrom(url(), { from: from(70), headers: unknownKey() })).status).toBe(401);
    }
    const blocked = await requestFrom(url(), {
      from: from(70),
      headers: { 'x-api-key': fixtures.active.material },
    });
    expect(blocked.status, gateway.logs()).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(errorOf(blocked)).toMatchObject({ code: 'RATE_LIMITED' });
    // Another client of the same gateway is not affected.
    const other = await requestFrom(url(), {
      from: from(71),
      headers: { 'x-api-key': fixtures.active.material },
    });
    expect(other.status).toBe(200);
  });
});

describe.each(gateways)('$name when the Keyward server cannot say yes', ({ name, start }) => {
  const anyKey = () => ({ 'x-api-key': keyFacts(integrationFacts().integrationId).material });

  it('no Keyward server: 502, and the request never reaches the API', async () => {
    const gateway = await start({ verifyPort: await freePort(), apiPort: api.port });
    try {
      const response = await requestFrom(`${gateway.base}/orders`, { headers: anyKey() });
      expect(response.status).toBe(502);
      expect(response.headers['x-from']).toBeUndefined();
      if (name === 'nginx') {
        expect(response.headers['x-keyward-code']).toBe('GATEWAY_ERROR');
        expect(errorOf(response)).toMatchObject({ code: 'GATEWAY_ERROR' });
      }
    } finally {
      await gateway.close();
    }
  });

  it('a Keyward server still loading its index: 503 NOT_READY with Retry-After', async () => {
    // Listening, but its index never loads (the sync is not started): it answers 503 NOT_READY.
    const loading = new KeywardServer({ storage });
    await loading.app.listen({ host: '127.0.0.1', port: 0 });
    const gateway = await start({
      verifyPort: (loading.app.server.address() as { port: number }).port,
      apiPort: api.port,
    });
    try {
      const response = await requestFrom(`${gateway.base}/orders`, { headers: anyKey() });
      expect(response.status, gateway.logs()).toBe(503);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.headers['x-keyward-code']).toBe('NOT_READY');
      expect(errorOf(response)).toMatchObject({ code: 'NOT_READY' });
      expect(response.headers['x-from']).toBeUndefined();
    } finally {
      await gateway.close();
      await loading.close();
    }
  });
});
