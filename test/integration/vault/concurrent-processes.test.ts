import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeywardEngine } from '../../../electron/vault/keyward-engine.ts';
import { createSystemClock } from '../../../electron/vault/clock.ts';
import { engineInternals } from '../../support/engine-internals.ts';
import { makeTempDir, MemoryKeychain } from '../../support/temp-vault.ts';

// Weak Argon2id for speed (the unlock path is the same); the subject is SQLite locking.
const WEAK = { memoryKiB: 1024, iterations: 1, parallelism: 1 };
const PASSWORD = 'concurrent processes';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

function worker(path: string, n: number): Promise<{ code: number | null; stderr: string }> {
  const root = process.cwd();
  const script = `
    import { KeywardEngine } from ${JSON.stringify(join(root, 'electron/vault/keyward-engine.ts'))};
    import { createSystemClock } from ${JSON.stringify(join(root, 'electron/vault/clock.ts'))};
    const keychain = { set: async () => {}, get: async () => null, delete: async () => false, probe: async () => ({ available: false, reason: 'test' }) };
    for (let round = 0; round < 5; round++) {
      const engine = new KeywardEngine({ path: ${JSON.stringify(path)}, clock: createSystemClock(), keychain, actor: 'worker-${n}',
        kdfTuning: ${JSON.stringify(WEAK)}, allowWeakKdf: true });
      await engine.unlockWithPassword(${JSON.stringify(PASSWORD)});
      const { integration } = engine.createIntegration({ name: 'w${n}-' + round, platform: 'server' });
      engine.rotate(integration.id);
      engine.lock();
    }
  `;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('several processes on one vault (CLI commands run side by side)', () => {
  it('all succeed: writers wait for each other instead of failing with SQLITE_BUSY', async () => {
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

    const results = await Promise.all([0, 1, 2, 3].map((n) => worker(path, n)));
    for (const result of results) {
      expect(result.code, result.stderr).toBe(0);
    }
    const check = new KeywardEngine(deps);
    await check.unlockWithPassword(PASSWORD);
    expect(check.listIntegrations()).toHaveLength(20);
    expect(engineInternals(check).lifecycle.invariantViolations()).toEqual([]);
    expect(check.verifyLog().ok).toBe(true);
    check.lock();
  });
});
