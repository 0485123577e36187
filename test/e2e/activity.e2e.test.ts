// The Activity screen end to end: the log's entries, newest first and paged; the chain check green;
// then the log tampered with in the database itself (what someone with the data key and a SQLite
// shell could do) and "Verify again" turns it red, naming the entry.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { KeywardEngine } from '../../electron/vault/keyward-engine.ts';
import { checkA11y, openScreen, saveScreenshot, setupE2e } from '../support/e2e/index.ts';
import { engineInternals } from '../support/engine-internals.ts';

const e2e = setupE2e();

/** A few ordinary entries, one failure among them. */
async function seedActivity(engine: KeywardEngine): Promise<void> {
  const { integration } = engine.createIntegration({ name: 'Payments', platform: 'server' });
  engine.createIntegration({ name: 'Mobile app', platform: 'mobile' });
  await engine.reauthenticate({ password: 'not the password' }).catch(() => undefined);
  engine.updateSettings({ noticeLeadDays: 14 });
  engine.rotate(integration.id);
}

async function chainState(page: Page): Promise<string | null> {
  return page.getByTestId('chain-banner').getAttribute('data-state');
}

describe('Activity', () => {
  it('lists the log with a verified chain, then shows tampering in red after "Verify again"', async () => {
    const app = await e2e.openApp({ seed: seedActivity });
    const { page, engine } = app;
    await openScreen(page, 'Activity');
    await expect.poll(() => chainState(page)).toBe('ok');
    const verdict = engine.verifyLog();
    if (!verdict.ok) {
      throw new Error('the fresh log should verify');
    }
    expect(await page.getByTestId('chain-status').textContent()).toBe(
      `Chain verified — ${verdict.entries} entries, head ${verdict.headHash.slice(0, 12)}`,
    );

    // Every entry, newest first, with its time, actor, action, ids and outcome.
    const rows = page.getByTestId('activity-row');
    await expect.poll(() => rows.count()).toBe(verdict.entries);
    const seqs = await Promise.all(
      (await rows.all()).map(async (row) => Number(await row.getAttribute('data-seq'))),
    );
    expect(seqs).toEqual(Array.from({ length: verdict.entries }, (_, i) => verdict.entries - i));
    const newest = rows.first();
    expect(await newest.locator('td').nth(3).textContent()).toBe('key.rotate');
    expect(await newest.locator('td').nth(2).textContent()).toBe('owner@desktop');
    expect(await newest.getByTestId('activity-time').textContent()).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/,
    );
    // The integration by its name (the log keeps its id), the key by its short id.
    expect(await newest.locator('td').nth(4).textContent()).toMatch(/^Paymentskey [0-9a-f]{8}$/);
    expect(await newest.locator('td').nth(5).textContent()).toBe('Success');
    const failed = page
      .getByTestId('activity-row')
      .filter({ hasText: 'reauth' })
      .filter({ hasText: 'Failure' });
    expect(await failed.count()).toBe(1);
    expect(await failed.locator('td').nth(6).textContent()).toBe('method=password');
    expect(await page.getByText('Beginning of the log').isVisible()).toBe(true);

    // Filter by action among the loaded entries.
    await page.getByLabel('Filter by action').fill('integration.create');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.getByText(`2 of ${verdict.entries} loaded entries match`).isVisible()).toBe(true);
    await page.getByLabel('Filter by action').fill('');
    await expect.poll(() => rows.count()).toBe(verdict.entries);

    await checkA11y(page);
    await saveScreenshot(page, 'activity');

    // Tamper: drop the append-only guards and edit entry 3 in the database itself.
    const { db } = engineInternals(engine);
    db.exec('DROP TRIGGER activity_log_no_update; DROP TRIGGER activity_log_no_delete;');
    const { actor } = db.prepare('SELECT actor FROM activity_log WHERE seq = 3').get() as { actor: string };
    db.prepare(`UPDATE activity_log SET actor = 'mallory' WHERE seq = 3`).run();
    // The banner keeps the last verdict until asked again.
    expect(await chainState(page)).toBe('ok');
    await page.getByRole('button', { name: 'Verify again' }).click();
    await expect.poll(() => chainState(page)).toBe('bad');
    expect(await page.getByTestId('chain-status').textContent()).toBe(
      'Tampered: entry #3 — entry 3 was edited',
    );
    expect(await page.getByTestId('chain-banner').getByRole('alert').count()).toBe(1);

    // The entry is marked in the table, and the banner leads to it.
    await page.getByRole('button', { name: 'Show entry #3' }).click();
    const tampered = page.locator('#activity-entry-3');
    await expect.poll(() => page.locator('#activity-entry-3:focus').count()).toBe(1);
    expect(await tampered.getAttribute('class')).toContain('activity-row--tampered');
    expect(await tampered.locator('td').first().textContent()).toBe('Tampered #3');
    await checkA11y(page);
    await saveScreenshot(page, 'activity-tampered');

    // Entry 3 put back, the last one deleted: caught too (the recorded head no longer matches).
    const last = verdict.entries;
    db.prepare('UPDATE activity_log SET actor = ? WHERE seq = 3').run(actor);
    db.prepare('DELETE FROM activity_log WHERE seq = ?').run(last);
    await page.getByRole('button', { name: 'Verify again' }).click();
    await expect
      .poll(() => page.getByTestId('chain-status').textContent())
      .toBe(
        `Tampered: entry #${last} — entries after ${last - 1} were deleted (the log's head was entry ${last})`,
      );
  });

  it('pages 200 entries at a time with "Load older"', async () => {
    const app = await e2e.openApp({
      seed: (engine) => {
        for (let i = 0; i < 230; i++) {
          engine.updateSettings({ noticeLeadDays: (i % 89) + 2 });
        }
      },
    });
    const { page, engine } = app;
    const total = engine.verifyLog().entries;
    expect(total).toBeGreaterThan(230);
    await openScreen(page, 'Activity');
    const rows = page.getByTestId('activity-row');
    await expect.poll(() => rows.count()).toBe(200);
    expect(await page.getByText('200 entries loaded').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Load older' }).click();
    await expect.poll(() => rows.count()).toBe(total);
    // The button is gone; the keyboard focus is on the first entry just loaded.
    await expect.poll(() => page.locator(':focus').getAttribute('data-seq')).toBe(String(total - 200));
    expect(await rows.last().getAttribute('data-seq')).toBe('1');
    await page.getByText('Beginning of the log').waitFor();
    expect(await page.getByRole('button', { name: 'Load older' }).count()).toBe(0);
    await expect
      .poll(() => page.getByTestId('chain-status').textContent())
      .toBe(
        `Chain verified — ${total} entries, head ${(engine.verifyLog() as { headHash: string }).headHash.slice(0, 12)}`,
      );
  });
});
