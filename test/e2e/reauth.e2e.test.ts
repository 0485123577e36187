// Re-authentication through the one central path: the contract declares which channels may answer
// REAUTH_REQUIRED, and the renderer's `call` (renderer/src/api/api.ts) — not each screen — opens
// the "Confirm it is you" dialog, then runs the same call again. `npx electron-vite build` first.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { REAUTH_CHANNELS } from '../../shared/ipc/channels.ts';
import { E2E_PASSWORD, openScreen, setupE2e } from '../support/e2e/index.ts';
import type { E2eApp } from '../support/e2e/index.ts';

const e2e = setupE2e();

const details = (page: Page) => page.locator('aside.details');
const reauthDialog = (page: Page) => page.getByRole('dialog', { name: 'Confirm it is you' });

/** The calls of `channels` so far, as `channel:ok` or `channel:CODE`, in order. */
function callsOf(app: E2eApp, channels: readonly string[]): string[] {
  return app.ipcLog.flatMap((record) =>
    record.kind === 'call' && channels.includes(record.channel)
      ? [`${record.channel}:${record.result.ok ? 'ok' : record.result.error.code}`]
      : [],
  );
}

async function openPayments(app: E2eApp) {
  const { page } = app;
  page.setDefaultTimeout(10_000);
  await page
    .getByRole('grid', { name: 'Keys' })
    .getByRole('row')
    .filter({ hasText: 'Payments' })
    .first()
    .click();
  const panel = details(page);
  await panel.getByRole('heading', { name: 'Payments', level: 2 }).waitFor();
  return panel;
}

describe('re-authentication, in one place', () => {
  it('a guarded action asks once, then the same call goes through after the password', async () => {
    const app = await e2e.openApp({
      seed: (engine) => {
        engine.createIntegration({ name: 'Payments', platform: 'server' });
      },
    });
    const { page } = app;
    const panel = await openPayments(app);

    await panel.getByRole('button', { name: 'Copy Secret' }).click();
    const dialog = reauthDialog(page);
    await dialog.getByText('Copy the Secret of Payments').waitFor();
    await dialog.getByLabel('Master password').fill(E2E_PASSWORD);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByTestId('clipboard-countdown')
      .getByText(/^Secret for Payments copied/)
      .waitFor();
    expect((await app.readClipboard())?.split('.')).toHaveLength(3);
    // Main refused, the dialog re-authenticated, and `call` ran the same call again.
    expect(callsOf(app, ['secret.copy', 'reauth.password'])).toEqual([
      'secret.copy:REAUTH_REQUIRED',
      'reauth.password:ok',
      'secret.copy:ok',
    ]);
    // No screen shows the refusal as an error.
    expect(
      await page
        .getByRole('alert')
        .filter({ hasText: /confirm it is you/i })
        .count(),
    ).toBe(0);
    expect(REAUTH_CHANNELS).toContain('secret.copy');
  }, 60_000);

  it('cancelling the dialog cancels the action quietly: no retry, no error', async () => {
    const app = await e2e.openApp({
      seed: (engine) => {
        engine.createIntegration({ name: 'Payments', platform: 'server' });
      },
    });
    const { page } = app;
    const panel = await openPayments(app);

    await panel.getByRole('button', { name: /^Reveal key / }).click();
    const dialog = reauthDialog(page);
    await dialog.getByText('Reveal the key of Payments').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await panel.getByTestId('revealed-key').count()).toBe(0);
    expect(callsOf(app, ['keys.reveal', 'reauth.password'])).toEqual(['keys.reveal:REAUTH_REQUIRED']);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.locator('.toasts').textContent()).not.toMatch(/cancel|confirm it is you/i);
  }, 60_000);

  it('a newly guarded operation (a weaker setting) asks through the same path: the screen has no re-auth code of its own', async () => {
    const app = await e2e.openApp();
    const { page } = app;
    page.setDefaultTimeout(10_000);
    await openScreen(page, 'Settings');
    await page.getByRole('checkbox', { name: 'Never' }).check();
    const dialog = reauthDialog(page);
    await dialog.getByText('Change a security setting').waitFor();
    await dialog.getByLabel('Master password').fill(E2E_PASSWORD);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect
      .poll(() => callsOf(app, ['settings.set', 'reauth.password']))
      .toEqual(['settings.set:REAUTH_REQUIRED', 'reauth.password:ok', 'settings.set:ok']);
    expect(REAUTH_CHANNELS).toContain('settings.set');
  }, 60_000);
});
