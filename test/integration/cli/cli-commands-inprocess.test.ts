import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { base32Decode, hotp, totpStep } from '../../../electron/vault/auth/totp.ts';
import { DOCUMENTED_EXIT_CODES, hasStackTrace } from './cli-harness.ts';
import { InProcessCli } from './cli-inprocess.ts';
import { KEY_SHAPED_SOURCE, TOKEN_SHAPED_SOURCE } from '../../../shared/keys/redact.ts';

// The whole program in-process (runCli) with a fake clock, a memory keychain and a fake clipboard:
// what a spawned CLI cannot show — time moving between commands, an authenticator, the clipboard —
// and a fuzz of the new commands' arguments.
const PASSWORD = 'in-process password';
const env = { KEYWARD_PASSWORD: PASSWORD };
const DAY = 86_400_000;
// The one key- and token-shaped pattern (shared/keys/redact.ts), as the activity log refuses it.
const KEY_MATERIAL = new RegExp(`${KEY_SHAPED_SOURCE}|${TOKEN_SHAPED_SOURCE}`);

const clis: InProcessCli[] = [];
afterEach(() => {
  for (const cli of clis.splice(0)) {
    cli.dispose();
  }
});

function newCli(): InProcessCli {
  const cli = new InProcessCli();
  clis.push(cli);
  return cli;
}

interface NoticeJson {
  kind: string;
  integrationName: string;
  message: string;
  read: boolean;
  firedAt: string;
}

/** The current code of the authenticator whose otpauth:// URI is in `text`. */
function codeFrom(text: string, now: number): string {
  const uri = /otpauth:\/\/\S+/.exec(text)?.[0];
  const secret = uri === undefined ? null : base32Decode(new URL(uri).searchParams.get('secret') ?? '');
  if (secret === null) {
    throw new Error(`no otpauth URI in: ${text}`);
  }
  return hotp(secret, totpStep(now));
}

describe('notices, with time moving between commands', () => {
  it('fire before expiry, after the automatic rotation and before the grace ends; --mark-read reads them', async () => {
    const cli = newCli();
    await cli.json(['init'], { env });
    await cli.json(
      [
        'integrations',
        'add',
        '--name',
        'Billing',
        '--platform',
        'server',
        '--rotation-days',
        '10',
        '--grace-days',
        '2',
      ],
      { env },
    );
    expect((await cli.json(['notices'], { env }))['notices']).toEqual([]);

    cli.clock.advance(4 * DAY); // 6 days left: the 7-day notice is due
    const soon = (await cli.json(['notices', '--utc'], { env }))['notices'] as NoticeJson[];
    expect(soon).toHaveLength(1);
    expect(soon[0]).toMatchObject({ kind: 'expires-soon', integrationName: 'Billing', read: false });
    expect(soon[0]?.message).toContain('expires in 6 days');
    expect(soon[0]?.firedAt).toMatch(/Z$/);

    cli.clock.advance(7 * DAY); // past expiry: the catch-up rotates, the old key is in its 2-day grace
    const text = await cli.run(['notices', '--mark-read'], { env });
    expect(text.code, text.stderr).toBe(0);
    // 80 columns: a heading line per notice, its message below.
    expect(text.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d +(rotated|grace-ending)\n {2}Billing: /);
    expect(text.stdout).toMatch(/rotated\n {2}Billing: the API key was rotated automatically/);
    expect(text.stdout).toMatch(/grace-ending\n {2}Billing: the previous API key stops working/);
    expect(text.stdout).toMatch(/Marked [2-9] notices as read\.\n$/);
    const wide = await cli.run(['notices', '--all', '--wide'], { env });
    expect(wide.stdout).toMatch(/^FIRED +KIND +READ +MESSAGE\n/);
    expect(wide.stdout).toMatch(/rotated +yes +Billing: the API key was rotated automatically/);

    expect((await cli.json(['notices'], { env }))['notices']).toEqual([]);
    const all = (await cli.json(['notices', '--all'], { env }))['notices'] as NoticeJson[];
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(all.every((notice) => notice.read)).toBe(true);

    const keys = (await cli.json(['keys', 'list', 'Billing'], { env }))['keys'] as { status: string }[];
    expect(keys.map((key) => key.status)).toEqual(['active', 'grace']);
    const log = (await cli.json(['log', '--limit', '100'], { env }))['entries'] as {
      action: string;
      actor: string;
    }[];
    expect(log).toContainEqual(expect.objectContaining({ action: 'key.auto-rotate', actor: 'scheduler' }));
  });
});

