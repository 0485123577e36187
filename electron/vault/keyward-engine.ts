import type { ApiKeyView, RevokeOptions } from '../../shared/domain/api-key.ts';
import type { Integration } from '../../shared/domain/integration.ts';
import type { Settings } from '../../shared/domain/settings.ts';
import { formatTimestamp } from '../../shared/time/format-time.ts';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { RefusalCode } from '../../shared/keys/acceptance.ts';
import { parseApiKey } from '../../shared/keys/key-format.ts';
import { parseIp } from '../../shared/net/cidr.ts';
import { KeywardError } from '../../shared/errors.ts';
import { noopLogger } from '../../shared/log/logger.ts';
import type { Logger } from '../../shared/log/logger.ts';
import { quoteSafely } from '../../shared/keys/redact.ts';
import { ActivityLog } from './audit/activity-log.ts';
import type { ActivityEntry, ChainVerdict } from './audit/activity-log.ts';
import { exportActivityLog } from './audit/log-export.ts';
import type { LogExportFormat } from './audit/log-export.ts';
import { ReauthService } from './auth/reauth.ts';
import { BACKUP_INTERVAL_MS, BackupService } from './backup/backup-service.ts';
import type { BackupInfo } from './backup/backup-service.ts';
import { exportVault, importVault } from './backup/vault-export.ts';
import type { GuardedAction, ReauthCredential } from './auth/reauth.ts';
import { removeStaleTempFilesOf, writeNewFile } from './atomic-file.ts';
import { AutoLock } from './auto-lock.ts';
import type { Clock } from './clock.ts';
import { isVaultCorrupt, mapCorruption, reportCorruptionFromMethods } from './db/corruption.ts';
import type { SqliteDatabase } from './db/sqlite.ts';
import { LazyTokenDecoder } from './decoder/lazy-decoder.ts';
import type { DecodeOptions, DecodeReport, TokenDecoder } from './decoder/token-decoder.ts';
import type { TrustedKeyImportOptions, TrustedKeyInfo } from './decoder/trusted-keys.ts';
import type { SearchPage } from './keys/integration-search.ts';
import type { KeyTablePage, KeyTableQuery } from './keys/key-table.ts';
import type { Integrations } from './keys/integrations.ts';
import type { KeyLifecycle } from './keys/key-lifecycle.ts';
import type { KeyVerification } from './keys/key-verification.ts';
import { createVaultKeys } from './keys/vault-keys.ts';
import type { DueSteps } from './schedule/due-steps.ts';
import type { Keychain } from './keychain/keychain.ts';
import type { Notice } from './schedule/notices.ts';
import { NoticeService } from './schedule/notices.ts';
import { RotationScheduler } from './schedule/rotation-scheduler.ts';
import { SCHEDULE_HORIZON_MS, writeScheduleFile } from './schedule/schedule-file.ts';
import type { CatchUpReason } from './schedule/rotation-scheduler.ts';
import { SecretMinter } from './secrets/secret-minter.ts';
import type { MintedSecret } from './secrets/secret-minter.ts';
import { SigningKeys } from './secrets/signing-keys.ts';
import type { Jwks } from './secrets/signing-keys.ts';
import { SettingsService } from './settings/settings-service.ts';
import type { DeriveKey } from './crypto/kdf.ts';
import { ServerSync } from './sync/server-sync.ts';
import type { ConnectInput } from './sync/server-sync.ts';
import type { IntegrationUsage } from '../../shared/sync/usage.ts';
import type { SyncStatus } from '../../shared/sync/sync-status.ts';
import { Vault } from './vault.ts';
import type { KdfTuning } from './vault.ts';

/** Why a backup could not be written, in words, for the errors a file system gives. */
const BACKUP_ERRNO_WORDS: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'no permission to write the backups folder',
  EPERM: 'no permission to write the backups folder',
  EROFS: 'the backups folder is on a read-only file system',
  EIO: 'the disk reported an input/output error',
};

/** What the engine needs from its host (the Electron shell or the CLI). */
export interface EngineDependencies {
  path: string;
  clock: Clock;
  keychain: Keychain;
  /** Who acts, for the activity log (e.g. "owner@desktop", "owner@cli"). */
  actor: string;
  kdfTuning?: KdfTuning;
  allowWeakKdf?: boolean;
  /** Argon2id for unlock with the master password (the vault's default unless set). */
  deriveKey?: DeriveKey;
  /** Notices as they fire (the shell turns them into OS notifications). */
  onNotices?: (notices: Notice[]) => void;
  /** Called when the vault locks, with the reason. */
  onLock?: (reason: string) => void;
  /** Where diagnostics go (redacted; default: nowhere). Never the activity log, which is the user's. */
  logger?: Logger;
  /**
   * Publish to the connected Keyward server in the background after each change, retrying while
   * offline (the desktop). Without it (the CLI) changes wait in the outbox until {@link KeywardEngine.publishNow}.
   */
  backgroundPublish?: boolean;
}

/**
 * The services of an unlocked vault. Internal to the engine: no method hands them out, so every
 * change goes through an engine method that guards, names the actor and logs. (Tests that arrange
 * data below the engine reach them through test/support/engine-internals.ts.)
 */
export interface EngineServices {
  db: SqliteDatabase;
  log: ActivityLog;
  settings: SettingsService;
  integrations: Integrations;
  lifecycle: KeyLifecycle;
  verification: KeyVerification;
  due: DueSteps;
  signingKeys: SigningKeys;
  minter: SecretMinter;
  /**
   * The offline decoder, with this vault's signing keys and keys (imported trusted keys: memory
   * only); its module and jose load on first use, so an unlock that never decodes never loads them.
   */
  decoder: LazyTokenDecoder;
  notices: NoticeService;
  scheduler: RotationScheduler;
  reauth: ReauthService;
  autoLock: AutoLock;
  backups: BackupService;
  /** The Keyward server connection: enrolment, the outbox's publisher, usage, test via server. */
  sync: ServerSync;
}

