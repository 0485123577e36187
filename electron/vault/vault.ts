import {
  MASTER_PASSWORD_MAX_LENGTH,
  MASTER_PASSWORD_MIN_LENGTH,
} from '../../shared/domain/master-password.ts';
import type { SqliteDatabase as Database } from './db/sqlite.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { KeywardError } from '../../shared/errors.ts';
import type { Clock } from './clock.ts';
import { fsyncDirectory } from './atomic-file.ts';
import { openVaultDatabase } from './db/open-database.ts';
import {
  deriveKeyFromPassword,
  isBelowDefaults,
  KDF_DEFAULTS,
  KDF_MINIMUM,
  newKdfParams,
} from './crypto/kdf.ts';
import type { KdfParams } from './crypto/kdf.ts';
import { unwrapKey, wrapKey } from './crypto/key-wrap.ts';
import type { Keychain } from './keychain/keychain.ts';
import { UnlockLockout } from './unlock-lockout.ts';
import { deviceWrapContext, passwordWrapContext, readVaultHeader, writeVaultHeader } from './vault-header.ts';
import type { VaultHeader } from './vault-header.ts';
import { vaultFiles } from './vault-paths.ts';
import type { VaultFiles } from './vault-paths.ts';

/** Master password bounds. */
export { MASTER_PASSWORD_MAX_LENGTH, MASTER_PASSWORD_MIN_LENGTH };

/** Argon2id tuning; below {@link KDF_MINIMUM} only with `allowWeakKdf` (tests that run hundreds of unlocks). */
export interface KdfTuning {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

/** What the vault needs from the outside world. */
export interface VaultDependencies {
  /** Path of the encrypted database file; the header and lockout files sit beside it. */
  path: string;
  clock: Clock;
  keychain: Keychain;
  kdfTuning?: KdfTuning;
  /** Permit tuning below the 64 MiB / t=3 floor. Never set by the app or the CLI. */
  allowWeakKdf?: boolean;
}

/** How the vault was unlocked. */
export type UnlockMethod = 'password' | 'keychain';

/** A snapshot for `status` screens and `keyward status`. */
export interface VaultStatus {
  path: string;
  exists: boolean;
  state: 'locked' | 'unlocked';
  vaultId: string | null;
  createdAt: string | null;
  cipher: string | null;
  kdf: { algorithm: string; memoryKiB: number; iterations: number; parallelism: number } | null;
  /**
   * `remembered`: the keychain holds this vault's device key now. `deviceKeyInHeader`: the vault was
   * remembered on a device (true while remembered is false: the keychain is unreachable or lost it).
   */
  keychain: { available: boolean; reason: string | null; remembered: boolean; deviceKeyInHeader: boolean };
  lockout: { failures: number; retryAfterMs: number };
  schemaVersion: number | null;
}

type LockListener = (reason: string) => void;

function checkNewPassword(password: string): void {
  if (password.length < MASTER_PASSWORD_MIN_LENGTH) {
    throw new KeywardError(
      'INVALID_INPUT',
      `The master password must be at least ${MASTER_PASSWORD_MIN_LENGTH} characters.`,
    );
  }
  if (password.length > MASTER_PASSWORD_MAX_LENGTH) {
    throw new KeywardError(
      'INVALID_INPUT',
      `The master password must be at most ${MASTER_PASSWORD_MAX_LENGTH} characters.`,
    );
  }
}

/**
 * One vault: the encrypted SQLite file plus its header. Holds the data key and the open database
 * only while unlocked; `lock()` closes the database and zeroes the key.
 */
export class Vault {
  readonly files: VaultFiles;
  private readonly clock: Clock;
  private readonly keychain: Keychain;
  private readonly tuning: KdfTuning;
  private readonly lockout: UnlockLockout;
  private session: { db: Database; dataKey: Buffer; header: VaultHeader; method: UnlockMethod } | null = null;
  private readonly lockListeners = new Set<LockListener>();

  constructor(deps: VaultDependencies) {
    this.files = vaultFiles(deps.path);
    this.clock = deps.clock;
    this.keychain = deps.keychain;
    this.tuning = deps.kdfTuning ?? KDF_DEFAULTS;
    if (
      !deps.allowWeakKdf &&
      (this.tuning.memoryKiB < KDF_MINIMUM.memoryKiB || this.tuning.iterations < KDF_MINIMUM.iterations)
    ) {
      throw new KeywardError('INVALID_INPUT', 'Argon2id parameters below 64 MiB / t=3 are not allowed.');
    }
    this.lockout = new UnlockLockout(this.files.lockout);
  }

