import { MIGRATIONS } from '../../../electron/vault/db/migrations/index.ts';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { KeywardError } from '../../../shared/errors.ts';
import { readVaultHeader } from '../../../electron/vault/vault-header.ts';
import { codeOfAsync as codeOf, sha256File as sha256 } from '../../support/checks.ts';
import { makeTestVault, MemoryKeychain } from '../../support/temp-vault.ts';

const PASSWORD = 'correct horse battery staple';
const cleanups: (() => void)[] = [];
function setup(...args: Parameters<typeof makeTestVault>) {
  const made = makeTestVault(...args);
  cleanups.push(() => {
    made.vault.lock();
    made.cleanup();
  });
  return made;
}
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

describe('creating a vault', () => {
  it('creates an unlocked vault that a new process can unlock with the password', async () => {
    const { vault, reopen } = setup();
    await vault.create(PASSWORD);
    expect(vault.isUnlocked).toBe(true);
    vault.database().exec('CREATE TABLE notes (body TEXT) STRICT');
    vault.database().prepare('INSERT INTO notes VALUES (?)').run('kept across unlocks');
    vault.lock();

    const again = reopen();
    await again.unlockWithPassword(PASSWORD);
    expect(again.database().prepare('SELECT body FROM notes').get()).toEqual({ body: 'kept across unlocks' });
    again.lock();
  });

  it('stores Argon2id parameters of at least 64 MiB and t=3 in the header', async () => {
    const { vault } = setup();
    await vault.create(PASSWORD);
    const header = readVaultHeader(vault.files.header);
    expect(header.kdf.algorithm).toBe('argon2id');
    expect(header.kdf.memoryKiB).toBeGreaterThanOrEqual(65536);
    expect(header.kdf.iterations).toBeGreaterThanOrEqual(3);
    expect(Buffer.from(header.kdf.salt, 'base64')).toHaveLength(16);
  });

  it('refuses to create over an existing vault and leaves it untouched', async () => {
    const { vault, reopen } = setup();
    await vault.create(PASSWORD);
    vault.lock();
    const before = [sha256(vault.files.database), sha256(vault.files.header)];
    expect(await codeOf(reopen().create('another password'))).toBe('VAULT_EXISTS');
    expect([sha256(vault.files.database), sha256(vault.files.header)]).toEqual(before);
    await reopen().unlockWithPassword(PASSWORD);
  });

  it('rejects a master password shorter than 8 characters', async () => {
    const { vault } = setup();
    expect(await codeOf(vault.create('short'))).toBe('INVALID_INPUT');
    expect(vault.exists()).toBe(false);
  });

  it('refuses Argon2id parameters below the 64 MiB / t=3 floor', () => {
    expect(() => setup({ kdfTuning: { memoryKiB: 1024, iterations: 1, parallelism: 1 } })).toThrow(
      /below 64 MiB/,
    );
  });
});

