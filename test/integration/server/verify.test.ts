import type { KeyObject } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KeywardServer, type KeywardServerOptions } from '../../../server/keyward-server.ts';
import type { Storage } from '../../../server/storage/storage.ts';
import type { PublishedIntegration } from '../../../shared/sync/publish-batch.ts';
import { mintSecret, newSigningKey } from '../../support/server-client.ts';
import { batch, DAY, freshStorage, integrationFacts, keyFacts } from '../../support/server-fixtures.ts';

const NOW = Date.UTC(2026, 5, 1, 12);

describe('/v1/verify on the embedded server', () => {
  let storage: Storage;
  let cleanup: () => Promise<void>;
  const servers: KeywardServer[] = [];
  const signing = newSigningKey();

  const plain = integrationFacts({ integrationName: 'Plain' });
  const active = keyFacts(plain.integrationId, {}, NOW);
  const inGrace = keyFacts(plain.integrationId, { status: 'grace', graceEndsAt: NOW + DAY }, NOW);
  const revoked = keyFacts(plain.integrationId, { status: 'revoked', endedAt: NOW - DAY }, NOW);
  const pastGrace = keyFacts(plain.integrationId, { status: 'grace', graceEndsAt: NOW - 1 }, NOW);
  const disabled = integrationFacts({ integrationName: 'Disabled', enabled: false });
  const disabledKey = keyFacts(disabled.integrationId, {}, NOW);
  const fenced = integrationFacts({ integrationName: 'Fenced', ipAcl: ['10.0.0.0/8'] });
  const fencedKey = keyFacts(fenced.integrationId, {}, NOW);
  const secretOnly = integrationFacts({ integrationName: 'Secret only', accepts: 'secret-only' });
  const secretOnlyKey = keyFacts(secretOnly.integrationId, {}, NOW);
  const keyOnly = integrationFacts({ integrationName: 'Key only', accepts: 'key-only' });
  const keyOnlyKey = keyFacts(keyOnly.integrationId, {}, NOW);
  const limited = integrationFacts({
    integrationName: 'Limited',
    rateLimit: { requests: 2, windowSeconds: 60 },
  });
  const limitedKey = keyFacts(limited.integrationId, {}, NOW);
  const integrations: PublishedIntegration[] = [plain, disabled, fenced, secretOnly, keyOnly, limited];
  const keys = [
    active,
    inGrace,
    revoked,
    pastGrace,
    disabledKey,
    fencedKey,
    secretOnlyKey,
    keyOnlyKey,
    limitedKey,
  ];

  async function server(options: Partial<KeywardServerOptions> = {}): Promise<KeywardServer> {
    const instance = new KeywardServer({ storage, now: () => NOW, requestLogFlushMs: 60_000, ...options });
    servers.push(instance);
    await instance.app.ready();
    await instance.context.sync.catchUp();
    return instance;
  }

  const verify = (
    instance: KeywardServer,
    headers: Record<string, string>,
    extra: { remoteAddress?: string } = {},
  ) => instance.app.inject({ method: 'GET', url: '/v1/verify', headers, ...extra });

  beforeAll(async () => {
    ({ storage, cleanup } = await freshStorage('sqlite'));
    await storage.applyBatch(
      batch(
        [
          ...integrations.map((integration) => ({ op: 'putIntegration' as const, integration })),
          ...keys.map((key) => ({ op: 'putKey' as const, key: key.facts })),
          { op: 'putSigningKey', signingKey: { kid: signing.kid, x: signing.x, createdAt: NOW - DAY } },
        ],
        { snapshot: true },
      ),
      { deviceId: null, now: NOW },
    );
  });
  afterAll(async () => {
    for (const instance of servers) {
      await instance.close();
    }
    await cleanup();
  });

  it('answers 503 NOT_READY until the index is loaded, then 200 with the facts as body and headers', async () => {
    const instance = new KeywardServer({ storage, now: () => NOW });
    servers.push(instance);
    await instance.app.ready();
    const loading = await verify(instance, { authorization: `Bearer ${active.material}` });
    expect(loading.statusCode).toBe(503);
    expect(loading.headers['x-keyward-code']).toBe('NOT_READY');
    expect(loading.json()).toEqual({ error: { code: 'NOT_READY', message: expect.any(String) as unknown } });
    await instance.context.sync.catchUp();
    const ok = await verify(instance, { authorization: `Bearer ${active.material}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({
      integrationId: plain.integrationId,
      integrationName: 'Plain',
      keyId: active.facts.keyId,
      status: 'active',
      expiresAt: new Date(active.facts.expiresAt as number).toISOString(),
      graceEndsAt: null,
    });
    expect(ok.headers).toMatchObject({
      'x-keyward-integration': plain.integrationId,
      'x-keyward-key-id': active.facts.keyId,
      'x-keyward-key-status': 'active',
      'x-keyward-expires': new Date(active.facts.expiresAt as number).toISOString(),
    });
  });

  it('takes the key in X-API-Key and on POST (with any body), and both keys during grace', async () => {
    const instance = await server();
    expect((await verify(instance, { 'x-api-key': active.material })).statusCode).toBe(200);
    const posted = await instance.app.inject({
      method: 'POST',
      url: '/v1/verify',
      headers: { authorization: `Bearer ${active.material}`, 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(posted.statusCode).toBe(200);
    const grace = await verify(instance, { authorization: `Bearer ${inGrace.material}` });
    expect(grace.statusCode).toBe(200);
    expect(grace.json()).toMatchObject({ status: 'grace', graceEndsAt: new Date(NOW + DAY).toISOString() });
  });

  it.each([
    ['an unknown key', 401, 'KEY_UNKNOWN', () => keyFacts(plain.integrationId).material],
    ['a revoked key', 401, 'KEY_REVOKED', () => revoked.material],
    ['a key past its grace', 401, 'KEY_EXPIRED', () => pastGrace.material],
    [
      'a mistyped key (checksum)',
      401,
      'KEY_MALFORMED',
      () => `${active.material.slice(0, -1)}${active.material.endsWith('a') ? 'b' : 'a'}`,
    ],
    ['garbage', 401, 'KEY_MALFORMED', () => 'not-a-key-at-all'],
    ['a key of a disabled integration', 403, 'API_DISABLED', () => disabledKey.material],
    ['a key from outside the IP ACL', 403, 'IP_NOT_ALLOWED', () => fencedKey.material],
    ['a raw key of a Secret-only integration', 401, 'SECRET_REQUIRED', () => secretOnlyKey.material],
  ])('refuses %s with %i %s', async (_name, status, code, credential) => {
    const instance = await server({ failedLimit: { requests: 1000, windowSeconds: 60 } });
    const response = await verify(instance, { authorization: `Bearer ${credential()}` });
    expect(response.statusCode).toBe(status);
    expect(response.headers['x-keyward-code']).toBe(code);
    expect(response.json()).toEqual({ error: { code, message: expect.any(String) as unknown } });
    expect(response.body).not.toContain(credential().slice(3));
  });

  it('an active key past expiresAt stays accepted for graceDays with no desktop online (shared rule)', async () => {
    const expiry = active.facts.expiresAt as number;
    const later = await server({ now: () => expiry + DAY });
    const response = await verify(later, { 'x-api-key': active.material });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'grace',
      graceEndsAt: new Date(expiry + 30 * DAY).toISOString(),
    });
    const muchLater = await server({ now: () => expiry + 31 * DAY });
    expect((await verify(muchLater, { 'x-api-key': active.material })).headers['x-keyward-code']).toBe(
      'KEY_EXPIRED',
    );
  });

  it('Secrets: accepted in Secret-only mode, refused when expired, tampered, unknown kid or key-only', async () => {
    const instance = await server({ failedLimit: { requests: 1000, windowSeconds: 60 } });
    const iat = Math.floor(NOW / 1000) - 60;
    const secret = mintSecret(signing, {
      integrationId: secretOnly.integrationId,
      keyId: secretOnlyKey.facts.keyId,
      key: secretOnlyKey.material,
      iat,
    });
    const ok = await verify(instance, { authorization: `Bearer ${secret}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ keyId: secretOnlyKey.facts.keyId, integrationName: 'Secret only' });

    const expired = mintSecret(signing, {
      integrationId: secretOnly.integrationId,
      keyId: secretOnlyKey.facts.keyId,
      key: secretOnlyKey.material,
      iat: iat - 2 * 86_400,
    });
    expect((await verify(instance, { authorization: `Bearer ${expired}` })).headers['x-keyward-code']).toBe(
      'SECRET_EXPIRED',
    );
    const [header, payload, signature] = secret.split('.') as [string, string, string];
    const forgedPayload = Buffer.from(
      JSON.stringify({
        ...(JSON.parse(Buffer.from(payload, 'base64url').toString()) as object),
        exp: 9_999_999_999,
      }),
    ).toString('base64url');
    expect(
      (await verify(instance, { authorization: `Bearer ${header}.${forgedPayload}.${signature}` })).headers[
        'x-keyward-code'
      ],
    ).toBe('BAD_SIGNATURE');
    const stranger = mintSecret(newSigningKey(), {
      integrationId: secretOnly.integrationId,
      keyId: secretOnlyKey.facts.keyId,
      key: secretOnlyKey.material,
      iat,
    });
    expect((await verify(instance, { authorization: `Bearer ${stranger}` })).headers['x-keyward-code']).toBe(
      'BAD_SIGNATURE',
    );
    const keyOnlySecret = mintSecret(signing, {
      integrationId: keyOnly.integrationId,
      keyId: keyOnlyKey.facts.keyId,
      key: keyOnlyKey.material,
      iat,
    });
    expect((await verify(instance, { authorization: `Bearer ${keyOnlySecret}` })).statusCode).toBe(401);
    expect((await verify(instance, { authorization: `Bearer ${keyOnlyKey.material}` })).statusCode).toBe(200);
    // A Secret of a revoked key: the key inside decides.
    const revokedSecret = mintSecret(signing, {
      integrationId: plain.integrationId,
      keyId: revoked.facts.keyId,
      key: revoked.material,
      iat,
    });
    expect(
      (await verify(instance, { authorization: `Bearer ${revokedSecret}` })).headers['x-keyward-code'],
    ).toBe('KEY_REVOKED');
  });

  it("Secrets: a retired signing key's own Secrets verify; one it signed after retirement, or one living longer than a vault mints, does not", async () => {
    const retired = newSigningKey();
    const retiredAt = NOW - 3 * 3_600_000;
    await storage.applyBatch(
      batch([
        {
          op: 'putSigningKey',
          signingKey: { kid: retired.kid, x: retired.x, createdAt: NOW - 9 * DAY, retiredAt },
        },
      ]),
      { deviceId: null, now: NOW },
    );
    const instance = await server();
    const secret = (key: { kid: string; privateKey: KeyObject }, iat: number, lifetimeSeconds?: number) =>
      mintSecret(key, {
        integrationId: secretOnly.integrationId,
        keyId: secretOnlyKey.facts.keyId,
        key: secretOnlyKey.material,
        iat,
        ...(lifetimeSeconds === undefined ? {} : { lifetimeSeconds }),
      });
    const code = async (token: string) =>
      (await verify(instance, { authorization: `Bearer ${token}` })).headers['x-keyward-code'] ?? 'OK';
    const seconds = (ms: number) => Math.floor(ms / 1000);
    // Minted before the rotation, still within its 24 h: accepted.
    expect(await code(secret(retired, seconds(retiredAt) - 3600))).toBe('OK');
    // Signed with the retired key after the rotation (a vault never does): forged.
    expect(await code(secret(retired, seconds(retiredAt) + 600))).toBe('BAD_SIGNATURE');
    // A lifetime no vault mints (over 7 days), with the current key: forged.
    expect(await code(secret(signing, seconds(NOW) - 60, 8 * 86_400))).toBe('BAD_SIGNATURE');
    expect(await code(secret(signing, seconds(NOW) - 60, 7 * 86_400))).toBe('OK');
    // The JWKS keeps a retired key while its Secrets may live (7 days at most), then drops it.
    const kids = async (at: number) => {
      const later = await server({ now: () => at });
      const jwks = (await later.app.inject({ url: '/v1/jwks.json' })).json<{ keys: { kid: string }[] }>();
      return jwks.keys.map((key) => key.kid).sort();
    };
    expect(await kids(NOW)).toEqual([signing.kid, retired.kid].sort());
    expect(await kids(retiredAt + 7 * DAY + 1)).toEqual([signing.kid]);
    // The vault deleting the key takes it off the server at once (and leaves the other tests as they were).
    await storage.applyBatch(batch([{ op: 'deleteSigningKey', kid: retired.kid }]), {
      deviceId: null,
      now: NOW,
    });
    const after = await server();
    expect(
      (await verify(after, { authorization: `Bearer ${secret(retired, seconds(retiredAt) - 3600)}` }))
        .headers['x-keyward-code'],
    ).toBe('BAD_SIGNATURE');
  });

  it('reads X-Forwarded-For / X-Real-IP only from a trusted proxy', async () => {
    const direct = await server();
    const spoofed = await verify(direct, { 'x-api-key': fencedKey.material, 'x-forwarded-for': '10.1.2.3' });
    expect(spoofed.headers['x-keyward-code']).toBe('IP_NOT_ALLOWED');
    expect(
      (await verify(direct, { 'x-api-key': fencedKey.material }, { remoteAddress: '10.9.8.7' })).statusCode,
    ).toBe(200);

    const behindProxy = await server({ trustedProxies: ['127.0.0.1/32'] });
    expect(
      (await verify(behindProxy, { 'x-api-key': fencedKey.material, 'x-forwarded-for': '10.1.2.3' }))
        .statusCode,
    ).toBe(200);
    expect(
      (await verify(behindProxy, { 'x-api-key': fencedKey.material, 'x-real-ip': '10.1.2.3' })).statusCode,
    ).toBe(200);
    // The client can prepend anything: only the hop the proxy itself added counts.
    const chained = await verify(behindProxy, {
      'x-api-key': fencedKey.material,
      'x-forwarded-for': '10.1.2.3, 203.0.113.9',
    });
    expect(chained.headers['x-keyward-code']).toBe('IP_NOT_ALLOWED');
    // A peer that is not a trusted proxy is not believed.
    const other = await verify(
      behindProxy,
      { 'x-api-key': fencedKey.material, 'x-forwarded-for': '10.1.2.3' },
      { remoteAddress: '198.51.100.4' },
    );
    expect(other.headers['x-keyward-code']).toBe('IP_NOT_ALLOWED');
  });

  it('limits failed verifications per IP and each integration to its published limit: 429 with headers', async () => {
    const instance = await server({ failedLimit: { requests: 3, windowSeconds: 60 } });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const refused = await verify(
        instance,
        { 'x-api-key': keyFacts(plain.integrationId).material },
        { remoteAddress: '203.0.113.50' },
      );
      expect(refused.statusCode).toBe(401);
    }
    const limited429 = await verify(
      instance,
      { 'x-api-key': active.material },
      { remoteAddress: '203.0.113.50' },
    );
    expect(limited429.statusCode).toBe(429);
    expect(limited429.json()).toEqual({
      error: { code: 'RATE_LIMITED', message: expect.any(String) as unknown },
    });
    expect(limited429.headers['retry-after']).toBe('60');
    expect(limited429.headers['ratelimit-policy']).toBe('"failed";q=3;w=60');
    expect(limited429.headers.ratelimit).toBe('"failed";r=0;t=60');
    // Another address is not affected.
    expect(
      (await verify(instance, { 'x-api-key': active.material }, { remoteAddress: '203.0.113.51' }))
        .statusCode,
    ).toBe(200);

    const first = await verify(instance, { 'x-api-key': limitedKey.material });
    expect(first.statusCode).toBe(200);
    expect(first.headers['ratelimit-policy']).toBe('"integration";q=2;w=60');
    expect(first.headers.ratelimit).toBe('"integration";r=1;t=60');
    expect((await verify(instance, { 'x-api-key': limitedKey.material })).statusCode).toBe(200);
    const third = await verify(instance, { 'x-api-key': limitedKey.material });
    expect(third.statusCode).toBe(429);
    expect(third.headers['retry-after']).toBe('60');
    expect(third.headers['x-keyward-code']).toBe('RATE_LIMITED');
  });

  it('logs every verification in batches, never a write per request', async () => {
    const instance = await server();
    const append = vi.spyOn(storage, 'appendRequests');
    for (let index = 0; index < 200; index += 1) {
      await verify(
        instance,
        { 'x-api-key': index % 2 === 0 ? active.material : 'nope' },
        { remoteAddress: `192.0.2.${index % 50}` },
      );
    }
    expect(append).not.toHaveBeenCalled();
    await instance.context.requestLog.flush();
    expect(append).toHaveBeenCalledTimes(1);
    append.mockRestore();
    const logged = (await storage.recentRequests({ keyId: active.facts.keyId, limit: 1000 })).filter(
      (entry) => entry.instance === instance.context.instance,
    );
    // 100 accepted verifications from 25 addresses, all in one second: a row per address, 4 calls each.
    expect(logged.reduce((sum, entry) => sum + (entry.calls ?? 1), 0)).toBe(100);
    expect(new Set(logged.map((entry) => entry.clientIp)).size).toBe(25);
    expect(logged).toHaveLength(25);
    expect(logged[0]).toMatchObject({ outcome: 'OK', integrationId: plain.integrationId, at: NOW, calls: 4 });
  });

  it('serves /healthz, /readyz, /metrics, /v1/jwks.json and an OpenAPI document from the route schemas', async () => {
    const instance = await server();
    await verify(instance, { 'x-api-key': active.material });
    expect((await instance.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await instance.app.inject({ url: '/readyz' })).json()).toMatchObject({
      status: 'ready',
      keys: keys.length,
    });
    const metrics = (await instance.app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('keyward_verifications_total{outcome="OK"} 1');
    expect(metrics).toContain('keyward_verify_duration_seconds_bucket{le="+Inf"} 1');
    expect(metrics).toContain(`keyward_index_keys ${keys.length}`);
    expect(metrics).toContain('keyward_publish_lag_seconds');
    expect((await instance.app.inject({ url: '/v1/jwks.json' })).json()).toEqual({
      keys: [{ kty: 'OKP', crv: 'Ed25519', x: signing.x, kid: signing.kid, alg: 'EdDSA', use: 'sig' }],
    });
    const openapi = (await instance.app.inject({ url: '/v1/openapi.json' })).json<{
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
    }>();
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths['/v1/verify'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(openapi.paths['/v1/verify']?.get?.responses ?? {})).toEqual([
      '200',
      '401',
      '403',
      '429',
      '503',
    ]);
    expect(openapi.paths['/v1/publish']?.post?.requestBody).toBeDefined();
  });

  it('never logs a credential: Authorization and X-API-Key are redacted', async () => {
    let logged = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    const instance = await server({ logger: { level: 'info', stream }, logRequests: true });
    await verify(instance, { authorization: `Bearer ${active.material}` });
    await verify(instance, { 'x-api-key': inGrace.material });
    expect(logged).toContain('/v1/verify');
    expect(logged).toContain('[Redacted]');
    expect(logged).not.toContain(active.material.slice(3, 20));
    expect(logged).not.toContain(inGrace.material.slice(3, 20));
  });
});