  /** True when the database file exists (a vault was created here). */
  exists(): boolean {
    return existsSync(this.files.database);
  }

  get isUnlocked(): boolean {
    return this.session !== null;
  }

  /** The open database; VAULT_LOCKED when locked. */
  database(): Database {
    return this.requireSession().db;
  }

  /** The vault's id; VAULT_LOCKED when locked. */
  vaultId(): string {
    return this.requireSession().header.vaultId;
  }

  /** Called with a reason whenever the vault locks. Returns an unsubscribe function. */
  onLock(listener: LockListener): () => void {
    this.lockListeners.add(listener);
    return () => this.lockListeners.delete(listener);
  }

  /**
   * Creates a new vault with a fresh random 256-bit data key and leaves it unlocked.
   * Refuses (VAULT_EXISTS) if a database is already at the path: nothing is ever overwritten.
   * The database is built under a temporary name and renamed into place last, so an interrupted
   * create leaves nothing that looks like a vault.
   */
  async create(password: string): Promise<void> {
    checkNewPassword(password);
    if (this.exists()) {
      throw new KeywardError(
        'VAULT_EXISTS',
        `A vault already exists at ${this.files.database}; it was left untouched.`,
      );
    }
    mkdirSync(dirname(this.files.database), { recursive: true, mode: 0o700 });
    const vaultId = randomUUID();
    const kdf = newKdfParams(this.tuning);
    const dataKey = randomBytes(32);
    const kek = await deriveKeyFromPassword(password, kdf);
    const header: VaultHeader = {
      format: 'keyward-vault-header',
      version: 1,
      vaultId,
      createdAt: new Date(this.clock.now()).toISOString(),
      cipher: 'chacha20',
      kdf,
      passwordWrap: wrapKey(dataKey, kek, passwordWrapContext({ vaultId, kdf })),
      deviceWrap: null,
    };
    kek.fill(0);

    const temp = `${this.files.database}.creating`;
    for (const suffix of ['', '-wal', '-shm', '-journal']) {
      rmSync(`${temp}${suffix}`, { force: true });
    }
    const db = openVaultDatabase(temp, { dataKey, create: true });
    chmodSync(temp, 0o600); // SQLite gives the -wal and -shm files the database file's mode.
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('vault_id', vaultId);
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('created_at', header.createdAt);
    db.close();
    writeVaultHeader(this.files.header, header);
    renameSync(temp, this.files.database);
    fsyncDirectory(dirname(this.files.database));
    this.lockout.reset();
    this.openSession(dataKey, header, 'password');
  }

  /**
   * Unlocks with the master password. Wrong password: WRONG_PASSWORD, counted; after three failures
   * each attempt waits exponentially longer (LOCKED_OUT with retryAfterMs), across restarts.
   */
  async unlockWithPassword(password: string): Promise<void> {
    if (this.session) {
      return;
    }
    const header = this.readHeaderForUnlock();
    this.lockout.assertAllowed(this.clock.now());
    const dataKey = await this.unwrapWithPassword(header, password);
    this.lockout.reset();
    this.openSession(dataKey, header, 'password');
    if (isBelowDefaults(header.kdf)) {
      await this.rewrapPassword(password);
    }
  }

  /** Unlocks with the device key remembered in the OS keychain. */
  async unlockWithKeychain(): Promise<void> {
    if (this.session) {
      return;
    }
    const header = this.readHeaderForUnlock();
    if (header.deviceWrap === null) {
      throw new KeywardError(
        'NOT_REMEMBERED',
        'This vault is not remembered on this device; use the master password.',
      );
    }
    const secret = await this.keychain.get(this.keychainAccount(header.vaultId));
    if (secret === null) {
      throw new KeywardError(
        'NOT_REMEMBERED',
        'The OS keychain has no entry for this vault (it was removed or belongs to another user); use the master password.',
      );
    }
    const deviceKey = Buffer.from(secret, 'base64');
    const dataKey =
      deviceKey.length === 32
        ? unwrapKey(header.deviceWrap, deviceKey, deviceWrapContext(header.vaultId))
        : null;
    deviceKey.fill(0);
    if (dataKey === null) {
      throw new KeywardError(
        'NOT_REMEMBERED',
        'The key remembered in the OS keychain no longer opens this vault; use the master password.',
      );
    }
    this.openSession(dataKey, header, 'keychain');
  }

