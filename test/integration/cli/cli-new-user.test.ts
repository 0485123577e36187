import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { describe, it } from 'vitest';
import { CLI_MAIN, makeCliSandbox, parseJson } from './cli-harness.ts';

// Issue 10 §4: what a new user met trying the CLI, each with the real CLI spawned as a child
// process on a temp vault (real Argon2id, real encrypted SQLite, real processes racing).
const PASSWORD = 'new-user password';
const env = { KEYWARD_PASSWORD: PASSWORD };

describe.concurrent('keyward, tried as a new user would', () => {
  it('four parallel `init`s on one path: exactly one wins, the others exit 5 and change nothing; the vault opens with the winner’s password', async ({
    expect,
    onTestFinished,
  }) => {
    const { cli, dir } = makeCliSandbox(onTestFinished);
    const passwords = ['first password', 'second password', 'third password', 'fourth password'];
    const runs = await Promise.all(
      passwords.map((password) => cli(['init', '--json'], { env: { KEYWARD_PASSWORD: password } })),
    );
    const codes = runs.map((run) => run.code);
    expect(
      codes.filter((code) => code === 0),
      JSON.stringify(runs),
    ).toHaveLength(1);
    expect(
      codes.filter((code) => code === 5),
      JSON.stringify(runs),
    ).toHaveLength(3);
    for (const run of runs.filter((one) => one.code === 5)) {
      expect((parseJson(run.stderr)['error'] as { code: string }).code).toBe('VAULT_EXISTS');
    }
    // Nothing but the one vault is left: no lock file, no half-made database.
    expect(readdirSync(dir).filter((file) => /creating|lock$|tmp/.test(file))).toEqual([]);

    const winner = passwords[codes.indexOf(0)] ?? '';
    const opened = await cli(['unlock', '--json'], { env: { KEYWARD_PASSWORD: winner } });
    expect(opened.code, opened.stderr).toBe(0);
    for (const loser of passwords.filter((password) => password !== winner)) {
      const refused = await cli(['unlock', '--json'], { env: { KEYWARD_PASSWORD: loser } });
      expect(refused.code).toBe(3);
    }
  }, 60_000);

  it('a folder at the vault path is a clear error for status, init and the other commands', async ({
    expect,
    onTestFinished,
  }) => {
    const { cli, vault } = makeCliSandbox(onTestFinished);
    mkdirSync(vault);
    const runs = await Promise.all([
      cli(['status']),
      cli(['init'], { env }),
      cli(['keys', 'list'], { env }),
      cli(['notices', '--locked']),
      cli(['backup', 'list']),
    ]);
    for (const run of runs.slice(0, 4)) {
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(`${vault} is a folder, not a vault file`);
    }
    expect(readdirSync(vault)).toEqual([]); // nothing was created in it
  }, 60_000);

  it('`--vault /proc/nope/k.vault init` fails with a clear error instead of hanging at 100 % CPU', async ({
    expect,
  }) => {
    // Spawned with a kill timer: before the fix this process never ended (recursive mkdirSync).
    const run = await new Promise<{ code: number | null; signal: string | null; stderr: string }>(
      (resolve) => {
        execFile(
          process.execPath,
          [CLI_MAIN, '--vault', '/proc/nope/k.vault', 'init'],
          {
            env: { ...process.env, KEYWARD_PASSWORD: PASSWORD, KEYWARD_VAULT: '/proc/nope/other.vault' },
            timeout: 45_000,
            killSignal: 'SIGKILL',
          },
          (error, _stdout, stderr) => {
            const failed = error as (Error & { code?: unknown; signal?: string | null }) | null;
            resolve({
              code: failed === null ? 0 : typeof failed.code === 'number' ? failed.code : null,
              signal: failed?.signal ?? null,
              stderr,
            });
          },
        );
      },
    );
    expect(run.signal, 'killed: it hung').toBeNull();
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/Cannot create the folder \/proc\/nope/);
  }, 60_000);
});
