import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planNotifications } from '../../../electron/main/notification-plan.ts';
import { createDispatch, trustedSenderFor } from '../../../electron/main/ipc/dispatch.ts';
import { createEngineHandlers } from '../../../electron/main/ipc/engine-handlers.ts';
import { ClipboardGuard } from '../../../electron/vault/clipboard/clipboard-guard.ts';
import { ensureDirectory } from '../../../electron/vault/ensure-directory.ts';
import { KeywardEngine } from '../../../electron/vault/keyward-engine.ts';
import type { Notice } from '../../../electron/vault/schedule/notices.ts';
import { readScheduleFile } from '../../../electron/vault/schedule/schedule-file.ts';
import { KeywardError } from '../../../shared/errors.ts';
import type { IpcResult } from '../../../shared/ipc/contract.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { createTestEngine } from '../../support/temp-engine.ts';
import { makeTempDir, MemoryKeychain } from '../../support/temp-vault.ts';
import { MemoryClipboard } from './clipboard/memory-clipboard.ts';
import { engineInternals } from '../../support/engine-internals.ts';

// Issue 10 §4, at the engine: the rules the CLI and the desktop share.
const PASSWORD = 'engine fixes password';
const WEAK_KDF = { memoryKiB: 1024, iterations: 1, parallelism: 1 };
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

function tempDir(): string {
  const { dir, cleanup } = makeTempDir();
  cleanups.push(cleanup);
  return dir;
}

async function codeOf(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    return error instanceof KeywardError ? error.code : `untyped: ${String(error)}`;
  }
  return 'no error';
}

describe('a daily backup that fails', () => {
  it('becomes a backup-failed notice and an OS notification, leaves no partial file, and reaches the schedule file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'backups'), 'a file where the backups folder goes\n');
    const fired: Notice[] = [];
    const engine = new KeywardEngine({
      path: join(dir, 'k.vault'),
      clock: new FakeClock(Date.UTC(2026, 10, 23, 12)),
      keychain: new MemoryKeychain(),
      actor: 'owner@test',
      kdfTuning: WEAK_KDF,
      allowWeakKdf: true,
      onNotices: (notices) => fired.push(...notices),
    });
    cleanups.push(() => engine.lock());
    await engine.create(PASSWORD); // the catch-up on unlock runs the first backup
    const services = engineInternals(engine);
    expect(fired.map((notice) => notice.kind)).toEqual(['backup-failed']);
    const [stored] = services.notices.list();
    expect(stored).toMatchObject({ kind: 'backup-failed', integrationId: null, readAt: null });
    expect(stored?.message).toMatch(/^The daily backup failed \(.*is a file, not a folder.*\)/);
    const [notification] = planNotifications(fired, () => false);
    expect(notification?.title).toBe('Daily backup failed');
    expect(readdirSync(dir).filter((file) => file.includes('partial'))).toEqual([]);
    expect(readScheduleFile(join(dir, 'k.vault.schedule')).unread.map((entry) => entry.kind)).toContain(
      'backup-failed',
    );
    const log = services.log.list({ action: 'backup.create' });
    expect(log.map((entry) => entry.outcome)).toEqual(['failure']);
  });

  it('the 0-byte partial files that failed backups of older versions left are removed by the next backup', async () => {
    const made = await createTestEngine({ password: PASSWORD });
    cleanups.push(made.cleanup);
    const backups = join(made.dir, 'backups');
    mkdirSync(backups, { recursive: true });
    const stale = join(backups, 'keyward-20261120T120000000Z.vault.partial');
    const running = join(backups, 'keyward-20261123T120000000Z.vault.partial');
    writeFileSync(stale, '');
    writeFileSync(running, '');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(stale, twoHoursAgo, twoHoursAgo);
    made.engine.backupNow();
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(running)).toBe(true); // young: another process may be writing it now
  });
});

