import { GUARDED_ACTIONS } from '../../../shared/domain/reauth.ts';
import type { GuardedAction } from '../../../shared/domain/reauth.ts';
import { KeywardError } from '../../../shared/errors.ts';
import type { ActivityAction, ActivityLog } from '../audit/activity-log.ts';
import type { Clock } from '../clock.ts';
import type { SqliteDatabase } from '../db/sqlite.ts';
import {
  clampLockoutState,
  reserveWhenReady,
  remainingBackoffMs,
  reserveAttempt,
  settleFailure,
  settleSuccess,
} from '../unlock-lockout.ts';
import type { AttemptReservation, LockoutState } from '../unlock-lockout.ts';
import type { Vault } from '../vault.ts';
import { base32Encode, newTotpSecret, otpauthUri, verifyTotp } from './totp.ts';
import { readMeta, writeMeta } from '../db/meta.ts';

/** How the user proves it is still them. */
export type ReauthCredential = { password: string } | { totp: string };

/** Actions that need a fresh re-authentication: the shared list (`shared/domain/reauth.ts`). */
export type { GuardedAction } from '../../../shared/domain/reauth.ts';

// Every guarded action is also an activity action (a denial is logged under its name).
const guardedAreLogged: readonly ActivityAction[] = GUARDED_ACTIONS;
void guardedAreLogged;

/** The stored list of re-authentications in flight (damaged text: none). */
function parsePending(text: string | null): unknown {
  if (text === null) {
    return [];
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return []; // a damaged list holds nobody up; the attempts stay counted
  }
}

/**
 * Re-authentication: the master password or a TOTP code (RFC 6238, 6 digits, 30 s, ±1 step, each code
 * once) opens a window (default 60 s, 0–15 min; 0 = one action per re-authentication). Failures back
 * off exponentially, persisted in the vault so a restart does not reset them. The TOTP secret lives
 * only in the encrypted database.
 */
export class ReauthService {
  private readonly vault: Vault;
  private readonly db: SqliteDatabase;
  private readonly clock: Clock;
  private readonly log: ActivityLog;
  private readonly windowMs: () => number;
  private freshUntil = 0;
  private singleUse = false;
  private pendingTotp: Buffer | null = null;

  constructor(deps: {
    vault: Vault;
    db: SqliteDatabase;
    clock: Clock;
    log: ActivityLog;
    windowMs: () => number;
  }) {
    this.vault = deps.vault;
    this.db = deps.db;
    this.clock = deps.clock;
    this.log = deps.log;
    this.windowMs = deps.windowMs;
  }

  /** Whether a TOTP authenticator is enrolled. */
  get totpEnrolled(): boolean {
    return readMeta(this.db, 'totp_secret') !== null;
  }

  /** Milliseconds the current re-authentication stays fresh (0 when none). */
  remainingMs(): number {
    return this.singleUse
      ? this.freshUntil > this.clock.now()
        ? 1
        : 0
      : Math.max(0, this.freshUntil - this.clock.now());
  }

  /**
   * Verifies a credential and opens the window. WRONG_PASSWORD / LOCKED_OUT / INVALID_STATE
   * otherwise. The attempt is reserved — counted as a failure, in one IMMEDIATE transaction — before
   * the credential is evaluated, so parallel attempts (calls in flight in this process, CLI
   * processes on the same vault) each count, and those past the free ones wait their backoff
   * without being evaluated.
   */
  async reauthenticate(
    credential: ReauthCredential,
    options: { actor: string },
  ): Promise<{ freshForMs: number }> {
    const now = this.clock.now();
    const method = 'password' in credential ? 'password' : 'totp';
    if (method === 'totp' && readMeta(this.db, 'totp_secret') === null) {
      throw new KeywardError(
        'INVALID_STATE',
        'No authenticator is enrolled; use the master password or enrol one first.',
      );
    }
    const reservation: AttemptReservation = await reserveWhenReady(
      () =>
        this.db
          .transaction(() => {
            const outcome = reserveAttempt(this.counter(), this.clock.now(), 're-authentications');
            this.writeCounter(outcome.state);
            return outcome;
          })
          .immediate(),
      're-authentications',
    );
    // If the evaluation itself fails (the vault locked meanwhile), the attempt simply stays counted.
    const ok = await this.evaluate(credential, now);
    if (!ok) {
      this.recordFailure(options.actor, method, reservation);
      const wait = remainingBackoffMs(this.counter(), this.clock.now());
      throw new KeywardError(
        'WRONG_PASSWORD',
        method === 'password' ? 'Wrong master password.' : 'That code is not valid (or was already used).',
        wait > 0 ? { retryAfterMs: wait } : undefined,
      );
    }
    this.db
      .transaction(() => {
        this.writeCounter(settleSuccess(this.counter(), reservation));
        this.log.append({ actor: options.actor, action: 'reauth', outcome: 'success', details: { method } });
      })
      .immediate();
    const window = this.windowMs();
    this.singleUse = window === 0;
    this.freshUntil = now + (window === 0 ? 60_000 : window);
    return { freshForMs: window };
  }

  /** The re-authentication failure counter (meta), clamped like the unlock counter. */
  private counter(): LockoutState {
    return clampLockoutState({
      failures: Number(readMeta(this.db, 'reauth_failures') ?? '0'),
      lastFailureAt: Number(readMeta(this.db, 'reauth_last_failure') ?? '0'),
      seq: Number(readMeta(this.db, 'reauth_seq') ?? 'NaN'),
      pending: parsePending(readMeta(this.db, 'reauth_pending')),
    });
  }

