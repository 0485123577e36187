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
  return made;
}

async function settingsEngine() {
  const made = await createTestEngine({ password: 'settings password' });
  cleanups.push(made.cleanup);
  return made;
}

describe('settings', () => {
  it('changing one setting leaves every other one as it was (not back to its default)', async () => {
    const { engine } = await settingsEngine();
    await engine.reauthenticate({ password: 'settings password' }); // clipboard never cleared: weaker
    engine.updateSettings({ theme: 'dark', clipboardClearSeconds: null, utc: true });
    const after = engine.updateSettings({ noticeLeadDays: 45 });
    expect(after).toEqual({
      ...DEFAULT_SETTINGS,
      autoLockMinutes: 0, // createTestEngine turns auto-lock off
      theme: 'dark',
      clipboardClearSeconds: null,
      utc: true,
      noticeLeadDays: 45,
    });
    // The log records only what changed.
    const last = engine.activity({ limit: 1 })[0];
    expect(last?.details).toEqual({ noticeLeadDays: 45 });
  });

  it('refuses unknown names and out-of-range values, changing nothing', async () => {
    const { engine } = await settings();
    const before = engine.settings();
    expect(codeOf(() => engine.updateSettings({ colour: 'blue' }))).toBe('INVALID_INPUT');
    expect(codeOf(() => engine.updateSettings({ graceDays: 3 }))).toBe('INVALID_INPUT');
    expect(codeOf(() => engine.updateSettings({ defaultGraceDays: 31 }))).toBe('INVALID_INPUT');
    expect(engine.settings()).toEqual(before);
  });
});
