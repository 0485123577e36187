import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { engineInternals } from '../../support/engine-internals.ts';
import { createTestEngine } from '../../support/temp-engine.ts';
import { BackupService } from '../../../electron/vault/backup/backup-service.ts';
import { KeywardEngine } from '../../../electron/vault/keyward-engine.ts';
import { KeywardError } from '../../../shared/errors.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { MemoryKeychain } from '../../support/temp-vault.ts';

const PASSWORD = 'backup test password';
const DAY = 86_400_000;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

async function setup() {
  const made = await createTestEngine({ password: PASSWORD, start: Date.UTC(2026, 10, 1, 8) });
  cleanups.push(made.cleanup);
  return {
    dir: made.dir,
    clock: made.clock,
    engine: made.engine,
    internals: made.internals,
    make: made.another,
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'no error',
    (error: unknown) => (error instanceof KeywardError ? error.code : 'untyped'),
  );
}

describe('backups', () => {
  it('the first unlock makes one, then one a day on the scheduler timer, kept 14 days', async () => {
    const { engine, clock } = await setup();
    expect(engine.listBackups()).toHaveLength(1);
    clock.advance(20 * DAY);
    const names = engine.listBackups();
    expect(names.length).toBeGreaterThanOrEqual(14);
    expect(names.length).toBeLessThanOrEqual(15);
    expect(Math.min(...names.map((backup) => backup.createdAt))).toBeGreaterThanOrEqual(
      clock.now() - 14 * DAY,
    );
  });

  it('the daily-backup check finds what the listing finds: the newest backup whose header is there', async () => {
    const { engine, clock, dir } = await setup();
    const service = new BackupService(engine.vault.files, clock);
    expect(service.lastBackupAt()).toBe(engine.listBackups()[0]!.createdAt);
    clock.advance(1000);
    const newest = engine.backupNow();
    // A newer backup cut short before its header is written, and a file that is no backup.
    writeFileSync(join(service.directory, 'keyward-20991231T000000000Z.vault'), 'cut short');
    writeFileSync(join(service.directory, 'notes.txt'), '');
    expect(service.lastBackupAt()).toBe(newest.createdAt);
    expect(service.list()[0]!.createdAt).toBe(newest.createdAt);
    expect(new BackupService(engine.vault.files, clock, join(dir, 'no-folder')).lastBackupAt()).toBeNull();
  });

  it('holds no plaintext: markers and key material never appear in a backup file', async () => {
    const { engine, internals } = await setup();
    const { key } = engine.createIntegration({ name: 'MARKER-INTEGRATION-NAME', platform: 'web' });
    const material = internals().lifecycle.material(key.id);
    const info = engine.backupNow();
    for (const file of [info.path, `${info.path}.header`]) {
      const bytes = readFileSync(file);
      expect(bytes.includes('MARKER-INTEGRATION-NAME')).toBe(false);
      expect(bytes.includes(material)).toBe(false);
      expect(bytes.includes(PASSWORD)).toBe(false);
    }
  });

  it('restores an earlier state with the password of its time; the current vault is kept aside', async () => {
    const { engine, clock, dir } = await setup();
    engine.createIntegration({ name: 'before backup', platform: 'web' });
    clock.advance(1000);
    const info = engine.backupNow();
    engine.createIntegration({ name: 'after backup', platform: 'web' });
    engine.lock();
    await engine.vault.changePassword(PASSWORD, 'a newer password');

    expect(await codeOf(engine.restoreBackup(info.name, 'a newer password'))).toBe('WRONG_PASSWORD');
    const restored = await engine.restoreBackup(info.name, PASSWORD);
    expect(restored.previous).not.toBeNull();
    await engine.unlockWithPassword(PASSWORD);
    expect(engine.listIntegrations().map((i) => i.name)).toEqual(['before backup']);
    expect(engine.verifyLog().ok).toBe(true);
    expect(engine.activity({ limit: 5 }).map((entry) => entry.action)).toContain('backup.restore');
    expect(readdirSync(dir).some((file) => file.includes('before-restore'))).toBe(true);
    expect(existsSync(restored.previous!)).toBe(true);
  });

  it('an unknown backup name is NOT_FOUND and nothing changes', async () => {
    const { engine } = await setup();
    engine.lock();
    expect(await codeOf(engine.restoreBackup('keyward-19990101T000000Z', PASSWORD))).toBe('NOT_FOUND');
    await engine.unlockWithPassword(PASSWORD);
  });
});

