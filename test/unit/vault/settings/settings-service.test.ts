import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../../shared/domain/settings.ts';
import { codeOf } from '../../../support/checks.ts';
import { createTestEngine } from '../../../support/temp-engine.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

async function settings() {
  const made = await createTestEngine({ password: 'settings password' });
  cleanups.push(made.cleanup);
  return made.services;
}

async function settingsEngine() {
  const made = await createTestEngine({ password: 'settings password' });
  cleanups.push(made.cleanup);
  return made;
}

describe('settings', () => {
  it('changing one setting leaves every other one as it was (not back to its default)', async () => {
    const { engine, services } = await settingsEngine();
    const actor = { actor: 'owner@test' };
    await engine.reauthenticate({ password: 'settings password' }); // clipboard never cleared: weaker
    services.settings.set({ theme: 'dark', clipboardClearSeconds: null, utc: true }, actor);
    const after = services.settings.set({ noticeLeadDays: 45 }, actor);
    expect(after).toEqual({
      ...DEFAULT_SETTINGS,
      autoLockMinutes: 0, // createTestEngine turns auto-lock off
      theme: 'dark',
      clipboardClearSeconds: null,
      utc: true,
      noticeLeadDays: 45,
    });
    // The log records only what changed.
    const last = services.log.list({ limit: 1 })[0];
    expect(last?.details).toEqual({ noticeLeadDays: 45 });
  });

  it('refuses unknown names and out-of-range values, changing nothing', async () => {
    const services = await settings();
    const before = services.settings.get();
    expect(codeOf(() => services.settings.set({ colour: 'blue' }, { actor: 'o' }))).toBe('INVALID_INPUT');
    expect(codeOf(() => services.settings.set({ graceDays: 3 }, { actor: 'o' }))).toBe('INVALID_INPUT');
    expect(codeOf(() => services.settings.set({ defaultGraceDays: 31 }, { actor: 'o' }))).toBe(
      'INVALID_INPUT',
    );
    expect(services.settings.get()).toEqual(before);
  });
});
