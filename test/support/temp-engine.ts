import { join } from 'node:path';
import { KeywardEngine } from '../../electron/vault/keyward-engine.ts';
import type { EngineServices } from '../../electron/vault/keyward-engine.ts';
import { engineInternals } from './engine-internals.ts';
import type { Keychain } from '../../electron/vault/keychain/keychain.ts';
import { FakeClock } from './fake-clock.ts';
import { makeTempDir, MemoryKeychain } from './temp-vault.ts';

/** A created, unlocked engine on a temp vault with a fake clock and (by default) an in-memory keychain. */
export interface TestEngine {
  engine: KeywardEngine;
  /** What is below the engine's surface, for arranging and asserting only (see engine-internals.ts). */
  internals: () => EngineServices;
  clock: FakeClock;
  dir: string;
  path: string;
  /** Another engine on the same vault (or on `path`), same clock and keychain. */
  another: (path?: string) => KeywardEngine;
  /** Locks and removes the temp folder. */
  cleanup: () => void;
}

/**
 * Creates a vault with `password` in a temp folder and returns its unlocked engine. Auto-lock is
 * turned off unless `autoLock` is set, so tests can move time by days.
 */
export async function createTestEngine(options: {
  password: string;
  start?: number;
  keychain?: Keychain;
  autoLock?: boolean;
  /** Publish to a connected server in the background, as the desktop does. */
  backgroundPublish?: boolean;
}): Promise<TestEngine> {
  const { dir, cleanup } = makeTempDir();
  const clock = new FakeClock(options.start ?? Date.UTC(2026, 10, 23, 12));
  const keychain = options.keychain ?? new MemoryKeychain();
  const path = join(dir, 'k.vault');
  const another = (at = path) => new KeywardEngine({ path: at, clock, keychain, actor: 'owner@test' });
  const engine = options.backgroundPublish
    ? new KeywardEngine({ path, clock, keychain, actor: 'owner@test', backgroundPublish: true })
    : another();
  // Turning auto-lock off weakens a protection: done as part of creating the vault, whose new
  // password is the proof a re-authentication would ask for.
  await engine.create(options.password, options.autoLock ? {} : { settings: { autoLockMinutes: 0 } });
  return {
    engine,
    internals: () => engineInternals(engine),
    clock,
    dir,
    path,
    another,
    cleanup: () => {
      engine.lock();
      cleanup();
    },
  };
}
