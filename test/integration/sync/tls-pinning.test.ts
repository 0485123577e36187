import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeywardServer } from '../../../server/keyward-server.ts';
import { openStorage } from '../../../server/storage/open-storage.ts';
import { KeywardError } from '../../../shared/errors.ts';
import { freshStorage } from '../../support/server-fixtures.ts';
import { enrolmentCode } from '../../support/sync-fixtures.ts';
import { createTestEngine } from '../../support/temp-engine.ts';
import { makeTempDir } from '../../support/temp-vault.ts';

const PASSWORD = 'correct horse battery staple';

/** A throwaway self-signed certificate for 127.0.0.1 from Debian's openssl. */
function selfSigned(dir: string, name: string): { cert: Buffer; key: Buffer; pem: string } {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, `${name}.key`),
      '-out',
      join(dir, `${name}.pem`),
    ],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(join(dir, `${name}.pem`));
  return { cert, key: readFileSync(join(dir, `${name}.key`)), pem: cert.toString('utf8') };
}

async function codeOf(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (error) {
    return error instanceof KeywardError ? `${error.code}: ${error.message}` : String(error);
  }
  return 'no error';
}

describe('https to the server: system CAs or a pinned certificate', () => {
  const temp = makeTempDir('keyward-sync-tls-');
  const closers: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const close of closers.reverse()) {
      await close();
    }
    temp.cleanup();
  });

  it('a matching pin connects; another certificate or no pin is SERVER_UNTRUSTED; a changed certificate stops publishing', async () => {
    const served = selfSigned(temp.dir, 'served');
    const other = selfSigned(temp.dir, 'other');
    const fresh = await freshStorage('sqlite');
    closers.push(fresh.cleanup);
    let server = new KeywardServer({
      storage: fresh.storage,
      port: 0,
      https: served,
      pollIntervalMs: 60_000,
    });
    const base = await server.start();
    closers.push(() => server.close());
    await server.ready();
    expect(base).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const made = await createTestEngine({ password: PASSWORD, start: Date.now() });
    closers.push(made.cleanup);
    const { engine } = made;
    await engine.reauthenticate({ password: PASSWORD });
    const code = await enrolmentCode(fresh.storage);

    // Self-signed: the system's CAs do not trust it.
    expect(await codeOf(() => engine.connectServer({ url: base, code }))).toMatch(
      /^SERVER_UNTRUSTED: The certificate of 127\.0\.0\.1:\d+ is not trusted/,
    );
    expect(await codeOf(() => engine.connectServer({ url: base, code, pinnedCertPem: other.pem }))).toMatch(
      /^SERVER_UNTRUSTED: The certificate of .* does not match the pinned certificate/,
    );
    expect(
      await codeOf(() => engine.connectServer({ url: base, code, pinnedCertPem: 'not a cert' })),
    ).toMatch(/^INVALID_INPUT/);
    // Nothing was enrolled by the refused attempts: the code still works.
    const status = await engine.connectServer({ url: base, code, pinnedCertPem: served.pem });
    expect(status).toMatchObject({ state: 'up-to-date', server: { url: base } });
    expect(status.server?.pinnedCertSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);

    // The server comes back with another certificate: publishing stops with the reason.
    await server.close();
    const port = Number(new URL(base).port);
    const storage2 = await openStorage({ dataDir: fresh.dataDir });
    closers.push(() => storage2.close());
    server = new KeywardServer({ storage: storage2, port, https: other, pollIntervalMs: 60_000 });
    await server.start();
    engine.createIntegration({ name: 'Billing', platform: 'server' });
    const refused = await engine.publishNow();
    expect(refused).toMatchObject({ state: 'error', waiting: 2 });
    expect(refused.reason).toMatch(/does not match the pinned certificate/);
  });
});
