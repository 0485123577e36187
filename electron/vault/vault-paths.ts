import { homedir } from 'node:os';
import { join } from 'node:path';

/** The files that make up one vault; all sit beside the encrypted database file. */
export interface VaultFiles {
  /** The encrypted SQLite database (pages, WAL and journal all encrypted). */
  database: string;
  /** Unencrypted header: KDF parameters, salt and the wrapped data key. Never key material in clear. */
  header: string;
  /** Unencrypted failed-unlock counter for the exponential backoff. */
  lockout: string;
  /** Empty file whose OS lock serialises updates of the lockout counter across processes. */
  lockoutLock: string;
  /**
   * A master-password change in flight: the new headers, written before the database is re-keyed
   * and removed once the header is replaced. Present only after a crash in between.
   */
  pendingHeader: string;
  /** Unencrypted notice schedule, for notifications while locked (no key material). */
  schedule: string;
}

/** Paths of the files of the vault whose database lives at `databasePath`. */
export function vaultFiles(databasePath: string): VaultFiles {
  return {
    database: databasePath,
    header: `${databasePath}.header`,
    lockout: `${databasePath}.lockout`,
    lockoutLock: `${databasePath}.lockout.lock`,
    pendingHeader: `${databasePath}.header.pending`,
    schedule: `${databasePath}.schedule`,
  };
}

/**
 * The app's data folder, the same one Electron's `app.getPath('userData')` gives for the product name
 * "Keyward", so the desktop app and the CLI find the same vault.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') {
    return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'Keyward');
  }
  if (platform === 'darwin') {
    return join(homedir(), 'Library', 'Application Support', 'Keyward');
  }
  return join(env['XDG_CONFIG_HOME'] ?? join(homedir(), '.config'), 'Keyward');
}

/** The default vault path: `KEYWARD_VAULT` if set, else `keyward.vault` in the app's data folder. */
export function defaultVaultPath(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const fromEnv = env['KEYWARD_VAULT'];
  return fromEnv !== undefined && fromEnv !== ''
    ? fromEnv
    : join(defaultDataDir(env, platform), 'keyward.vault');
}