  /** Closes the database and zeroes the data key. Safe to call when already locked. */
  lock(reason = 'manual'): void {
    const session = this.session;
    if (!session) {
      return;
    }
    this.session = null;
    try {
      session.db.close();
    } finally {
      session.dataKey.fill(0);
    }
    for (const listener of this.lockListeners) {
      listener(reason);
    }
  }

  /**
   * Remembers the vault on this device: a random device key goes into the OS keychain and the data
   * key, wrapped by it, into the header. Needs the vault unlocked. KEYCHAIN_UNAVAILABLE if there
   * is no usable keychain; nothing is written then.
   */
  async remember(): Promise<void> {
    const session = this.requireSession();
    const deviceKey = randomBytes(32);
    try {
      await this.keychain.set(this.keychainAccount(session.header.vaultId), deviceKey.toString('base64'));
      const header = readVaultHeader(this.files.header);
      const next: VaultHeader = {
        ...header,
        deviceWrap: wrapKey(session.dataKey, deviceKey, deviceWrapContext(header.vaultId)),
      };
      writeVaultHeader(this.files.header, next);
      session.header = next;
    } finally {
      deviceKey.fill(0);
    }
  }

  /**
   * Forgets the vault on this device: removes the header's device wrap first (so the keychain
   * entry alone opens nothing), then the keychain entry. Works while locked. Returns whether
   * anything was remembered.
   */
  async forget(): Promise<boolean> {
    const header = this.readHeaderForUnlock();
    const hadWrap = header.deviceWrap !== null;
    if (hadWrap) {
      const next = { ...header, deviceWrap: null };
      writeVaultHeader(this.files.header, next);
      if (this.session) {
        this.session.header = next;
      }
    }
    let hadEntry = false;
    try {
      hadEntry = await this.keychain.delete(this.keychainAccount(header.vaultId));
    } catch {
      // No reachable keychain: with the header's wrap gone a stale entry cannot open the vault, and
      // without a wrap there was nothing remembered to forget.
    }
    return hadWrap || hadEntry;
  }

  /**
   * Changes the master password: the data key is re-wrapped under a key derived from the new
   * password with a fresh salt. Nothing in the database is re-encrypted. The header is replaced
   * atomically, so after a crash the vault opens with either the old or the new password.
   */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    checkNewPassword(newPassword);
    const header = this.readHeaderForUnlock();
    this.lockout.assertAllowed(this.clock.now());
    const dataKey = await this.unwrapWithPassword(header, currentPassword);
    this.lockout.reset();
    try {
      await this.writePasswordWrap(header, dataKey, newPassword);
    } finally {
      dataKey.fill(0);
    }
  }

  /**
   * Whether `password` is the master password of the unlocked vault (re-authentication). No backoff
   * here: the re-authentication service keeps its own.
   */
  async checkPassword(password: string): Promise<boolean> {
    const session = this.requireSession();
    const header = readVaultHeader(this.files.header);
    const kek = await deriveKeyFromPassword(password, header.kdf);
    const dataKey = unwrapKey(header.passwordWrap, kek, passwordWrapContext(header));
    kek.fill(0);
    const same = dataKey !== null && dataKey.equals(session.dataKey);
    dataKey?.fill(0);
    return same;
  }

  /** Failed unlock attempts since the last success (for the activity log after unlock). */
  failedAttempts(): number {
    return this.lockout.read().failures;
  }