describe('re-authentication when the vault opens with the remembered device key', () => {
  it('guarded commands need --totp or the master password; an authenticator can be enrolled and used', async () => {
    const cli = newCli();
    await cli.json(['init', '--remember'], { env });
    await cli.json(['integrations', 'add', '--name', 'Billing', '--platform', 'server']); // no password
    const [key] = (await cli.json(['keys', 'list']))['keys'] as { id: string }[];
    const keyId = key?.id ?? '';

    const refused = await cli.run(['keys', 'reveal', keyId]);
    expect(refused.code).toBe(3);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(
      /^keyward: `keyward keys reveal` needs you to confirm it is you.*--totp CODE/,
    );
    const refusedJson = await cli.run(['keys', 'revoke', 'Billing', '--grace', '0', '--json']);
    expect(refusedJson.code).toBe(3);
    expect(JSON.parse(refusedJson.stderr)).toMatchObject({ error: { code: 'REAUTH_REQUIRED' } });
    const noAuthenticator = await cli.run(['keys', 'reveal', keyId, '--totp', '123456']);
    expect(noAuthenticator.code).toBe(5);

    // On a terminal the master password is asked for instead.
    const prompted = await cli.run(['keys', 'reveal', keyId], {
      isTTY: true,
      stdoutIsTTY: true,
      answer: () => PASSWORD,
    });
    expect(prompted.code, prompted.stderr).toBe(0);
    expect(prompted.questions).toEqual(['Master password (to confirm it is you): ']);
    expect(prompted.stdout).toMatch(/^kw_[0-9A-Za-z]{49}\n$/);
    expect(prompted.stderr).toMatch(/^keyward: warning: the key is shown on this terminal/);

    // Enrolling takes the master password: the remembered key is not enough.
    expect((await cli.run(['totp', 'enroll'])).code).toBe(3);
    const enrolled = await cli.run(['totp', 'enroll'], {
      env,
      isTTY: true,
      answer: (question, shown) =>
        question.startsWith('Code') ? codeFrom(shown, cli.clock.now()) : undefined,
    });
    expect(enrolled.code, enrolled.stderr).toBe(0);
    expect(enrolled.stdout).toMatch(/otpauth:\/\/totp\/Keyward:vault-[0-9a-f]{8}\?secret=/);
    expect(enrolled.stdout).toMatch(/[▀▄█]/); // the QR code
    expect(enrolled.stdout).toContain('Authenticator enrolled');

    cli.clock.advance(30_000); // each code works once: the next one
    const code = codeFrom(enrolled.stdout, cli.clock.now());
    const withCode = await cli.run(['keys', 'reveal', keyId, '--totp', code]);
    expect(withCode.code, withCode.stderr).toBe(0);
    expect(withCode.stdout).toBe(prompted.stdout);
    expect(withCode.stderr).toBe(''); // stdout is not a terminal: no warning
    const reused = await cli.run(['keys', 'reveal', keyId, '--totp', code]);
    expect(reused.code).toBe(3);

    cli.clock.advance(30_000);
    const disabled = await cli.json([
      'totp',
      'disable',
      '--totp',
      codeFrom(enrolled.stdout, cli.clock.now()),
    ]);
    expect(disabled).toEqual({ disabled: true });
    const log = (await cli.json(['log'], { env }))['entries'] as { action: string; outcome: string }[];
    expect(log.map((entry) => `${entry.action}:${entry.outcome}`)).toEqual(
      expect.arrayContaining([
        'totp.enroll:success',
        'totp.disable:success',
        'key.reveal:success',
        'reauth:success',
      ]),
    );
  });
});