/**
 * The whole engine behind one object, and the only surface the desktop's IPC handlers and the CLI
 * use: the vault (create, unlock, lock) and, while unlocked, every read and change of its data.
 * Every change is a method here that applies the re-authentication docs/domain-rules.md asks for, acts as this
 * engine's actor (captured once, from its host) and writes the activity log. Reads of an unlocked
 * vault throw VAULT_LOCKED while it is locked.
 */
export class KeywardEngine {
  readonly vault: Vault;
  private readonly deps: EngineDependencies;
  private readonly logger: Logger;
  private current: EngineServices | null = null;
  /** True only inside {@link withPasswordProof} (synchronous, so nothing else runs meanwhile). */
  private provenByPassword = false;
  private readonly syncListeners = new Set<(status: SyncStatus) => void>();

  constructor(deps: EngineDependencies) {
    // A damaged page met by any method, also long after the unlock: VAULT_CORRUPT with the restore
    // hint, never an internal error (db/corruption.ts).
    reportCorruptionFromMethods(this, KeywardEngine.prototype);
    this.deps = deps;
    this.logger = deps.logger ?? noopLogger;
    this.vault = new Vault({
      path: deps.path,
      clock: deps.clock,
      keychain: deps.keychain,
      ...(deps.kdfTuning ? { kdfTuning: deps.kdfTuning } : {}),
      ...(deps.allowWeakKdf ? { allowWeakKdf: true } : {}),
      ...(deps.deriveKey ? { deriveKey: deps.deriveKey } : {}),
    });
    this.vault.onLock((reason) => {
      const services = this.current;
      this.current = null;
      if (services) {
        services.scheduler.stop();
        services.sync.stop();
        services.reauth.expire();
        services.autoLock.dispose();
        // Lock forgets what it can (electron/vault/README.md "What lock forgets").
        services.signingKeys.forget();
        services.decoder.clearTrustedKeys();
      }
      this.logger.info('vault locked', { reason });
      deps.onLock?.(reason);
    });
  }

  get actor(): string {
    return this.deps.actor;
  }

  /**
   * Creates a vault and opens it. The password just chosen is the proof of who is there, so
   * `remember` (on this device) and initial `settings` need no separate re-authentication.
   */
  async create(
    password: string,
    options: { remember?: boolean; settings?: Record<string, unknown> } = {},
  ): Promise<void> {
    await this.vault.create(password);
    const services = this.openOrLock('password', 0);
    if (options.settings !== undefined) {
      const patch = options.settings;
      this.withPasswordProof(() => services.settings.set(patch, { actor: this.actor }));
    }
    if (options.remember) {
      await this.rememberAfterPassword();
    }
  }

  /**
   * Unlocks with the master password. `countsAsReauth` (for one-shot CLI commands) also opens the
   * re-authentication window: typing the password just now is the proof re-authentication asks for.
   */
  async unlockWithPassword(
    password: string,
    options: { countsAsReauth?: boolean; remember?: boolean } = {},
  ): Promise<void> {
    if (this.current) {
      return;
    }
    const failuresBefore = this.vault.failedAttempts();
    await this.vault.unlockWithPassword(password);
    const services = this.current ?? this.openOrLock('password', failuresBefore);
    if (options.countsAsReauth) {
      services.reauth.grantAfterPasswordUnlock({ actor: this.actor });
    }
    if (options.remember) {
      // The master password was typed for this very unlock: that is the re-authentication.
      await this.rememberAfterPassword();
    }
  }

  /**
   * Remembers the vault on this device (the data key, wrapped by a device key kept in the OS
   * keychain, opens it without the password). Weakens a protection, so it needs a fresh
   * re-authentication; logged.
   */
  async remember(): Promise<void> {
    const services = this.guard('vault.remember');
    await this.vault.remember();
    services.log.append({ actor: this.actor, action: 'vault.remember', outcome: 'success' });
  }

  /**
   * Forgets the key remembered on this device (the header's device wrap and the OS keychain entry),
   * so the next unlock needs the master password. Not guarded — it only makes unlocking stricter —
   * and logged when the vault is open (while locked there is no log to write to). True when there
   * was something to forget.
   */
  async forgetDevice(): Promise<boolean> {
    const forgotten = await this.vault.forget();
    this.current?.log.append({
      actor: this.actor,
      action: 'vault.forget',
      outcome: 'success',
      details: { forgotten },
    });
    return forgotten;
  }

  /** Unlocks with the key remembered in the OS keychain. */
  async unlockWithKeychain(): Promise<void> {
    if (this.current) {
      return;
    }
    const failuresBefore = this.vault.failedAttempts();
    await this.vault.unlockWithKeychain();
    this.openOrLock('keychain', failuresBefore);
  }

  /** Locks: stops timers, forgets re-authentication, closes the database, zeroes the key. */
  lock(reason = 'manual'): void {
    this.vault.lock(reason);
  }

  /**
   * Fails before any password is asked for when there is nothing to open: VAULT_NOT_FOUND without a
   * database file (or with a folder in its place), VAULT_CORRUPT when the database is there but its
   * header is gone.
   */
  requireVault(): void {
    const { database, header } = this.vault.files;
    if (!this.vault.exists()) {
      throw new KeywardError(
        'VAULT_NOT_FOUND',
        `No vault at ${database}. Create one with \`keyward init\`, or choose another with --vault PATH or KEYWARD_VAULT.`,
      );
    }
    if (!existsSync(header)) {
      throw new KeywardError(
        'VAULT_CORRUPT',
        `The vault header ${header} is missing; without it the vault cannot be opened. Restore it from a backup.`,
      );
    }
  }

  /**
   * Refuses (VAULT_EXISTS) when a vault is already at the path: creating and importing never
   * overwrite one. Interfaces call it before asking for a password that could not help.
   */
  requireNoVault(purpose: 'create' | 'import'): void {
    if (this.vault.exists()) {
      throw new KeywardError(
        'VAULT_EXISTS',
        purpose === 'create'
          ? `A vault already exists at ${this.vault.files.database}; it was left untouched.`
          : `A vault already exists at ${this.vault.files.database}; an export is imported only where there is no vault yet.`,
      );
    }
  }

