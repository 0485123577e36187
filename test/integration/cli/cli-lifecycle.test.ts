import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import type { ExpectStatic } from 'vitest';
import { makeCliSandbox, makeCliSandboxWithVault, parseJson, sha256 } from './cli-harness.ts';

// Spawned CLI processes, tests run concurrently (each in its own temp folder) to use every core.
// Every command that opens the vault pays one real Argon2id (64 MiB, t=3): keep them few.
const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'battery staple horse';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LOCAL_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/;
const UTC_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

function expectCreated(expect: ExpectStatic, init: { code: number | null; stderr: string }): void {
  expect(init.code, init.stderr).toBe(0);
}

describe.concurrent('keyward init and status', () => {
  it('creates a vault and reports it in the documented --json shapes, with --utc or local time', async ({
    expect,
    onTestFinished,
  }) => {
    const sandbox = makeCliSandbox(onTestFinished);
    const made = await sandbox.cli(['init', '--password-stdin', '--json'], { input: `${PASSWORD}\n` });
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toBe('');
    const created = parseJson(made.stdout);
    expect(created).toEqual({
      created: true,
      path: sandbox.vault,
      vaultId: expect.stringMatching(UUID) as unknown,
      createdAt: expect.stringMatching(LOCAL_TIME) as unknown,
      remembered: false,
    });

    const [status, text] = await Promise.all([
      sandbox.cli(['status', '--json', '--utc']),
      sandbox.cli(['status'], { env: { TZ: 'Asia/Kolkata' } }),
    ]);
    expect(status.code, status.stderr).toBe(0);
    const { keychain, ...reported } = parseJson(status.stdout);
    expect(reported).toEqual({
      path: sandbox.vault,
      exists: true,
      vaultId: created['vaultId'],
      createdAt: expect.stringMatching(UTC_TIME) as unknown,
      cipher: 'chacha20',
      kdf: { algorithm: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 1 },
      locked: true,
      remembered: false,
      lockout: { failures: 0, retryAfterSeconds: 0 },
    });
    // Available with no reason, or unavailable with one (no Secret Service outside with-keyring.sh).
    const { available, reason } = keychain as { available: boolean; reason: unknown };
    expect(available ? reason : typeof reason).toBe(available ? null : 'string');

    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Vault:     ${sandbox.vault}`);
    expect(text.stdout).toMatch(/Created: {3}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30\n/);
    expect(text.stdout).toContain('locked (every command needs the master password)');
    expect(text.stdout).toContain('argon2id, 64 MiB, t=3, p=1');
    expect(text.stdout).not.toContain((reported['createdAt'] as string).slice(0, 19)); // local, not UTC
    expect(text.stdout + status.stdout + made.stdout).not.toContain(PASSWORD);
  });

  it('refuses a second init (exit 5) and leaves the first vault untouched', async ({
    expect,
    onTestFinished,
  }) => {
    const sandbox = await makeCliSandboxWithVault(onTestFinished, PASSWORD);
    expectCreated(expect, sandbox.init);
    const before = [sha256(sandbox.vault), sha256(`${sandbox.vault}.header`)];

    const [again, json] = await Promise.all([
      sandbox.cli(['init'], { env: { KEYWARD_PASSWORD: 'another password' } }),
      sandbox.cli(['init', '--json', '--password-stdin'], { input: 'another password\n' }),
    ]);
    expect(again.code).toBe(5);
    expect(again.stderr).toBe(
      `keyward: A vault already exists at ${sandbox.vault}; it was left untouched.\n`,
    );
    expect(json.code).toBe(5);
    expect(json.stdout).toBe('');
    expect(parseJson(json.stderr)).toEqual({
      error: { code: 'VAULT_EXISTS', message: expect.stringContaining('left untouched') as unknown },
    });

    expect([sha256(sandbox.vault), sha256(`${sandbox.vault}.header`)]).toEqual(before);
    const unlocked = await sandbox.cli(['unlock', '--password-stdin'], { input: `${PASSWORD}\n` });
    expect(unlocked.code, unlocked.stderr).toBe(0);
  });

  it('needs a password source off a terminal, and a long enough password (exit 2, nothing created)', async ({
    expect,
    onTestFinished,
  }) => {
    const sandbox = makeCliSandbox(onTestFinished);
    const [none, short] = await Promise.all([
      sandbox.cli(['init']),
      sandbox.cli(['init', '--json'], { env: { KEYWARD_PASSWORD: 'short' } }),
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^keyward: .*--password-stdin.*KEYWARD_PASSWORD.*terminal.*\n$/);
    expect(short.code).toBe(2);
    expect(parseJson(short.stderr)).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    expect(() => readFileSync(sandbox.vault)).toThrow();
  });
});

describe.concurrent('keyward unlock', () => {
  it('reports a right password (exit 0) and a wrong one (exit 3), never echoing either', async ({
    expect,
    onTestFinished,
  }) => {
    const sandbox = await makeCliSandboxWithVault(onTestFinished, PASSWORD);
    expectCreated(expect, sandbox.init);
    const right = await sandbox.cli(['unlock', '--json'], { env: { KEYWARD_PASSWORD: PASSWORD } });
    expect(right.code, right.stderr).toBe(0);
    expect(parseJson(right.stdout)).toEqual({
      unlocked: true,
      path: sandbox.vault,
      vaultId: expect.stringMatching(UUID) as unknown,
      method: 'password',
      remembered: false,
    });

    const wrong = await sandbox.cli(['unlock', '--password-stdin'], { input: 'not the password\n' });
    expect(wrong.code).toBe(3);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toBe('keyward: Wrong master password.\n');
    expect(right.stdout + right.stderr + wrong.stderr).not.toMatch(/correct horse|not the password/);
  });

  it('backs off after repeated failures and reports the retry-after (exit 3)', async ({
    expect,
    onTestFinished,
  }) => {
    const sandbox = await makeCliSandboxWithVault(onTestFinished, PASSWORD);
    expectCreated(expect, sandbox.init);
    const failures = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      failures.push(
        await sandbox.cli(['unlock', '--json', '--password-stdin'], { input: 'wrong password\n' }),
      );
    }
    expect(failures.map((run) => run.code)).toEqual([3, 3, 3]);
    expect(parseJson(failures[2]?.stderr ?? '')).toEqual({
      error: {
        code: 'WRONG_PASSWORD',
        message: expect.stringMatching(/3 failed attempts.*next attempt allowed in 1 s/) as unknown,
        retryAfterMs: expect.any(Number) as unknown,
        retryAfterSeconds: 1,
      },
    });

    // A run of failures long enough that the wait (8 s) outlasts the next process start.
    const lockout = `${sandbox.vault}.lockout`;
    expect(JSON.parse(readFileSync(lockout, 'utf8'))).toMatchObject({ failures: 3 });
    writeFileSync(lockout, JSON.stringify({ failures: 6, lastFailureAt: Date.now() }));
    const [refused, refusedJson, status] = await Promise.all([
      sandbox.cli(['unlock'], { env: { KEYWARD_PASSWORD: PASSWORD } }),
      sandbox.cli(['unlock', '--json'], { env: { KEYWARD_PASSWORD: PASSWORD } }),
      sandbox.cli(['status', '--json']),
    ]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^keyward: Too many failed unlock attempts; try again in [1-8] s\.\n$/);
    expect(refusedJson.code).toBe(3);
    const error = parseJson(refusedJson.stderr)['error'] as Record<string, unknown>;
    expect(error).toMatchObject({ code: 'LOCKED_OUT' });
    expect(error['retryAfterSeconds']).toBeGreaterThanOrEqual(1);
    expect(error['retryAfterSeconds']).toBeLessThanOrEqual(8);
    const lockoutStatus = parseJson(status.stdout)['lockout'] as {
      failures: number;
      retryAfterSeconds: number;
    };
    expect(lockoutStatus.failures).toBe(6);
    expect(lockoutStatus.retryAfterSeconds).toBeGreaterThan(0);
  });
});

describe.concurrent('keyward passwd', () => {
  it('changes the password: the old one then fails (exit 3) and the new one works', async ({
    expect,
    onTestFinished,
  }) => {
    const sandbox = await makeCliSandboxWithVault(onTestFinished, PASSWORD);
    expectCreated(expect, sandbox.init);
    const oldHeader = readFileSync(`${sandbox.vault}.header`);
    const changed = await sandbox.cli(['passwd', '--password-stdin', '--json'], {
      input: `${PASSWORD}\n${NEW_PASSWORD}\n`,
    });
    expect(changed.code, changed.stderr).toBe(0);
    expect(parseJson(changed.stdout)).toEqual({
      passwordChanged: true,
      path: sandbox.vault,
      rekeyed: true,
      remembered: false,
    });

    // The vault was re-keyed: the old header put back does not let the old password in either.
    const newHeader = readFileSync(`${sandbox.vault}.header`);
    writeFileSync(`${sandbox.vault}.header`, oldHeader);
    const oldWithOldHeader = await sandbox.cli(['unlock'], { env: { KEYWARD_PASSWORD: PASSWORD } });
    expect(oldWithOldHeader.code).not.toBe(0);
    writeFileSync(`${sandbox.vault}.header`, newHeader);

    const old = await sandbox.cli(['unlock'], { env: { KEYWARD_PASSWORD: PASSWORD } });
    expect(old.code).toBe(3);
    const fresh = await sandbox.cli(['unlock', '--password-stdin'], { input: `${NEW_PASSWORD}\r\n` });
    expect(fresh.code, fresh.stderr).toBe(0);

    const back = await sandbox.cli(['passwd'], {
      env: { KEYWARD_PASSWORD: NEW_PASSWORD, KEYWARD_NEW_PASSWORD: PASSWORD },
    });
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain(`Changed the master password of ${sandbox.vault}.`);
  });

  it('changes nothing on a wrong current password (3), a missing, equal or short new one (2)', async ({
    expect,
    onTestFinished,
  }) => {
    const sandbox = await makeCliSandboxWithVault(onTestFinished, PASSWORD);
    expectCreated(expect, sandbox.init);
    const header = `${sandbox.vault}.header`;
    const before = sha256(header);
    const [wrong, missing, same, short] = await Promise.all([
      sandbox.cli(['passwd', '--password-stdin'], { input: `wrong password\n${NEW_PASSWORD}\n` }),
      sandbox.cli(['passwd', '--password-stdin'], { input: `${PASSWORD}\n` }),
      sandbox.cli(['passwd', '--password-stdin'], { input: `${PASSWORD}\n${PASSWORD}\n` }),
      sandbox.cli(['passwd', '--json'], {
        env: { KEYWARD_PASSWORD: PASSWORD, KEYWARD_NEW_PASSWORD: 'short' },
      }),
    ]);
    expect(wrong.code).toBe(3);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^keyward: No new master password given: .*KEYWARD_NEW_PASSWORD.*\n$/);
    expect(same.code).toBe(2);
    expect(short.code).toBe(2);
    expect(parseJson(short.stderr)).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    expect(sha256(header)).toBe(before);
  });
});
