// Getting data out and back from the desktop app: the activity log exported as CSV and JSON, the
// whole vault exported (encrypted), and a backup restored — through the save dialog main shows
// (here the harness's stand-in, which answers with a temp path or "cancelled").
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkA11y, E2E_PASSWORD, openScreen, setupE2e } from '../support/e2e/index.ts';
import { createTestEngine } from '../support/temp-engine.ts';
import { engineInternals } from '../support/engine-internals.ts';

const e2e = setupE2e();

describe('exports and restore', () => {
  it('exports the activity log as CSV and JSON where the save dialog says; cancelling writes nothing', async () => {
    const app = await e2e.openApp({
      seed: (engine) => {
        engine.createIntegration({ name: 'Payments', platform: 'web' });
      },
    });
    const { page } = app;
    await openScreen(page, 'Activity');
    app.answerSaveDialog(null);
    await page.getByRole('button', { name: 'Export CSV…' }).click();
    await expect
      .poll(() => app.ipcLog.filter((e) => e.kind === 'call' && e.channel === 'log.export').length)
      .toBe(1);
    expect(app.savedFiles).toEqual([]);

    await page.getByRole('button', { name: 'Export CSV…' }).click();
    await page.getByText(/^Exported \d+ log entries as CSV\.$/).waitFor();
    const csv = readFileSync(app.savedFiles[0] ?? '', 'utf8');
    expect(csv.split('\r\n')[0]).toBe(
      'seq,at,actor,action,outcome,integrationId,integrationName,keyId,details,prevHash,hash',
    );
    expect(csv).toContain('integration.create');
    expect(csv).toContain('Payments');

    await page.getByRole('button', { name: 'Export JSON…' }).click();
    await page.getByText(/^Exported \d+ log entries as JSON\.$/).waitFor();
    const json = JSON.parse(readFileSync(app.savedFiles[1] ?? '', 'utf8')) as { action: string }[];
    expect(json.map((entry) => entry.action)).toContain('log.export'); // the CSV export, logged
    const material = engineInternals(app.engine).lifecycle.material(app.engine.listKeys()[0]?.id ?? '');
    expect(csv + JSON.stringify(json)).not.toContain(material);
  });

  it('exports the whole vault and the JWKS, and restores a backup: the vault locks and comes back as it was', async () => {
    const app = await e2e.openApp({
      seed: (engine) => {
        engine.createIntegration({ name: 'Payments', platform: 'web' });
        engine.backupNow();
        engine.createIntegration({ name: 'Added after the backup', platform: 'web' });
      },
    });
    const { page, engine } = app;
    await openScreen(page, 'Settings');
    await page.getByRole('button', { name: 'Export the vault…' }).click();
    await page.getByText(/^Exported the whole vault, encrypted/).waitFor();
    expect(existsSync(app.savedFiles[0] ?? '')).toBe(true);
    expect(readFileSync(app.savedFiles[0] ?? '', 'utf8')).not.toContain('Payments'); // encrypted

    await page.getByRole('button', { name: 'Export JWKS…' }).click();
    await page.getByText('Exported the JWKS (1 public key).').waitFor();
    const jwks = JSON.parse(readFileSync(app.savedFiles[1] ?? '', 'utf8')) as { keys: { kid: string }[] };
    expect(jwks.keys).toHaveLength(1);

    const backups = page.getByTestId('backups');
    await backups
      .getByRole('button', { name: /^Restore the backup of / })
      .first()
      .click();
    const dialog = page.getByRole('alertdialog', { name: /^Restore the backup of / });
    await dialog.waitFor();
    await checkA11y(page);
    await dialog.getByLabel('Master password of the backup').fill('not the password');
    await dialog.getByRole('button', { name: 'Restore backup' }).click();
    await dialog.getByText('That is not the master password of this backup.').waitFor();
    expect(engine.vault.isUnlocked).toBe(true);

    await dialog.getByLabel('Master password of the backup').fill(E2E_PASSWORD);
    await dialog.getByRole('button', { name: 'Restore backup' }).click();
    await page.getByRole('heading', { name: 'Unlock Keyward' }).waitFor();
    await page.getByLabel('Master password', { exact: true }).fill(E2E_PASSWORD);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    // Back where the admin was (Settings); the restored vault's keys are on the Keys screen.
    await openScreen(page, 'Keys');
    const grid = page.getByRole('grid', { name: 'Keys' });
    await grid.getByRole('row').filter({ hasText: 'Payments' }).first().waitFor();
    expect(await grid.getByRole('row').filter({ hasText: 'Added after the backup' }).count()).toBe(0);
  });

  it('first run on a new computer: imports a vault exported elsewhere, then unlocks it', async () => {
    const elsewhere = await createTestEngine({ password: E2E_PASSWORD });
    try {
      elsewhere.engine.createIntegration({ name: 'Brought along', platform: 'server' });
      const file = join(elsewhere.dir, 'moving.keyward');
      elsewhere.engine.exportTo(file);

      const app = await e2e.openApp({ vault: 'none' });
      const { page } = app;
      await page.getByRole('button', { name: 'Import a vault exported on another computer…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Import an exported vault' });
      await checkA11y(page);
      // Cancelled file dialog: nothing happens.
      app.answerOpenDialog(null);
      await dialog.getByLabel('Master password of the export').fill(E2E_PASSWORD);
      await dialog.getByRole('button', { name: 'Choose the file and import' }).click();
      await expect
        .poll(() => app.ipcLog.filter((e) => e.kind === 'call' && e.channel === 'vault.import').length)
        .toBe(1);
      expect(app.engine.vault.exists()).toBe(false);

      app.answerOpenDialog(file);
      await dialog.getByRole('button', { name: 'Choose the file and import' }).click();
      await page.getByRole('heading', { name: 'Unlock Keyward' }).waitFor();
      await page.getByLabel('Master password', { exact: true }).fill(E2E_PASSWORD);
      await page.getByRole('button', { name: 'Unlock', exact: true }).click();
      await page
        .getByRole('grid', { name: 'Keys' })
        .getByRole('row')
        .filter({ hasText: 'Brought along' })
        .first()
        .waitFor();
    } finally {
      elsewhere.cleanup();
    }
  });
});
