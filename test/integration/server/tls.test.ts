import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeywardServer } from '../../../server/keyward-server.ts';
import { freshStorage } from '../../support/server-fixtures.ts';
import { selfSignedCert } from '../../support/tls-certs.ts';

describe('HTTPS with --tls-cert / --tls-key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves /v1/verify over TLS with the given certificate', async () => {
    const { cert, key } = selfSignedCert(dir, 'server', '127.0.0.1');
    const fresh = await freshStorage('sqlite');
    const server = new KeywardServer({
      storage: fresh.storage,
      port: 0,
      https: { cert, key },
    });
    try {
      const base = await server.start();
      expect(base).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      await server.ready();
      const { status, code } = await new Promise<{ status: number | undefined; code: unknown }>(
        (resolve, reject) => {
          const req = request(
            `${base}/v1/verify`,
            { ca: cert, headers: { 'x-api-key': 'kw_nope' } },
            (response) => {
              response.resume();
              response.on('end', () =>
                resolve({ status: response.statusCode, code: response.headers['x-keyward-code'] }),
              );
            },
          );
          req.on('error', reject);
          req.end();
        },
      );
      expect(status).toBe(401);
      expect(code).toBe('KEY_MALFORMED');
    } finally {
      await server.close();
      await fresh.cleanup();
    }
  });
});