  /** VAULT_LOCKED unless the vault is unlocked (checked before asking the user anything). */
  requireUnlocked(): void {
    this.services();
  }

  /** Marks the owner active now (the idle auto-lock starts again); nothing while locked. */
  touch(): void {
    this.current?.autoLock.touch();
  }

  /** Runs the scheduler's catch-up (the shell calls this on OS resume). */
  catchUp(reason: CatchUpReason): void {
    this.current?.scheduler.catchUp(reason);
  }

  /** Confirms it is still the owner; opens the re-authentication window. */
  async reauthenticate(credential: ReauthCredential): Promise<{ freshForMs: number }> {
    return this.services().reauth.reauthenticate(credential, { actor: this.actor });
  }

  /** How long the re-authentication stays fresh (0: none), and whether an authenticator is enrolled. */
  reauthStatus(): { freshForMs: number; totpEnrolled: boolean } {
    const { reauth } = this.services();
    return { freshForMs: reauth.remainingMs(), totpEnrolled: reauth.totpEnrolled };
  }

  /** Starts enrolling an authenticator (needs a fresh re-authentication): the secret and URI to show once. */
  beginTotpEnrollment(): { secret: string; uri: string } {
    const account = `vault-${this.vault.vaultId().slice(0, 8)}`;
    return this.services().reauth.beginTotpEnrollment(account, { actor: this.actor });
  }

  /** Finishes enrolling with a code from the new authenticator; logged. */
  confirmTotpEnrollment(code: string): void {
    this.services().reauth.confirmTotpEnrollment(code, { actor: this.actor });
  }

  /** Removes the enrolled authenticator (needs a fresh re-authentication); logged. */
  disableTotp(): void {
    this.services().reauth.disableTotp({ actor: this.actor });
  }

  // ── settings ──────────────────────────────────────────────────────────────

  /** The vault's settings. */
  settings(): Settings {
    return this.services().settings.get();
  }

  /** Changes settings (validated; logged with the fields changed). */
  updateSettings(patch: unknown): Settings {
    return this.services().settings.set(patch, { actor: this.actor });
  }

  // ── backups, export, import ───────────────────────────────────────────────

  /** Backups of this vault, newest first (works while locked). */
  listBackups(): BackupInfo[] {
    return this.backups().list();
  }

  /** The folder the backups are in. */
  backupDirectory(): string {
    return this.backups().directory;
  }

  /** Makes a backup now. */
  backupNow(): BackupInfo {
    const services = this.services();
    const info = services.backups.create(services.db);
    services.log.append({
      actor: this.actor,
      action: 'backup.create',
      outcome: 'success',
      details: { name: info.name },
    });
    return info;
  }

  /**
   * Restores a backup with the master password it was made with. Locks the vault first; the current
   * vault is kept beside it, never deleted. The restore is recorded in the restored vault's log.
   */
  async restoreBackup(name: string, password: string): Promise<{ previous: string | null }> {
    // While unlocked, the password is first checked as a re-authentication — counted, backed off
    // and logged like one — and a wrong one is refused before anything changes (the vault stays
    // open).
    const services = this.current;
    if (services) {
      try {
        await services.reauth.reauthenticate({ password }, { actor: this.actor });
      } catch (error) {
        services.log.append({
          actor: this.actor,
          action: 'backup.restore',
          outcome: 'failure',
          details: {
            name: quoteSafely(name, 80),
            reason: error instanceof KeywardError ? error.code : 'internal',
          },
        });
        throw error;
      }
    }
    this.lock('restore');
    // The backup's own header is then checked with the unlock counter (LOCKED_OUT while it backs
    // off; a wrong password counts as a failed unlock and is logged with the next unlock).
    const failuresBefore = this.vault.failedAttempts();
    return this.backups().restore(
      name,
      password,
      (db) => {
        const log = new ActivityLog(db, this.deps.clock);
        this.logEarlierFailures(log, failuresBefore);
        log.append({ actor: this.actor, action: 'backup.restore', outcome: 'success', details: { name } });
      },
      (header, candidate, wrongMessage) => this.vault.unwrapCounted(header, candidate, wrongMessage),
    );
  }

  /** Writes an encrypted export of the whole vault to `target` (never overwrites). */
  exportTo(target: string): { bytes: number } {
    const services = this.services();
    if (!existsSync(dirname(resolve(target)))) {
      throw new KeywardError('NOT_FOUND', `The folder for ${target} does not exist.`);
    }
    const result = exportVault({ db: services.db, files: this.vault.files, target, clock: this.deps.clock });
    services.log.append({
      actor: this.actor,
      action: 'vault.export',
      outcome: 'success',
      details: { bytes: result.bytes },
    });
    return result;
  }

  /**
   * Writes the public JWKS to `target`, a new file (mode 0644): the one rule for every interface.
   * Like {@link exportTo} it never overwrites anything — a backup, a backup header, an export, the
   * vault's own files or any other existing file (INVALID_STATE) — and the folder must exist
   * (NOT_FOUND).
   */
  async exportJwks(target: string): Promise<{ path: string; kids: string[] }> {
    const path = resolve(target);
    const jwks = await this.jwks();
    const refusal = this.jwksTargetRefusal(path);
    if (refusal !== null) {
      throw refusal;
    }
    writeNewFile(path, `${JSON.stringify(jwks, null, 2)}\n`, 0o644);
    return { path, kids: jwks.keys.map((key) => key.kid) };
  }

