import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Keychain } from '../../electron/vault/keychain/keychain.ts';
import { Vault } from '../../electron/vault/vault.ts';
import type { VaultDependencies } from '../../electron/vault/vault.ts';
import { FakeClock } from './fake-clock.ts';

/** A keychain in memory, for tests that are not about the keychain. */
export class MemoryKeychain implements Keychain {
  readonly entries = new Map<string, string>();
  available = true;

  set(account: string, secret: string): Promise<void> {
    this.entries.set(account, secret);
    return Promise.resolve();
  }
  get(account: string): Promise<string | null> {
    return Promise.resolve(this.entries.get(account) ?? null);
  }
  delete(account: string): Promise<boolean> {
    return Promise.resolve(this.entries.delete(account));
  }
  probe(): Promise<{ available: true } | { available: false; reason: string }> {
    return Promise.resolve(this.available ? { available: true } : { available: false, reason: 'test: none' });
  }
}

/** A fresh temp folder, removed by the returned cleanup. */
export function makeTempDir(prefix = 'keyward-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A vault in a temp folder with a fake clock and an in-memory keychain, unless given others. */
export function makeTestVault(overrides: Partial<VaultDependencies> = {}): {
  vault: Vault;
  clock: FakeClock;
  keychain: Keychain;
  path: string;
  cleanup: () => void;
  reopen: () => Vault;
} {
  const { dir, cleanup } = makeTempDir();
  const clock = overrides.clock instanceof FakeClock ? overrides.clock : new FakeClock();
  const keychain = overrides.keychain ?? new MemoryKeychain();
  const path = overrides.path ?? join(dir, 'keyward.vault');
  const deps: VaultDependencies = { ...overrides, path, clock, keychain };
  return {
    vault: new Vault(deps),
    clock,
    keychain,
    path,
    cleanup,
    reopen: () => new Vault(deps),
  };
}
