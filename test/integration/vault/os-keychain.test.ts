import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OsKeychain } from '../../../electron/vault/keychain/os-keychain.ts';
import { Vault } from '../../../electron/vault/vault.ts';
import { createSystemClock } from '../../../electron/vault/clock.ts';
import { makeTempDir } from '../../support/temp-vault.ts';

const realKeyring = process.env['KEYWARD_TEST_KEYRING'] === '1';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

describe.skipIf(!realKeyring)('the real OS keychain (gnome-keyring on a private D-Bus)', () => {
  if (!realKeyring) {
    console.log('skipped: run under scripts/with-keyring.sh (npm test does) for a real Secret Service');
  }
  const service = `Keyward-test-${randomUUID()}`;

  it('stores, reads and deletes a secret', async () => {
    const keychain = new OsKeychain(service);
    expect(await keychain.probe()).toEqual({ available: true });
    await keychain.set('account-a', 'c2VjcmV0');
    expect(await keychain.get('account-a')).toBe('c2VjcmV0');
    expect(await keychain.delete('account-a')).toBe(true);
    expect(await keychain.get('account-a')).toBeNull();
    expect(await keychain.delete('account-a')).toBe(false);
  });

  it('remember on this device: a new process unlocks with no password; forget removes the entry', async () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const path = join(dir, 'keyward.vault');
    const deps = { path, clock: createSystemClock(), keychain: new OsKeychain(service) };
    const vault = new Vault(deps);
    await vault.create('remember me please');
    await vault.remember();
    const vaultId = vault.vaultId();
    vault.lock();
    expect(await new OsKeychain(service).get(`vault:${vaultId}`)).toMatch(/^[A-Za-z0-9+/]{43}=$/);

    const again = new Vault(deps);
    await again.unlockWithKeychain();
    expect(again.isUnlocked).toBe(true);
    again.lock();

    expect(await again.forget()).toBe(true);
    expect(await new OsKeychain(service).get(`vault:${vaultId}`)).toBeNull();
  });
});

describe('no Secret Service (headless Linux)', () => {
  it.skipIf(process.platform !== 'linux')(
    'says clearly that the keychain is unavailable, and the password still unlocks',
    () => {
      const { dir, cleanup } = makeTempDir();
      cleanups.push(cleanup);
      const script = `
        import { Vault } from ${JSON.stringify(join(process.cwd(), 'electron/vault/vault.ts'))};
        import { OsKeychain } from ${JSON.stringify(join(process.cwd(), 'electron/vault/keychain/os-keychain.ts'))};
        import { createSystemClock } from ${JSON.stringify(join(process.cwd(), 'electron/vault/clock.ts'))};
        const vault = new Vault({ path: ${JSON.stringify(join(dir, 'v.vault'))}, clock: createSystemClock(), keychain: new OsKeychain('Keyward-test') });
        await vault.create('headless password');
        const out = { probe: await vault.status().then((s) => s.keychain) };
        try { await vault.remember(); out.remember = 'stored'; } catch (e) { out.remember = e.code; out.message = e.message; }
        vault.lock();
        await vault.unlockWithPassword('headless password');
        out.unlockedWithPassword = vault.isUnlocked;
        vault.lock();
        console.log(JSON.stringify(out));
      `;
      const env = { ...process.env };
      delete env['DBUS_SESSION_BUS_ADDRESS'];
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        env,
        encoding: 'utf8',
      });
      expect(result.status, result.stderr).toBe(0);
      const out = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(out['probe']).toMatchObject({ available: false, remembered: false });
      expect(out['remember']).toBe('KEYCHAIN_UNAVAILABLE');
      expect(out['message']).toMatch(/no D-Bus session bus/);
      expect(out['message']).toMatch(/never falls back/);
      expect(out['unlockedWithPassword']).toBe(true);
    },
  );
});
