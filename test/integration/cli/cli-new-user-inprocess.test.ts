import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256 } from './cli-harness.ts';
import { InProcessCli } from './cli-inprocess.ts';

// Issue 10 §4, the whole program in-process (runCli) on a real encrypted vault with a fake clock:
// what a new user met trying the CLI, each with a test that failed before the fix.
const PASSWORD = 'new-user in-process password';
const env = { KEYWARD_PASSWORD: PASSWORD };
const DAY = 86_400_000;

const clis: InProcessCli[] = [];
afterEach(() => {
  for (const cli of clis.splice(0)) {
    cli.dispose();
  }
});

async function vaultWith(integrations: string[] = ['Billing']): Promise<InProcessCli> {
  const cli = new InProcessCli();
  clis.push(cli);
  await cli.json(['init'], { env });
  for (const name of integrations) {
    await cli.json(['integrations', 'add', '--name', name, '--platform', 'server'], { env });
  }
  return cli;
}

interface KeyJson {
  id: string;
  status: string;
  lastUsedAt: string | null;
  integrationName: string;
}

async function keysOf(cli: InProcessCli, ref: string): Promise<KeyJson[]> {
  return (await cli.json(['keys', 'list', ref], { env }))['keys'] as KeyJson[];
}

function errorOf(stderr: string): { code: string; message: string } {
  return (JSON.parse(stderr) as { error: { code: string; message: string } }).error;
}

describe('`jwks --out` never overwrites (the engine’s rule, as for `export`)', () => {
  it('a backup, its header, an export, the vault’s files, an earlier JWKS or any file: exit 5, untouched', async () => {
    const cli = await vaultWith();
    const backup = (await cli.json(['backup', 'now'], { env }))['backup'] as { path: string };
    const exported = join(cli.dir, 'vault.keyward');
    await cli.json(['export', exported], { env });
    const notes = join(cli.dir, 'notes.txt');
    writeFileSync(notes, 'notes\n');
    const jwks = join(cli.dir, 'jwks.json');
    await cli.json(['jwks', '--out', jwks], { env });
    const targets = [
      backup.path,
      `${backup.path}.header`,
      exported,
      notes,
      jwks,
      `${cli.vault}.header`,
      cli.vault,
    ];
    for (const target of targets) {
      const before = sha256(target);
      const run = await cli.run(['jwks', '--out', target, '--json'], { env });
      expect(run.code, `${target}: ${run.stderr}`).toBe(5);
      expect(errorOf(run.stderr).code).toBe('INVALID_STATE');
      expect(sha256(target), target).toBe(before);
    }
    // A new file still works, and is a JWKS.
    const fresh = await cli.json(['jwks', '--out', join(cli.dir, 'jwks-2.json')], { env });
    expect(fresh).toMatchObject({ written: true, keys: 1 });
  });
});

describe('keys end-grace', () => {
  it('a key in grace stops being accepted now: revoked, re-authenticated, logged; others exit 5', async () => {
    const cli = await vaultWith();
    await cli.json(['keys', 'rotate', 'Billing'], { env });
    const [active, grace] = await keysOf(cli, 'Billing');
    expect([active?.status, grace?.status]).toEqual(['active', 'grace']);

    // Opened with the remembered key and no way to re-authenticate: refused, nothing changes.
    await cli.json(['unlock', '--remember'], { env });
    const refused = await cli.run(['keys', 'end-grace', grace?.id ?? '', '--json']);
    expect(refused.code).toBe(3);
    expect(errorOf(refused.stderr).code).toBe('REAUTH_REQUIRED');
    expect((await keysOf(cli, 'Billing')).map((key) => key.status)).toEqual(['active', 'grace']);

    const ended = await cli.json(['keys', 'end-grace', grace?.id ?? ''], { env });
    expect(ended).toMatchObject({ ended: true, key: { id: grace?.id, status: 'revoked' } });
    expect((await keysOf(cli, 'Billing')).map((key) => key.status)).toEqual(['active', 'revoked']);
    const test = await cli.run(['keys', 'test', grace?.id ?? '', '--json'], { env });
    expect(test.code).toBe(5);
    expect(JSON.parse(test.stdout)).toMatchObject({ accepted: false, status: 'revoked' });

    const log = (await cli.json(['log'], { env }))['entries'] as { action: string; outcome: string }[];
    expect(log.filter((entry) => entry.action === 'key.end-grace').map((entry) => entry.outcome)).toEqual([
      'success',
    ]);
    // The active key, and a key no longer in grace, cannot have their grace ended.
    for (const keyId of [active?.id ?? '', grace?.id ?? '']) {
      const again = await cli.run(['keys', 'end-grace', keyId, '--json'], { env });
      expect(again.code).toBe(5);
      expect(errorOf(again.stderr).message).toMatch(/Only a key in its grace period/);
    }
  });
});