describe('unlocking', () => {
  it('gives WRONG_PASSWORD for a wrong password and stays locked', async () => {
    const { vault } = setup();
    await vault.create(PASSWORD);
    vault.lock();
    expect(await codeOf(vault.unlockWithPassword('not the password'))).toBe('WRONG_PASSWORD');
    expect(vault.isUnlocked).toBe(false);
    expect(() => vault.database()).toThrow(KeywardError);
  });

  it('backs off exponentially after three failures, and a restart does not reset it', async () => {
    const { vault, clock, reopen } = setup();
    await vault.create(PASSWORD);
    vault.lock();
    for (let i = 0; i < 3; i++) {
      expect(await codeOf(vault.unlockWithPassword(`wrong ${i}`))).toBe('WRONG_PASSWORD');
    }
    // Fourth failure is still evaluated (3 free), then a wait is required.
    const restarted = reopen();
    const locked = await restarted.unlockWithPassword(PASSWORD).catch((error: unknown) => error);
    expect(locked).toBeInstanceOf(KeywardError);
    expect((locked as KeywardError).code).toBe('LOCKED_OUT');
    expect((locked as KeywardError).retryAfterMs).toBe(1000);

    clock.advance(1000);
    expect(await codeOf(restarted.unlockWithPassword('wrong again'))).toBe('WRONG_PASSWORD');
    const second = await restarted.unlockWithPassword(PASSWORD).catch((error: unknown) => error);
    expect((second as KeywardError).retryAfterMs).toBe(2000);

    clock.advance(2000);
    await restarted.unlockWithPassword(PASSWORD);
    expect(restarted.isUnlocked).toBe(true);
    expect((await restarted.status()).lockout.failures).toBe(0);
    restarted.lock();
  });

  it('reports a missing vault as VAULT_NOT_FOUND', async () => {
    const { vault } = setup();
    expect(await codeOf(vault.unlockWithPassword(PASSWORD))).toBe('VAULT_NOT_FOUND');
  });

  it('reports a damaged header as VAULT_CORRUPT and never rewrites it', async () => {
    const { vault, reopen } = setup();
    await vault.create(PASSWORD);
    vault.lock();
    writeFileSync(vault.files.header, '{"format":"something-else"}');
    const before = sha256(vault.files.header);
    expect(await codeOf(reopen().unlockWithPassword(PASSWORD))).toBe('VAULT_CORRUPT');
    expect(sha256(vault.files.header)).toBe(before);
  });

  it('reports a tampered wrapped key as a wrong password, not a crash', async () => {
    const { vault, reopen } = setup();
    await vault.create(PASSWORD);
    vault.lock();
    const header = JSON.parse(readFileSync(vault.files.header, 'utf8')) as {
      kdf: { iterations: number };
    };
    header.kdf.iterations = 4; // parameters are bound to the wrap as authenticated data
    writeFileSync(vault.files.header, JSON.stringify(header));
    expect(await codeOf(reopen().unlockWithPassword(PASSWORD))).toBe('WRONG_PASSWORD');
  });

  it('reports a database that is not this vault as VAULT_CORRUPT and leaves it untouched', async () => {
    const { vault, reopen } = setup();
    await vault.create(PASSWORD);
    vault.lock();
    writeFileSync(vault.files.database, Buffer.alloc(8192, 7));
    const before = sha256(vault.files.database);
    expect(await codeOf(reopen().unlockWithPassword(PASSWORD))).toBe('VAULT_CORRUPT');
    expect(sha256(vault.files.database)).toBe(before);
  });
});

describe('locking', () => {
  it('closes the database and tells listeners why', async () => {
    const { vault } = setup();
    await vault.create(PASSWORD);
    const reasons: string[] = [];
    vault.onLock((reason) => reasons.push(reason));
    vault.lock('suspend');
    vault.lock('again');
    expect(reasons).toEqual(['suspend']);
    expect(await codeOf(Promise.resolve().then(() => vault.database()))).toBe('VAULT_LOCKED');
  });
});

describe('changing the master password', () => {
  it('re-keys the database: the new password opens the same data, the old one no longer does', async () => {
    const { vault, reopen } = setup();
    await vault.create(PASSWORD);
    vault.database().exec("CREATE TABLE t (v TEXT) STRICT; INSERT INTO t VALUES ('same data');");
    vault.lock();
    const databaseBefore = sha256(vault.files.database);
    const saltBefore = readVaultHeader(vault.files.header).kdf.salt;

    await reopen().changePassword(PASSWORD, 'a brand new passphrase');
    expect(sha256(vault.files.database)).not.toBe(databaseBefore); // every page under a new data key
    expect(readVaultHeader(vault.files.header).kdf.salt).not.toBe(saltBefore);
    expect(existsSync(vault.files.pendingHeader)).toBe(false);

    expect(await codeOf(reopen().unlockWithPassword(PASSWORD))).toBe('WRONG_PASSWORD');
    const withNew = reopen();
    await withNew.unlockWithPassword('a brand new passphrase');
    expect(withNew.database().prepare('SELECT v FROM t').get()).toEqual({ v: 'same data' });
    withNew.lock();
  });

  it('refuses with the wrong current password and changes nothing', async () => {
    const { vault, reopen } = setup();
    await vault.create(PASSWORD);
    vault.lock();
    const before = sha256(vault.files.header);
    expect(await codeOf(reopen().changePassword('wrong current', 'whatever new one'))).toBe('WRONG_PASSWORD');
    expect(sha256(vault.files.header)).toBe(before);
  });
});

