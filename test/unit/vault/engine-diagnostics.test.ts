import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeywardEngine } from '../../../electron/vault/keyward-engine.ts';
import { createLogger, MemoryLogSink } from '../../../shared/log/logger.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { makeTempDir, MemoryKeychain } from '../../support/temp-vault.ts';
import { engineInternals } from '../../support/engine-internals.ts';

const PASSWORD = 'diagnostics test password';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

function engineWithLog() {
  const { dir, cleanup } = makeTempDir();
  const sink = new MemoryLogSink();
  const path = join(dir, 'k.vault');
  const engine = new KeywardEngine({
    path,
    clock: new FakeClock(Date.UTC(2026, 10, 23, 12)),
    keychain: new MemoryKeychain(),
    actor: 'owner@test',
    logger: createLogger({ sink, level: 'debug' }),
  });
  cleanups.push(() => {
    engine.lock();
    cleanup();
  });
  return { engine, sink, path };
}

describe('the engine logs through the logger it is given', () => {
  it('unlocks and locks are recorded, with no password or key in any record', async () => {
    const { engine, sink } = engineWithLog();
    await engine.create(PASSWORD);
    const { key } = engine.createIntegration({ name: 'Payments', platform: 'server' });
    const material = engineInternals(engine).lifecycle.material(key.id);
    engine.lock('manual');
    await engine.unlockWithPassword(PASSWORD);
    const events = sink.records.filter((record) => record.level === 'info');
    expect(events.map((record) => [record.message, record.fields])).toEqual([
      ['vault unlocked', { method: 'password' }],
      ['vault locked', { reason: 'manual' }],
      ['vault unlocked', { method: 'password' }],
    ]);
    const text = JSON.stringify(sink.records);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(material);
  });

  it('a schedule file that cannot be written is a warning in the log, not a silent catch', async () => {
    const { engine, sink, path } = engineWithLog();
    mkdirSync(`${path}.schedule`); // a folder where the file goes: every write fails
    await engine.create(PASSWORD); // the unlock's catch-up plans, and writes the schedule file
    const warning = sink.records.find((record) => record.message === 'could not write the schedule file');
    expect(warning).toMatchObject({ level: 'warn', fields: { error: { name: 'Error' } } });
    expect(engine.vault.isUnlocked).toBe(true); // and the vault operation itself succeeded
  });

  it('without a logger, nothing breaks (the default writes nowhere)', async () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const engine = new KeywardEngine({
      path: join(dir, 'k.vault'),
      clock: new FakeClock(Date.UTC(2026, 10, 23, 12)),
      keychain: new MemoryKeychain(),
      actor: 'owner@test',
    });
    await engine.create(PASSWORD);
    engine.lock('manual');
    expect(engine.vault.isUnlocked).toBe(false);
  });
});
