import { afterEach, describe, expect, it } from 'vitest';
import { engineInternals } from '../../support/engine-internals.ts';
import { createWeakVault, runEngineProcess } from '../../support/engine-process.ts';

// Weak Argon2id for speed (the unlock path is the same); the subject is SQLite locking.
const PASSWORD = 'concurrent processes';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

/** One process: five rounds of unlock, create an integration, rotate its key, lock. */
function worker(path: string, n: number) {
  return runEngineProcess(
    path,
    `
    for (let round = 0; round < 5; round++) {
      const engine = openEngine();
      await engine.unlockWithPassword(${JSON.stringify(PASSWORD)});
      const { integration } = engine.createIntegration({ name: 'w${n}-' + round, platform: 'server' });
      engine.rotate(integration.id);
      engine.lock();
    }
  `,
    { actor: `worker-${n}` },
  );
}

describe('several processes on one vault (CLI commands run side by side)', () => {
  it('all succeed: writers wait for each other instead of failing with SQLITE_BUSY', async () => {
    const { path, open, cleanup } = await createWeakVault(PASSWORD);
    cleanups.push(cleanup);

    const results = await Promise.all([0, 1, 2, 3].map((n) => worker(path, n)));
    for (const result of results) {
      expect(result.code, result.stderr).toBe(0);
    }
    const check = open();
    await check.unlockWithPassword(PASSWORD);
    expect(check.listIntegrations()).toHaveLength(20);
    expect(engineInternals(check).lifecycle.invariantViolations()).toEqual([]);
    expect(check.verifyLog().ok).toBe(true);
    check.lock();
  });
});
