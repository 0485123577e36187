import { DueSteps } from '../schedule/due-steps.ts';
import { Integrations } from './integrations.ts';
import type { LifecycleDefaults } from './integrations.ts';
import { KeyLifecycle } from './key-lifecycle.ts';
import { KeyStore } from './key-store.ts';
import type { KeyStoreDependencies } from './key-store.ts';
import { KeyVerification } from './key-verification.ts';

/** What the key services need. */
export interface VaultKeysDependencies extends KeyStoreDependencies {
  /** Defaults for new integrations (settings); 365 / 30 days without. */
  defaults?: () => LifecycleDefaults;
}

/** The key services of one open vault, over one shared store. */
export interface VaultKeys {
  integrations: Integrations;
  lifecycle: KeyLifecycle;
  verification: KeyVerification;
  due: DueSteps;
}

/** Builds the integration, key-lifecycle, verification and due-step services over one database. */
export function createVaultKeys(deps: VaultKeysDependencies): VaultKeys {
  const store = new KeyStore(deps);
  const lifecycle = new KeyLifecycle(store);
  return {
    integrations: new Integrations(store, lifecycle, deps.defaults),
    lifecycle,
    verification: new KeyVerification(store),
    due: new DueSteps(store, lifecycle),
  };
}