describe('keys test', () => {
  it('prints accepted (exit 0) or refused with the reason (exit 5), and records "last used"', async () => {
    const cli = await vaultWith();
    await cli.json(['integrations', 'edit', 'Billing', '--ip', '10.0.0.0/8'], { env });
    expect((await keysOf(cli, 'Billing'))[0]?.lastUsedAt).toBeNull();

    const accepted = await cli.run(['keys', 'test', 'billing', '--ip', '10.1.2.3'], { env });
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toMatch(/^accepted: key kw_\w{5}… of "Billing" \(active\) from 10\.1\.2\.3/);
    expect((await keysOf(cli, 'Billing'))[0]?.lastUsedAt).not.toBeNull();

    const wrongIp = await cli.run(['keys', 'test', 'Billing', '--ip', '192.168.1.1', '--json'], { env });
    expect(wrongIp.code).toBe(5);
    expect(JSON.parse(wrongIp.stdout)).toMatchObject({
      accepted: false,
      reason: 'IP_NOT_ALLOWED',
      ip: '192.168.1.1',
    });

    await cli.json(['integrations', 'disable', 'Billing'], { env });
    const keyId = (await keysOf(cli, 'Billing'))[0]?.id ?? '';
    const disabled = await cli.run(['keys', 'test', keyId], { env });
    expect(disabled.code).toBe(5);
    expect(disabled.stdout).toMatch(
      /^refused: API_DISABLED \(.+\): key kw_\w{5}… of "Billing" \(active\) is not accepted \(checked locally\)\.\n$/,
    );

    const unknown = await cli.run(['keys', 'test', 'Nope'], { env });
    expect(unknown.code).toBe(4);
    const log = (await cli.json(['log'], { env }))['entries'] as { action: string; outcome: string }[];
    expect(log.filter((entry) => entry.action === 'key.test').map((entry) => entry.outcome)).toEqual([
      'failure',
      'failure',
      'success',
    ]);
  });
});

describe('notices, paged', () => {
  it('--limit and --offset page through all of them with a total and a "more" hint; --mark-all-read reads every one', async () => {
    const names = Array.from({ length: 7 }, (_, i) => `Service ${i}`);
    const cli = await vaultWith(names);
    for (const name of names) {
      await cli.json(['integrations', 'edit', name, '--rotation-days', '10', '--grace-days', '2'], { env });
    }
    cli.clock.advance(11 * DAY); // every key rotated automatically: 7 "rotated" notices at least
    const first = await cli.json(['notices', '--limit', '3'], { env });
    const total = first['total'] as number;
    expect(total).toBeGreaterThanOrEqual(7);
    expect(first).toMatchObject({ offset: 0, limit: 3, more: true });
    expect(first['notices']).toHaveLength(3);
    const text = await cli.run(['notices', '--limit', '3'], { env });
    expect(text.stdout).toContain(
      `Unread notices 1–3 of ${total}; more: \`keyward notices --limit 3 --offset 3\``,
    );

    const seen = new Set<string>();
    for (let offset = 0; offset < total; offset += 3) {
      const page = await cli.json(['notices', '--limit', '3', '--offset', String(offset)], { env });
      for (const notice of page['notices'] as { id: string }[]) {
        seen.add(notice.id);
      }
      expect(page['more']).toBe(offset + 3 < total);
    }
    expect(seen.size).toBe(total);

    const marked = await cli.json(['notices', '--limit', '1', '--mark-all-read'], { env });
    expect(marked['markedRead']).toBe(total);
    expect(await cli.json(['notices'], { env })).toMatchObject({ notices: [], total: 0, more: false });
  });
});

