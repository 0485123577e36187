import { afterEach, describe, expect, it } from 'vitest';
import { createDispatch, trustedSenderFor } from '../../../electron/main/ipc/dispatch.ts';
import type { IpcSender } from '../../../electron/main/ipc/dispatch.ts';
import { createEngineHandlers } from '../../../electron/main/ipc/engine-handlers.ts';
import type { IpcResult } from '../../../shared/ipc/contract.ts';
import { createTestEngine } from '../../support/temp-engine.ts';

const PASSWORD = 'ipc test password';
const ORIGIN = 'app://keyward';
const SENDER: IpcSender = { url: `${ORIGIN}/index.html`, isMainFrame: true, isOurWindow: true };

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

async function setup() {
  const made = await createTestEngine({ password: PASSWORD });
  cleanups.push(made.cleanup);
  const dispatch = createDispatch({
    handlers: createEngineHandlers(made.engine),
    isTrustedSender: trustedSenderFor(ORIGIN),
  });
  const call = (channel: string, payload: unknown) => dispatch(channel, payload, SENDER);
  return { ...made, call };
}

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
  it('create an integration, search it with its active key, list, rotate, enable', async () => {
    const { call } = await setup();
    const created = value(
      await call('integrations.create', { integration: { name: 'Payments', platform: 'server' } }),
    ) as { integration: { id: string }; key: { id: string } };
    const page = value(await call('integrations.search', { term: 'pay', offset: 0, limit: 10 })) as {
      total: number;
      items: { integration: { id: string }; activeKey: { id: string } | null }[];
    };
    expect(page.total).toBe(1);
    expect(page.items[0]?.activeKey?.id).toBe(created.key.id);
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
    const { call, services } = await setup();
    const { key } = services.lifecycle.createIntegration(
      { name: 'Mail', platform: 'web' },
      { actor: 'owner@test' },
    );
    expect(code(await call('keys.reveal', { keyId: key.id }))).toBe('REAUTH_REQUIRED');
    const wrong = await call('reauth.password', { password: 'not the password' });
    expect(code(wrong)).toBe('WRONG_PASSWORD');
    expect(value(await call('reauth.password', { password: PASSWORD }))).toMatchObject({
      freshForMs: 60_000,
    });
    const revealed = value(await call('keys.reveal', { keyId: key.id })) as { material: string };
    expect(revealed.material).toBe(services.lifecycle.material(key.id));
  });

  it('no other channel carries key material', async () => {
    const { call, services, engine } = await setup();
    const { integration, key } = services.lifecycle.createIntegration(
      { name: 'Mail', platform: 'web' },
      { actor: 'owner@test' },
    );
    await engine.reauthenticate({ password: PASSWORD });
    const material = services.lifecycle.material(key.id);
    const results = [
      await call('integrations.search', { term: '', offset: 0, limit: 100 }),
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
    const { call, services } = await setup();
    const { integration } = services.lifecycle.createIntegration(
      { name: 'Ads', platform: 'web' },
      { actor: 'owner@test' },
    );
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
});
