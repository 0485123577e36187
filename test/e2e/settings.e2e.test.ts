// The Settings screen end to end: the UTC toggle changes the timestamps of other screens at once,
// the theme applies, bounds are checked as you type, an authenticator is enrolled from the QR
// screen's secret and then used in the re-authentication dialog, the master password changes, a
// backup is made — each through the real engine.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { base32Decode, hotp, totpStep } from '../../electron/vault/auth/totp.ts';
import { DAY_MS } from '../../electron/vault/keys/key-lifecycle.ts';
import { FakeClock } from '../support/fake-clock.ts';
import {
  checkA11y,
  openScreen,
  E2E_PASSWORD,
  REPO_ROOT,
  saveScreenshot,
  setupE2e,
} from '../support/e2e/index.ts';
import type { E2eApp } from '../support/e2e/index.ts';

const e2e = setupE2e();
const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

/** The text of the first `<time>` matched by `testId` on the current screen, once one is shown. */
async function firstTime(page: Page, testId: string): Promise<string> {
  const time = page.getByTestId(testId).first();
  await time.waitFor();
  return (await time.textContent()) ?? '';
}

/** The current TOTP code of the engine's clock for the secret shown on screen. */
function totpCode(app: E2eApp, shownSecret: string, offsetSteps = 0): string {
  const secret = base32Decode(shownSecret.replace(/\s+/g, ''));
  if (secret === null) {
    throw new Error(`not base32: ${shownSecret}`);
  }
  return hotp(secret, totpStep(app.clock.now()) + offsetSteps);
}

/** The dark cells of the QR code as drawn: the path's `M x y h w v1 h-w z` runs, quiet zone removed. */
function drawnModules(d: string, size: number): string {
  const cells = Array.from({ length: size * size }, () => '0');
  for (const [, x, y, w] of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    for (let i = 0; i < Number(w); i++) {
      cells[(Number(y) - 4) * size + Number(x) - 4 + i] = '1';
    }
  }
  return cells.join('');
}