describe('arguments are checked before any password is asked for', () => {
  it('bad flag values fail at once, with no prompt', async () => {
    const cli = await vaultWith();
    const backup = (await cli.json(['backup', 'now'], { env }))['backup'] as { path: string };
    const bad: [string[], number][] = [
      [['integrations', 'add', '--name', '', '--platform', 'server'], 2],
      [['integrations', 'add', '--name', 'X', '--platform', 'toaster'], 2],
      [['integrations', 'add', '--name', 'X', '--platform', 'server', '--rotation-days', '0'], 2],
      [['integrations', 'add', '--name', 'X', '--platform', 'server', '--grace-days', '99'], 2],
      [['integrations', 'add', '--name', 'X', '--platform', 'server', '--ip', '10.0.0.300/8'], 2],
      [['integrations', 'add', '--name', 'X', '--platform', 'server', '--website', 'not a url'], 2],
      [['integrations', 'add', '--name', 'X', '--platform', 'server', '--prefix', 'BAD'], 2],
      [['integrations', 'add', '--name', 'Pay\u202Elapyap', '--platform', 'server'], 2],
      [['integrations', 'edit', 'Billing', '--rotation-days', '999'], 2],
      [['integrations', 'edit', 'Billing', '--ip', 'nope'], 2],
      [['keys', 'revoke', 'Billing', '--grace', '31'], 2],
      [['keys', 'revoke', 'Billing', '--grace', '1', '--lifetime', '400'], 2],
      [['keys', 'test', 'Billing', '--ip', '999.1.1.1'], 2],
      [['settings', 'set', 'defaultGraceDays', '99'], 2],
      [['notices', '--limit', '0'], 2],
      [['notices', '--mark-read', '--mark-all-read'], 2],
      [['log', '--limit', '0'], 2],
      [['log', '--export', backup.path], 5],
      [['export', backup.path], 5],
      [['jwks', '--out', backup.path], 5],
      [['backup', 'restore', 'keyward-19990101T000000Z'], 4],
      [['keys', 'revoke', 'Billing', '--grace', '0', '--totp', 'abc'], 2],
    ];
    for (const [argv, code] of bad) {
      const run = await cli.run(argv, { isTTY: true, answer: () => PASSWORD });
      expect(run.code, `${argv.join(' ')}: ${run.stderr}`).toBe(code);
      expect(run.questions, argv.join(' ')).toEqual([]);
    }
  });
});

