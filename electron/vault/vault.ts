import {
  MASTER_PASSWORD_MAX_LENGTH,
  MASTER_PASSWORD_MIN_LENGTH,
} from '../../shared/domain/master-password.ts';
import type { SqliteDatabase as Database } from './db/sqlite.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  linkSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { KeywardError } from '../../shared/errors.ts';
import type { Clock } from './clock.ts';
import { fsyncDirectory, writeFileAtomic } from './atomic-file.ts';
import { ensureDirectory } from './ensure-directory.ts';
import { applyRawKey, openVaultDatabase } from './db/open-database.ts';
import {
  deriveKeyFromPassword,
  isBelowDefaults,
  KDF_DEFAULTS,
  KDF_MINIMUM,
  newKdfParams,
} from './crypto/kdf.ts';
import type { DeriveKey, KdfParams } from './crypto/kdf.ts';
import { unwrapKey, wrapKey } from './crypto/key-wrap.ts';
import type { Keychain } from './keychain/keychain.ts';
import { UnlockLockout } from './unlock-lockout.ts';
import type { AttemptReservation } from './unlock-lockout.ts';
import {
  deviceWrapContext,
  passwordWrapContext,
  readVaultHeader,
  vaultHeaderSchema,
  writeVaultHeader,
} from './vault-header.ts';
import type { VaultHeader } from './vault-header.ts';
import { vaultFiles } from './vault-paths.ts';
import type { VaultFiles } from './vault-paths.ts';
import { writeMeta } from './db/meta.ts';

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
  /** Argon2id for unlock with the master password (default {@link deriveKeyFromPassword}). */
  deriveKey?: DeriveKey;
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

/** The `format` of the pending password-change file. */
const PENDING_FORMAT = 'keyward-password-change';

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
 * Whether the create lock at `lockPath` was left by a process that no longer runs (a crash between
 * taking and releasing it). An unreadable or empty lock counts as held: another process may be
 * between creating the file and writing its id.
 */