  private writeCounter(state: LockoutState): void {
    writeMeta(this.db, 'reauth_failures', state.failures === 0 ? null : String(state.failures));
    writeMeta(this.db, 'reauth_last_failure', state.failures === 0 ? null : String(state.lastFailureAt));
    writeMeta(this.db, 'reauth_seq', state.seq === 0 ? null : String(state.seq));
    writeMeta(this.db, 'reauth_pending', state.pending.length === 0 ? null : JSON.stringify(state.pending));
  }

  /** A reserved attempt was wrong: it stays counted, the wait runs from now; logged. */
  private recordFailure(actor: string, method: 'password' | 'totp', reservation: AttemptReservation): void {
    this.db
      .transaction(() => {
        this.writeCounter(settleFailure(this.counter(), reservation, this.clock.now()));
        this.log.append({ actor, action: 'reauth', outcome: 'failure', details: { method } });
      })
      .immediate();
  }

  private async evaluate(credential: ReauthCredential, now: number): Promise<boolean> {
    let ok: boolean;
    if ('password' in credential) {
      ok = await this.vault.checkPassword(credential.password);
    } else {
      const secret = this.totpSecret();
      if (!secret) {
        throw new KeywardError(
          'INVALID_STATE',
          'No authenticator is enrolled; use the master password or enrol one first.',
        );
      }
      const lastStep = readMeta(this.db, 'totp_last_step');
      const step = verifyTotp(
        secret,
        credential.totp.trim(),
        now,
        lastStep === null ? null : Number(lastStep),
      );
      secret.fill(0);
      ok = step !== null;
      if (step !== null) {
        writeMeta(this.db, 'totp_last_step', String(step));
      }
    }
    return ok;
  }

  /**
   * Opens the window because the owner has just proved it with the master password some other way
   * (a CLI command that unlocked the vault with it a moment ago). Logged like any re-authentication.
   */
  grantAfterPasswordUnlock(options: { actor: string }): void {
    this.log.append({
      actor: options.actor,
      action: 'reauth',
      outcome: 'success',
      details: { method: 'password-unlock' },
    });
    const window = this.windowMs();
    this.singleUse = window === 0;
    this.freshUntil = this.clock.now() + (window === 0 ? 60_000 : window);
  }

  /**
   * Throws REAUTH_REQUIRED unless a re-authentication is fresh; a zero window is used up by one
   * action. With `actor`, a refusal is logged as a denial of `action` (the engine's guard logs its
   * own; the authenticator's guards below pass their actor).
   */
  require(action: GuardedAction, options: { actor?: string } = {}): void {
    if (this.remainingMs() <= 0) {
      if (options.actor !== undefined) {
        this.log.append({ actor: options.actor, action, outcome: 'denied' });
      }
      throw new KeywardError(
        'REAUTH_REQUIRED',
        `This action (${action}) needs you to confirm it is you: enter the master password or an authenticator code.`,
      );
    }
    if (this.singleUse) {
      this.freshUntil = 0;
    }
  }

  /** Ends any open window (on lock). */
  expire(): void {
    this.freshUntil = 0;
    this.pendingTotp?.fill(0);
    this.pendingTotp = null;
  }

  /**
   * Starts enrolling an authenticator: the secret (base32) and `otpauth://` URI to show once. Needs a
   * fresh re-authentication; a refusal is logged as a denial of `totp.enroll`.
   */
  beginTotpEnrollment(account: string, options: { actor: string }): { secret: string; uri: string } {
    this.require('totp.enroll', options);
    this.pendingTotp?.fill(0);
    this.pendingTotp = newTotpSecret();
    return { secret: base32Encode(this.pendingTotp), uri: otpauthUri(this.pendingTotp, account) };
  }

  /** Finishes enrolment with a code from the authenticator, proving it was set up correctly. */
  confirmTotpEnrollment(code: string, options: { actor: string }): void {
    if (!this.pendingTotp) {
      throw new KeywardError('INVALID_STATE', 'Start enrolment first.');
    }
    const step = verifyTotp(this.pendingTotp, code.trim(), this.clock.now(), null);
    if (step === null) {
      throw new KeywardError(
        'WRONG_PASSWORD',
        'That code does not match the new authenticator; check the device clock and try again.',
      );
    }
    const secret = this.pendingTotp.toString('base64');
    this.db
      .transaction(() => {
        writeMeta(this.db, 'totp_secret', secret);
        writeMeta(this.db, 'totp_last_step', String(step));
        this.log.append({ actor: options.actor, action: 'totp.enroll', outcome: 'success' });
      })
      .immediate();
    this.pendingTotp.fill(0);
    this.pendingTotp = null;
  }

  /** Removes the enrolled authenticator (needs a fresh re-authentication; a refusal is logged as denied). */
  disableTotp(options: { actor: string }): void {
    this.require('totp.disable', options);
    this.db
      .transaction(() => {
        writeMeta(this.db, 'totp_secret', null);
        writeMeta(this.db, 'totp_last_step', null);
        this.log.append({ actor: options.actor, action: 'totp.disable', outcome: 'success' });
      })
      .immediate();
  }

  private totpSecret(): Buffer | null {
    const stored = readMeta(this.db, 'totp_secret');
    return stored === null ? null : Buffer.from(stored, 'base64');
  }
}