describe('remember on this device', () => {
  it('unlocks from the keychain after remember, and not after forget', async () => {
    const keychain = new MemoryKeychain();
    const { vault, reopen } = setup({ keychain });
    await vault.create(PASSWORD);
    await vault.remember();
    vault.lock();
    expect(keychain.entries.size).toBe(1);
    // The keychain holds a device key, not the data key.
    const header = readVaultHeader(vault.files.header);
    expect(header.deviceWrap).not.toBeNull();

    const viaKeychain = reopen();
    await viaKeychain.unlockWithKeychain();
    expect(viaKeychain.isUnlocked).toBe(true);
    viaKeychain.lock();

    expect(await reopen().forget()).toBe(true);
    expect(keychain.entries.size).toBe(0);
    expect(await codeOf(reopen().unlockWithKeychain())).toBe('NOT_REMEMBERED');
    await reopen().unlockWithPassword(PASSWORD);
  });

  it('keeps working after a password change (the device wrap does not depend on the password)', async () => {
    const { vault, reopen } = setup();
    await vault.create(PASSWORD);
    await vault.remember();
    vault.lock();
    await reopen().changePassword(PASSWORD, 'the second passphrase');
    const viaKeychain = reopen();
    await viaKeychain.unlockWithKeychain();
    viaKeychain.lock();
  });

  it('says NOT_REMEMBERED when the keychain entry disappeared', async () => {
    const keychain = new MemoryKeychain();
    const { vault, reopen } = setup({ keychain });
    await vault.create(PASSWORD);
    await vault.remember();
    vault.lock();
    keychain.entries.clear();
    expect(await codeOf(reopen().unlockWithKeychain())).toBe('NOT_REMEMBERED');
  });

  it('requires an unlocked vault to remember', async () => {
    const { vault } = setup();
    await vault.create(PASSWORD);
    vault.lock();
    expect(await codeOf(vault.remember())).toBe('VAULT_LOCKED');
  });
});

describe('edge cases', () => {
  it('a missing header is VAULT_CORRUPT for status and forget too, not "no vault"', async () => {
    const { vault, reopen } = setup();
    await vault.create(PASSWORD);
    vault.lock();
    rmSync(vault.files.header);
    expect(await codeOf(reopen().status())).toBe('VAULT_CORRUPT');
    expect(await codeOf(reopen().forget())).toBe('VAULT_CORRUPT');
  });

  it('forget with nothing remembered and no keychain reachable is simply false', async () => {
    const keychain = new MemoryKeychain();
    keychain.delete = () => Promise.reject(new KeywardError('KEYCHAIN_UNAVAILABLE', 'none here'));
    const { vault } = setup({ keychain });
    await vault.create(PASSWORD);
    expect(await vault.forget()).toBe(false);
  });

  it('status tells "remembered but the keychain lost it" apart from "never remembered"', async () => {
    const keychain = new MemoryKeychain();
    const { vault } = setup({ keychain });
    await vault.create(PASSWORD);
    expect((await vault.status()).keychain).toMatchObject({ remembered: false, deviceKeyInHeader: false });
    await vault.remember();
    expect((await vault.status()).keychain).toMatchObject({ remembered: true, deviceKeyInHeader: true });
    keychain.entries.clear();
    expect((await vault.status()).keychain).toMatchObject({ remembered: false, deviceKeyInHeader: true });
  });

  it('a wrong password stays WRONG_PASSWORD even when the lockout counter cannot be written', async () => {
    const { vault, reopen } = setup();
    await vault.create(PASSWORD);
    vault.lock();
    mkdirSync(vault.files.lockout); // a folder where the counter file should be
    expect(await codeOf(reopen().unlockWithPassword('not it at all'))).toBe('WRONG_PASSWORD');
  });
});

describe('status', () => {
  it('reports state, KDF parameters and keychain state without secrets', async () => {
    const keychain = new MemoryKeychain();
    const { vault } = setup({ keychain });
    expect((await vault.status()).exists).toBe(false);
    await vault.create(PASSWORD);
    const status = await vault.status();
    expect(status).toMatchObject({
      exists: true,
      state: 'unlocked',
      cipher: 'chacha20',
      kdf: { algorithm: 'argon2id', memoryKiB: 65536, iterations: 3 },
      keychain: { available: true, remembered: false },
      lockout: { failures: 0, retryAfterMs: 0 },
      schemaVersion: MIGRATIONS.length,
    });
    expect(JSON.stringify(status)).not.toContain(PASSWORD);
    keychain.available = false;
    expect((await vault.status()).keychain).toMatchObject({ available: false, reason: 'test: none' });
  });
});