describe('the password check of a restore (issue 10 §3.2)', () => {
  it('while locked: counted and backed off like an unlock — locked out, even the right password waits', async () => {
    const { engine, clock, dir } = await setup();
    const backup = engine.backupNow();
    engine.lock();
    const results: string[] = [];
    for (let i = 0; i < 3; i++) {
      results.push(await codeOf(engine.restoreBackup(backup.name, 'not the password')));
    }
    expect(results).toEqual(['WRONG_PASSWORD', 'WRONG_PASSWORD', 'WRONG_PASSWORD']);
    expect((await engine.vault.status()).lockout.failures).toBe(3);
    // Locked out: not evaluated, whatever the password.
    expect(await codeOf(engine.restoreBackup(backup.name, PASSWORD))).toBe('LOCKED_OUT');
    expect(readdirSync(dir).filter((name) => name.includes('before-restore'))).toEqual([]);

    // After the wait it restores; the failed attempts are in the restored vault's log.
    clock.advance(60_000);
    await engine.restoreBackup(backup.name, PASSWORD);
    await engine.unlockWithPassword(PASSWORD);
    const internals = () => engineInternals(engine);
    const entries = internals().log.list({ limit: 10 });
    expect(entries.find((entry) => entry.action === 'vault.unlock-failed')?.details).toEqual({ attempts: 3 });
    expect(entries.some((entry) => entry.action === 'backup.restore' && entry.outcome === 'success')).toBe(
      true,
    );
  });

  it('while unlocked: a re-authentication — counted, backed off and logged; the vault stays open', async () => {
    const { engine, internals } = await setup();
    const backup = engine.backupNow();
    const results: string[] = [];
    for (let i = 0; i < 4; i++) {
      results.push(await codeOf(engine.restoreBackup(backup.name, 'not the password')));
    }
    expect(results).toEqual(['WRONG_PASSWORD', 'WRONG_PASSWORD', 'WRONG_PASSWORD', 'LOCKED_OUT']);
    expect(engine.vault.isUnlocked).toBe(true);
    const entries = internals().log.list({ limit: 20 });
    expect(entries.filter((entry) => entry.action === 'reauth' && entry.outcome === 'failure')).toHaveLength(
      3,
    );
    expect(
      entries.filter((entry) => entry.action === 'backup.restore' && entry.outcome === 'failure'),
    ).toHaveLength(4);
  });

  it('backup files are readable by their owner only (0600)', async () => {
    const { engine } = await setup();
    const backup = engine.backupNow();
    expect(statSync(backup.path).mode & 0o777).toBe(0o600);
    expect(statSync(`${backup.path}.header`).mode & 0o777).toBe(0o600);
    for (const each of engine.listBackups()) {
      expect(statSync(each.path).mode & 0o777, each.name).toBe(0o600);
    }
  });
});

describe('master password change', () => {
  it('is recorded in the activity log, whether the vault was locked or open', async () => {
    const { engine } = await setup();
    await engine.changePassword(PASSWORD, 'second password!');
    engine.lock();
    await engine.changePassword('second password!', 'third password!');
    await engine.unlockWithPassword('third password!');
    expect(
      engine.activity({ limit: 1000 }).filter((entry) => entry.action === 'vault.password-changed'),
    ).toHaveLength(2);
    expect(engine.verifyLog().ok).toBe(true);
  });
});

describe('encrypted export and import', () => {
  it('round-trips the whole vault into a new path, protected by the master password', async () => {
    const { engine, internals, dir, make } = await setup();
    const { key } = engine.createIntegration({ name: 'exported', platform: 'server' });
    const material = internals().lifecycle.material(key.id);
    const target = join(dir, 'vault.kwexport');
    engine.exportTo(target);
    const bytes = readFileSync(target);
    expect(bytes.includes(material)).toBe(false);
    expect(bytes.includes('exported')).toBe(true); // the JSON field name "exportedAt" — but never the integration:
    expect(bytes.includes('"exported"')).toBe(false);
    expect(() => engine.exportTo(target)).toThrow(/already exists/);

    const other = make(join(dir, 'imported', 'k.vault'));
    cleanups.push(() => other.lock());
    expect(await codeOf(other.importFrom(target, 'wrong password!'))).toBe('WRONG_PASSWORD');
    await other.importFrom(target, PASSWORD);
    await other.unlockWithPassword(PASSWORD);
    expect(engineInternals(other).lifecycle.material(key.id)).toBe(material);
    expect(other.activity({ limit: 5 }).map((entry) => entry.action)).toContain('vault.import');
    expect(() => engine.exportTo(join(dir, 'no-such-folder', 'x.kwexport'))).toThrow(/does not exist/);
  });

  it('counts the password check like an unlock: parallel wrong attempts each count, back off and are logged', async () => {
    const { engine, dir, clock, make } = await setup();
    const target = join(dir, 'vault.kwexport');
    engine.exportTo(target);
    const other = make(join(dir, 'imported', 'k.vault'));
    cleanups.push(() => other.lock());
    // Four at once, as four processes would: each is counted before Argon2id runs, and those past
    // the free ones are refused without being evaluated.
    const results = await Promise.all(
      Array.from({ length: 4 }, () => codeOf(other.importFrom(target, 'not the password'))),
    );
    expect(results.sort()).toEqual(['LOCKED_OUT', 'WRONG_PASSWORD', 'WRONG_PASSWORD', 'WRONG_PASSWORD']);
    expect((await other.vault.status()).lockout.failures).toBe(3);
    // Backing off: even the right password waits, and nothing is written in place meanwhile.
    expect(await codeOf(other.importFrom(target, PASSWORD))).toBe('LOCKED_OUT');
    expect(existsSync(join(dir, 'imported', 'k.vault'))).toBe(false);

    clock.advance(60_000);
    await other.importFrom(target, PASSWORD);
    expect((await other.vault.status()).lockout.failures).toBe(0);
    await other.unlockWithPassword(PASSWORD);
    const entries = other.activity({ limit: 10 });
    expect(entries.find((entry) => entry.action === 'vault.unlock-failed')?.details).toEqual({ attempts: 3 });
    expect(entries.some((entry) => entry.action === 'vault.import' && entry.outcome === 'success')).toBe(
      true,
    );
  });

  it('never imports over an existing vault, and rejects a file that is not an export', async () => {
    const { engine, dir } = await setup();
    const target = join(dir, 'vault.kwexport');
    engine.exportTo(target);
    expect(await codeOf(engine.importFrom(target, PASSWORD))).toBe('VAULT_EXISTS');
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, '{"format":"nope"}');
    const fresh = new KeywardEngine({
      path: join(dir, 'x', 'k.vault'),
      clock: new FakeClock(),
      keychain: new MemoryKeychain(),
      actor: 'o',
    });
    expect(await codeOf(fresh.importFrom(junk, PASSWORD))).toBe('INVALID_INPUT');
  });
});
