// Issue 10 §3.4: changing the master password shuts the old one out. The database is re-keyed with
// a new data key, so an old header (a backup's) plus the old password no longer opens the live
// vault; each backup opens only itself, with the password it was made under. And a crash between
// the re-key and the new header never leaves a vault no password opens.
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deriveKeyFromPassword, newKdfParams } from '../../../electron/vault/crypto/kdf.ts';
import { unwrapKey, wrapKey } from '../../../electron/vault/crypto/key-wrap.ts';
import { applyRawKey, openVaultDatabase } from '../../../electron/vault/db/open-database.ts';
import { KeywardEngine } from '../../../electron/vault/keyward-engine.ts';
import { passwordWrapContext, readVaultHeader } from '../../../electron/vault/vault-header.ts';
import type { VaultHeader } from '../../../electron/vault/vault-header.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { makeTempDir, makeTestVault, MemoryKeychain } from '../../support/temp-vault.ts';
import { codeOfAsync as codeOf } from '../../support/checks.ts';
import { engineInternals } from '../../support/engine-internals.ts';

const WEAK_TUNING = { memoryKiB: 1024, iterations: 1, parallelism: 1 };
const WEAK = { kdfTuning: WEAK_TUNING, allowWeakKdf: true };
const OLD = 'the old master password';
const NEW = 'the new master password';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

async function unwrapWith(header: VaultHeader, password: string): Promise<Buffer | null> {
  const kek = await deriveKeyFromPassword(password, header.kdf);
  return unwrapKey(header.passwordWrap, kek, passwordWrapContext(header));
}

function engineAt(path: string, keychain = new MemoryKeychain()): KeywardEngine {
  return new KeywardEngine({ path, clock: new FakeClock(), keychain, actor: 'owner@test', ...WEAK });
}

describe('changing the master password re-keys the vault', () => {
  it('an old backup header with the old password no longer opens the live vault', async () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const path = join(dir, 'k.vault');
    const engine = engineAt(path);
    await engine.create(OLD);
    const internals = () => engineInternals(engine);
    internals().integrations.createIntegration(
      { name: 'Payments', platform: 'server' },
      { actor: 'owner@test' },
    );
    const backup = engine.backupNow();
    await engine.changePassword(OLD, NEW);
    engine.lock();

    // What an attacker with the old password and an old header has: the old data key.
    const oldHeader = readVaultHeader(`${backup.path}.header`);
    const oldKey = await unwrapWith(oldHeader, OLD);
    expect(oldKey).not.toBeNull();
    // It opens the backup it came with …
    openVaultDatabase(backup.path, { dataKey: oldKey, create: false, skipMigrations: true }).close();
    // … but not the live database.
    expect(() => openVaultDatabase(path, { dataKey: oldKey, create: false, skipMigrations: true })).toThrow(
      /could not be decrypted/,
    );
    // Nor does putting the old header in place of the live one let the old password in.
    const vault = engineAt(path).vault;
    copyFileSync(`${backup.path}.header`, vault.files.header);
    expect(await codeOf(vault.unlockWithPassword(OLD))).not.toBe('no error');
    expect(vault.isUnlocked).toBe(false);
  });

  it('each backup opens only itself, with the password it was made under', async () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const path = join(dir, 'k.vault');
    const engine = engineAt(path);
    await engine.create(OLD);
    const before = engine.backupNow();
    await engine.changePassword(OLD, NEW);
    const after = engine.backupNow();
    engine.lock();

    const beforeHeader = readVaultHeader(`${before.path}.header`);
    const afterHeader = readVaultHeader(`${after.path}.header`);
    expect(await unwrapWith(beforeHeader, NEW)).toBeNull();
    expect(await unwrapWith(afterHeader, OLD)).toBeNull();
    const afterKey = await unwrapWith(afterHeader, NEW);
    // The new data key does not open the backup made before the change.
    expect(() =>
      openVaultDatabase(before.path, { dataKey: afterKey, create: false, skipMigrations: true }),
    ).toThrow(/could not be decrypted/);

    // Restoring the old backup takes the old password, and the restored vault opens with it.
    expect(await codeOf(engine.restoreBackup(before.name, NEW))).toBe('WRONG_PASSWORD');
    await engine.restoreBackup(before.name, OLD);
    await engine.unlockWithPassword(OLD);
    engine.lock();
  });

  it('keeps the same data and a remembered device key; logs the change', async () => {
    const keychain = new MemoryKeychain();
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const path = join(dir, 'k.vault');
    const engine = engineAt(path, keychain);
    await engine.create(OLD, { remember: true });
    const internals = () => engineInternals(engine);
    const { integration } = internals().integrations.createIntegration(
      { name: 'Payments', platform: 'server' },
      { actor: 'owner@test' },
    );
    expect(await engine.changePassword(OLD, NEW)).toEqual({ remembered: true });
    // Unlocked all along: the session continues on the new key.
    expect(engine.integration(integration.id).name).toBe('Payments');
    expect(internals().log.list({ limit: 1 })[0]).toMatchObject({
      action: 'vault.password-changed',
      details: { rekeyed: true, remembered: true },
    });
    engine.lock();

    const byKeychain = engineAt(path, keychain);
    await byKeychain.unlockWithKeychain();
    expect(engineInternals(byKeychain).integrations.requireIntegration(integration.id).name).toBe('Payments');
    byKeychain.lock();
    expect(await codeOf(engineAt(path, keychain).unlockWithPassword(OLD))).toBe('WRONG_PASSWORD');
  });
});