describe('keys copy', () => {
  it('copies a Secret (or --raw the key) with the clipboardClearSeconds setting, and prints neither', async () => {
    const cli = newCli();
    await cli.json(['init'], { env });
    await cli.json(['integrations', 'add', '--name', 'Billing', '--platform', 'server'], { env });

    const secret = await cli.run(['keys', 'copy', 'Billing'], { env });
    expect(secret.code, secret.stderr).toBe(0);
    expect(secret.stdout).toMatch(/^Copied a Secret of "Billing" to the clipboard \(fake clipboard\)\./);
    expect(secret.stdout).toMatch(/Cleared \S+ \(in 30 s\) if it is still there\.\n$/);
    await cli.json(['settings', 'set', 'clipboardClearSeconds', 'never'], { env });
    const raw = await cli.json(['keys', 'copy', 'Billing', '--raw'], { env });
    expect(raw).toMatchObject({ copied: 'key', clearAt: null, targets: ['clipboard'] });

    expect(cli.copies.map((copy) => copy.clearAfterSeconds)).toEqual([30, null]);
    expect(cli.copies[0]?.text).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(cli.copies[1]?.text).toMatch(/^kw_[0-9A-Za-z]{49}$/);
    expect(secret.stdout + JSON.stringify(raw)).not.toMatch(KEY_MATERIAL);

    cli.clipboardAvailable = false; // checked first: no password is asked for (none is given here)
    const none = await cli.run(['keys', 'copy', 'Billing']);
    expect(none.code).toBe(5);
    expect(none.stderr).toMatch(/^keyward: No clipboard is available/);
  });
});