  /**
   * Why {@link exportJwks} would refuse `target`, or null: the folder is missing (NOT_FOUND), it is
   * one of the vault's own files, or any file exists there (INVALID_STATE). Needs no unlock, so an
   * interface can say so before asking for a password; `exportJwks` applies it again.
   */
  jwksTargetRefusal(target: string): KeywardError | null {
    const path = resolve(target);
    if (!existsSync(dirname(path))) {
      return new KeywardError('NOT_FOUND', `The folder for ${path} does not exist.`);
    }
    const own = this.vault.files;
    const ownFile =
      [own.database, own.header, own.lockout, own.schedule].includes(path) || path.startsWith(own.database);
    if (ownFile || existsSync(path)) {
      return new KeywardError(
        'INVALID_STATE',
        ownFile
          ? `${path} is one of the vault's own files; choose a new file name.`
          : `${path} already exists; the JWKS never overwrites a file. Choose a new file name (or remove the old one first).`,
      );
    }
    return null;
  }

  /**
   * Imports an export as this engine's vault (only where no vault exists yet: VAULT_EXISTS
   * otherwise). The export's password is checked with this path's unlock counter, like every
   * password check: counted before Argon2id runs (parallel attempts each count), LOCKED_OUT while
   * the backoff runs, and the failed attempts are logged in the imported vault's log.
   */
  async importFrom(source: string, password: string): Promise<{ vaultId: string }> {
    this.requireNoVault('import');
    const failuresBefore = this.vault.failedAttempts();
    return importVault({
      source,
      files: this.vault.files,
      password,
      clock: this.deps.clock,
      unwrap: (header, candidate, wrongMessage) => this.vault.unwrapCounted(header, candidate, wrongMessage),
      onOpened: (db) => {
        const log = new ActivityLog(db, this.deps.clock);
        this.logEarlierFailures(log, failuresBefore);
        log.append({ actor: this.actor, action: 'vault.import', outcome: 'success' });
      },
    });
  }

  /**
   * Changes the master password and re-keys the database with a new data key (see
   * `Vault.changePassword`: the old password, with any old header or backup, no longer opens the
   * live vault; each backup keeps opening with the password it was made under). Recorded in the
   * vault's log: the vault is opened with the new password to write the entry, then returned to the
   * state it was in. `remembered`: whether a device key remembered on this device still opens it.
   */
  async changePassword(currentPassword: string, newPassword: string): Promise<{ remembered: boolean }> {
    const wasUnlocked = this.current !== null;
    const { remembered } = await this.vault.changePassword(currentPassword, newPassword);
    if (!wasUnlocked) {
      await this.unlockWithPassword(newPassword);
    }
    this.services().log.append({
      actor: this.actor,
      action: 'vault.password-changed',
      outcome: 'success',
      details: { rekeyed: true, remembered },
    });
    if (!wasUnlocked) {
      this.lock('password-changed');
    }
    return { remembered };
  }

  /**
   * Creates an integration (issuing its first key). One whose key never expires needs the
   * confirmation and a fresh re-authentication, like turning never-expire on later.
   */
  createIntegration(input: unknown, options: { confirmNeverExpire?: boolean } = {}) {
    const neverExpire =
      typeof input === 'object' &&
      input !== null &&
      (input as { neverExpire?: unknown }).neverExpire === true;
    const services = neverExpire ? this.guard('integration.never-expire') : this.services();
    return services.integrations.createIntegration(input, {
      actor: this.actor,
      ...(options.confirmNeverExpire ? { confirmNeverExpire: true } : {}),
    });
  }

  // ── integrations and keys ─────────────────────────────────────────────────

  /** An integration by id or by name (case-insensitive); NOT_FOUND otherwise. */
  integration(ref: string): Integration {
    return this.services().integrations.requireIntegration(ref);
  }

  /** Every integration, in name order. */
  listIntegrations(): Integration[] {
    return this.services().integrations.listIntegrations();
  }

  /**
   * Filter-as-you-type: a page of the integrations whose name or prefix contains `term` (or whose
   * platform equals it), in name order, and how many match in all (fast at 100k).
   */
  searchIntegrations(term: string, page: { offset?: number; limit?: number } = {}): SearchPage<Integration> {
    return this.services().integrations.searchIntegrations(term, page);
  }

  /** Edits an integration's details and IP ACL (never key material); logged. */
  editIntegration(ref: string, patch: unknown): Integration {
    return this.services().integrations.editIntegration(ref, patch, { actor: this.actor });
  }

  /** Turns an integration's API access on or off; logged. */
  setIntegrationEnabled(ref: string, enabled: boolean): Integration {
    return this.services().integrations.setEnabled(ref, enabled, { actor: this.actor });
  }

  /** Keys of one integration (newest first), or of all. Masked only. */
  listKeys(integrationRef?: string): ApiKeyView[] {
    return this.services().lifecycle.listKeys(integrationRef);
  }

  /** A page of the desktop's key table: every key with its integration, filtered and sorted. */
  keyTable(query: KeyTableQuery): KeyTablePage {
    return this.services().lifecycle.keyTable(query);
  }

  /** A key by id (masked); NOT_FOUND otherwise. */
  key(keyId: string): ApiKeyView {
    return this.services().lifecycle.requireKey(keyId);
  }

  /** The active key of an integration (masked). */
  activeKey(integrationRef: string): ApiKeyView {
    return this.services().lifecycle.activeKey(integrationRef);
  }

  /** Rotates now: a new active key; the old one keeps working for the grace days. Logged. */
  rotate(integrationRef: string): ApiKeyView {
    return this.services().lifecycle.rotate(integrationRef, { actor: this.actor });
  }

  // ── decoder ───────────────────────────────────────────────────────────────

  /** Decodes a token or a raw key offline, matched against this vault and the trusted keys. */
  async decode(input: string, options: DecodeOptions = {}): Promise<DecodeReport> {
    return (await this.decoder()).decode(input, options);
  }

  /** Trusts public keys (JWKS, JWK, PEM) for verifying tokens; in memory until lock. */
  async importTrustedKeys(text: string, options: TrustedKeyImportOptions = {}): Promise<TrustedKeyInfo[]> {
    return (await this.decoder()).importTrustedKeys(text, options);
  }