/**
 * Builds the files a crash leaves between the steps of a password change: the pending file
 * (`<header>.pending`) written, and the database re-keyed (`rekeyed`) or not yet.
 */
async function crashedChange(options: { rekeyed: boolean; headerReplaced?: boolean }) {
  const made = makeTestVault(WEAK);
  cleanups.push(made.cleanup);
  const { vault } = made;
  await vault.create(OLD);
  vault.database().exec("CREATE TABLE t (v TEXT) STRICT; INSERT INTO t VALUES ('kept');");
  vault.lock();
  const header = readVaultHeader(vault.files.header);
  const oldKek = await deriveKeyFromPassword(OLD, header.kdf);
  const oldKey = unwrapKey(header.passwordWrap, oldKek, passwordWrapContext(header));
  const newKey = randomBytes(32);
  const kdf = newKdfParams(WEAK_TUNING);
  const newKek = await deriveKeyFromPassword(NEW, kdf);
  const next: VaultHeader = {
    ...header,
    kdf,
    passwordWrap: wrapKey(newKey, newKek, passwordWrapContext({ vaultId: header.vaultId, kdf })),
  };
  const previous: VaultHeader = {
    ...header,
    passwordWrap: wrapKey(newKey, oldKek, passwordWrapContext(header)),
  };
  writeFileSync(
    vault.files.pendingHeader,
    JSON.stringify({ format: 'keyward-password-change', next, previous }),
  );
  if (options.rekeyed) {
    const db = openVaultDatabase(vault.files.database, { dataKey: oldKey, create: false });
    applyRawKey(db, newKey, 'rekey');
    db.close();
  }
  if (options.headerReplaced) {
    writeFileSync(vault.files.header, JSON.stringify(next));
  }
  return made;
}

async function opensWith(
  made: Awaited<ReturnType<typeof crashedChange>>,
  password: string,
): Promise<boolean> {
  const vault = made.reopen();
  const code = await codeOf(vault.unlockWithPassword(password));
  if (code !== 'no error') {
    return false;
  }
  expect(vault.database().prepare('SELECT v FROM t').pluck().get()).toBe('kept');
  vault.lock();
  return true;
}

describe('a crash in the middle of a password change', () => {
  it('before the re-key: the old password opens it and the change is dropped', async () => {
    const made = await crashedChange({ rekeyed: false });
    expect(await opensWith(made, NEW)).toBe(false);
    expect(await opensWith(made, OLD)).toBe(true);
    expect(existsSync(made.vault.files.pendingHeader)).toBe(false);
    expect(await opensWith(made, OLD)).toBe(true);
  });

  it('after the re-key, before the header: the new password finishes the change', async () => {
    const made = await crashedChange({ rekeyed: true });
    expect(await opensWith(made, NEW)).toBe(true);
    expect(existsSync(made.vault.files.pendingHeader)).toBe(false);
    expect(await opensWith(made, OLD)).toBe(false);
    expect(await opensWith(made, NEW)).toBe(true);
  });

  it('after the re-key, before the header: the old password still opens it, and keeps doing so', async () => {
    const made = await crashedChange({ rekeyed: true });
    expect(await opensWith(made, OLD)).toBe(true);
    expect(existsSync(made.vault.files.pendingHeader)).toBe(false);
    expect(await opensWith(made, OLD)).toBe(true);
    expect(await opensWith(made, NEW)).toBe(false);
  });

  it('after the new header, before the pending file is gone: the old password stays shut out', async () => {
    const made = await crashedChange({ rekeyed: true, headerReplaced: true });
    expect(await opensWith(made, OLD)).toBe(false);
    expect(await opensWith(made, NEW)).toBe(true);
    expect(existsSync(made.vault.files.pendingHeader)).toBe(false);
  });
});
