import { describe, it } from 'vitest';
import { makeCliSandboxWithVault, parseJson } from './cli-harness.ts';

const PASSWORD = 'correct horse battery';
const realKeyring = process.env['KEYWARD_TEST_KEYRING'] === '1';
const SKIP_REASON =
  'skipped: needs a real Secret Service; run under scripts/with-keyring.sh (npm test does), which sets KEYWARD_TEST_KEYRING=1';
const NO_DBUS = { DBUS_SESSION_BUS_ADDRESS: undefined };

describe.concurrent('remember on this device, with the real OS keychain', () => {
  if (!realKeyring) {
    console.log(SKIP_REASON);
  }

  it.skipIf(!realKeyring)(
    'unlock --remember: later commands need no password; lock: the password is needed again',
    async ({ expect, onTestFinished }) => {
      const sandbox = await makeCliSandboxWithVault(onTestFinished, PASSWORD);
      expect(sandbox.init.code, sandbox.init.stderr).toBe(0);
      const { cli } = sandbox;

      const remembered = await cli(['unlock', '--remember', '--json'], {
        env: { KEYWARD_PASSWORD: PASSWORD },
      });
      expect(remembered.code, remembered.stderr).toBe(0);
      expect(parseJson(remembered.stdout)).toMatchObject({ method: 'password', remembered: true });
      const [status, noPassword] = await Promise.all([cli(['status', '--json']), cli(['unlock', '--json'])]);
      expect(parseJson(status.stdout)).toMatchObject({
        locked: false,
        remembered: true,
        keychain: { available: true, reason: null },
      });
      expect(noPassword.code, noPassword.stderr).toBe(0);
      expect(parseJson(noPassword.stdout)).toMatchObject({ method: 'keychain', remembered: true });

      const locked = await cli(['lock', '--json']);
      expect(locked.code, locked.stderr).toBe(0);
      expect(parseJson(locked.stdout)).toEqual({ locked: true, path: sandbox.vault, forgotten: true });

      const [needsPassword, afterLock, again] = await Promise.all([
        cli(['unlock']),
        cli(['status', '--json']),
        cli(['lock']),
      ]);
      expect(needsPassword.code).toBe(2);
      expect(needsPassword.stderr).toMatch(
        /^keyward: This vault is not remembered on this device.*--password-stdin/,
      );
      expect(parseJson(afterLock.stdout)).toMatchObject({ locked: true, remembered: false });
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/was not remembered on this device/);
    },
  );

  it.skipIf(!realKeyring)(
    'weakening a protection after a keychain unlock needs the password; tightening does not (issue 10 §3.3)',
    async ({ expect, onTestFinished }) => {
      const sandbox = await makeCliSandboxWithVault(onTestFinished, PASSWORD, { args: ['--remember'] });
      onTestFinished(async () => {
        await sandbox.cli(['lock']);
      });
      expect(sandbox.init.code, sandbox.init.stderr).toBe(0);
      const { cli } = sandbox;

      // Opened from the keychain, no terminal, no password: refused, nothing changed.
      const [weaker, rememberAgain] = await Promise.all([
        cli(['settings', 'set', 'clipboardClearSeconds', 'never', '--json']),
        cli(['unlock', '--remember', '--json']),
      ]);
      expect(weaker.code).toBe(3);
      expect(parseJson(weaker.stderr)['error']).toMatchObject({ code: 'REAUTH_REQUIRED' });
      expect(rememberAgain.code).toBe(3);
      expect(parseJson(rememberAgain.stderr)['error']).toMatchObject({ code: 'REAUTH_REQUIRED' });
      const unchanged = await cli(['settings', 'get', 'clipboardClearSeconds']);
      expect(unchanged.stdout.trim()).toBe('30');

      // Tighter needs nothing; weaker with the master password goes through.
      const tighter = await cli(['settings', 'set', 'clipboardClearSeconds', '15']);
      expect(tighter.code, tighter.stderr).toBe(0);
      const withPassword = await cli(['settings', 'set', 'clipboardClearSeconds', 'never'], {
        env: { KEYWARD_PASSWORD: PASSWORD },
      });
      expect(withPassword.code, withPassword.stderr).toBe(0);
      expect((await cli(['settings', 'get', 'clipboardClearSeconds'])).stdout.trim()).toBe('never');
    },
  );

  it.skipIf(!realKeyring)(
    'init --remember remembers the new vault at once',
    async ({ expect, onTestFinished }) => {
      const sandbox = await makeCliSandboxWithVault(onTestFinished, PASSWORD, { args: ['--remember'] });
      onTestFinished(async () => {
        await sandbox.cli(['lock']); // removes the keychain entry
      });
      expect(sandbox.init.code, sandbox.init.stderr).toBe(0);
      expect(parseJson(sandbox.init.stdout)).toMatchObject({ created: true, remembered: true });
      const noPassword = await sandbox.cli(['unlock', '--json']);
      expect(noPassword.code, noPassword.stderr).toBe(0);
      expect(parseJson(noPassword.stdout)).toMatchObject({ method: 'keychain' });
    },
  );
});

