import type { AsyncEntry } from '@napi-rs/keyring';
import { KeywardError } from '../../../shared/errors.ts';
import type { Keychain } from './keychain.ts';

/** The keychain service name Keyward's entries live under. */
export const KEYCHAIN_SERVICE = 'Keyward';

const PROBE_ACCOUNT = 'keyward-probe';

/**
 * On Linux the binding would otherwise fall back to the kernel keyring (keyutils), which forgets
 * everything at reboot and is not what users know as their keychain: pin the Secret Service, so
 * its absence is an error the user sees.
 */
const ENTRY_OPTIONS = { linux: { store: 'secret-service' as const } };

function platformStoreName(): string {
  switch (process.platform) {
    case 'darwin':
      return 'macOS Keychain';
    case 'win32':
      return 'Windows Credential Manager';
    default:
      return 'Secret Service (GNOME Keyring, KWallet, KeePassXC …)';
  }
}

function unavailable(cause: unknown): KeywardError {
  const noSessionBus = process.platform === 'linux' && (process.env['DBUS_SESSION_BUS_ADDRESS'] ?? '') === '';
  const detail = noSessionBus
    ? 'there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set: a headless or SSH session?), so no Secret Service can be reached'
    : cause instanceof Error
      ? cause.message
      : String(cause);
  return new KeywardError(
    'KEYCHAIN_UNAVAILABLE',
    `The OS keychain (${platformStoreName()}) is not available: ${detail}. ` +
      'Keyward never falls back to storing keys in plain form; unlock with the master password.',
    { cause },
  );
}

/**
 * The real OS keychain through `@napi-rs/keyring` (keytar-compatible, N-API): macOS Keychain,
 * Windows Credential Manager, Linux Secret Service.
 */
export class OsKeychain implements Keychain {
  private readonly service: string;

  constructor(service = KEYCHAIN_SERVICE) {
    this.service = service;
  }

  /**
   * The binding is loaded on first use, not with this module: a CLI command given the master
   * password never touches the keychain, so it does not pay for loading the native module.
   */
  private async entry(account: string): Promise<AsyncEntry> {
    const { AsyncEntry: Entry } = await import('@napi-rs/keyring');
    return new Entry(this.service, account, ENTRY_OPTIONS);
  }

  async set(account: string, secret: string): Promise<void> {
    try {
      await (await this.entry(account)).setPassword(secret);
    } catch (error) {
      throw unavailable(error);
    }
  }

  async get(account: string): Promise<string | null> {
    try {
      return await (await this.entry(account)).getPassword();
    } catch (error) {
      throw unavailable(error);
    }
  }

  async delete(account: string): Promise<boolean> {
    try {
      return await (await this.entry(account)).deleteCredential();
    } catch (error) {
      throw unavailable(error);
    }
  }

  /**
   * Reachability only: a Secret Service that is present but locked still answers here and
   * refuses later, on `set`, with its own message (asking it to unlock could pop up a prompt).
   */
  async probe(): Promise<{ available: true } | { available: false; reason: string }> {
    try {
      await (await this.entry(PROBE_ACCOUNT)).getPassword();
      return { available: true };
    } catch (error) {
      return { available: false, reason: unavailable(error).message };
    }
  }
}