function lockHolderIsGone(lockPath: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lockPath, 'utf8').trim());
  } catch {
    return false;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0) {
    return false;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
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
  private readonly deriveKey: DeriveKey;
  private session: { db: Database; dataKey: Buffer; header: VaultHeader; method: UnlockMethod } | null = null;
  private readonly lockListeners = new Set<LockListener>();

  constructor(deps: VaultDependencies) {
    this.files = vaultFiles(deps.path);
    this.clock = deps.clock;
    this.keychain = deps.keychain;
    this.tuning = deps.kdfTuning ?? KDF_DEFAULTS;
    this.deriveKey = deps.deriveKey ?? deriveKeyFromPassword;
    if (
      !deps.allowWeakKdf &&
      (this.tuning.memoryKiB < KDF_MINIMUM.memoryKiB || this.tuning.iterations < KDF_MINIMUM.iterations)
    ) {
      throw new KeywardError('INVALID_INPUT', 'Argon2id parameters below 64 MiB / t=3 are not allowed.');
    }
    this.lockout = new UnlockLockout(this.files.lockout);
  }

  /**
   * True when the database file exists (a vault was created here). A folder at the vault's path is
   * INVALID_INPUT saying so (it is never taken for a vault, nor created over).
   */
  exists(): boolean {
    const stat = statSync(this.files.database, { throwIfNoEntry: false });
    if (stat?.isDirectory() === true) {
      throw new KeywardError(
        'INVALID_INPUT',
        `${this.files.database} is a folder, not a vault file. Give the vault file's path instead, e.g. ${join(this.files.database, 'keyward.vault')}.`,
      );
    }
    return stat !== undefined;
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
   * create leaves nothing that looks like a vault. Creates on one path are serialised by an
   * exclusive lock file (`<vault>.creating.lock`): of several processes creating at once exactly one
   * wins, and the others get VAULT_EXISTS having written nothing.
   */
  async create(password: string): Promise<void> {
    checkNewPassword(password);
    this.refuseExisting();
    ensureDirectory(dirname(this.files.database));
    const release = this.acquireCreateLock();
    try {
      this.refuseExisting(); // another process may have finished creating while we took the lock
      await this.createLocked(password);
    } finally {
      release();
    }
  }

  private refuseExisting(): void {
    if (this.exists()) {
      throw new KeywardError(
        'VAULT_EXISTS',
        `A vault already exists at ${this.files.database}; it was left untouched.`,
      );
    }
  }

  /**
   * Takes `<vault>.creating.lock` with O_EXCL (atomic on every local file system), holding this
   * process's id. A lock left by a process that no longer runs is taken over; one held by a running
   * process is VAULT_EXISTS: that process is creating the vault.
   */
  private acquireCreateLock(): () => void {
    const lockPath = `${this.files.database}.creating.lock`;
    // The lock appears with this process's id already in it (written to a file of our own, then
    // linked into place, which fails if the lock exists): a kill can never leave an empty lock that
    // names no process and so could never be taken over.
    const mine = `${lockPath}.${process.pid}`;
    const cannot = (error: unknown) =>
      new KeywardError(
        'INVALID_INPUT',
        `Cannot create a vault at ${this.files.database} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
        { cause: error },
      );
    try {
      writeFileSync(mine, String(process.pid), { mode: 0o600 });
    } catch (error) {
      throw cannot(error);
    }
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          linkSync(mine, lockPath);
          return () => rmSync(lockPath, { force: true });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
            throw cannot(error);
          }
          if (attempt === 0 && lockHolderIsGone(lockPath)) {
            rmSync(lockPath, { force: true });
            continue;
          }
          break;
        }
      }
      throw new KeywardError(
        'VAULT_EXISTS',
        `Another process is creating a vault at ${this.files.database} right now; nothing was changed.`,
      );
    } finally {
      rmSync(mine, { force: true });
    }
  }

  private async createLocked(password: string): Promise<void> {
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
    writeMeta(db, 'vault_id', vaultId);
    writeMeta(db, 'created_at', header.createdAt);
    db.close();
    writeVaultHeader(this.files.header, header);
    renameSync(temp, this.files.database);
    fsyncDirectory(dirname(this.files.database));
    this.lockout.reset();
    this.openSession(dataKey, header, 'password');
  }

  /**
   * Unlocks with the master password. Wrong password: WRONG_PASSWORD, counted; after three failures
   * each attempt waits exponentially longer (LOCKED_OUT with retryAfterMs), across restarts. The
   * attempt is counted before the password is evaluated (see {@link UnlockLockout.reserve}), so
   * parallel attempts — in this process or in others — each count.
   */
  async unlockWithPassword(password: string): Promise<void> {
    if (this.session) {
      return;
    }
    const opened = await this.openWithPassword(password);
    opened.kek.fill(0);
    if (this.session) {
      // Another call of this process unlocked meanwhile: keep that session.
      opened.db.close();
      opened.dataKey.fill(0);
      return;
    }
    this.session = { db: opened.db, dataKey: opened.dataKey, header: opened.header, method: 'password' };
    if (isBelowDefaults(opened.header.kdf)) {
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
    try {
      const dataKey =
        deviceKey.length === 32
          ? unwrapKey(header.deviceWrap, deviceKey, deviceWrapContext(header.vaultId))
          : null;
      if (dataKey === null) {
        throw new KeywardError(
          'NOT_REMEMBERED',
          'The key remembered in the OS keychain no longer opens this vault; use the master password.',
        );
      }
      let opened: { db: Database; dataKey: Buffer; header: VaultHeader };
      try {
        opened = { db: this.openDatabase(dataKey, header), dataKey, header };
      } catch (error) {
        dataKey.fill(0);
        // A password change cut short after the re-key: its new header holds the device wrap too.
        const pending = this.readPendingChange();
        const next = pending?.next;
        const newKey = next?.deviceWrap
          ? unwrapKey(next.deviceWrap, deviceKey, deviceWrapContext(next.vaultId))
          : null;
        if (!next || newKey === null) {
          throw error;
        }
        opened = { db: this.openDatabase(newKey, next), dataKey: newKey, header: next };
        this.finishPendingChange(next);
      }
      this.discardStalePendingChange();
      if (this.session) {
        opened.db.close();
        opened.dataKey.fill(0);
        return;
      }
      this.session = { ...opened, method: 'keychain' };
    } finally {
      deviceKey.fill(0);
    }
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
   * Changes the master password and shuts the old one out: the database is re-keyed with a fresh
   * random data key (`sqlite3_rekey`, one transaction, then a checkpoint so no page under the old
   * key stays in the file), wrapped under a key derived from the new password with a fresh salt.
   * An old header (a backup's, a copy) plus the old password yields only the old data key, which
   * opens nothing but the backups made under it. The current password check is counted like an
   * unlock. A device key remembered in the keychain is re-wrapped when the keychain answers;
   * otherwise the vault is no longer remembered (`remembered: false`).
   *
   * Crash safety: the new headers are written first (`<header>.pending`: the new data key under
   * the new password, and under the old one), then the database is re-keyed, then the header is
   * replaced and the pending file removed — the last three without yielding to other work. After
   * a crash at any point the vault opens with the old or the new password (see openWithPassword).
   *
   * Another process that has this vault open (the app, while a CLI changes the password) can no
   * longer read it and must unlock again.
   */
  async changePassword(currentPassword: string, newPassword: string): Promise<{ remembered: boolean }> {
    checkNewPassword(newPassword);
    const opened = this.session ? null : await this.openWithPassword(currentPassword);
    let oldKek: Buffer;
    let header: VaultHeader;
    if (opened) {
      oldKek = opened.kek;
      header = opened.header;
    } else {
      header = this.requireSession().header;
      const checked = await this.checkPasswordCounted(header, currentPassword);
      checked.dataKey.fill(0);
      oldKek = checked.kek;
    }
    const oldKey = opened ? opened.dataKey : this.requireSession().dataKey;
    const newKey = randomBytes(32);
    let newKek: Buffer | null = null;
    try {
      const kdf: KdfParams = newKdfParams(this.tuning);
      newKek = await deriveKeyFromPassword(newPassword, kdf);
      const deviceWrap = await this.rewrapDeviceKey(header, oldKey, newKey);
      const next: VaultHeader = {
        ...header,
        kdf,
        passwordWrap: wrapKey(newKey, newKek, passwordWrapContext({ vaultId: header.vaultId, kdf })),
        deviceWrap,
      };
      const previous: VaultHeader = {
        ...header,
        passwordWrap: wrapKey(newKey, oldKek, passwordWrapContext(header)),
        deviceWrap,
      };
      const db = opened ? opened.db : this.requireSession().db;
      // From here on, synchronous: nothing else of this process writes between the re-key and the
      // header that names the new key.
      writeFileAtomic(
        this.files.pendingHeader,
        `${JSON.stringify({ format: PENDING_FORMAT, next, previous })}\n`,
      );
      applyRawKey(db, newKey, 'rekey');
      if (this.session && !opened) {
        // The open connection now uses the new key: so does the session, from this instant.
        this.session.dataKey.fill(0);
        this.session.dataKey = newKey;
      }
      db.pragma('wal_checkpoint(TRUNCATE)');
      writeVaultHeader(this.files.header, next);
      if (this.session && !opened) {
        this.session.header = next;
      }
      rmSync(this.files.pendingHeader, { force: true });
      fsyncDirectory(dirname(this.files.header));
      return { remembered: deviceWrap !== null };
    } finally {
      oldKek.fill(0);
      newKek?.fill(0);
      if (opened) {
        opened.db.close();
        opened.dataKey.fill(0);
        newKey.fill(0);
      } else if (this.session?.dataKey !== newKey) {
        newKey.fill(0);
      }
    }
  }

  /**
   * Checks a master password for something other than an unlock (restoring a backup with its own
   * header): counted and backed off exactly like an unlock attempt, in the same counter. Returns the
   * data key `header` wraps; WRONG_PASSWORD (counted) or LOCKED_OUT otherwise.
   */
  async unwrapCounted(header: VaultHeader, password: string, wrongMessage: string): Promise<Buffer> {
    const { dataKey, kek } = await this.checkPasswordCounted(header, password, wrongMessage);
    kek.fill(0);
    return dataKey;
  }

  /**
   * Whether `password` is the master password of the unlocked vault (re-authentication). Not
   * counted here: the caller (the re-authentication service) reserves the attempt first.
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

  /**
   * One counted password check against `header`: the attempt is reserved (counted, and refused
   * with LOCKED_OUT while the backoff runs) before Argon2id runs, then settled. Returns the data
   * key and the key-encryption key (the caller zeroes both).
   */
  private async checkPasswordCounted(
    header: VaultHeader,
    password: string,
    wrongMessage = 'Wrong master password.',
  ): Promise<{ dataKey: Buffer; kek: Buffer }> {
    const reservation = await this.lockout.reserve(() => this.clock.now());
    const kek = await deriveKeyFromPassword(password, header.kdf);
    const dataKey = unwrapKey(header.passwordWrap, kek, passwordWrapContext(header));
    if (dataKey === null) {
      kek.fill(0);
      throw this.wrongPassword(reservation, wrongMessage);
    }
    this.lockout.succeeded(reservation);
    return { dataKey, kek };
  }

  /** Settles a reserved attempt as failed and builds its WRONG_PASSWORD (with the wait, if any). */
  private wrongPassword(
    reservation: AttemptReservation | null,
    message = 'Wrong master password.',
  ): KeywardError {
    const now = this.clock.now();
    const state = this.lockout.failed(reservation, now);
    const waitMs = this.lockout.remainingMs(now);
    const base = message.replace(/\.$/, '');
    return new KeywardError(
      'WRONG_PASSWORD',
      waitMs > 0
        ? `${base} (${state.failures} failed attempts); next attempt allowed in ${Math.ceil(waitMs / 1000)} s.`
        : message,
      waitMs > 0 ? { retryAfterMs: waitMs } : undefined,
    );
  }

  /**
   * Opens the database with the master password, counted like every password check, and finishes
   * a password change a crash cut short (see changePassword):
   * - the header's key opens the database: done; a leftover pending file is stale and removed;
   * - the header's key does not, but the pending change's key under the same password does (the
   *   crash came after the re-key): that header replaces the current one;
   * - the header does not take the password, but the pending change's new header does and its key
   *   opens the database: the change completes.
   * The old password is never tried against a pending file unless the current header took it, so
   * once a change has completed nothing brings the old password back.
   */
  private async openWithPassword(
    password: string,
  ): Promise<{ db: Database; dataKey: Buffer; kek: Buffer; header: VaultHeader }> {
    const header = this.readHeaderForUnlock();
    const reservation = await this.lockout.reserve(() => this.clock.now());
    const kek = await this.deriveKey(password, header.kdf);
    const dataKey = unwrapKey(header.passwordWrap, kek, passwordWrapContext(header));
    try {
      if (dataKey !== null) {
        try {
          const db = this.openDatabase(dataKey, header);
          this.lockout.succeeded(reservation);
          this.discardStalePendingChange();
          return { db, dataKey, kek, header };
        } catch (error) {
          dataKey.fill(0);
          const previous = this.readPendingChange()?.previous;
          const newKey =
            previous && passwordWrapContext(previous) === passwordWrapContext(header)
              ? unwrapKey(previous.passwordWrap, kek, passwordWrapContext(previous))
              : null;
          if (!previous || newKey === null) {
            this.lockout.succeeded(reservation); // the password was right; the file is the problem
            throw error;
          }
          this.lockout.succeeded(reservation); // the password was right either way
          let db: Database;
          try {
            db = this.openDatabase(newKey, previous);
          } catch {
            newKey.fill(0);
            throw error;
          }
          this.finishPendingChange(previous);
          return { db, dataKey: newKey, kek, header: previous };
        }
      }
      const next = this.readPendingChange()?.next;
      if (next) {
        const nextKek = await deriveKeyFromPassword(password, next.kdf);
        const newKey = unwrapKey(next.passwordWrap, nextKek, passwordWrapContext(next));
        if (newKey !== null) {
          try {
            const db = this.openDatabase(newKey, next);
            this.lockout.succeeded(reservation);
            this.finishPendingChange(next);
            kek.fill(0);
            return { db, dataKey: newKey, kek: nextKek, header: next };
          } catch {
            newKey.fill(0); // the re-key never committed: the new password was never in force
          }
        }
        nextKek.fill(0);
      }
    } catch (error) {
      kek.fill(0);
      throw error;
    }
    kek.fill(0);
    throw this.wrongPassword(reservation);
  }

  /** The pending password change left by a crash, or null (none, or unreadable: then ignored). */
  private readPendingChange(): { next: VaultHeader; previous: VaultHeader } | null {
    if (!existsSync(this.files.pendingHeader)) {
      return null;
    }
    try {
      const value = JSON.parse(readFileSync(this.files.pendingHeader, 'utf8')) as Record<string, unknown>;
      if (value['format'] !== PENDING_FORMAT) {
        return null;
      }
      return {
        next: vaultHeaderSchema.parse(value['next']),
        previous: vaultHeaderSchema.parse(value['previous']),
      };
    } catch {
      return null;
    }
  }

  /** Makes `header` (from the pending change) the vault's header and drops the pending file. */
  private finishPendingChange(header: VaultHeader): void {
    writeVaultHeader(this.files.header, header);
    rmSync(this.files.pendingHeader, { force: true });
  }

  /** Removes a pending change the current header already supersedes (its key opened the vault). */
  private discardStalePendingChange(): void {
    try {
      rmSync(this.files.pendingHeader, { force: true });
    } catch {
      // read-only folder: it is ignored as long as the header's key opens the database
    }
  }

  /** The device wrap for a new data key: re-wrapped with the keychain's device key, or null. */
  private async rewrapDeviceKey(
    header: VaultHeader,
    oldKey: Buffer,
    newKey: Buffer,
  ): Promise<VaultHeader['deviceWrap']> {
    if (header.deviceWrap === null) {
      return null;
    }
    const secret = await this.keychain.get(this.keychainAccount(header.vaultId)).catch(() => null);
    if (secret === null) {
      return null;
    }
    const deviceKey = Buffer.from(secret, 'base64');
    try {
      const current =
        deviceKey.length === 32
          ? unwrapKey(header.deviceWrap, deviceKey, deviceWrapContext(header.vaultId))
          : null;
      const matches = current !== null && current.equals(oldKey);
      current?.fill(0);
      return matches ? wrapKey(newKey, deviceKey, deviceWrapContext(header.vaultId)) : null;
    } finally {
      deviceKey.fill(0);
    }
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

  /** Opens the database with `dataKey`, checking it is `header`'s vault (VAULT_CORRUPT if not). */
  private openDatabase(dataKey: Buffer, header: VaultHeader): Database {
    return openVaultDatabase(this.files.database, { dataKey, create: false, expectVaultId: header.vaultId });
  }

  private openSession(dataKey: Buffer, header: VaultHeader, method: UnlockMethod): void {
    let db: Database;
    try {
      db = this.openDatabase(dataKey, header);
    } catch (error) {
      dataKey.fill(0);
      throw error;
    }
    this.session = { db, dataKey, header, method };
  }
}
