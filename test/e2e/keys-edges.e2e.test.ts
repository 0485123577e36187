// Edges of the Keys screen found in review: an oversized filter must not loop, a key test shows in
// the table's "Last used", focus lands somewhere sensible after a delete, and the clipboard status
// says when a copy is never cleared.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { E2E_PASSWORD, setupE2e } from '../support/e2e/index.ts';

const e2e = setupE2e();

const grid = (page: Page) => page.getByRole('grid', { name: 'Keys' });
const details = (page: Page) => page.locator('aside.details');

async function reauthenticate(page: Page): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
  await dialog.getByLabel('Master password').fill(E2E_PASSWORD);
  await dialog.getByRole('button', { name: 'Confirm' }).click();
}

async function openPayments(page: Page) {
  await grid(page).getByRole('row').filter({ hasText: 'Payments' }).first().click();
  await details(page).getByRole('heading', { name: 'Payments', level: 2 }).waitFor();
  return details(page);
}

/** Which element has the focus: its role and accessible-ish name. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = (
      globalThis as unknown as {
        document: { activeElement: { tagName: string; getAttribute(name: string): string | null } | null };
      }
    ).document.activeElement;
    return `${active?.tagName ?? 'none'}:${active?.getAttribute('role') ?? ''}:${active?.getAttribute('aria-label') ?? ''}`;
  });
}

describe('the Keys screen, at its edges', () => {
  it('a pasted filter over the limit is cut to 200 characters and asks the engine once, not in a loop', async () => {
    const app = await e2e.openApp({
      seed: (engine) => {
        engine.createIntegration({ name: 'Payments', platform: 'web' });
      },
    });
    const { page } = app;
    await grid(page).getByRole('row').nth(1).waitFor();
    const filter = page.getByRole('searchbox', { name: 'Filter keys' });
    await filter.fill('x'.repeat(300));
    expect((await filter.inputValue()).length).toBe(200);
    await page.getByText(/No keys match/).waitFor();
    const calls = () =>
      app.ipcLog.filter((entry) => entry.kind === 'call' && entry.channel === 'keys.table').length;
    const settled = calls();
    await page.waitForTimeout(1000); // a loop would make hundreds of calls in this second
    // One more is an unrelated refresh landing in that second (a change event), not a loop.
    expect(calls() - settled).toBeLessThanOrEqual(1);
  });

  it('a key that verifies shows as used in the table too', async () => {
    const app = await e2e.openApp({
      seed: (engine) => {
        engine.createIntegration({ name: 'Payments', platform: 'web' });
      },
    });
    const { page } = app;
    const row = grid(page).getByRole('row').filter({ hasText: 'Payments' }).first();
    await row.getByText('Never used').waitFor();
    const panel = await openPayments(page);
    await panel.locator('.key-item').first().getByRole('button', { name: /^Test/ }).click();
    await panel.getByText('Verifies: accepted now').waitFor();
    await row.getByText('Never used').waitFor({ state: 'detached' });
  });

  it('after deleting an integration the focus is on the key table, not lost', async () => {
    const app = await e2e.openApp({
      seed: (engine) => {
        engine.createIntegration({ name: 'Payments', platform: 'web' });
        engine.createIntegration({ name: 'Billing', platform: 'web' });
      },
    });
    const { page } = app;
    const panel = await openPayments(page);
    await panel.getByRole('button', { name: 'Delete integration…' }).click();
    const remove = page.getByRole('alertdialog', { name: 'Delete Payments' });
    await remove.getByLabel('I understand: Payments and all its keys are deleted now.').check();
    await remove.getByRole('button', { name: 'Delete integration' }).click();
    await reauthenticate(page);
    await remove.waitFor({ state: 'detached' });
    await expect.poll(() => focused(page)).toBe('DIV:grid:Keys');
  });

  it('a copy that is never cleared says so, and its status can be dismissed', async () => {
    const app = await e2e.openApp({
      settings: { clipboardClearSeconds: null },
      seed: (engine) => {
        engine.createIntegration({ name: 'Payments', platform: 'web' });
      },
    });
    const { page } = app;
    const panel = await openPayments(page);
    await panel
      .getByRole('button', { name: /^Copy key/ })
      .first()
      .click();
    await reauthenticate(page);
    const status = page.getByTestId('clipboard-countdown');
    await status.getByText(/copied — not cleared automatically$/).waitFor();
    await page.getByRole('button', { name: 'Dismiss clipboard status' }).click();
    await status.waitFor({ state: 'detached' });
    expect(await app.readClipboard()).toMatch(/^kw_/);
  });

  it('"Hide now" hides the revealed key and keeps the focus on the row', async () => {
    const app = await e2e.openApp({
      seed: (engine) => {
        engine.createIntegration({ name: 'Payments', platform: 'web' });
      },
    });
    const { page } = app;
    const panel = await openPayments(page);
    await panel
      .getByRole('button', { name: /^Reveal/ })
      .first()
      .click();
    await reauthenticate(page);
    await panel.getByTestId('revealed-key').waitFor();
    await panel.getByRole('button', { name: 'Hide now' }).click();
    await panel.getByTestId('revealed-key').waitFor({ state: 'detached' });
    await expect.poll(() => focused(page)).toMatch(/^BUTTON:/);
    expect(
      await page.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document
            .activeElement.textContent,
      ),
    ).toMatch(/^Reveal/);
  });

  it('wrong re-authentication answers back off: Confirm waits out a visible countdown, then the right password works', async () => {
    const app = await e2e.openApp({
      seed: (engine) => {
        engine.createIntegration({ name: 'Payments', platform: 'web' });
      },
    });
    const { page } = app;
    const panel = await openPayments(page);
    await panel
      .getByRole('button', { name: /^Reveal/ })
      .first()
      .click();
    const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
    const confirm = dialog.getByRole('button', { name: 'Confirm' });
    const wait = dialog.getByText(/Too many wrong attempts\. Try again in \d+ s/);
    for (let attempt = 1; attempt <= 6 && !(await wait.isVisible()); attempt++) {
      await dialog.getByLabel('Master password').fill(`wrong answer ${attempt}`);
      await confirm.click();
      await expect
        .poll(
          async () =>
            (await wait.isVisible()) ||
            (await dialog.getByText('That is not the master password.').isVisible()),
        )
        .toBe(true);
    }
    await wait.waitFor();
    expect(await confirm.isDisabled()).toBe(true);
    await wait.waitFor({ state: 'hidden', timeout: 20_000 });
    await dialog.getByLabel('Master password').fill(E2E_PASSWORD);
    await confirm.click();
    await panel.getByTestId('revealed-key').waitFor();
  });
});
