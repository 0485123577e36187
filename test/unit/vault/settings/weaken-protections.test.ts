// Issue 10 §3.3: weakening a protection needs a fresh re-authentication — remembering the vault on
// this device, a longer re-authentication window, clipboard clearing off or later, auto-lock off or
// later, a longer Secret lifetime. Tightening never does.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, weakenedSettings } from '../../../../shared/domain/settings.ts';
import type { Settings } from '../../../../shared/domain/settings.ts';
import { createEngineHandlers } from '../../../../electron/main/ipc/engine-handlers.ts';
import type { DesktopServices } from '../../../../electron/main/ipc/engine-handlers.ts';
import { codeOf, codeOfAsync } from '../../../support/checks.ts';
import { createTestEngine } from '../../../support/temp-engine.ts';
import { MemoryKeychain } from '../../../support/temp-vault.ts';
import { engineInternals } from '../../../support/engine-internals.ts';

const PASSWORD = 'weaken protections password';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

async function setup(keychain = new MemoryKeychain()) {
  // Auto-lock kept on (5 min) so turning it off or longer is a weakening to test.
  const made = await createTestEngine({ password: PASSWORD, autoLock: true, keychain });
  cleanups.push(made.cleanup);
  return made;
}

const WEAKER: [string, Partial<Settings>][] = [
  ['a longer re-authentication window', { reauthWindowSeconds: 300 }],
  ['clipboard clearing off', { clipboardClearSeconds: null }],
  ['clipboard clearing later', { clipboardClearSeconds: 120 }],
  ['auto-lock off', { autoLockMinutes: 0 }],
  ['auto-lock later', { autoLockMinutes: 60 }],
  ['a longer Secret lifetime', { secretLifetimeHours: 48 }],
];

const TIGHTER: Partial<Settings>[] = [
  { reauthWindowSeconds: 0 },
  { clipboardClearSeconds: 10 },
  { autoLockMinutes: 1 },
  { secretLifetimeHours: 1 },
  { theme: 'dark', utc: true, noticeLeadDays: 60, defaultRotationDays: 30, defaultGraceDays: 3 },
];

describe('settings that weaken a protection', () => {
  it.each(WEAKER)(
    '%s is refused without a fresh re-authentication, logged, nothing changed',
    async (_name, patch) => {
      const { engine, internals } = await setup();
      const before = engine.settings();
      expect(codeOf(() => engine.updateSettings(patch))).toBe('REAUTH_REQUIRED');
      expect(engine.settings()).toEqual(before);
      expect(internals().log.list({ limit: 1 })[0]).toMatchObject({
        action: 'settings.weaken',
        outcome: 'denied',
      });
    },
  );

  it('go through after a re-authentication; a zero window allows one change per re-authentication', async () => {
    const { engine } = await setup();
    await engine.reauthenticate({ password: PASSWORD });
    engine.updateSettings({ clipboardClearSeconds: null, autoLockMinutes: 0 });
    expect(engine.settings()).toMatchObject({ clipboardClearSeconds: null, autoLockMinutes: 0 });
    engine.updateSettings({ reauthWindowSeconds: 0 }); // tighter: needs nothing
    await engine.reauthenticate({ password: PASSWORD });
    engine.updateSettings({ secretLifetimeHours: 48 });
    expect(codeOf(() => engine.updateSettings({ secretLifetimeHours: 72 }))).toBe('REAUTH_REQUIRED');
  });

  it('tightening never asks', async () => {
    const { engine } = await setup();
    for (const patch of TIGHTER) {
      expect(
        codeOf(() => engine.updateSettings(patch)),
        JSON.stringify(patch),
      ).toBe('no error');
    }
  });

  it('weakenedSettings names exactly the fields that got laxer', () => {
    const current = { ...DEFAULT_SETTINGS, clipboardClearSeconds: null, autoLockMinutes: 0 } as Settings;
    // From "never" any value is tighter; a longer window is weaker.
    expect(
      weakenedSettings(current, { ...current, clipboardClearSeconds: 300, autoLockMinutes: 1440 }),
    ).toEqual([]);
    expect(weakenedSettings(DEFAULT_SETTINGS, { ...DEFAULT_SETTINGS, reauthWindowSeconds: 61 })).toEqual([
      'reauthWindowSeconds',
    ]);
  });
});

describe('remembering the vault on this device', () => {
  it('needs a fresh re-authentication (denial logged), and is logged when done', async () => {
    const keychain = new MemoryKeychain();
    const { engine, internals } = await setup(keychain);
    expect(await codeOfAsync(engine.remember())).toBe('REAUTH_REQUIRED');
    expect(keychain.entries.size).toBe(0);
    expect(internals().log.list({ limit: 1 })[0]).toMatchObject({
      action: 'vault.remember',
      outcome: 'denied',
    });
    await engine.reauthenticate({ password: PASSWORD });
    await engine.remember();
    expect(keychain.entries.size).toBe(1);
    expect(internals().log.list({ limit: 1 })[0]).toMatchObject({
      action: 'vault.remember',
      outcome: 'success',
    });
  });

  it('through IPC: vault.remember and settings.set answer REAUTH_REQUIRED; forgetting needs nothing', async () => {
    const keychain = new MemoryKeychain();
    const { engine } = await setup(keychain);
    const desktop = {} as DesktopServices; // these channels never reach the clipboard or dialogs
    const handlers = createEngineHandlers(engine, desktop);
    expect(await codeOfAsync(handlers['vault.remember']({ remember: true }))).toBe('REAUTH_REQUIRED');
    expect(await codeOfAsync(handlers['settings.set']({ patch: { autoLockMinutes: 0 } }))).toBe(
      'REAUTH_REQUIRED',
    );
    await handlers['reauth.password']({ password: PASSWORD });
    expect((await handlers['vault.remember']({ remember: true })).keychain.remembered).toBe(true);
    expect((await handlers['vault.remember']({ remember: false })).keychain.remembered).toBe(false);
  });

  it('with the password typed for unlocking (or creating), remembering needs nothing more', async () => {
    const keychain = new MemoryKeychain();
    const { engine, another } = await setup(keychain);
    engine.lock();
    const again = another();
    await again.unlockWithPassword(PASSWORD, { remember: true });
    const internals = () => engineInternals(again);
    expect(keychain.entries.size).toBe(1);
    expect(internals().log.list({ limit: 1 })[0]).toMatchObject({
      action: 'vault.remember',
      outcome: 'success',
    });
    // …and it did not open a re-authentication window for anything else.
    expect(internals().reauth.remainingMs()).toBe(0);
    again.lock();
  });
});