  /** Trusts an HMAC secret (only on explicit request); in memory until lock. */
  async importSharedSecret(
    secret: Uint8Array,
    options: { label?: string; kid?: string } = {},
  ): Promise<TrustedKeyInfo> {
    return (await this.decoder()).importSharedSecret(secret, options);
  }

  /** The keys trusted so far. */
  trustedKeys(): TrustedKeyInfo[] {
    return this.services().decoder.trustedKeys();
  }

  /** Forgets every trusted key. */
  clearTrustedKeys(): void {
    this.services().decoder.clearTrustedKeys();
  }

  // ── notices ───────────────────────────────────────────────────────────────

  /** Notices, newest first (superseded ones hidden unless asked for). */
  notices(
    options: { unreadOnly?: boolean; includeSuperseded?: boolean; limit?: number; offset?: number } = {},
  ): Notice[] {
    return this.services().notices.list(options);
  }

  /** How many notices {@link notices} pages through with the same filter. */
  noticeCount(options: { unreadOnly?: boolean; includeSuperseded?: boolean } = {}): number {
    return this.services().notices.count(options);
  }

  /**
   * Marks notices read: these ids, or all. Returns how many changed; the schedule file's unread
   * list (what notifications show while locked) follows.
   */
  markNoticesRead(ids: readonly string[] | 'all'): number {
    const { notices, db } = this.services();
    const marked =
      ids === 'all'
        ? notices.markRead()
        : db.transaction(() => ids.reduce((sum, id) => sum + notices.markRead(id), 0)).immediate();
    if (marked > 0) {
      this.writeSchedule();
    }
    return marked;
  }

  // ── activity log ──────────────────────────────────────────────────────────

  /** Entries, newest first, each with the current name of its integration (null when gone or none). */
  activity(
    options: {
      limit?: number;
      beforeSeq?: number;
      action?: string;
      /** Leave out entries of this action (e.g. `vault.unlock`, most of a CLI user's log). */
      excludeAction?: string;
      integrationId?: string;
    } = {},
  ): (ActivityEntry & { integrationName: string | null })[] {
    const { log, integrations } = this.services();
    const names = new Map<string, string | null>();
    const nameOf = (id: string) => {
      if (!names.has(id)) {
        names.set(id, integrations.integrationName(id));
      }
      return names.get(id) ?? null;
    };
    return log.list(options).map((entry) => ({
      ...entry,
      integrationName: entry.integrationId === null ? null : nameOf(entry.integrationId),
    }));
  }

  /** How many log entries of `action` have a sequence number of at least `fromSeq`. */
  countActivity(action: string, fromSeq = 0): number {
    return this.services().log.countAction(action, fromSeq);
  }

  /** Walks the log's hash chain; names the first entry that fails. */
  verifyLog(): ChainVerdict {
    return this.services().log.verify();
  }

  /**
   * Writes every log entry to `file` (a NEW file: never overwrites) as JSON or CSV, times in UTC
   * when `utc` or the vault's setting says so, integrations named; the export is logged.
   */
  exportLog(file: string, format: LogExportFormat, options: { utc?: boolean } = {}): { entries: number } {
    const { log, integrations, settings } = this.services();
    const utc = options.utc === true || settings.get().utc;
    return exportActivityLog({
      log,
      file,
      format,
      time: { at: (epochMs) => formatTimestamp(epochMs, { utc }) },
      names: new Map(
        integrations.listIntegrations().map((integration) => [integration.id, integration.name]),
      ),
      actor: this.actor,
    });
  }

  // ── Secrets' public keys ──────────────────────────────────────────────────

  /** The public keys that verify this vault's Secrets (JWKS); publishes a key even before the first Secret. */
  async jwks(): Promise<Jwks> {
    const { signingKeys, sync } = this.services();
    await signingKeys.currentKey();
    sync.changed();
    return signingKeys.jwks();
  }

  // ── guarded operations ────────────────────────────────────────────────────

  /** The key's material, after a fresh re-authentication; logged. */
  revealKey(keyId: string): string {
    const purpose = 'key.reveal';
    const services = this.guard(purpose);
    const key = services.lifecycle.requireKey(keyId);
    const material = services.lifecycle.material(key.id);
    services.log.append({
      actor: this.actor,
      action: purpose,
      outcome: 'success',
      integrationId: key.integrationId,
      keyId: key.id,
    });
    return material;
  }

  /**
   * Copies a fresh Secret, after a fresh re-authentication: mints it, hands it to `write` (the
   * clipboard), and logs the copy with the outcome of the write — a failed write is logged as a
   * failure, not as a copy.
   */
  async copySecret<T>(
    integrationRef: string,
    write: (token: string) => Promise<T>,
  ): Promise<{ secret: MintedSecret; written: T }> {
    const services = this.guard('secret.copy');
    const secret = await services.minter.mint(integrationRef, services.settings.get().secretLifetimeHours);
    services.sync.changed();
    const entry = {
      actor: this.actor,
      action: 'secret.copy' as const,
      integrationId: secret.integrationId,
      keyId: secret.keyId,
      details: { jti: secret.jti, expiresAt: secret.expiresAt },
    };
    try {
      const written = await write(secret.token);
      services.log.append({ ...entry, outcome: 'success' });
      return { secret, written };
    } catch (error) {
      services.log.append({ ...entry, outcome: 'failure' });
      throw error;
    }
  }

  /** Copies a key's material after a fresh re-authentication; logged with the write's outcome. */
  async copyKey<T>(keyId: string, write: (material: string) => Promise<T>): Promise<T> {
    const services = this.guard('key.copy');
    const key = services.lifecycle.requireKey(keyId);
    const entry = {
      actor: this.actor,
      action: 'key.copy' as const,
      integrationId: key.integrationId,
      keyId: key.id,
    };
    try {
      const written = await write(services.lifecycle.material(key.id));
      services.log.append({ ...entry, outcome: 'success' });
      return written;
    } catch (error) {
      services.log.append({ ...entry, outcome: 'failure' });
      throw error;
    }
  }

