import { SqliteDatabaseConstructor } from './sqlite.ts';
import type { SqliteDatabase as DatabaseHandle } from './sqlite.ts';
import { existsSync, statSync } from 'node:fs';
import { KeywardError } from '../../../shared/errors.ts';
import { corruptDatabaseError, isDatabaseCorruption, RESTORE_HINT } from './corruption.ts';
import { migrate } from './migrate.ts';
import { readMeta } from './meta.ts';

/** How to open the vault database. */
export interface OpenDatabaseOptions {
  /** The raw 256-bit data key; null opens the file unencrypted (benchmarks' baseline only). */
  dataKey: Buffer | null;
  /** Create the file if it does not exist (vault creation only). */
  create: boolean;
  /** Skip migrations (tests that migrate step by step). */
  skipMigrations?: boolean;
  /**
   * The vault id the file must carry (meta `vault_id`); checked before anything is written, so a
   * database of another vault is refused untouched.
   */
  expectVaultId?: string;
}

/** SQLite3MultipleCiphers' prefix for a raw binary key (no key derivation), as `x'…'` in a PRAGMA. */
const RAW_KEY_PREFIX = Buffer.from('raw:', 'ascii');

/**
 * Hands a raw 256-bit key to the connection as a Buffer (`sqlite3_key` / `sqlite3_rekey`), never as
 * a hex string: a JavaScript string cannot be wiped, a Buffer can. The `raw:` + 32 bytes argument
 * is built in a Buffer we own and zeroed as soon as the binding has copied it into the codec.
 */
export function applyRawKey(db: DatabaseHandle, dataKey: Buffer, which: 'key' | 'rekey'): void {
  if (dataKey.length !== 32) {
    throw new Error('data key must be 32 bytes');
  }
  const argument = Buffer.alloc(RAW_KEY_PREFIX.length + dataKey.length);
  try {
    RAW_KEY_PREFIX.copy(argument, 0);
    dataKey.copy(argument, RAW_KEY_PREFIX.length);
    if (which === 'key') {
      db.key(argument);
    } else {
      db.rekey(argument);
    }
  } finally {
    argument.fill(0);
  }
}

/**
 * Opens the vault's SQLite file. The cipher and the raw key are applied before any other statement
 * touches the file, so every page, the WAL and the journal are encrypted (ChaCha20-Poly1305,
 * SQLite3MultipleCiphers' default, named explicitly). A wrong key or a file that is not a vault
 * gives VAULT_CORRUPT and the file is not written.
 */
export function openVaultDatabase(path: string, options: OpenDatabaseOptions): DatabaseHandle {
  if (!options.create && existsSync(path) && statSync(path).size === 0) {
    // SQLite would treat an empty file as a new database and write a schema into it.
    throw new KeywardError(
      'VAULT_CORRUPT',
      `${path} is empty: it is not a vault database. It was left untouched.`,
    );
  }
  let db: DatabaseHandle;
  try {
    db = new SqliteDatabaseConstructor(path, { fileMustExist: !options.create });
  } catch (error) {
    throw new KeywardError('VAULT_NOT_FOUND', `Cannot open the vault file ${path}.`, { cause: error });
  }
  try {
    if (options.dataKey !== null) {
      db.pragma(`cipher = 'chacha20'`);
      applyRawKey(db, options.dataKey, 'key');
    }
    // First read: fails here with SQLITE_NOTADB when the key or the file is wrong.
    db.pragma('schema_version', { simple: true });
  } catch (error) {
    db.close();
    throw new KeywardError(
      'VAULT_CORRUPT',
      `${path} could not be decrypted: it is damaged, or not this vault's database. It was left untouched. ${RESTORE_HINT}`,
      { cause: error },
    );
  }
  if (options.expectVaultId !== undefined) {
    let id: string | undefined;
    try {
      id = readMeta(db, 'vault_id') ?? undefined;
    } catch (error) {
      db.close();
      // The page holding the vault id is damaged: that is damage, not a foreign database.
      throw isDatabaseCorruption(error)
        ? corruptDatabaseError(error)
        : new KeywardError('VAULT_CORRUPT', `The vault database cannot be read. ${RESTORE_HINT}`, {
            cause: error,
          });
    }
    if (id !== options.expectVaultId) {
      db.close();
      throw new KeywardError(
        'VAULT_CORRUPT',
        `The vault header and the database belong to different vaults; both were left untouched. ${RESTORE_HINT}`,
      );
    }
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // 64 MiB of page cache (~160k keys): past SQLite's 2 MiB default every scan of a large vault
  // re-reads and re-decrypts each page (~5x slower than plain; test/bench/vault-ops.bench.ts).
  // Decrypted pages are in memory while the vault is unlocked anyway.
  db.pragma('cache_size = -65536');
  if (!options.skipMigrations) {
    try {
      migrate(db);
    } catch (error) {
      db.close();
      throw isDatabaseCorruption(error) ? corruptDatabaseError(error) : error;
    }
  }
  return db;
}
