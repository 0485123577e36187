import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasStackTrace } from './cli-harness.ts';
import { InProcessCli } from './cli-inprocess.ts';

// Issue 10 §4: a damaged database page must be exit 6 (corrupt) pointing to `backup restore` —
// never exit 1 "unexpected internal error" — and a daily backup that fails on it must leave a
// notice and no `*.partial` file. Real encrypted SQLite: every page is flipped in turn.
const PASSWORD = 'damaged-vault password';
const env = { KEYWARD_PASSWORD: PASSWORD };
const PAGE = 4096;

const clis: InProcessCli[] = [];
afterEach(() => {
  for (const cli of clis.splice(0)) {
    cli.dispose();
  }
});

/** Every file under `dir` (one level of sub-folders), relative. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String);
}

describe('a vault with a damaged database page', () => {
  it('every page flipped in turn: exit 0 or exit 6 pointing to `backup restore`, never 1; no partial backups', async () => {
    const cli = new InProcessCli();
    clis.push(cli);
    await cli.json(['init'], { env });
    for (let i = 0; i < 12; i++) {
      await cli.json(
        ['integrations', 'add', '--name', `Service ${i}`, '--platform', 'server', '--notes', 'n'.repeat(600)],
        { env },
      );
    }
    const bytes = readFileSync(cli.vault);
    const pages = bytes.length / PAGE;
    expect(pages).toBeGreaterThan(10);
    const outcomes = { ok: 0, corrupt: 0, backupFailedNotices: 0 };
    for (let page = 0; page < pages; page++) {
      const dir = join(cli.dir, `page-${page}`);
      mkdirSync(dir);
      const vault = join(dir, 'keyward.vault');
      const damaged = Buffer.from(bytes);
      damaged[page * PAGE + 1000] = (damaged[page * PAGE + 1000] ?? 0) ^ 0x5a;
      writeFileSync(vault, damaged);
      copyFileSync(`${cli.vault}.header`, `${vault}.header`);

      const run = await cli.run(['--vault', vault, 'keys', 'list', '--json'], { env });
      const where = `page ${page}: exit ${run.code}, ${run.stderr}`;
      expect([0, 6], where).toContain(run.code);
      expect(hasStackTrace(run.stderr), where).toBe(false);
      if (run.code === 6) {
        outcomes.corrupt++;
        const error = (JSON.parse(run.stderr) as { error: { code: string; message: string } }).error;
        expect(error.code, where).toBe('VAULT_CORRUPT');
        expect(error.message, where).toContain('keyward backup restore');
      } else {
        outcomes.ok++;
      }
      // Whatever happened, a failed backup leaves no partial file behind.
      expect(
        filesUnder(dir).filter((file) => file.endsWith('.partial')),
        where,
      ).toEqual([]);
      const backups = join(dir, 'backups');
      const madeBackup = existsSync(backups) && readdirSync(backups).some((file) => file.endsWith('.vault'));
      if (run.code === 0 && !madeBackup) {
        // The daily backup ran on unlock and failed on the damaged page: the owner is told.
        const listed = await cli.run(['--vault', vault, 'notices', '--json'], { env });
        expect([0, 6], `${where}; notices: ${listed.stderr}`).toContain(listed.code);
        const notices = listed.code === 0 ? (JSON.parse(listed.stdout) as Record<string, unknown>) : {};
        const kinds = ((notices['notices'] ?? []) as { kind: string }[]).map((n) => n.kind);
        // (Unless the damage reaches the notices table itself: then only the OS notification, which
        // the engine fires from an unsaved notice, can say so — see keyward-engine.test.ts.)
        if (kinds.includes('backup-failed')) {
          outcomes.backupFailedNotices++;
        }
      }
    }
    // The damage is found on most pages, and at least one page shows the failed-backup notice.
    expect(outcomes.corrupt).toBeGreaterThan(pages / 3);
    expect(outcomes.backupFailedNotices).toBeGreaterThan(0);
  }, 120_000);
});
