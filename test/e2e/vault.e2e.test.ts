// The gate before the vault: first run, unlock, backoff, remember on this device, and the locks the
// admin does not ask for (idle) — in real Chromium over the production build and a real engine.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../support/fake-clock.ts';
import { checkA11y, E2E_PASSWORD, saveScreenshot, setupE2e } from '../support/e2e/index.ts';

const e2e = setupE2e();

const unlockHeading = (page: Page) => page.getByRole('heading', { name: 'Unlock Keyward' });
const keysHeading = (page: Page) => page.getByRole('heading', { name: 'Keys', level: 1 });
const passwordField = (page: Page) => page.getByLabel('Master password', { exact: true });

describe('creating and unlocking the vault', () => {
  it('first run checks the new password as you type and creates the vault', async () => {
    const { page, engine } = await e2e.openApp({ vault: 'none' });
    await page.getByRole('heading', { name: 'Create your vault' }).waitFor();
    await checkA11y(page);
    await passwordField(page).fill('short');
    await page.getByRole('button', { name: 'Create vault' }).click();
    await page.getByText('Use at least 8 characters.').waitFor();
    expect(engine.vault.exists()).toBe(false);
    await passwordField(page).fill(E2E_PASSWORD);
    await page.getByLabel('Confirm master password').fill(`${E2E_PASSWORD} typo`);
    await page.getByRole('button', { name: 'Create vault' }).click();
    await page.getByText('The two passwords differ.').waitFor();
    expect(engine.vault.exists()).toBe(false);
    await page.getByLabel('Confirm master password').fill(E2E_PASSWORD);
    await page.getByRole('button', { name: 'Create vault' }).click();
    await keysHeading(page).waitFor();
    expect((await engine.vault.status()).state).toBe('unlocked');
  });

  it('wrong passwords back off with a visible wait; the right one unlocks after it', async () => {
    const { page, engine } = await e2e.openApp({ vault: 'locked' });
    await unlockHeading(page).waitFor();
    await checkA11y(page);
    const unlock = page.getByRole('button', { name: 'Unlock', exact: true });
    const wait = page.getByText(/Too many wrong attempts\. Try again in \d+ s/);
    for (let attempt = 1; attempt <= 6 && !(await wait.isVisible()); attempt++) {
      await passwordField(page).fill(`wrong password ${attempt}`);
      await unlock.click();
      await expect
        .poll(
          async () =>
            (await wait.isVisible()) ||
            (await page.getByText('That is not the master password.').isVisible()),
        )
        .toBe(true);
    }
    await wait.waitFor();
    await saveScreenshot(page, 'unlock-backoff');
    expect(await unlock.isDisabled()).toBe(true);
    expect((await engine.vault.status()).lockout.failures).toBeGreaterThanOrEqual(3);
    // The wait passes on its own (1 s, then doubling); then the right password opens the vault.
    await wait.waitFor({ state: 'hidden', timeout: 20_000 });
    await passwordField(page).fill(E2E_PASSWORD);
    await unlock.click();
    await keysHeading(page).waitFor();
    expect((await engine.vault.status()).lockout.failures).toBe(0);
  });

  it('remember on this device: unlock once with the password, then with the OS keychain', async () => {
    const { page, engine } = await e2e.openApp({ vault: 'locked' });
    await unlockHeading(page).waitFor();
    await passwordField(page).fill(E2E_PASSWORD);
    await page.getByRole('checkbox', { name: /Remember on this device/ }).check();
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await keysHeading(page).waitFor();
    expect((await engine.vault.status()).keychain.remembered).toBe(true);
    await page.keyboard.press('Control+l');
    await unlockHeading(page).waitFor();
    await page.getByRole('button', { name: 'Unlock with the OS keychain' }).click();
    await keysHeading(page).waitFor();
    expect((await engine.vault.status()).state).toBe('unlocked');
  });

  it('idle: the vault locks itself, says why, and cancels an open re-authentication', async () => {
    const clock = new FakeClock(Date.now());
    const app = await e2e.openApp({
      clock,
      autoLock: true,
      seed: (engine) => {
        engine.createIntegration({ name: 'Payments', platform: 'web' });
      },
    });
    const { page, engine } = app;
    await keysHeading(page).waitFor();
    const minutes = engine.settings().autoLockMinutes;
    // Open a guarded action's dialog, then go idle past the auto-lock.
    await page.getByRole('grid', { name: 'Keys' }).getByRole('row').nth(1).click();
    await page
      .getByRole('button', { name: /^Copy key/ })
      .first()
      .click();
    await page.getByRole('dialog', { name: 'Confirm it is you' }).waitFor();
    const locked = app.nextEvent('vault.locked');
    await app.advanceClock(minutes * 60_000 + 1000);
    expect(await locked).toEqual({ reason: 'idle' });
    await unlockHeading(page).waitFor();
    await page.getByText('Keyward locked itself after a period without activity.').waitFor();
    expect(await page.getByRole('dialog', { name: 'Confirm it is you' }).count()).toBe(0);
    expect((await app.readClipboard()) ?? '').not.toContain('kw_');
  });
});