  /**
   * A fresh Secret for an authenticated scripting session (`keyward secret`): the CLI has just
   * authenticated with the master password to open the vault, which is the re-authentication.
   */
  async mintSecret(integrationRef: string): Promise<MintedSecret> {
    return this.mintLogged(this.guard('secret.mint'), integrationRef, 'secret.mint');
  }

  revoke(ref: string, options: RevokeOptions & { confirmNeverExpire?: boolean }) {
    const services = this.guard('key.revoke');
    const { graceDays, newLifetimeDays, confirmNeverExpire } = options;
    return services.lifecycle.revoke(
      ref,
      { graceDays, newLifetimeDays },
      { actor: this.actor, ...(confirmNeverExpire ? { confirmNeverExpire } : {}) },
    );
  }

  regenerate(ref: string) {
    return this.guard('key.regenerate').lifecycle.regenerate(ref, { actor: this.actor });
  }

  /**
   * Ends one grace key's grace period now, for a key believed leaked: it becomes `revoked` and is no
   * longer accepted (the integration's active key keeps working). Needs a fresh re-authentication;
   * logged as `key.end-grace` (a refusal as denied). INVALID_STATE for a key not in grace.
   */
  endGrace(keyId: string): ApiKeyView {
    return this.guard('key.end-grace').lifecycle.endGrace(keyId, { actor: this.actor });
  }

  deleteKey(keyId: string): void {
    this.guard('key.delete').lifecycle.deleteKey(keyId, { actor: this.actor });
  }

  deleteIntegration(ref: string, confirmed: boolean): void {
    if (!confirmed) {
      throw new KeywardError(
        'INVALID_INPUT',
        'Deleting an integration ends all its keys at once; it needs an explicit confirmation.',
      );
    }
    this.guard('integration.delete').integrations.deleteIntegration(ref, { actor: this.actor, confirmed });
  }

  setNeverExpire(ref: string, on: boolean, confirmed: boolean) {
    const services = on ? this.guard('integration.never-expire') : this.services();
    return services.integrations.setNeverExpire(ref, on, { actor: this.actor, confirmed });
  }

  /**
   * Tests a vault key the way a verifier would, without the material leaving the engine except to
   * the connected server. With a Keyward server connected (and `where` not `'local'`) the server
   * answers (`POST /v1/test`: its index, accepted-credential mode, rate-limit-free) — an unreachable
   * server is SERVER_UNREACHABLE, not a silent local answer; otherwise the key is checked locally:
   * its format and checksum, then the one acceptance rule (`shared/keys/acceptance.ts`: status,
   * expiry, grace, API access, and the IP ACL when `options.ip` is given). Not guarded: nothing is
   * revealed. `reason` is the refusal code (`KEY_EXPIRED`, …); each interface renders its own
   * words; `against` says which answered. A key that verifies counts as used now
   * (docs/domain-rules.md: "last used … from test key"); every test is logged with its outcome. A
   * bad `ip` is `INVALID_INPUT`.
   */
  async testKey(
    keyId: string,
    options: { ip?: string; where?: 'auto' | 'local' } = {},
  ): Promise<{
    accepted: boolean;
    reason: RefusalCode | null;
    checkedAt: number;
    against: 'local' | 'server';
  }> {
    let ip: string | undefined;
    if (options.ip !== undefined) {
      const parsed = parseIp(options.ip);
      if (!parsed.ok) {
        throw new KeywardError('INVALID_INPUT', `ip: ${parsed.error.message}`);
      }
      ip = parsed.value.text;
    }
    const { lifecycle, verification, sync } = this.services();
    const key = lifecycle.requireKey(keyId);
    const material = lifecycle.material(key.id);
    let checkedAt = this.deps.clock.now();
    let reason: RefusalCode | null;
    let against: 'local' | 'server' = 'local';
    if (options.where !== 'local' && sync.connected()) {
      against = 'server';
      const result = await sync.test(material, ip);
      checkedAt = result.checkedAt;
      reason = result.accepted ? (result.keyId === key.id ? null : 'KEY_UNKNOWN') : result.code;
    } else if (!parseApiKey(material).ok) {
      reason = 'KEY_MALFORMED';
    } else {
      const result = verification.check(material, checkedAt, ip);
      // A hash that names another key (never expected) is not this key: unknown.
      reason = result.accepted ? (result.key.keyId === key.id ? null : 'KEY_UNKNOWN') : result.code;
    }
    const accepted = reason === null;
    // (After the server's answer: the vault may have locked meanwhile, VAULT_LOCKED then.)
    const services = this.services();
    services.db
      .transaction(() => {
        if (accepted) {
          services.lifecycle.recordUse(key.id, checkedAt);
        }
        services.log.append({
          actor: this.actor,
          action: 'key.test',
          outcome: accepted ? 'success' : 'failure',
          integrationId: key.integrationId,
          keyId: key.id,
          details: {
            against,
            ...(ip === undefined ? {} : { ip }),
            ...(reason === null ? {} : { reason }),
          },
        });
      })
      .immediate();
    return { accepted, reason, checkedAt, against };
  }

  // ── Keyward server ────────────────────────────────────────────────────────

  /**
   * Connects this vault to a Keyward server (docs/domain-rules.md, "Keyward server"): checks the URL
   * (http:// only to loopback, else INVALID_INPUT; https with the system's CAs or `pinnedCertPem`,
   * which the server's certificate must match exactly), makes or keeps the vault's Ed25519 device
   * key, enrols it with the one-time `code`, then publishes a full snapshot. Needs a fresh
   * re-authentication (`server.connect`); logged. Errors: SERVER_REJECTED (bad or used code),
   * SERVER_UNREACHABLE, SERVER_UNTRUSTED, INVALID_STATE (already connected). A snapshot that
   * cannot go out yet is not thrown: the status says so and the outbox keeps the changes.
   */
  async connectServer(input: ConnectInput): Promise<SyncStatus> {
    const services = this.guard('server.connect');
    try {
      return await services.sync.connect(input, (details) => {
        services.log.append({ actor: this.actor, action: 'server.connect', outcome: 'success', details });
      });
    } catch (error) {
      if (error instanceof KeywardError && this.current === services) {
        services.log.append({
          actor: this.actor,
          action: 'server.connect',
          outcome: 'failure',
          details: { reason: error.code },
        });
      }
      throw error;
    }
  }