describe('Settings', () => {
  it('switches every timestamp between local time with offset and UTC at once, and applies the theme', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 23, 9, 30));
    const app = await e2e.openApp({
      clock,
      timezoneId: 'Europe/Berlin',
      seed: (engine) => {
        engine.createIntegration({ name: 'Short-lived', platform: 'server', rotationDays: 5 });
        clock.advance(4.5 * DAY_MS); // the 1-day notice fires
      },
    });
    const { page, engine } = app;
    await openScreen(page, 'Activity');
    expect(await firstTime(page, 'activity-time')).toMatch(/^2026-11-2\dT\d\d:\d\d:\d\d\+01:00$/);
    await openScreen(page, 'Notices');
    expect(await firstTime(page, 'notice-time')).toBe('2026-11-27T10:30:00+01:00');

    await openScreen(page, 'Settings');
    await saveScreenshot(page, 'settings');
    const utc = page.getByRole('switch', { name: 'ISO 8601 UTC timestamps' });
    expect(await utc.isChecked()).toBe(false);
    expect(await page.getByTestId('utc-example').textContent()).toMatch(/\+01:00$/);
    await utc.check();
    await expect.poll(() => page.getByTestId('utc-example').textContent()).toMatch(/Z$/);
    expect(engine.settings().utc).toBe(true);

    await openScreen(page, 'Notices');
    expect(await firstTime(page, 'notice-time')).toBe('2026-11-27T09:30:00Z');
    await openScreen(page, 'Activity');
    expect(await firstTime(page, 'activity-time')).toMatch(/^2026-11-2\dT\d\d:\d\d:\d\dZ$/);
    expect(await page.getByRole('columnheader', { name: 'Time (UTC)' }).count()).toBe(1);

    // Off again, from the settings screen, and the other screens follow.
    await openScreen(page, 'Settings');
    await page.getByRole('switch', { name: 'ISO 8601 UTC timestamps' }).uncheck();
    await expect.poll(() => engine.settings().utc).toBe(false);
    await openScreen(page, 'Notices');
    expect(await firstTime(page, 'notice-time')).toBe('2026-11-27T10:30:00+01:00');

    // Theme: a radio group; clicks and arrow keys choose, and the page follows at once.
    await openScreen(page, 'Settings');
    const themes = page.getByRole('radiogroup', { name: 'Theme' });
    const html = page.locator('html');
    expect(await html.getAttribute('data-theme')).toBeNull();
    await themes.getByRole('radio', { name: 'Dark' }).click();
    await expect.poll(() => html.getAttribute('data-theme')).toBe('dark');
    expect(engine.settings().theme).toBe('dark');
    await checkA11y(page, undefined, { colorSchemes: ['light'] }); // forced dark whatever the OS says
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => html.getAttribute('data-theme')).toBe('light');
    expect(await themes.getByRole('radio', { name: 'Light' }).getAttribute('aria-checked')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => html.getAttribute('data-theme')).toBeNull();
    await expect.poll(() => engine.settings().theme).toBe('system');
  });

  it('checks every number against its bounds as you type and saves only valid values', async () => {
    const { page, engine } = await e2e.openApp();
    await openScreen(page, 'Settings');
    const settings = () => engine.settings();

    const lead = page.getByLabel('First expiry notice');
    await lead.fill('0');
    expect(await page.getByText('Notice lead days must be between 1 and 90').isVisible()).toBe(true);
    expect(await lead.getAttribute('aria-invalid')).toBe('true');
    await lead.press('Tab'); // leaving an invalid value saves nothing
    expect(settings().noticeLeadDays).toBe(30);
    await lead.fill('45');
    expect(await lead.getAttribute('aria-invalid')).toBeNull();
    await lead.press('Enter');
    await expect.poll(() => settings().noticeLeadDays).toBe(45);
    // Saving one setting leaves the others alone (the harness turned auto-lock off).
    expect(settings().autoLockMinutes).toBe(0);
    // The engine has it first; the page says so once the answer is back.
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Saved' }).count()).toBe(1);

    const autoLock = page.getByLabel('Auto-lock after');
    await autoLock.fill('1.5');
    expect(await page.getByText('Auto-lock minutes must be a whole number').isVisible()).toBe(true);
    await autoLock.fill('1441');
    expect(
      await page.getByText('Auto-lock minutes must be between 1 and 1440, or 0 for never').isVisible(),
    ).toBe(true);
    await autoLock.press('Escape'); // back to the saved value
    expect(await autoLock.inputValue()).toBe('0');
    await autoLock.fill('15');
    await autoLock.blur();
    await expect.poll(() => settings().autoLockMinutes).toBe(15);

    for (const [label, text, message] of [
      ['Default rotation period', '366', 'Default rotation days must be between 1 and 365'],
      ['Default grace period', '31', 'Default grace days must be between 0 and 30'],
      ['Secret lifetime', '169', 'Secret lifetime hours must be between 1 and 168'],
      ['Re-authentication window', '901', 'Re-authentication window seconds must be between 0 and 900'],
      ['Clear the clipboard after', '5', 'Clipboard clear seconds must be between 10 and 300'],
      ['Secret lifetime', 'soon', 'Secret lifetime hours must be a number'],
    ] as const) {
      await page.getByLabel(label).fill(text);
      await page.getByText(message).waitFor();
      await page.getByLabel(label).press('Escape');
    }
    await checkA11y(page);

    // The clipboard never clears: that weakens a protection, so it asks who is there first;
    // cancelled, nothing changes.
    const never = page.getByRole('checkbox', { name: 'Never' });
    const confirm = page.getByRole('dialog', { name: 'Confirm it is you' });
    await never.check();
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    await expect.poll(() => never.isChecked()).toBe(false);
    expect(settings().clipboardClearSeconds).toBe(30);
    // Confirmed: the number gives way to "Never", and back (tightening asks nothing).
    await never.check();
    await confirm.getByLabel('Master password').fill(E2E_PASSWORD);
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => settings().clipboardClearSeconds).toBeNull();
    expect(await page.getByLabel('Clear the clipboard after').isDisabled()).toBe(true);
    await never.uncheck();
    await expect.poll(() => settings().clipboardClearSeconds).toBe(30);
    await page.getByLabel('Clear the clipboard after').fill('120');
    await page.getByLabel('Clear the clipboard after').press('Enter');
    await expect.poll(() => settings().clipboardClearSeconds).toBe(120);
  });

  it('enrols an authenticator from the shown secret, then re-authenticates with its code', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 23, 12, 0, 5));
    const app = await e2e.openApp({ clock });
    const { page, engine } = app;
    await openScreen(page, 'Settings');
    const totp = page.getByTestId('totp');
    expect(await totp.getByTestId('totp-state').textContent()).toBe('Not set up');

    // Starting needs a fresh re-authentication: the dialog asks for the master password.
    await totp.getByRole('button', { name: 'Set up an authenticator' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
    await dialog.getByLabel('Master password').fill(E2E_PASSWORD);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    const secretText = (await totp.getByTestId('totp-secret').textContent()) ?? '';
    expect(secretText).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
    expect(await totp.getByTestId('totp-uri').textContent()).toMatch(
      new RegExp(`^otpauth://totp/.*secret=${secretText.replace(/\s+/g, '')}`),
    );

    // The QR code is drawn from the modules main sent: every dark module, nothing else.
    const begin = app.ipcLog.find(
      (record) => record.kind === 'call' && record.channel === 'totp.enrollBegin' && record.result.ok,
    );
    const qr = (begin?.kind === 'call' && begin.result.ok ? begin.result.value : null) as {
      qr: { size: number; modules: string };
    } | null;
    expect(qr).not.toBeNull();
    const d =
      (await totp
        .getByRole('img', { name: /QR code/ })
        .locator('path')
        .getAttribute('d')) ?? '';
    expect(drawnModules(d, qr?.qr.size ?? 0)).toBe(qr?.qr.modules);
    await checkA11y(page);
    await totp.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'settings-authenticator');

    // A wrong code is refused; the right one turns it on.
    const codeField = totp.getByLabel('Code from the authenticator');
    const right = totpCode(app, secretText);
    await codeField.fill(right === '000000' ? '111111' : '000000');
    await totp.getByRole('button', { name: 'Confirm and turn on' }).click();
    await totp.getByText(/That code does not match the new authenticator/).waitFor();
    await codeField.fill(right);
    await totp.getByRole('button', { name: 'Confirm and turn on' }).click();
    await expect.poll(() => totp.getByTestId('totp-state').textContent()).toBe('Set up');
    expect(engine.reauthStatus().totpEnrolled).toBe(true);

    // Later (the re-authentication window over, a new 30 s step), removing it asks again: by code.
    await app.advanceClock(90_000);
    await totp.getByRole('button', { name: 'Remove authenticator' }).click();
    await dialog.getByRole('radio', { name: 'Authenticator code' }).click();
    await dialog.getByLabel('Authenticator code').fill(totpCode(app, secretText));
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => totp.getByTestId('totp-state').textContent()).toBe('Not set up');
    expect(engine.reauthStatus().totpEnrolled).toBe(false);
    const reauths = engine.activity({ action: 'reauth' }).map((entry) => entry.details['method']);
    expect(reauths).toEqual(['totp', 'password']);
  });

  it('changes the master password, remembers the vault on this device, backs up now, and says what it runs', async () => {
    const app = await e2e.openApp();
    const { page, engine } = app;
    await openScreen(page, 'Settings');
    const form = page.getByRole('form', { name: 'Change master password' });

    await form.getByLabel('Current password').fill('not it');
    await form.getByLabel('New password', { exact: true }).fill('short');
    expect(await form.getByText('Use at least 8 characters.').isVisible()).toBe(true);
    await form.getByLabel('New password', { exact: true }).fill('correct horse battery');
    await form.getByLabel('Confirm new password').fill('correct horse battery staple');
    expect(await form.getByText('The two passwords differ.').isVisible()).toBe(true);
    await form.getByLabel('Confirm new password').fill('correct horse battery');
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByText('Wrong master password.').waitFor();
    expect(await engine.vault.checkPassword(E2E_PASSWORD)).toBe(true);

    await form.getByLabel('Current password').fill(E2E_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Master password changed').waitFor();
    expect(await form.getByLabel('Current password').inputValue()).toBe('');
    expect(await engine.vault.checkPassword('correct horse battery')).toBe(true);
    expect(await engine.vault.checkPassword(E2E_PASSWORD)).toBe(false);

    // The form says what the change did: a new data key, the old password shut out.
    expect(await form.getByText(/the old password no longer\s+opens it/).count()).toBe(1);

    // Remember on this device (the test keychain is available): it asks who is there first.
    const remember = page.getByRole('switch', { name: 'Remember on this device' });
    expect(await remember.isChecked()).toBe(false);
    await remember.check();
    const confirm = page.getByRole('dialog', { name: 'Confirm it is you' });
    await confirm.getByLabel('Master password').fill('correct horse battery');
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => remember.isChecked()).toBe(true);
    // The switch shows the change at once; the keychain write lands a moment later.
    await expect.poll(async () => (await engine.vault.status()).keychain.remembered).toBe(true);
    await page.getByRole('switch', { name: 'Remember on this device', checked: true }).waitFor();

    // Backups: the list, and one more now.
    const backups = page.getByTestId('backups').locator('tbody tr');
    const before = engine.listBackups().length;
    await expect.poll(() => backups.count()).toBe(before);
    await page.getByRole('button', { name: 'Back up now' }).click();
    await expect.poll(() => backups.count()).toBe(before + 1);
    expect(engine.listBackups()).toHaveLength(before + 1);
    expect(await backups.first().locator('time').textContent()).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/,
    );

    // About: the version, the vault file, the cipher and the KDF parameters.
    const about = page.getByRole('region', { name: 'About' });
    expect(await about.getByTestId('app-version').textContent()).toBe(`version ${version}`);
    expect(await about.getByText(app.vaultPath).count()).toBe(1);
    const status = await engine.vault.status();
    expect(await about.textContent()).toContain(status.cipher ?? 'no cipher?');
    expect(await about.textContent()).toContain(`${status.kdf?.iterations ?? '?'} iterations`);
    await checkA11y(page);
  });
});