  /** Status for people and scripts. Never contains key material. */
  async status(): Promise<VaultStatus> {
    const exists = this.exists();
    const header: VaultHeader | null = exists ? this.readHeaderForUnlock() : null;
    const probe = await this.keychain.probe();
    let remembered = false;
    if (header?.deviceWrap && probe.available) {
      try {
        remembered = (await this.keychain.get(this.keychainAccount(header.vaultId))) !== null;
      } catch {
        // An unreachable keychain is reported by `probe` above; for status, nothing is remembered here.
        remembered = false;
      }
    }
    const lockoutState = this.lockout.read();
    return {
      path: this.files.database,
      exists,
      state: this.session ? 'unlocked' : 'locked',
      vaultId: header?.vaultId ?? null,
      createdAt: header?.createdAt ?? null,
      cipher: header?.cipher ?? null,
      kdf: header
        ? {
            algorithm: header.kdf.algorithm,
            memoryKiB: header.kdf.memoryKiB,
            iterations: header.kdf.iterations,
            parallelism: header.kdf.parallelism,
          }
        : null,
      keychain: {
        available: probe.available,
        reason: probe.available ? null : probe.reason,
        remembered,
        deviceKeyInHeader: header?.deviceWrap != null,
      },
      lockout: { failures: lockoutState.failures, retryAfterMs: this.lockout.remainingMs(this.clock.now()) },
      schemaVersion: this.session
        ? (this.session.db.pragma('user_version', { simple: true }) as number)
        : null,
    };
  }

  private requireSession(): NonNullable<Vault['session']> {
    if (!this.session) {
      throw new KeywardError('VAULT_LOCKED', 'The vault is locked; unlock it first.');
    }
    return this.session;
  }

  private keychainAccount(vaultId: string): string {
    return `vault:${vaultId}`;
  }

  private readHeaderForUnlock(): VaultHeader {
    if (!this.exists()) {
      throw new KeywardError(
        'VAULT_NOT_FOUND',
        `No vault at ${this.files.database}. Create one with \`keyward init\` (or pass --vault PATH).`,
      );
    }
    if (!existsSync(this.files.header)) {
      throw new KeywardError(
        'VAULT_CORRUPT',
        `The vault header ${this.files.header} is missing; without it the vault cannot be opened. Restore it from a backup.`,
      );
    }
    return readVaultHeader(this.files.header);
  }

  private async unwrapWithPassword(header: VaultHeader, password: string): Promise<Buffer> {
    const kek = await deriveKeyFromPassword(password, header.kdf);
    const dataKey = unwrapKey(header.passwordWrap, kek, passwordWrapContext(header));
    kek.fill(0);
    if (dataKey === null) {
      let state = { failures: this.lockout.read().failures + 1 };
      try {
        state = this.lockout.recordFailure(this.clock.now());
      } catch {
        // The counter could not be written (a read-only folder?): it is still a wrong password.
      }
      const waitMs = this.lockout.remainingMs(this.clock.now());
      throw new KeywardError(
        'WRONG_PASSWORD',
        waitMs > 0
          ? `Wrong master password (${state.failures} failed attempts); next attempt allowed in ${Math.ceil(waitMs / 1000)} s.`
          : 'Wrong master password.',
        waitMs > 0 ? { retryAfterMs: waitMs } : undefined,
      );
    }
    return dataKey;
  }

  private async writePasswordWrap(header: VaultHeader, dataKey: Buffer, password: string): Promise<void> {
    const kdf: KdfParams = newKdfParams(this.tuning);
    const kek = await deriveKeyFromPassword(password, kdf);
    const current = readVaultHeader(this.files.header);
    const next: VaultHeader = {
      ...current,
      kdf,
      passwordWrap: wrapKey(dataKey, kek, passwordWrapContext({ vaultId: header.vaultId, kdf })),
    };
    kek.fill(0);
    writeVaultHeader(this.files.header, next);
    if (this.session) {
      this.session.header = next;
    }
  }

  private async rewrapPassword(password: string): Promise<void> {
    const session = this.requireSession();
    await this.writePasswordWrap(session.header, session.dataKey, password);
  }

  private openSession(dataKey: Buffer, header: VaultHeader, method: UnlockMethod): void {
    let db: Database;
    try {
      db = openVaultDatabase(this.files.database, { dataKey, create: false, expectVaultId: header.vaultId });
    } catch (error) {
      dataKey.fill(0);
      throw error;
    }
    const row = db.prepare(`SELECT value FROM meta WHERE key = 'vault_id'`).get() as
      { value: string } | undefined;
    if (row?.value !== header.vaultId) {
      db.close();
      dataKey.fill(0);
      throw new KeywardError(
        'VAULT_CORRUPT',
        'The vault header and the database belong to different vaults; both were left untouched.',
      );
    }
    this.session = { db, dataKey, header, method };
  }
}
