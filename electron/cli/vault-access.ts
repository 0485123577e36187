import { existsSync } from 'node:fs';
import { KeywardError } from '../../shared/errors.ts';
import type { Vault } from '../vault/vault.ts';

/**
 * Fails before any password is asked for when there is nothing to open: VAULT_NOT_FOUND without a
 * database file, VAULT_CORRUPT when the database is there but its header is gone.
 */
export function assertVaultExists(vault: Vault): void {
  if (!vault.exists()) {
    throw new KeywardError(
      'VAULT_NOT_FOUND',
      `No vault at ${vault.files.database}. Create one with \`keyward init\`, or choose another with --vault PATH or KEYWARD_VAULT.`,
    );
  }
  if (!existsSync(vault.files.header)) {
    throw new KeywardError(
      'VAULT_CORRUPT',
      `The vault header ${vault.files.header} is missing; without it the vault cannot be opened. Restore it from a backup.`,
    );
  }
}

/**
 * Remembers the (unlocked) vault on this device. A missing keychain stays KEYCHAIN_UNAVAILABLE, with
 * `done` saying what did succeed before it (the vault was created, the password was right).
 */
export async function rememberOnThisDevice(vault: Vault, done: string): Promise<void> {
  try {
    await vault.remember();
  } catch (error) {
    if (error instanceof KeywardError && error.code === 'KEYCHAIN_UNAVAILABLE') {
      throw new KeywardError('KEYCHAIN_UNAVAILABLE', `${done}, but it was not remembered: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}