describe('fuzzed arguments for the vault commands', () => {
  /** `@key` stands for the id of a key in the vault, filled in at run time. */
  const ref = fc.constantFrom('Billing', 'billing', 'Shop', 'nope', '@key', '');
  const number = fc.constantFrom('0', '1', '7', '30', '31', '365', '-1', '1.5', 'abc', 'never', '');
  const text = fc.oneof(fc.constantFrom('', 'x', 'Shop', '=1+1', '\u001b[31m'), fc.string({ maxLength: 12 }));
  const flag = (name: string, value?: fc.Arbitrary<string>): fc.Arbitrary<string[]> =>
    value === undefined ? fc.constant([name]) : value.map((v) => [name, v]);
  const totp = flag('--totp', fc.constantFrom('123456', '000000', 'abc', ''));
  /** A command with its positional arguments and, each maybe, its options. */
  const form = (
    command: string[],
    positional: fc.Arbitrary<string[]>,
    options: fc.Arbitrary<string[]>[] = [],
  ): fc.Arbitrary<string[]> =>
    fc
      .tuple(positional, fc.tuple(...options.map((option) => fc.option(option, { freq: 2 }))))
      .map(([args, chosen]) => [...command, ...args, ...chosen.flatMap((option) => option ?? [])]);
  const one = (arbitrary: fc.Arbitrary<string>): fc.Arbitrary<string[]> => arbitrary.map((value) => [value]);
  const none = fc.constant<string[]>([]);
  const fields = [
    flag('--platform', fc.constantFrom('web', 'server', 'Mobile', 'bogus')),
    flag('--website', fc.constantFrom('https://example.com', 'ftp://x', '', 'not a url')),
    flag('--ip', fc.constantFrom('10.0.0.0/8', '::1,1.1.1.1', '10.0.0.0/33', '', 'abc')),
    flag('--rotation-days', number),
    flag('--grace-days', number),
    flag('--notes', text),
    flag('--accepts', fc.constantFrom('key-or-secret', 'secret-only', 'key-only', 'Secret-Only', 'both', '')),
    flag('--rate-limit', fc.constantFrom('100/60', '1/1', 'none', '0/60', '10/0', '100', 'fast', '')),
  ];
  const wellFormed = fc.oneof(
    form(['integrations', 'add'], none, [
      flag('--name', fc.oneof(ref, text)),
      ...fields,
      flag('--prefix', fc.constantFrom('cb_', 'kw_', 'X_', 'toolongprefix_', '')),
      flag('--never-expire'),
      flag('--confirm-never-expire'),
      totp,
    ]),
    form(['integrations', 'edit'], one(ref), [flag('--name', text), ...fields, flag('--clear-ip')]),
    form(['integrations', 'list'], none, [flag('--filter', fc.oneof(ref, text))]),
    form(['integrations', 'show'], one(ref)),
    form(['integrations', 'enable'], one(ref)),
    form(['integrations', 'disable'], one(ref)),
    form(['integrations', 'delete'], one(ref), [flag('--yes'), totp]),
    form(['keys', 'list'], fc.oneof(none, one(ref))),
    form(['keys', 'reveal'], one(ref), [totp]),
    form(['keys', 'copy'], one(ref), [flag('--raw'), totp]),
    form(['keys', 'rotate'], one(ref)),
    form(['keys', 'revoke'], one(ref), [
      flag('--grace', number),
      flag('--lifetime', number),
      flag('--confirm-never-expire'),
      totp,
    ]),
    form(['keys', 'regenerate'], one(ref), [totp]),
    form(['keys', 'delete'], one(ref), [totp]),
    form(['keys', 'never-expire'], fc.tuple(ref, fc.constantFrom('on', 'off', 'maybe')), [
      flag('--yes'),
      totp,
    ]),
    form(['secret'], one(ref)),
    form(['notices'], none, [flag('--all'), flag('--mark-read')]),
    // Nothing listens on 127.0.0.1:9: a well-formed connect is SERVER_UNREACHABLE (exit 7).
    form(
      ['server', 'connect'],
      one(
        fc.constantFrom(
          'http://127.0.0.1:9',
          'http://example.com',
          'https://user:pw@example.com',
          'keyward.example.com',
          'ftp://x',
          '',
        ),
      ),
      [
        flag('--code', fc.oneof(fc.constantFrom('ABCDE-FGHJK-MNPQR-STVWX', 'abcde fghjk mnpqr stvwx'), text)),
        flag('--name', text),
        flag('--pin-cert', fc.constantFrom('nothing-here.pem', '')),
        totp,
      ],
    ),
    form(['server', 'status'], none),
    form(['server', 'publish'], none),
    form(['server', 'disconnect'], none),
    form(['usage'], one(ref)),
    form(['keys', 'test'], one(ref), [
      flag('--ip', fc.constantFrom('10.1.2.3', '::1', '300.1.1.1', '')),
      flag('--local'),
    ]),
    form(['log'], none, [
      flag('--limit', number),
      flag('--verify'),
      flag('--export', fc.constantFrom('out.json', 'out.csv', '', 'missing/dir/x.csv')),
      flag('--format', fc.constantFrom('json', 'csv', 'xml')),
    ]),
    form(['totp', 'enroll'], none),
    form(['totp', 'disable'], none, [totp]),
    form(['backup', 'now'], none),
    form(['backup', 'list'], none),
    form(['backup', 'restore'], one(fc.oneof(text, fc.constant('keyward-20260101T000000000Z')))),
    form(['export'], one(fc.constantFrom('vault.export', 'missing/dir/x', ''))),
    form(['import'], one(fc.constantFrom('vault.export', 'nothing-here', ''))),
    form(['settings', 'get'], fc.oneof(none, one(fc.constantFrom('utc', 'theme', 'nosuch')))),
    form(
      ['settings', 'set'],
      fc.tuple(
        fc.constantFrom(
          'utc',
          'clipboardClearSeconds',
          'autoLockMinutes',
          'theme',
          'reauthWindowSeconds',
          'nosuch',
        ),
        fc.oneof(number, fc.constantFrom('true', 'off', 'dark', 'null')),
      ),
    ),
  );
  const junk = fc.array(
    fc.oneof(
      fc.constantFrom(
        'integrations',
        'keys',
        'totp',
        'backup',
        'settings',
        'log',
        'server',
        'usage',
        '--json',
        '--totp',
        '--',
        '-',
      ),
      fc.string({ maxLength: 10 }),
    ),
    { maxLength: 6 },
  );
  const argv = fc
    .tuple(
      fc.oneof({ weight: 6, arbitrary: wellFormed }, { weight: 1, arbitrary: junk }),
      fc.constantFrom([], ['--json'], ['--utc'], ['--help']),
    )
    .map(([args, globals]) => [...args, ...globals]);

  it('every argv ends with a documented exit code, one typed line, no stack and no key material on stderr', async () => {
    const cli = newCli();
    await cli.json(['init'], { env });
    // Relative FILE arguments (export, log --export) land in a temp folder, not the checkout.
    const cwd = process.cwd();
    process.chdir(mkdtempSync(join(cli.dir, 'cwd-')));
    const codes = new Map<number, number>();
    try {
      await fc.assert(
        fc.asyncProperty(argv, fc.boolean(), fc.boolean(), async (args, withPassword, isTTY) => {
          cli.clock.advance(3_600_000); // past any back-off from wrong codes
          const keys = (await cli.json(['keys', 'list'], { env }))['keys'] as {
            id: string;
            integrationName: string;
          }[];
          if (!keys.some((key) => key.integrationName === 'Billing')) {
            await cli.json(['integrations', 'add', '--name', 'Billing', '--platform', 'server'], { env });
          }
          const keyIds = keys.map((key) => key.id);
          const filled = args.map((arg, index) =>
            arg === '@key' ? (keyIds[index % keyIds.length] ?? arg) : arg,
          );
          const run = await cli.run(filled, {
            env: withPassword ? env : {},
            isTTY,
            answer: () => PASSWORD,
          });
          codes.set(run.code, (codes.get(run.code) ?? 0) + 1);
          expect(DOCUMENTED_EXIT_CODES).toContain(run.code);
          expect(run.code, `${filled.join(' ')}\n${run.stderr}`).not.toBe(1);
          expect(hasStackTrace(run.stdout + run.stderr)).toBe(false);
          expect(run.stderr).not.toMatch(KEY_MATERIAL);
          expect(run.stdout + run.stderr).not.toContain(PASSWORD);
          // `totp enroll --json` shows its QR code on stderr before asking for a code: the error is the last line.
          const errorText =
            args[0] === 'totp' && args[1] === 'enroll'
              ? run.stderr.replace(/^[^]*\n(?=.*\n$)/, '')
              : run.stderr;
          // `keys test` answers "refused: CODE (…)" on stdout with exit 5: a verdict, not an error.
          const refusedTest = args[0] === 'keys' && args[1] === 'test' && run.code === 5 && run.stderr === '';
          if (refusedTest) {
            expect(run.stdout).toMatch(/^(refused: [A-Z_]+ \(|\{)/);
          }
          if (run.code !== 0 && !run.stderr.startsWith('Usage:') && !refusedTest) {
            expect(errorText).toMatch(
              /^(keyward: [^\n]+|\{"error":\{"code":"[A-Z_]+","message":[^\n]+\})\n$/,
            );
          }
        }),
        { numRuns: 150 },
      );
    } finally {
      process.chdir(cwd);
    }
    // The runs reached the commands' bodies, not only the argument parser.
    expect(codes.get(0) ?? 0).toBeGreaterThan(40);
  });
});
