import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeywardServer } from '../../../server/keyward-server.ts';
import type { Storage } from '../../../server/storage/storage.ts';
import { batch, freshStorage, integrationFacts, keyFacts } from '../../support/server-fixtures.ts';

/** A small deterministic PRNG (mulberry32) so a failure can be replayed from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fuzzing the server with malformed requests', () => {
  let storage: Storage;
  let cleanup: () => Promise<void>;
  let server: KeywardServer;
  let base: string;
  const integration = integrationFacts({ ipAcl: ['10.0.0.0/8'] });
  const key = keyFacts(integration.integrationId);

  beforeAll(async () => {
    ({ storage, cleanup } = await freshStorage('sqlite'));
    await storage.applyBatch(
      batch([
        { op: 'putIntegration', integration },
        { op: 'putKey', key: key.facts },
      ]),
      {
        deviceId: null,
        now: Date.now(),
      },
    );
    server = new KeywardServer({ storage, port: 0, failedLimit: { requests: 1_000_000, windowSeconds: 60 } });
    base = await server.start();
    await server.ready();
  });
  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  it(
    'answers 3000 random malformed requests with a typed error, never a 500',
    { timeout: 90_000 },
    async () => {
      const random = prng(20261206);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
      const bytes = (length: number): string =>
        Array.from({ length }, () => String.fromCharCode(Math.floor(random() * 256))).join('');
      const tokens = [
        () => key.material.slice(0, Math.floor(random() * key.material.length)),
        () => `${key.material}${bytes(3)}`,
        () => 'x'.repeat(Math.floor(random() * 20_000)),
        () => `${bytes(20)}.${bytes(40)}.${bytes(86)}`,
        () => `eyJhbGciOiJFZERTQSJ9.${'A'.repeat(Math.floor(random() * 500))}.${'B'.repeat(86)}`,
        () => Buffer.from(bytes(64), 'latin1').toString('base64'),
        () => 'kw_' + '0'.repeat(49),
        () => '....',
        () => '',
      ];
      const bodies = [
        '{',
        '{"batchId":1}',
        'null',
        '[]',
        '"x"',
        bytes(200),
        '{"ops":[{"op":"putKey"}]}',
        '\u0000\u0001',
      ];
      const urls = [
        '/v1/verify',
        '/v1/verify',
        '/v1/verify',
        '/v1/verify?x=%',
        '/v1/publish',
        '/v1/devices/enrol',
        '/v1/auth/token',
        '/v1/auth/challenge',
        '/v1/devices/%zz/revoke',
        '/v1/usage?limit=-1',
        '/v1/usage/summary?integrationId=%',
        '/v1/test',
        '/v1/enrolment-codes',
        '/nope',
        '/v1/jwks.json',
        `/${bytes(10).replace(/[^\x21-\x7e]/g, 'a')}`,
      ];
      const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const;
      const contentTypes = [
        'application/json',
        'text/plain',
        'application/octet-stream',
        'multipart/form-data; boundary=x',
        'application/json; charset=latin1',
      ];
      const statuses = new Map<number, number>();
      for (let round = 0; round < 3000; round += 1) {
        const headers: Record<string, string> = {};
        const token = pick(tokens)().replace(/[\r\n]/g, '');
        if (random() < 0.5) {
          headers.authorization = `${pick(['Bearer ', 'bearer ', 'Basic ', '', 'Bearer\t'])}${token}`;
        } else if (random() < 0.7) {
          headers['x-api-key'] = token;
        }
        if (random() < 0.4) {
          headers['x-forwarded-for'] = pick([
            '1.2.3.4',
            '::1, 10.0.0.1',
            'garbage',
            '999.1.1.1',
            bytes(30).replace(/[\r\n]/g, ''),
          ]);
        }
        const method = pick(methods);
        const hasBody = method !== 'GET' && method !== 'HEAD' && random() < 0.7;
        if (hasBody) {
          headers['content-type'] = pick(contentTypes);
        }
        const response = await server.app.inject({
          method,
          url: pick(urls),
          headers,
          ...(hasBody ? { payload: pick(bodies) } : {}),
        });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        expect(response.statusCode, `round ${round}`).toBeLessThan(500);
        if (response.statusCode >= 400 && method !== 'HEAD') {
          const body = response.json<{ error: { code: string; message: string } }>();
          expect(
            typeof body.error?.code,
            `${method} ${response.statusCode} ${response.body.slice(0, 200)}`,
          ).toBe('string');
          expect(response.headers['x-keyward-code']).toBe(body.error.code);
        }
      }
      console.log(`fuzz statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
    },
  );

  it(
    'survives raw garbage on the socket (binary, huge headers, broken HTTP) and keeps answering',
    { timeout: 90_000 },
    async () => {
      const { port } = new URL(base);
      const random = prng(7);
      const payloads = [
        Buffer.from(
          'GET /v1/verify HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ' + 'A'.repeat(100_000) + '\r\n\r\n',
        ),
        Buffer.from(Array.from({ length: 4096 }, () => Math.floor(random() * 256))),
        Buffer.from('POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\nabc'),
        Buffer.from('GET /v1/verify HTTP/1.1\r\nX-API-Key: \u0000\u00ff\r\n\r\n', 'latin1'),
        Buffer.from('GARBAGE\r\n\r\n'),
      ];
      for (let round = 0; round < 50; round += 1) {
        await new Promise<void>((resolve) => {
          const socket = connect(Number(port), '127.0.0.1', () => {
            socket.end(payloads[round % payloads.length] as Buffer);
          });
          socket.on('data', (chunk: Buffer) => {
            expect(chunk.toString('latin1')).not.toMatch(/^HTTP\/1\.1 5\d\d/);
          });
          socket.on('error', () => resolve());
          socket.on('close', () => resolve());
          socket.setTimeout(2000, () => socket.destroy());
        });
      }
      const ok = await fetch(`${base}/v1/verify`, {
        headers: { 'x-api-key': key.material, 'x-forwarded-for': '10.0.0.1' },
      });
      expect(ok.status).toBe(403); // 127.0.0.1 is not a trusted proxy, so the ACL sees 127.0.0.1
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    },
  );
});
