// Issue 10 §3.1 for re-authentication across processes: several processes, each with the vault
// open, re-authenticate with a wrong password at the same moment. The re-auth counter lives in the
// database and is reserved in an IMMEDIATE transaction before the password is evaluated, so every
// evaluated attempt is counted (no lost update) and the log has one failure entry for each.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeywardEngine } from '../../../electron/vault/keyward-engine.ts';
import { createSystemClock } from '../../../electron/vault/clock.ts';
import { makeTempDir, MemoryKeychain } from '../../support/temp-vault.ts';
import { engineInternals } from '../../support/engine-internals.ts';

const WEAK = { memoryKiB: 1024, iterations: 1, parallelism: 1 };
const PASSWORD = 'concurrent re-auth password';
const PROCESSES = 6;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

/** One process: unlock, wait for `startAt`, try one wrong re-authentication, print its error code. */
function worker(
  path: string,
  startAt: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const root = process.cwd();
  const script = `
    import { KeywardEngine } from ${JSON.stringify(join(root, 'electron/vault/keyward-engine.ts'))};
    import { createSystemClock } from ${JSON.stringify(join(root, 'electron/vault/clock.ts'))};
    const keychain = { set: async () => {}, get: async () => null, delete: async () => false, probe: async () => ({ available: false, reason: 'test' }) };
    const engine = new KeywardEngine({ path: ${JSON.stringify(path)}, clock: createSystemClock(), keychain, actor: 'worker',
      kdfTuning: ${JSON.stringify(WEAK)}, allowWeakKdf: true });
    await engine.unlockWithPassword(${JSON.stringify(PASSWORD)});
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, ${startAt} - Date.now())));
    try {
      await engine.reauthenticate({ password: 'a wrong guess' });
      console.log('ok');
    } catch (error) {
      console.log(error.code);
    }
    engine.lock();
  `;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout: stdout.trim(), stderr }));
  });
}

describe('re-authentication from several processes at once', () => {
  it('counts every evaluated wrong password: no lost update', async () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const path = join(dir, 'k.vault');
    const deps = {
      path,
      clock: createSystemClock(),
      keychain: new MemoryKeychain(),
      actor: 'owner',
      kdfTuning: WEAK,
      allowWeakKdf: true,
    };
    const creator = new KeywardEngine(deps);
    await creator.create(PASSWORD);
    creator.lock();

    // Every worker unlocks first, then all try at the same wall-clock moment.
    const startAt = Date.now() + 4000;
    const results = await Promise.all(Array.from({ length: PROCESSES }, () => worker(path, startAt)));
    for (const result of results) {
      expect(result.code, result.stderr).toBe(0);
    }
    const codes = results.map((result) => result.stdout);
    const wrong = codes.filter((code) => code === 'WRONG_PASSWORD').length;
    expect(wrong + codes.filter((code) => code === 'LOCKED_OUT').length).toBe(PROCESSES);

    const check = new KeywardEngine(deps);
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
