import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IpcResult } from '../../../shared/ipc/contract.ts';
import { forwardClipboardChanges } from '../../../electron/main/ipc/clipboard-events.ts';
import { base32Decode, hotp, totpStep } from '../../../electron/vault/auth/totp.ts';
import { desktopOverDispatch } from './desktop-dispatch.ts';

const PASSWORD = 'ipc test password';

const setup = desktopOverDispatch(PASSWORD);

function value<T>(result: IpcResult<T>): T {
  if (!result.ok) {
    throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  }
  return result.value;
}

function code(result: IpcResult<unknown>): string {
  return result.ok ? 'ok' : result.error.code;
}

describe('engine handlers over dispatch', () => {
  it('create an integration, find its active key in the key table, list, rotate, enable', async () => {
    const { call } = await setup();
    const created = value(
      await call('integrations.create', { integration: { name: 'Payments', platform: 'server' } }),
    ) as { integration: { id: string }; key: { id: string } };
    const page = value(
      await call('keys.table', { term: 'pay', sort: 'integration', direction: 'asc', offset: 0, limit: 10 }),
    ) as { total: number; rows: { key: { id: string; status: string } }[] };
    expect(page.total).toBe(1);
    expect(page.rows[0]?.key).toMatchObject({ id: created.key.id, status: 'active' });
    const rotated = value(await call('keys.rotate', { integrationId: created.integration.id })) as {
      id: string;
    };
    expect(rotated.id).not.toBe(created.key.id);
    expect(value(await call('keys.list', { integrationId: created.integration.id }))).toHaveLength(2);
    expect(
      value(await call('integrations.setEnabled', { integrationId: created.integration.id, enabled: false })),
    ).toMatchObject({ enabled: false });
    expect(
      value(
        await call('integrations.edit', { integrationId: created.integration.id, patch: { notes: 'n' } }),
      ),
    ).toMatchObject({ notes: 'n' });
  });

  it('keys.reveal without re-auth → REAUTH_REQUIRED; after reauth.password → the material', async () => {
    const { call, engine, internals } = await setup();
    const { key } = engine.createIntegration({ name: 'Mail', platform: 'web' });
    expect(code(await call('keys.reveal', { keyId: key.id }))).toBe('REAUTH_REQUIRED');
    const wrong = await call('reauth.password', { password: 'not the password' });
    expect(code(wrong)).toBe('WRONG_PASSWORD');
    expect(value(await call('reauth.password', { password: PASSWORD }))).toMatchObject({
      freshForMs: 60_000,
    });
    const revealed = value(await call('keys.reveal', { keyId: key.id })) as { material: string };
    expect(revealed.material).toBe(internals().lifecycle.material(key.id));
  });

  it('no other channel carries key material', async () => {
    const { call, internals, engine } = await setup();
    const { integration, key } = engine.createIntegration({ name: 'Mail', platform: 'web' });
    await engine.reauthenticate({ password: PASSWORD });
    const material = internals().lifecycle.material(key.id);
    const results = [
      await call('keys.table', { term: '', sort: 'integration', direction: 'asc', offset: 0, limit: 100 }),
      await call('keys.list', {}),
      await call('keys.revoke', { integrationId: integration.id, graceDays: 1, newLifetimeDays: 30 }),
      await call('log.list', {}),
      await call('notices.list', {}),
      await call('decoder.decode', { input: material }),
      await call('vault.status', {}),
      await call('settings.get', {}),
    ];
    for (const result of results) {
      expect(result.ok).toBe(true);
      expect(JSON.stringify(result)).not.toContain(material);
    }
  });

  it('revoke needs re-auth and confirmation for a never-expiring key', async () => {
    const { call, engine } = await setup();
    const { integration } = engine.createIntegration({ name: 'Ads', platform: 'web' });
    const revoke = { integrationId: integration.id, graceDays: 0, newLifetimeDays: null };
    expect(code(await call('keys.revoke', revoke))).toBe('REAUTH_REQUIRED');
    value(await call('reauth.password', { password: PASSWORD }));
    expect(code(await call('keys.revoke', revoke))).toBe('INVALID_INPUT');
    expect(value(await call('keys.revoke', { ...revoke, confirmNeverExpire: true }))).toMatchObject({
      expiresAt: null,
    });
  });

  it('settings, log and lock/unlock round trip', async () => {
    const { call } = await setup();
    expect(value(await call('settings.set', { patch: { theme: 'dark' } }))).toMatchObject({ theme: 'dark' });
    expect(value(await call('log.verify', {}))).toMatchObject({ ok: true });
    expect(value(await call('vault.lock', {}))).toMatchObject({ state: 'locked' });
    expect(code(await call('keys.list', {}))).toBe('VAULT_LOCKED');
    const bad = await call('vault.unlock', { password: 'wrong password here' });
    expect(code(bad)).toBe('WRONG_PASSWORD');
    expect(JSON.stringify(bad)).not.toContain('wrong password here');
    expect(value(await call('vault.unlock', { password: PASSWORD }))).toMatchObject({ state: 'unlocked' });
  });

  it('bad input never reaches the engine and never echoes the password', async () => {
    const { call } = await setup();
    const result = await call('vault.unlock', { password: PASSWORD, keychain: true });
    expect(code(result)).toBe('INVALID_INPUT');
    expect(JSON.stringify(result)).not.toContain(PASSWORD);
  });

  it('copy key and copy Secret: main writes the clipboard, the renderer gets only where and until when', async () => {
    const { call, engine, internals, clipboard, guard, clock } = await setup();
    const events: unknown[] = [];
    forwardClipboardChanges(guard, (payload) => events.push(payload));
    const { integration, key } = engine.createIntegration({ name: 'Mail', platform: 'web' });
    const material = internals().lifecycle.material(key.id);
    expect(code(await call('keys.copy', { keyId: key.id }))).toBe('REAUTH_REQUIRED');
    expect(clipboard.contents.size).toBe(0);
    value(await call('reauth.password', { password: PASSWORD }));
    const copied = await call('keys.copy', { keyId: key.id });
    expect(value(copied)).toEqual({ targets: ['clipboard', 'selection'], clearAt: clock.now() + 30_000 });
    expect(JSON.stringify(copied)).not.toContain(material);
    expect(clipboard.contents.get('clipboard')).toBe(material);
    const secret = value(await call('secret.copy', { integrationId: integration.id })) as {
      keyId: string;
      expiresAt: number;
    };
    expect(secret.keyId).toBe(key.id);
    expect(secret.expiresAt).toBe(clock.now() + 24 * 3_600_000);
    const token = clipboard.contents.get('clipboard') ?? '';
    expect(token.split('.')).toHaveLength(3);
    clock.advance(30_000);
    await guard.clearNow();
    expect(clipboard.contents.get('clipboard') ?? '').toBe('');
    expect(events).toContainEqual({ kind: 'copied', clearAt: expect.any(Number) as number, failed: false });
    expect(events.at(-1)).toEqual({ kind: 'cleared', clearAt: null, failed: false });
    const actions = (value(await call('log.list', {})) as { action: string; outcome: string }[]).map(
      (entry) => `${entry.action}:${entry.outcome}`,
    );
    expect(actions).toEqual(expect.arrayContaining(['key.copy:success', 'secret.copy:success']));
  });

  it('keys.table filters, sorts and pages every key with its integration', async () => {
    const { call, engine } = await setup();
    // Names with '-': masked keys (prefix + base62) can never contain it, so the filter's matches are exact.
    for (const name of ['Billing', 'Ads', 'Mail-relay', 'Maps-relay']) {
      engine.createIntegration({ name, platform: name === 'Ads' ? 'mobile' : 'web' });
    }
    const mail = engine.integration('Mail-relay');
    engine.rotate(mail.id);
    type Page = { total: number; rows: { integrationName: string; key: { status: string } }[] };
    const all = value(
      await call('keys.table', { term: '', sort: 'integration', direction: 'asc', offset: 0, limit: 100 }),
    ) as Page;
    expect(all.total).toBe(5);
    expect(all.rows.map((row) => row.integrationName)).toEqual([
      'Ads',
      'Billing',
      'Mail-relay',
      'Mail-relay',
      'Maps-relay',
    ]);
    const ma = value(
      await call('keys.table', {
        term: '-RELAY',
        sort: 'integration',
        direction: 'desc',
        offset: 1,
        limit: 1,
      }),
    ) as Page;
    expect(ma.total).toBe(3);
    expect(ma.rows.map((row) => row.integrationName)).toEqual(['Mail-relay']);
    const grace = value(
      await call('keys.table', { term: 'grace', sort: 'createdAt', direction: 'asc', offset: 0, limit: 10 }),
    ) as Page;
    expect(grace.rows.map((row) => [row.integrationName, row.key.status])).toEqual([['Mail-relay', 'grace']]);
    const mobile = value(
      await call('keys.table', { term: 'mobile', sort: 'status', direction: 'asc', offset: 0, limit: 10 }),
    ) as Page;
    expect(mobile.rows.map((row) => row.integrationName)).toEqual(['Ads']);
    expect(
      code(await call('keys.table', { term: '', sort: 'material', direction: 'asc', offset: 0, limit: 1 })),
    ).toBe('INVALID_INPUT');
  });

  it('keys.test: an active key verifies; a revoked one does not, with the reason', async () => {
    const { call, engine, clock } = await setup();
    const { integration, key } = engine.createIntegration({ name: 'Mail', platform: 'web' });
    expect(value(await call('keys.test', { keyId: key.id }))).toMatchObject({ accepted: true, reason: null });
    // A key that verifies counts as used ("last used … from test key"), and the test is logged.
    expect(engine.key(key.id).lastUsedAt).toBe(clock.now());
    expect((value(await call('log.list', { limit: 1 })) as { action: string }[])[0]).toMatchObject({
      action: 'key.test',
      integrationName: 'Mail',
    });
    value(await call('reauth.password', { password: PASSWORD }));
    value(await call('keys.revoke', { integrationId: integration.id, graceDays: 0, newLifetimeDays: 30 }));
    expect(value(await call('keys.test', { keyId: key.id }))).toMatchObject({
      accepted: false,
      reason: 'KEY_REVOKED',
    });
  });

  it('regenerate, delete a revoked key, never-expire, delete an integration — each guarded', async () => {
    const { call, engine } = await setup();
    const { integration, key } = engine.createIntegration({ name: 'Mail', platform: 'web' });
    expect(code(await call('keys.regenerate', { integrationId: integration.id }))).toBe('REAUTH_REQUIRED');
    value(await call('reauth.password', { password: PASSWORD }));
    const fresh = value(await call('keys.regenerate', { integrationId: integration.id })) as { id: string };
    expect(fresh.id).not.toBe(key.id);
    value(await call('keys.delete', { keyId: key.id }));
    expect(code(await call('keys.delete', { keyId: fresh.id }))).toBe('INVALID_STATE');
    expect(
      code(
        await call('integrations.setNeverExpire', {
          integrationId: integration.id,
          neverExpire: true,
          confirmed: false,
        }),
      ),
    ).toBe('INVALID_INPUT');
    expect(
      value(
        await call('integrations.setNeverExpire', {
          integrationId: integration.id,
          neverExpire: true,
          confirmed: true,
        }),
      ),
    ).toMatchObject({ neverExpire: true });
    expect(value(await call('integrations.get', { integrationId: integration.id }))).toMatchObject({
      name: 'Mail',
    });
    expect(code(await call('integrations.delete', { integrationId: integration.id, confirmed: false }))).toBe(
      'INVALID_INPUT',
    );
    value(await call('integrations.delete', { integrationId: integration.id, confirmed: true }));
    expect(code(await call('integrations.get', { integrationId: integration.id }))).toBe('NOT_FOUND');
  });

  it('TOTP enrolment over IPC: guarded, QR drawn from modules, confirmed by a code, then usable for re-auth', async () => {
    const { call, clock } = await setup();
    expect(value(await call('reauth.status', {}))).toEqual({ freshForMs: 0, totpEnrolled: false });
    expect(code(await call('totp.enrollBegin', {}))).toBe('REAUTH_REQUIRED');
    value(await call('reauth.password', { password: PASSWORD }));
    const begun = value(await call('totp.enrollBegin', {})) as {
      secret: string;
      uri: string;
      qr: { size: number; modules: string };
    };
    expect(begun.uri).toMatch(/^otpauth:\/\/totp\//);
    expect(begun.qr.modules).toHaveLength(begun.qr.size ** 2);
    const secret = base32Decode(begun.secret);
    if (secret === null) {
      throw new Error('secret is not base32');
    }
    const totpCode = (key: Buffer, at: number) => hotp(key, totpStep(at));
    value(await call('totp.enrollConfirm', { code: totpCode(secret, clock.now()) }));
    expect(value(await call('reauth.status', {}))).toMatchObject({ totpEnrolled: true });
    clock.advance(120_000);
    expect(value(await call('reauth.totp', { code: totpCode(secret, clock.now()) }))).toMatchObject({
      freshForMs: 60_000,
    });
  });

  it('notices.markRead, backups, app.activity and vault.remember', async () => {
    const { call, engine } = await setup();
    expect(value(await call('notices.markRead', { all: true }))).toEqual({ marked: 0 });
    expect(code(await call('notices.markRead', { ids: [] }))).toBe('INVALID_INPUT');
    const backup = value(await call('backup.now', {})) as { name: string };
    expect(value(await call('backup.list', {}))).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: backup.name })]),
    );
    expect(value(await call('app.activity', {}))).toEqual({});
    // Remembering weakens a protection: a fresh re-authentication first.
    expect(code(await call('vault.remember', { remember: true }))).toBe('REAUTH_REQUIRED');
    value(await call('reauth.password', { password: PASSWORD }));
    expect(value(await call('vault.remember', { remember: true }))).toMatchObject({
      keychain: { remembered: true },
    });
    engine.lock();
    expect(value(await call('vault.unlock', { keychain: true }))).toMatchObject({ state: 'unlocked' });
  });

  it('log.export and vault.export write where the save dialog says, and nothing when it is cancelled', async () => {
    const { call, saveAnswers, dir, engine } = await setup();
    engine.createIntegration({ name: 'Mail', platform: 'web' });
    expect(value(await call('log.export', { format: 'csv' }))).toEqual({ saved: false, entries: 0 });
    const csv = join(dir, 'log.csv');
    saveAnswers.push(csv);
    const exported = value(await call('log.export', { format: 'csv' })) as { entries: number };
    expect(exported.entries).toBeGreaterThan(1);
    const text = readFileSync(csv, 'utf8');
    expect(text.split('\r\n')[0]).toMatch(/^seq,at,/);
    expect(text).toContain('Mail');
    saveAnswers.push(csv);
    expect(code(await call('log.export', { format: 'csv' }))).toBe('INVALID_STATE'); // never overwrites
    const bundle = join(dir, 'vault.keyward');
    saveAnswers.push(bundle);
    expect(value(await call('vault.export', {}))).toMatchObject({ saved: true });
    expect(existsSync(bundle)).toBe(true);
    const jwksFile = join(dir, 'jwks.json');
    saveAnswers.push(jwksFile);
    expect(value(await call('jwks.export', {}))).toEqual({ saved: true, keys: 1 });
    const jwks = JSON.parse(readFileSync(jwksFile, 'utf8')) as { keys: { kty: string; d?: string }[] };
    expect(jwks.keys[0]?.kty).toBe('OKP');
    expect(jwks.keys[0]?.d).toBeUndefined(); // public keys only
  });

  it('backup.restore: the vault locks and comes back as it was at the backup', async () => {
    const { call, engine } = await setup();
    const backup = value(await call('backup.now', {})) as { name: string };
    engine.createIntegration({ name: 'After the backup', platform: 'web' });
    expect(code(await call('backup.restore', { name: backup.name, password: 'not the password' }))).toBe(
      'WRONG_PASSWORD',
    );
    expect(engine.vault.isUnlocked).toBe(true); // a wrong password changes nothing
    const restored = value(await call('backup.restore', { name: backup.name, password: PASSWORD })) as {
      previous: string | null;
    };
    expect(restored.previous).not.toBeNull();
    expect(engine.vault.isUnlocked).toBe(false);
    value(await call('vault.unlock', { password: PASSWORD }));
    expect(engine.listIntegrations().map((i) => i.name)).not.toContain('After the backup');
    expect(code(await call('backup.restore', { name: '../../etc/passwd', password: PASSWORD }))).toBe(
      'INVALID_INPUT',
    );
  });
});
