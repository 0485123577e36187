// Issue 10 §3.1 across processes: many `keyward` commands with a wrong password at once. Each
// evaluated attempt is counted (the lockout file is updated under a cross-process lock) and those
// past the free attempts are refused with the backoff, without their password being checked.
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { FREE_ATTEMPTS } from '../../../electron/vault/unlock-lockout.ts';
import { makeCliSandboxWithVault, parseJson } from './cli-harness.ts';

const PASSWORD = 'the right master password';
const PROCESSES = 10;

describe('wrong passwords from many CLI processes at once', () => {
  it('every evaluated attempt is counted; the others wait their backoff unevaluated', async ({
    expect,
    onTestFinished,
  }) => {
    const sandbox = await makeCliSandboxWithVault(onTestFinished, PASSWORD);
    expect(sandbox.init.code).toBe(0);
    const runs = await Promise.all(
      Array.from({ length: PROCESSES }, () =>
        sandbox.cli(['unlock', '--json', '--password-stdin'], { input: 'a wrong guess\n' }),
      ),
    );
    const codes = runs.map((run) => {
      expect(run.code, run.stderr).toBe(3);
      return (parseJson(run.stderr)['error'] as { code: string }).code;
    });
    const wrong = codes.filter((code) => code === 'WRONG_PASSWORD').length;
    const lockedOut = codes.filter((code) => code === 'LOCKED_OUT').length;
    expect(wrong + lockedOut).toBe(PROCESSES);
    const counted = (JSON.parse(readFileSync(`${sandbox.vault}.lockout`, 'utf8')) as { failures: number })
      .failures;
    expect(counted).toBe(wrong);
    // Processes that start after a wait has run out may be evaluated too, but never all of them.
    expect(wrong).toBeGreaterThanOrEqual(FREE_ATTEMPTS);
    expect(lockedOut).toBeGreaterThan(0);
  }, 120_000);
});