describe('exportJwks: the one rule for the CLI and the desktop', () => {
  it('writes a new file (0644) and never overwrites a backup, a header, an export or any file', async () => {
    const made = await createTestEngine({ password: PASSWORD });
    cleanups.push(made.cleanup);
    const backup = made.engine.backupNow();
    const exported = join(made.dir, 'v.keyward');
    made.engine.exportTo(exported);
    const other = join(made.dir, 'other.txt');
    writeFileSync(other, 'x');
    const first = await made.engine.exportJwks(join(made.dir, 'jwks.json'));
    expect(first.kids).toHaveLength(1);
    expect(statSync(first.path).mode & 0o777).toBe(0o644);
    expect(JSON.parse(readFileSync(first.path, 'utf8'))).toEqual(await made.engine.jwks());
    for (const target of [backup.path, `${backup.path}.header`, exported, other, first.path, made.path]) {
      const before = readFileSync(target);
      expect(await codeOf(() => made.engine.exportJwks(target)), target).toBe('INVALID_STATE');
      expect(readFileSync(target).equals(before), target).toBe(true);
    }
    expect(await codeOf(() => made.engine.exportJwks(`${made.path}.before-restore-x`))).toBe('INVALID_STATE');
    expect(await codeOf(() => made.engine.exportJwks(join(made.dir, 'no', 'such', 'j.json')))).toBe(
      'NOT_FOUND',
    );
  });

  it('over IPC: jwks.export into a chosen file that exists is refused, the file untouched', async () => {
    const made = await createTestEngine({ password: PASSWORD });
    cleanups.push(made.cleanup);
    const saveAnswers: string[] = [];
    const guard = new ClipboardGuard(new MemoryClipboard(), made.clock);
    cleanups.push(() => guard.dispose());
    const dispatch = createDispatch({
      handlers: createEngineHandlers(made.engine, {
        clipboard: guard,
        chooseSaveFile: () => Promise.resolve(saveAnswers.shift() ?? null),
        chooseOpenFile: () => Promise.resolve(null),
      }),
      isTrustedSender: trustedSenderFor('app://keyward'),
    });
    const call = (channel: string, payload: unknown) =>
      dispatch(channel, payload, { url: 'app://keyward/index.html', isMainFrame: true, isOurWindow: true });
    const backup = made.engine.backupNow();
    saveAnswers.push(`${backup.path}.header`);
    const before = readFileSync(`${backup.path}.header`);
    const refused = await call('jwks.export', {});
    expect(refused.ok ? 'ok' : refused.error.code).toBe('INVALID_STATE');
    expect(readFileSync(`${backup.path}.header`).equals(before)).toBe(true);

    // A bad field is named once (dispatch and engine alike), and invisible characters are refused.
    const long = await call('integrations.create', {
      integration: { name: 'x'.repeat(101), platform: 'web' },
    });
    expect(long.ok ? 'ok' : long.error.message).toBe(
      'integrations.create: name must be at most 100 characters',
    );
    const bidi = await call('integrations.create', {
      integration: { name: 'Bill\u202Egni', platform: 'web' },
    });
    expect(bidi.ok ? 'ok' : bidi.error.message).toMatch(/invisible or text-direction characters: U\+202E/);

    // keys.endGrace: guarded (re-authentication), then the key is revoked.
    const { integration } = made
      .internals()
      .integrations.createIntegration({ name: 'Billing', platform: 'server' }, { actor: 'o' });
    const old = made.internals().lifecycle.activeKey(integration.id);
    made.internals().lifecycle.rotate(integration.id, { actor: 'o' });
    const denied = await call('keys.endGrace', { keyId: old.id });
    expect(denied.ok ? 'ok' : denied.error.code).toBe('REAUTH_REQUIRED');
    expect((await call('reauth.password', { password: PASSWORD })).ok).toBe(true);
    const ended = (await call('keys.endGrace', { keyId: old.id })) as IpcResult<{ status: string }>;
    expect(ended.ok && ended.value.status).toBe('revoked');
  });
});

