import { afterEach, describe, expect, it } from 'vitest';
import { createWeakVault, runEngineProcess } from '../../support/engine-process.ts';

// `keyward log --verify` next to another process that writes (the app, or a CLI command run beside
// it): an entry appended while the chain is walked must not read as "entries … were deleted".

const PASSWORD = 'correct horse battery staple';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

describe('verifying the activity log while another process appends to it', () => {
  it('never reports a sound log as tampered', { timeout: 60_000 }, async () => {
    const vault = await createWeakVault(PASSWORD);
    cleanups.push(vault.cleanup);
    const engine = vault.open();
    await engine.unlockWithPassword(PASSWORD);
    // A log long enough that one walk takes a while.
    for (let round = 0; round < 150; round += 1) {
      engine.updateSettings({ utc: round % 2 === 0 });
    }
    const writer = runEngineProcess(
      vault.path,
      `const engine = openEngine();
       await engine.unlockWithPassword(${JSON.stringify(PASSWORD)});
       const until = Date.now() + 2500;
       let round = 0;
       while (Date.now() < until) { engine.updateSettings({ utc: round++ % 2 === 0 }); }
       engine.lock();
       console.log(round);`,
      { actor: 'cli' },
    );
    const verdicts: string[] = [];
    let settled = false;
    void writer.then(() => (settled = true));
    while (!settled) {
      const verdict = engine.verifyLog();
      if (!verdict.ok) {
        verdicts.push(verdict.reason);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    const { code, stdout, stderr } = await writer;
    expect(code, stderr).toBe(0);
    expect(Number(stdout)).toBeGreaterThan(10); // the writer did write meanwhile
    expect(verdicts).toEqual([]);
    expect(engine.verifyLog().ok).toBe(true);
    engine.lock();
  });
});
