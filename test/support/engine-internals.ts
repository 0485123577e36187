import type { EngineServices, KeywardEngine } from '../../electron/vault/keyward-engine.ts';

/**
 * The services behind an unlocked engine, for tests only: arranging data below the engine's
 * surface (bulk rows straight into SQLite, a notice the scheduler would record) and asserting on
 * what no interface may read (key material, the raw database). Product code never does this: the
 * IPC handlers and the CLI have only the engine's methods. Throws when the engine is locked.
 */
export function engineInternals(engine: KeywardEngine): EngineServices {
  const current = (engine as unknown as { current: EngineServices | null }).current;
  if (current === null) {
    throw new Error('engineInternals: the engine is locked');
  }
  return current;
}