describe('endGrace', () => {
  it('needs re-authentication (a refusal is logged as denied); the key becomes revoked and is no longer accepted', async () => {
    const made = await createTestEngine({ password: PASSWORD });
    cleanups.push(made.cleanup);
    const { engine } = made;
    const services = made.internals();
    const { integration, key } = services.integrations.createIntegration(
      { name: 'Billing', platform: 'server' },
      { actor: 'o' },
    );
    services.lifecycle.rotate(integration.id, { actor: 'o' });
    expect(services.lifecycle.requireKey(key.id).status).toBe('grace');
    expect((await engine.testKey(key.id)).accepted).toBe(true);

    expect(await codeOf(() => engine.endGrace(key.id))).toBe('REAUTH_REQUIRED');
    expect(services.log.list({ action: 'key.end-grace' }).map((entry) => entry.outcome)).toEqual(['denied']);
    expect(services.lifecycle.requireKey(key.id).status).toBe('grace');

    await engine.reauthenticate({ password: PASSWORD });
    const ended = engine.endGrace(key.id);
    expect(ended).toMatchObject({ status: 'revoked', graceEndsAt: null, endedAt: made.clock.now() });
    expect(services.verification.masterList().map((entry) => entry.keyId)).not.toContain(key.id);
    expect((await engine.testKey(key.id)).accepted).toBe(false);
    expect(services.log.list({ action: 'key.end-grace' })[0]).toMatchObject({
      outcome: 'success',
      keyId: key.id,
      actor: 'owner@test',
    });
    const active = services.lifecycle.activeKey(integration.id);
    await engine.reauthenticate({ password: PASSWORD });
    expect(await codeOf(() => engine.endGrace(active.id))).toBe('INVALID_STATE');
  });
});

describe('the vault path', () => {
  it('a folder at the vault path is INVALID_INPUT saying so, for status, create and unlock', async () => {
    const dir = tempDir();
    const path = join(dir, 'k.vault');
    mkdirSync(path);
    const engine = new KeywardEngine({
      path,
      clock: new FakeClock(),
      keychain: new MemoryKeychain(),
      actor: 'o',
      kdfTuning: WEAK_KDF,
      allowWeakKdf: true,
    });
    for (const run of [
      () => engine.vault.status(),
      () => engine.create(PASSWORD),
      () => engine.unlockWithPassword(PASSWORD),
    ]) {
      await expect(run()).rejects.toThrow(/is a folder, not a vault file/);
    }
    expect(readdirSync(path)).toEqual([]);
  });

  it('ensureDirectory fails at once where recursive mkdir would spin (/proc), and on a file in the path', () => {
    expect(() => ensureDirectory('/proc/nope/deeper')).toThrow(
      /Cannot create the folder \/proc\/nope \(ENOENT\)/,
    );
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '');
    expect(() => ensureDirectory(join(dir, 'file', 'sub'))).toThrow(/is a file, not a folder/);
    ensureDirectory(join(dir, 'a', 'b', 'c'));
    expect(existsSync(join(dir, 'a', 'b', 'c'))).toBe(true);
  });

  it('two creates on one path at once: one wins, the other is VAULT_EXISTS; the vault opens with the winner’s password', async () => {
    const dir = tempDir();
    const path = join(dir, 'k.vault');
    const make = () =>
      new KeywardEngine({
        path,
        clock: new FakeClock(),
        keychain: new MemoryKeychain(),
        actor: 'o',
        kdfTuning: WEAK_KDF,
        allowWeakKdf: true,
      });
    const engines = [make(), make(), make()];
    const results = await Promise.allSettled(
      engines.map((engine, i) => engine.create(`password number ${i}`)),
    );
    const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') {
        expect((result.reason as KeywardError).code).toBe('VAULT_EXISTS');
      }
    }
    for (const engine of engines) {
      engine.lock();
    }
    const reader = make();
    await reader.unlockWithPassword(`password number ${winners[0]}`);
    reader.lock();
    expect(readdirSync(dir).filter((file) => file.includes('creating'))).toEqual([]);
  });
});
