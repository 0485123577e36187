// The lean /v1/verify path (server/http/fast-verify.ts) answers over a real socket exactly as the
// Fastify route does (the one `inject` reaches): same status, headers and body, for every kind of
// answer, and it leaves everything else to Fastify.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeywardServer } from '../../../server/keyward-server.ts';
import type { Storage } from '../../../server/storage/storage.ts';
import { batch, DAY, freshStorage, integrationFacts, keyFacts } from '../../support/server-fixtures.ts';

/** Headers that differ per connection or per second, not per answer. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

function comparable(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !TRANSPORT.has(name)));
}

describe('/v1/verify: the lean path and the Fastify route answer alike', () => {
  let storage: Storage;
  let cleanup: () => Promise<void>;
  let server: KeywardServer;
  let base = '';
  const plain = integrationFacts({ integrationName: 'Plain – ünïcode' });
  const active = keyFacts(plain.integrationId);
  const inGrace = keyFacts(plain.integrationId, { status: 'grace', graceEndsAt: Date.now() + DAY });
  const revoked = keyFacts(plain.integrationId, { status: 'revoked', endedAt: Date.now() - DAY });
  const fenced = integrationFacts({ ipAcl: ['10.0.0.0/8'] });
  const fencedKey = keyFacts(fenced.integrationId);
  const limited = integrationFacts({ rateLimit: { requests: 1000, windowSeconds: 60 } });
  const limitedKey = keyFacts(limited.integrationId);

  beforeAll(async () => {
    ({ storage, cleanup } = await freshStorage('sqlite'));
    await storage.applyBatch(
      batch(
        [
          ...[plain, fenced, limited].map((integration) => ({ op: 'putIntegration' as const, integration })),
          ...[active, inGrace, revoked, fencedKey, limitedKey].map((key) => ({
            op: 'putKey' as const,
            key: key.facts,
          })),
        ],
        { snapshot: true },
      ),
      { deviceId: null, now: Date.now() },
    );
    server = new KeywardServer({ storage, port: 0, failedLimit: { requests: 10_000, windowSeconds: 60 } });
    base = await server.start();
    await server.ready();
  });
  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  const cases: [string, Record<string, string>, string?][] = [
    ['an active key (X-API-Key)', { 'x-api-key': active.material }],
    ['an active key (Bearer)', { authorization: `Bearer ${active.material}` }],
    ['a key in grace', { 'x-api-key': inGrace.material }],
    ['a revoked key', { 'x-api-key': revoked.material }],
    ['an unknown key', { 'x-api-key': keyFacts(plain.integrationId).material }],
    ['garbage', { 'x-api-key': 'not a key' }],
    ['no credential', {}],
    ['a key from outside the ACL', { 'x-api-key': fencedKey.material }],
    ['a rate-limited integration', { 'x-api-key': limitedKey.material }],
    ['a query string', { 'x-api-key': active.material }, '/v1/verify?from=nginx'],
  ];

  it.each(cases)('%s', async (_name, headers, path = '/v1/verify') => {
    const socket = await fetch(`${base}${path}`, { headers });
    const body = await socket.text();
    const routed = await server.app.inject({ method: 'GET', url: path, headers, remoteAddress: '127.0.0.1' });
    expect(socket.status).toBe(routed.statusCode);
    const socketHeaders = comparable(Object.fromEntries(socket.headers));
    const routedHeaders = comparable(routed.headers as Record<string, string>);
    if ('ratelimit' in routedHeaders) {
      // One request later: one fewer left.
      expect(socketHeaders.ratelimit).toMatch(/^"integration";r=\d+;t=\d+$/);
      delete socketHeaders.ratelimit;
      delete routedHeaders.ratelimit;
    }
    expect(socketHeaders).toEqual(routedHeaders);
    expect(body).toBe(routed.body);
  });

  it('POST with and without a body, HEAD, and other routes still work over the socket', async () => {
    const empty = await fetch(`${base}/v1/verify`, {
      method: 'POST',
      headers: { 'x-api-key': active.material },
    });
    expect(empty.status).toBe(200);
    expect(empty.headers.get('x-keyward-key-id')).toBe(active.facts.keyId);
    const withBody = await fetch(`${base}/v1/verify`, {
      method: 'POST',
      headers: { 'x-api-key': active.material, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(withBody.status).toBe(200);
    expect(await withBody.json()).toMatchObject({ keyId: active.facts.keyId, status: 'active' });
    const head = await fetch(`${base}/v1/verify`, {
      method: 'HEAD',
      headers: { 'x-api-key': active.material },
    });
    expect(head.status).toBe(200);
    const put = await fetch(`${base}/v1/verify`, {
      method: 'PUT',
      headers: { 'x-api-key': active.material },
    });
    expect(put.status).toBe(404);
    expect(put.headers.get('x-keyward-code')).toBe('NOT_FOUND');
    expect((await fetch(`${base}/v1/verify/`)).status).toBe(404);
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/keyward_verifications_total\{outcome="OK"\} \d+/);
  });
});