  /** Where the vault stands with its server (`state: 'not-connected'` when none). Cheap. */
  serverStatus(): SyncStatus {
    return this.services().sync.status();
  }

  /** Drains the outbox now (a snapshot first when one is due). Offline is not thrown: the status says it. */
  publishNow(): Promise<SyncStatus> {
    return this.services().sync.publishNow();
  }

  /**
   * Forgets the server connection, the device key and the outbox, after asking the server to revoke
   * this device (best effort). NOT_CONNECTED without one. Logged.
   */
  async disconnectServer(): Promise<void> {
    const services = this.services();
    await services.sync.disconnect((details) => {
      services.log.append({ actor: this.actor, action: 'server.disconnect', outcome: 'success', details });
    });
  }

  /**
   * The integration's usage from the server's request log (`shared/sync/usage.ts`). NOT_CONNECTED
   * without a server. A key the server saw used later than the vault knows gets that "last used".
   */
  async integrationUsage(ref: string): Promise<IntegrationUsage> {
    const { integrations, sync } = this.services();
    const integration = integrations.requireIntegration(ref);
    const usage = await sync.usage(integration.id);
    const services = this.services();
    services.db
      .transaction(() => {
        for (const key of usage.keys) {
          if (key.lastUsedAt !== null && services.lifecycle.hasKey(key.keyId)) {
            services.lifecycle.recordUse(key.keyId, key.lastUsedAt);
          }
        }
      })
      .immediate();
    return usage;
  }

  /** Listens to the sync status (every change); returns the function that stops listening. */
  onSyncStatus(listener: (status: SyncStatus) => void): () => void {
    this.syncListeners.add(listener);
    return () => {
      this.syncListeners.delete(listener);
    };
  }

  /**
   * Refreshes the unencrypted schedule file (what notifications need while locked). A failure to
   * write it never fails the vault operation that re-planned.
   */
  private writeSchedule(): void {
    const services = this.current;
    if (!services) {
      return;
    }
    const now = this.deps.clock.now();
    try {
      writeScheduleFile(
        this.vault.files.schedule,
        {
          vaultId: this.vault.vaultId(),
          upcoming: services.notices.upcoming(now, SCHEDULE_HORIZON_MS),
          unread: services.notices.list({ unreadOnly: true, limit: 200 }).map((notice) => ({
            id: notice.id,
            kind: notice.kind,
            dueAt: notice.dueAt,
            firedAt: notice.firedAt,
            integrationName: notice.integrationName,
            message: notice.message,
          })),
          utc: services.settings.get().utc,
        },
        now,
      );
    } catch (error) {
      // e.g. a read-only folder: notifications while locked fall back to the last file written.
      this.logger.warn('could not write the schedule file', { error });
    }
  }

  // ── internals ─────────────────────────────────────────────────────────────

  /**
   * Runs `action` (synchronous) as proven by the master password typed for the current call
   * (creating the vault): the re-authentication guard lets it through.
   */
  private withPasswordProof<T>(action: () => T): T {
    this.provenByPassword = true;
    try {
      return action();
    } finally {
      this.provenByPassword = false;
    }
  }

  /** Remembers the vault right after the master password opened it (that is the proof); logged. */
  private async rememberAfterPassword(): Promise<void> {
    const services = this.services();
    await this.vault.remember();
    services.log.append({
      actor: this.actor,
      action: 'vault.remember',
      outcome: 'success',
      details: { method: 'password-unlock' },
    });
  }

  /**
   * This unlock's decoder, its module loaded on first use; VAULT_LOCKED when locked, also when the
   * vault locked while the module was loading (keys trusted then would outlive the lock).
   */
  private async decoder(): Promise<TokenDecoder> {
    const services = this.services();
    const decoder = await services.decoder.get();
    if (this.current !== services) {
      throw new KeywardError('VAULT_LOCKED', 'The vault is locked; unlock it first.');
    }
    return decoder;
  }

  /** The services of the unlocked vault; VAULT_LOCKED when locked. Never handed out. */
  private services(): EngineServices {
    if (!this.current) {
      throw new KeywardError('VAULT_LOCKED', 'The vault is locked; unlock it first.');
    }
    return this.current;
  }

  private backups(): BackupService {
    return new BackupService(this.vault.files, this.deps.clock);
  }

  /**
   * A daily backup failed: a `backup-failed` notice (at most one a day), shown as an OS
   * notification like the others, and a log entry. Neither may fail the catch-up (on a damaged
   * database they may not be writable either).
   */
  private backupFailed(error: unknown, services: { log: ActivityLog; notices: NoticeService }): void {
    const code = isVaultCorrupt(error)
      ? 'VAULT_CORRUPT'
      : error instanceof KeywardError
        ? error.code
        : ((error as NodeJS.ErrnoException | null)?.code ?? 'internal');
    const reason =
      code === 'VAULT_CORRUPT'
        ? 'the vault database is damaged; restore a backup with `keyward backup restore NAME`'
        : error instanceof KeywardError
          ? error.message.slice(0, 300)
          : (BACKUP_ERRNO_WORDS[String(code)] ?? `error ${String(code).slice(0, 40)}`);
    try {
      services.log.append({
        actor: 'scheduler',
        action: 'backup.create',
        outcome: 'failure',
        details: { reason: String(code).slice(0, 40) },
      });
    } catch (logError) {
      // The log is in the same database: if it cannot be written, the notice still tries.
      this.logger.warn('the failed backup could not be logged', { error: logError });
    }
    let notice: Notice | null;
    try {
      notice = services.notices.recordBackupFailure({ reason });
    } catch (noticeError) {
      // Not even a notice can be stored (the damage reaches the notices table): the OS notification
      // still says so, from this unsaved notice.
      this.logger.warn('the backup-failed notice could not be stored', { error: noticeError });
      notice = services.notices.backupFailureNotice({ reason });
    }
    if (notice !== null) {
      this.deps.onNotices?.([notice]);
    }
  }

