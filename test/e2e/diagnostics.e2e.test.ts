// An unexpected error in main, as the user meets it: the message names an error id, and main's log
// has the record with that id and the details the message leaves out.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openScreen, setupE2e } from '../support/e2e/index.ts';

const e2e = setupE2e();

describe('internal errors', () => {
  it('show the user an error id that is also in main’s log, with the details', async () => {
    const app = await e2e.openApp();
    const { page } = app;
    await openScreen(page, 'Activity');
    // A file name longer than any file system takes: writeFile fails with ENAMETOOLONG, an error no
    // typed KeywardError covers.
    app.answerSaveDialog(join(tmpdir(), `${'x'.repeat(300)}.csv`));
    await page.getByRole('button', { name: 'Export CSV…' }).click();
    const shown = page.getByText(/An unexpected internal error occurred\. Error id [0-9a-f]{12}/);
    await shown.waitFor();
    const id = /Error id ([0-9a-f]{12})/.exec((await shown.textContent()) ?? '')?.[1];
    expect(id).toBeDefined();
    expect(await shown.textContent()).not.toContain('ENAMETOOLONG'); // the details are not shown…
    const record = app.log.find((entry) => entry.fields['errorId'] === id);
    expect(record).toMatchObject({
      level: 'error',
      fields: { channel: 'log.export', error: { code: 'ENAMETOOLONG' } }, // …they are in the log
    });
  });
});
