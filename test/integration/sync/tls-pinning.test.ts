import { afterAll, describe, expect, it } from 'vitest';
import { KeywardServer } from '../../../server/keyward-server.ts';
import { openStorage } from '../../../server/storage/open-storage.ts';
import { KeywardError } from '../../../shared/errors.ts';
import { freshStorage } from '../../support/server-fixtures.ts';
import { enrolmentCode } from '../../support/sync-fixtures.ts';
import { createTestEngine } from '../../support/temp-engine.ts';
import { selfSignedCert } from '../../support/tls-certs.ts';
import { makeTempDir } from '../../support/temp-vault.ts';

const PASSWORD = 'correct horse battery staple';

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
    const served = selfSignedCert(temp.dir, 'served', '127.0.0.1');
    const other = selfSignedCert(temp.dir, 'other', '127.0.0.1');
    const fresh = await freshStorage('sqlite');
    closers.push(fresh.cleanup);
    let server = new KeywardServer({
      storage: fresh.storage,
      port: 0,
      https: { cert: served.cert, key: served.key },
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
    // Another certificate pinned: the pin is compared first, and both fingerprints are named.
    const mismatch = await codeOf(() => engine.connectServer({ url: base, code, pinnedCertPem: other.pem }));
    expect(mismatch).toMatch(
      /^SERVER_UNTRUSTED: The certificate of 127\.0\.0\.1:\d+ does not match the pinned certificate/,
    );
    expect(mismatch).toContain(`presents SHA-256 ${served.sha256}`);
    expect(mismatch).toContain(`the pin is SHA-256 ${other.sha256}`);
    expect(mismatch).not.toMatch(/not trusted|DEPTH_ZERO/);
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
    server = new KeywardServer({
      storage: storage2,
      port,
      https: { cert: other.cert, key: other.key },
      pollIntervalMs: 60_000,
    });
    await server.start();
    engine.createIntegration({ name: 'Billing', platform: 'server' });
    const refused = await engine.publishNow();
    expect(refused).toMatchObject({ state: 'error', waiting: 2 });
    expect(refused.reason).toMatch(/does not match the pinned certificate/);
    expect(refused.reason).toContain(`presents SHA-256 ${other.sha256}`);
    expect(refused.reason).toContain(`the pin is SHA-256 ${served.sha256}`);
  });
});