  /**
   * Failed password checks counted before this unlock (or restore) — while the vault was locked
   * there was no log to write them to — go into the log now, as one entry.
   */
  private logEarlierFailures(log: ActivityLog, failuresBefore: number): void {
    if (failuresBefore > 0) {
      log.append({
        actor: this.actor,
        action: 'vault.unlock-failed',
        outcome: 'failure',
        details: { attempts: failuresBefore },
      });
    }
  }

  private guard(action: GuardedAction): EngineServices {
    const services = this.services();
    if (this.provenByPassword) {
      return services;
    }
    try {
      services.reauth.require(action);
    } catch (error) {
      services.log.append({ actor: this.actor, action, outcome: 'denied' });
      throw error;
    }
    return services;
  }

  private async mintLogged(
    services: EngineServices,
    integrationRef: string,
    action: 'secret.mint',
  ): Promise<MintedSecret> {
    const secret = await services.minter.mint(integrationRef, services.settings.get().secretLifetimeHours);
    // The first Secret may have made the signing key: the server needs its public half.
    services.sync.changed();
    services.log.append({
      actor: this.actor,
      action,
      outcome: 'success',
      integrationId: secret.integrationId,
      keyId: secret.keyId,
      details: { jti: secret.jti, expiresAt: secret.expiresAt },
    });
    return secret;
  }

  /**
   * {@link open}, or the vault locked again when opening fails part-way (so no half-open engine is
   * left behind). A damaged database page met on the way (migrations, the catch-up, the first log
   * entry) is VAULT_CORRUPT pointing to `backup restore`.
   */
  private openOrLock(method: 'password' | 'keychain', failuresBefore: number): EngineServices {
    try {
      return this.open(method, failuresBefore);
    } catch (error) {
      this.lock(isVaultCorrupt(error) ? 'corrupt' : 'open-failed');
      throw mapCorruption(error);
    }
  }

  private open(method: 'password' | 'keychain', failuresBefore: number): EngineServices {
    const db = this.vault.database();
    // Temp files of atomic writes cut short by a crash (header, lockout, schedule): hygiene only —
    // the real files are whole either way.
    removeStaleTempFilesOf([this.vault.files.header, this.vault.files.lockout, this.vault.files.schedule]);
    const { clock } = this.deps;
    const log = new ActivityLog(db, clock);
    const settings = new SettingsService(db, clock, log, (action) => {
      this.guard(action);
    });
    const { integrations, lifecycle, verification, due } = createVaultKeys({
      db,
      clock,
      log,
      defaults: () => ({
        rotationDays: settings.get().defaultRotationDays,
        graceDays: settings.get().defaultGraceDays,
      }),
      onChange: () => {
        this.current?.scheduler.plan();
        this.current?.sync.changed();
      },
    });
    this.logger.info('vault unlocked', { method });
    const signingKeys = new SigningKeys(db, clock, log);
    const minter = new SecretMinter({ lifecycle, signingKeys, clock, vaultId: this.vault.vaultId() });
    const decoder = new LazyTokenDecoder({
      clock,
      signingKeys,
      verification,
      vaultId: this.vault.vaultId(),
      utc: () => settings.get().utc,
    });
    const notices = new NoticeService(db, clock, () => settings.get().noticeLeadDays);
    const backups = new BackupService(this.vault.files, clock);
    let lastBackupAt = backups.lastBackupAt();
    const scheduler = new RotationScheduler({
      clock,
      due,
      integrations,
      notices,
      onPlanned: () => this.writeSchedule(),
      logger: this.logger,
      onNotices: (fired) => this.deps.onNotices?.(fired),
      // The daily backup rides on the same single timer.
      // No backup yet: due since forever (0), so the catch-up that runs on unlock makes one.
      extraDueAt: () => (lastBackupAt === null ? 0 : lastBackupAt + BACKUP_INTERVAL_MS),
      onExtraDue: (now) => {
        try {
          const info = backups.create(db);
          log.append({
            actor: 'scheduler',
            action: 'backup.create',
            outcome: 'success',
            details: { name: info.name },
          });
        } catch (error) {
          this.logger.warn('the daily backup failed', { error });
          this.backupFailed(error, { log, notices });
        }
        lastBackupAt = now;
      },
    });
    const reauth = new ReauthService({
      vault: this.vault,
      db,
      clock,
      log,
      windowMs: () => settings.get().reauthWindowSeconds * 1000,
    });
    const autoLock = new AutoLock(this.vault, clock, settings.get().autoLockMinutes);
    const sync = new ServerSync({
      db,
      clock,
      logger: this.logger.child({ component: 'sync' }),
      background: this.deps.backgroundPublish === true,
      onStatus: (status) => {
        for (const listener of this.syncListeners) {
          try {
            listener(status);
          } catch (error) {
            this.logger.warn('a sync status listener failed', { error });
          }
        }
      },
    });
    settings.onChange((next, changed) => {
      if (changed.includes('autoLockMinutes')) {
        autoLock.setIdleMinutes(next.autoLockMinutes);
      }
      if (changed.includes('noticeLeadDays') || changed.includes('utc')) {
        scheduler.plan(); // (utc: the schedule file carries it for the commands that never unlock)
      }
    });
    this.logEarlierFailures(log, failuresBefore);
    log.append({ actor: this.actor, action: 'vault.unlock', outcome: 'success', details: { method } });
    const services: EngineServices = {
      db,
      log,
      settings,
      integrations,
      lifecycle,
      verification,
      due,
      signingKeys,
      minter,
      decoder,
      notices,
      scheduler,
      reauth,
      autoLock,
      backups,
      sync,
    };
    this.current = services;
    scheduler.start('unlock');
    autoLock.touch();
    return services;
  }
}
