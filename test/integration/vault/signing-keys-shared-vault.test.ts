import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ActivityLog } from '../../../electron/vault/audit/activity-log.ts';
import { openVaultDatabase } from '../../../electron/vault/db/open-database.ts';
import { createVaultKeys } from '../../../electron/vault/keys/vault-keys.ts';
import { SecretMinter } from '../../../electron/vault/secrets/secret-minter.ts';
import { SigningKeys } from '../../../electron/vault/secrets/signing-keys.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { makeTempDir } from '../../support/temp-vault.ts';

const VAULT_ID = '5b0f3c1e-8a4d-4f2b-9e7a-1c2d3e4f5a6b';

/**
 * The app and the CLI side by side: two connections on one encrypted vault file, each with the
 * signing-key service and minter an unlocked engine has (as two processes would have them).
 */
function sharedVault(cleanups: (() => void)[]) {
  const { dir, cleanup } = makeTempDir();
  cleanups.push(cleanup);
  const path = join(dir, 'shared.vault');
  const dataKey = randomBytes(32);
  const clock = new FakeClock(Date.UTC(2026, 11, 6, 9));
  const side = (create: boolean) => {
    const db = openVaultDatabase(path, { dataKey, create });
    cleanups.unshift(() => db.close());
    const log = new ActivityLog(db, clock);
    const keys = createVaultKeys({ db, clock, log });
    const signingKeys = new SigningKeys(db, clock, log);
    const minter = new SecretMinter({ lifecycle: keys.lifecycle, signingKeys, clock, vaultId: VAULT_ID });
    return { db, log, signingKeys, minter, integrations: keys.integrations };
  };
  const app = side(true);
  const cli = side(false);
  return { app, cli };
}

describe('signing keys on a vault two processes share', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) {
      cleanup();
    }
  });

  it('both making the first signing key at once end with one key, which both sign with', async () => {
    const { app, cli } = sharedVault(cleanups);
    const [fromApp, fromCli] = await Promise.all([
      app.signingKeys.currentKey(),
      cli.signingKeys.currentKey(),
    ]);
    expect(fromCli.kid).toBe(fromApp.kid);
    const rows = app.db.prepare('SELECT kid, retired_at FROM signing_keys').all();
    expect(rows).toEqual([{ kid: fromApp.kid, retired_at: null }]);
    expect(app.signingKeys.jwks().keys.map((key) => key.kid)).toEqual([fromApp.kid]);
  });

  it('after the other process rotated the signing key, Secrets are signed with the new one, not the cached retired one', async () => {
    const { app, cli } = sharedVault(cleanups);
    const { integration } = app.integrations.createIntegration(
      { name: 'Billing', platform: 'server' },
      { actor: 'owner@test' },
    );
    const before = await app.minter.mint(integration.id, 1);
    const rotatedTo = await cli.signingKeys.rotate({ actor: 'cli' });
    expect(rotatedTo).not.toBe(before.kid);
    // A server refuses a Secret its retired key signed after the rotation (BAD_SIGNATURE).
    const after = await app.minter.mint(integration.id, 1);
    expect(after.kid).toBe(rotatedTo);
    expect(
      app.signingKeys
        .jwks()
        .keys.map((key) => key.kid)
        .sort(),
    ).toEqual([before.kid, rotatedTo].sort());
  });
});
