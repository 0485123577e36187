// Issue 10 §3.1 for re-authentication across processes: several processes, each with the vault
// open, re-authenticate with a wrong password at the same moment. The re-auth counter lives in the
// database and is reserved in an IMMEDIATE transaction before the password is evaluated, so every
// evaluated attempt is counted (no lost update) and the log has one failure entry for each.
import { afterEach, describe, expect, it } from 'vitest';
import { engineInternals } from '../../support/engine-internals.ts';
import { createWeakVault, runEngineProcess } from '../../support/engine-process.ts';

const PASSWORD = 'concurrent re-auth password';
const PROCESSES = 6;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

/** One process: unlock, wait for `startAt`, try one wrong re-authentication, print its error code. */
function worker(path: string, startAt: number) {
  return runEngineProcess(
    path,
    `
    const engine = openEngine();
    await engine.unlockWithPassword(${JSON.stringify(PASSWORD)});
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, ${startAt} - Date.now())));
    try {
      await engine.reauthenticate({ password: 'a wrong guess' });
      console.log('ok');
    } catch (error) {
      console.log(error.code);
    }
    engine.lock();
  `,
    { actor: 'worker' },
  );
}

describe('re-authentication from several processes at once', () => {
  it('counts every evaluated wrong password: no lost update', async () => {
    const { path, open, cleanup } = await createWeakVault(PASSWORD);
    cleanups.push(cleanup);

    // Every worker unlocks first, then all try at the same wall-clock moment.
    const startAt = Date.now() + 4000;
    const results = await Promise.all(Array.from({ length: PROCESSES }, () => worker(path, startAt)));
    for (const result of results) {
      expect(result.code, result.stderr).toBe(0);
    }
    const codes = results.map((result) => result.stdout);
    const wrong = codes.filter((code) => code === 'WRONG_PASSWORD').length;
    expect(wrong + codes.filter((code) => code === 'LOCKED_OUT').length).toBe(PROCESSES);

    const check = open();
    await check.unlockWithPassword(PASSWORD);
    const internals = () => engineInternals(check);
    const stored = internals()
      .db.prepare(`SELECT value FROM meta WHERE key = 'reauth_failures'`)
      .pluck()
      .get();
    expect(Number(stored)).toBe(wrong);
    expect(
      internals()
        .log.all()
        .filter((entry) => entry.action === 'reauth' && entry.outcome === 'failure'),
    ).toHaveLength(wrong);
    check.lock();
  }, 120_000);
});