describe('messages and lists', () => {
  it('a field is named once: "name must …", not "name: name must …"', async () => {
    const cli = await vaultWith();
    const long = await cli.run(['integrations', 'add', '--name', 'x'.repeat(101), '--platform', 'web'], {
      env,
    });
    expect(long.stderr).toBe('keyward: name must be at most 100 characters\n');
    const setting = await cli.run(['settings', 'set', 'defaultGraceDays', '99'], { env });
    expect(setting.stderr).not.toMatch(/(\w+): \1 /);
  });

  it('names with invisible or bidi characters are refused, naming the character', async () => {
    const cli = await vaultWith();
    for (const [name, char] of [
      ['Pay\u200Bments', 'U+200B'],
      ['Bill\u202Egni', 'U+202E'],
      ['\u2066Billing\u2069', 'U+2066'],
      ['Bil\uFEFFling', 'U+FEFF'],
    ] as const) {
      const run = await cli.run(['integrations', 'add', '--name', name, '--platform', 'web', '--json'], {
        env,
      });
      expect(run.code).toBe(2);
      expect(errorOf(run.stderr).message).toContain(`invisible or text-direction characters: ${char}`);
    }
    const renamed = await cli.run(['integrations', 'edit', 'Billing', '--name', 'Billing\u200D'], { env });
    expect(renamed.code).toBe(2);
    // Visible non-ASCII names are still fine.
    expect(
      (await cli.run(['integrations', 'add', '--name', 'Zahlungsdienst Größe', '--platform', 'web'], { env }))
        .code,
    ).toBe(0);
  });

  it('tables fit 80 columns (`--wide` shows every column); `log` leaves out unlocks unless --unlocks', async () => {
    const cli = await vaultWith([
      'A very long integration name that would not fit in any table at all',
      'Billing',
    ]);
    await cli.json(['keys', 'rotate', 'Billing'], { env });
    for (const argv of [
      ['keys', 'list'],
      ['integrations', 'list'],
      ['log'],
      ['settings', 'get'],
      ['notices', '--all'],
      ['notices', '--locked'],
      ['backup', 'list'],
    ]) {
      const run = await cli.run(argv, { env });
      expect(run.code, run.stderr).toBe(0);
      for (const line of run.stdout.trimEnd().split('\n')) {
        if (!line.startsWith('  ')) {
          // (a notice's message, indented under its heading, is prose that the terminal wraps)
          expect([...line].length, `${argv.join(' ')}: ${line}`).toBeLessThanOrEqual(80);
        }
      }
    }
    const wide = await cli.run(['keys', 'list', '--wide'], { env });
    expect(wide.stdout).toMatch(
      /^KEY ID +INTEGRATION +KEY +STATUS +CREATED +EXPIRES +GRACE ENDS +LAST USED\n/,
    );
    expect(wide.stdout).toContain('A very long integration name that would not fit in any table at all');

    const log = await cli.json(['log', '--limit', '100'], { env });
    const actions = (log['entries'] as { action: string }[]).map((entry) => entry.action);
    expect(actions).not.toContain('vault.unlock');
    expect(log['unlocksHidden']).toBeGreaterThan(3);
    const text = await cli.run(['log'], { env });
    expect(text.stdout).toMatch(
      /\(\d+ unlocks in this range not shown; `keyward log --unlocks` shows them\.\)\n$/,
    );
    const all = await cli.json(['log', '--limit', '100', '--unlocks'], { env });
    expect((all['entries'] as { action: string }[]).map((entry) => entry.action)).toContain('vault.unlock');
    expect(all['unlocksHidden']).toBe(0);
  });

  it('`status` and `backup list` honour --utc, and the vault’s utc setting although they never unlock', async () => {
    const cli = await vaultWith([]);
    await cli.json(['backup', 'now'], { env });
    const utcTimes = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/;
    const localTimes = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d/;
    for (const argv of [
      ['status', '--utc'],
      ['--utc', 'status'],
      ['backup', 'list', '--utc'],
      ['--utc', 'backup', 'list'],
    ]) {
      const run = await cli.run(argv, { env });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout, argv.join(' ')).toMatch(utcTimes);
    }
    for (const argv of [['status'], ['backup', 'list']]) {
      expect((await cli.run(argv)).stdout, argv.join(' ')).toMatch(localTimes);
    }
    // `settings set utc true`: every later command prints UTC, the ones without a password too.
    await cli.json(['settings', 'set', 'utc', 'true'], { env });
    for (const argv of [['status'], ['backup', 'list'], ['status', '--json'], ['backup', 'list', '--json']]) {
      const run = await cli.run(argv);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout, argv.join(' ')).toMatch(utcTimes);
      expect(run.stdout, argv.join(' ')).not.toMatch(localTimes);
    }
  });
});