describe.skipIf(process.platform !== 'linux')(
  'no Secret Service (no D-Bus session: headless, SSH)',
  { concurrent: true },
  () => {
    it('unlock --remember exits 7 with a clear message; the password still unlocks', async ({
      expect,
      onTestFinished,
    }) => {
      const sandbox = await makeCliSandboxWithVault(onTestFinished, PASSWORD, { env: NO_DBUS });
      expect(sandbox.init.code, sandbox.init.stderr).toBe(0);
      const env = { ...NO_DBUS, KEYWARD_PASSWORD: PASSWORD };

      const [remember, json] = await Promise.all([
        sandbox.cli(['unlock', '--remember'], { env }),
        sandbox.cli(['unlock', '--remember', '--json'], { env }),
      ]);
      expect(remember.code).toBe(7);
      expect(remember.stderr).toMatch(
        /^keyward: The master password is right and the vault unlocked, but it was not remembered/,
      );
      expect(remember.stderr).toMatch(/no D-Bus session bus/);
      expect(remember.stderr).toMatch(/never falls back/);
      expect(remember.stderr.split('\n')).toHaveLength(2); // one line
      expect(json.code).toBe(7);
      expect(parseJson(json.stderr)).toMatchObject({ error: { code: 'KEYCHAIN_UNAVAILABLE' } });

      const [unlocked, status, lock] = await Promise.all([
        sandbox.cli(['unlock', '--json'], { env }),
        sandbox.cli(['status', '--json'], { env: NO_DBUS }),
        sandbox.cli(['lock'], { env: NO_DBUS }),
      ]);
      expect(unlocked.code, unlocked.stderr).toBe(0);
      expect(parseJson(unlocked.stdout)).toMatchObject({ method: 'password', remembered: false });
      expect(parseJson(status.stdout)).toMatchObject({
        locked: true,
        remembered: false,
        keychain: { available: false, reason: expect.stringMatching(/no D-Bus session bus/) as unknown },
      });
      expect(lock.code, lock.stderr).toBe(0);
    });

    it('init --remember still creates the vault, then exits 7', async ({ expect, onTestFinished }) => {
      const sandbox = await makeCliSandboxWithVault(onTestFinished, PASSWORD, {
        args: ['--remember'],
        env: NO_DBUS,
      });
      expect(sandbox.init.code).toBe(7);
      expect(parseJson(sandbox.init.stderr)).toEqual({
        error: {
          code: 'KEYCHAIN_UNAVAILABLE',
          message: expect.stringMatching(
            /^The vault was created at .*, but it was not remembered: /,
          ) as unknown,
        },
      });
      const status = await sandbox.cli(['status'], { env: NO_DBUS });
      expect(status.code, status.stderr).toBe(0);
    });
  },
);
