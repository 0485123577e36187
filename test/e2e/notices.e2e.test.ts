// The Notices screen end to end: notices fired by moving the engine's clock arrive live (the
// `notices.fired` event), newest first with their kind, unread ones stand out, and "Mark read" /
// "Mark all read" go through the engine and update the sidebar's count.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../electron/vault/keys/key-lifecycle.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { checkA11y, openScreen, saveScreenshot, setupE2e } from '../support/e2e/index.ts';
import { engineInternals } from '../support/engine-internals.ts';

const e2e = setupE2e();

/** The notices on screen, top to bottom: kind and whether unread. */
async function shown(page: Page): Promise<{ kind: string | null; unread: string | null }[]> {
  const items = await page.getByTestId('notice').all();
  return Promise.all(
    items.map(async (item) => ({
      kind: await item.getAttribute('data-kind'),
      unread: await item.getAttribute('data-unread'),
    })),
  );
}

/** The sidebar's unread badge ('' when there is none). */
async function badge(page: Page): Promise<string> {
  const item = page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Notices/ });
  return (await item.locator('.badge').count()) === 0
    ? ''
    : ((await item.locator('.badge').textContent()) ?? '');
}

describe('Notices', () => {
  it('is empty at first, then shows notices as the engine fires them, live, and marks them read', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 23, 12));
    const app = await e2e.openApp({
      clock,
      seed: (engine) => {
        engine.createIntegration({ name: 'Short-lived', platform: 'server', rotationDays: 10, graceDays: 5 });
        engine.createIntegration({ name: 'Billing', platform: 'web', rotationDays: 40 });
      },
    });
    const { page } = app;
    await openScreen(page, 'Notices');
    await page
      .getByText('No notices — Keyward tells you here (and with a system notification) before keys expire')
      .waitFor();
    await checkA11y(page);

    // Day 3: Short-lived's key expires in 7 days — the notice arrives while the screen is open.
    let fired = app.nextEvent('notices.fired');
    await app.advanceClock(4 * DAY_MS);
    await fired;
    await expect.poll(() => shown(page)).toEqual([{ kind: 'expires-soon', unread: 'true' }]);
    expect(await page.getByTestId('notice').first().textContent()).toContain(
      'Short-lived: the API key expires in 7 days',
    );
    await expect.poll(() => badge(page)).toBe('1');

    // Day 11: Short-lived rotated (its old key in grace for 5 days), Billing's 30-day notice.
    fired = app.nextEvent('notices.fired', ({ notices }) =>
      notices.some((notice) => notice.kind === 'rotated'),
    );
    await app.advanceClock(7 * DAY_MS);
    await fired;
    // Day 14: the grace period of Short-lived's old key ends within 3 days.
    fired = app.nextEvent('notices.fired', ({ notices }) =>
      notices.some((notice) => notice.kind === 'grace-ending'),
    );
    await app.advanceClock(3 * DAY_MS);
    await fired;
    // Everything the engine has fired by now (it stores a notice before it announces it) is listed.
    const fromEngine = app.engine.notices();
    expect(fromEngine.length).toBeGreaterThanOrEqual(4);
    await expect.poll(async () => (await shown(page)).length).toBe(fromEngine.length);
    const kinds = (await shown(page)).map((notice) => notice.kind);
    // Newest first.
    const firedAt = await Promise.all(
      (await page.getByTestId('notice-time').all()).map(async (time) =>
        Date.parse((await time.getAttribute('datetime')) ?? ''),
      ),
    );
    expect(firedAt).toEqual([...firedAt].sort((a, b) => b - a));
    expect(new Set(firedAt).size).toBeGreaterThan(1);
    expect(kinds).toEqual(expect.arrayContaining(['expires-soon', 'rotated', 'grace-ending']));
    expect((await shown(page)).every((notice) => notice.unread === 'true')).toBe(true);
    await expect.poll(() => badge(page)).toBe(String(kinds.length));

    // Every notice names its integration and opens it in the key table.
    expect(
      await page.getByRole('button', { name: 'Show Billing in key table' }).count(),
    ).toBeGreaterThanOrEqual(1);

    // Mark one read: it loses its emphasis, the counts follow.
    const first = page.getByTestId('notice').first();
    await first.getByRole('button', { name: 'Mark read' }).click();
    await expect.poll(() => first.getAttribute('data-unread')).toBe('false');
    // The button is gone; the keyboard focus stays in the notice.
    await expect.poll(() => page.locator(':focus').textContent()).toMatch(/^Show .* in key table$/);
    await expect.poll(() => badge(page)).toBe(String(kinds.length - 1));
    expect(await page.getByTestId('notices-unread').textContent()).toBe(
      `${kinds.length - 1} unread · ${kinds.length} in all`,
    );

    await checkA11y(page);
    // The toasts that announced the notices would cover the list.
    await expect
      .poll(async () => {
        const dismiss = page.locator('.toasts').getByRole('button', { name: 'Dismiss' }).first();
        if ((await dismiss.count()) > 0) {
          await dismiss.click({ timeout: 1000 }).catch(() => undefined); // it may time out by itself first
        }
        return page.locator('.toast').count();
      })
      .toBe(0);
    await saveScreenshot(page, 'notices');

    // Unread only, then mark all read.
    await page.getByRole('button', { name: 'Unread', exact: true }).click();
    await expect.poll(async () => (await shown(page)).length).toBe(kinds.length - 1);
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await page.getByText('No unread notices').waitFor();
    await expect.poll(() => badge(page)).toBe('');
    await page.getByRole('button', { name: 'Show all notices' }).click();
    expect((await shown(page)).every((notice) => notice.unread === 'false')).toBe(true);
    expect(await page.getByRole('button', { name: 'Mark all read' }).getAttribute('aria-disabled')).toBe(
      'true',
    );
    expect(app.engine.notices({ unreadOnly: true })).toEqual([]);

    // The integration link goes to the key table.
    await page.getByRole('button', { name: 'Show Short-lived in key table' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Keys' }).waitFor();
  });

  it('refreshes on notices.fired: a notice recorded by the engine appears when the event says so', async () => {
    const app = await e2e.openApp({
      seed: (engine) => {
        engine.createIntegration({ name: 'Gateway', platform: 'server' });
      },
    });
    await openScreen(app.page, 'Notices');
    await app.page.getByText(/^No notices/).waitFor();
    const integration = app.engine.searchIntegrations('Gateway', { offset: 0, limit: 1 }).items[0];
    if (integration === undefined) {
      throw new Error('Gateway is missing');
    }
    // Recorded without an event (as a rotation that failed would be), then announced as main does.
    const notice = engineInternals(app.engine).notices.recordRotationFailure({
      integrationId: integration.id,
      integrationName: integration.name,
      message: 'the vault is read-only',
    });
    expect(notice).not.toBeNull();
    expect(await shown(app.page)).toEqual([]);
    await app.emit('notices.fired', { notices: notice === null ? [] : [notice] });
    await expect.poll(() => shown(app.page)).toEqual([{ kind: 'rotation-failed', unread: 'true' }]);
    const item = app.page.getByTestId('notice').first();
    expect(await item.textContent()).toContain('Rotation failed');
    expect(await item.textContent()).toContain('Gateway: automatic rotation failed (the vault is read-only)');
    await checkA11y(app.page);
  });

  it('shows a failed daily backup: its own kind, what to do, and no key-table link (it is about the vault)', async () => {
    const app = await e2e.openApp({});
    await openScreen(app.page, 'Notices');
    const notice = engineInternals(app.engine).notices.recordBackupFailure({ reason: 'the disk is full' });
    expect(notice).not.toBeNull();
    await app.emit('notices.fired', { notices: notice === null ? [] : [notice] });
    await expect.poll(() => shown(app.page)).toEqual([{ kind: 'backup-failed', unread: 'true' }]);
    const item = app.page.getByTestId('notice').first();
    expect(await item.textContent()).toContain('Backup failed');
    expect(await item.textContent()).toContain('The daily backup failed (the disk is full)');
    expect(await item.getByRole('button', { name: /in key table/ }).count()).toBe(0);
    await item.getByRole('button', { name: 'Mark read' }).click();
    await expect.poll(() => shown(app.page)).toEqual([{ kind: 'backup-failed', unread: 'false' }]);
    await checkA11y(app.page);
  });
});
