import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { KeywardError } from '../../shared/errors.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { SqliteDatabaseConstructor } from './db/sqlite.ts';

/**
 * Persisted failed-attempt state; survives restarts so quitting does not reset the backoff.
 *
 * `seq` numbers every attempt ever reserved; the attempts after the last success are the ones
 * counted (`failures`). An attempt is counted when it is reserved, before the password is
 * evaluated, so parallel attempts (threads of one process or several processes) cannot all be
 * evaluated against one stale count.
 */
export interface LockoutState {
  failures: number;
  lastFailureAt: number;
  seq: number;
}

/** Failures allowed before any wait, and the wait's ceiling. */
export const FREE_ATTEMPTS = 3;
export const MAX_BACKOFF_MS = 15 * 60 * 1000;
/** A counter beyond this is treated as this (a damaged or hostile file cannot overflow anything). */
export const MAX_COUNTED_FAILURES = 1_000_000;

/** The state of a vault nobody has failed to open. */
export const NO_FAILURES: LockoutState = { failures: 0, lastFailureAt: 0, seq: 0 };

/**
 * How long after the last failure the next attempt must wait: none for the first
 * {@link FREE_ATTEMPTS} failures, then 1 s, 2 s, 4 s, … doubling up to 15 minutes.
 */
export function backoffDelayMs(failures: number): number {
  if (failures < FREE_ATTEMPTS) {
    return 0;
  }
  return Math.min(1000 * 2 ** Math.min(failures - FREE_ATTEMPTS, 30), MAX_BACKOFF_MS);
}

/**
 * Brings stored values into range: counts are whole and non-negative, times finite. Absurd values
 * (a hand-edited or damaged file: `lastFailureAt: 1e300`) must not lock the owner out for ever.
 */
export function clampLockoutState(value: Partial<Record<keyof LockoutState, unknown>>): LockoutState {
  const whole = (raw: unknown): number =>
    typeof raw === 'number' && Number.isFinite(raw)
      ? Math.min(Math.max(0, Math.floor(raw)), MAX_COUNTED_FAILURES)
      : 0;
  const failures = whole(value.failures);
  const lastFailureAt =
    typeof value.lastFailureAt === 'number' && Number.isFinite(value.lastFailureAt)
      ? Math.max(0, value.lastFailureAt)
      : 0;
  const seq =
    typeof value.seq === 'number' && Number.isSafeInteger(value.seq) && value.seq >= failures
      ? value.seq
      : failures;
  return { failures, lastFailureAt, seq };
}

/**
 * Milliseconds until an attempt is allowed (0 = now). A last failure "in the future" (a clock set
 * back, or a damaged file) counts as now, so the wait is never longer than {@link MAX_BACKOFF_MS}.
 */
export function remainingBackoffMs(state: LockoutState, now: number): number {
  return Math.max(0, Math.min(state.lastFailureAt, now) + backoffDelayMs(state.failures) - now);
}

/** One attempt, counted as a failure until it is settled as a success. */
export interface AttemptReservation {
  /** The attempt's number in {@link LockoutState.seq}. */
  seq: number;
  /** Failures counted, this attempt included. */
  failures: number;
}

/**
 * Reserves an attempt: while the backoff runs, a LOCKED_OUT `refusal`; otherwise the attempt is
 * counted as a failure now (before anything is evaluated) and returned as `reservation`. Either
 * way `state` is what to store: a last failure "in the future" is brought back to now, so the wait
 * it causes is counted from the first time it is seen and ends.
 */
export function reserveAttempt(
  state: LockoutState,
  now: number,
  what: string,
): { state: LockoutState; reservation: AttemptReservation } | { state: LockoutState; refusal: KeywardError } {
  const wait = remainingBackoffMs(state, now);
  if (wait > 0) {
    return {
      state: { ...state, lastFailureAt: Math.min(state.lastFailureAt, now) },
      refusal: new KeywardError(
        'LOCKED_OUT',
        `Too many failed ${what}; try again in ${Math.ceil(wait / 1000)} s.`,
        { retryAfterMs: wait },
      ),
    };
  }
  const next = {
    failures: Math.min(state.failures + 1, MAX_COUNTED_FAILURES),
    lastFailureAt: now,
    seq: state.seq + 1,
  };
  return { state: next, reservation: { seq: next.seq, failures: next.failures } };
}

/**
 * Settles a reserved attempt as a success: it and every attempt reserved before it stop counting;
 * attempts reserved after it (still being evaluated elsewhere) keep counting.
 */
export function settleSuccess(state: LockoutState, reservation: AttemptReservation): LockoutState {
  const clearedThrough = Math.max(state.seq - state.failures, reservation.seq);
  const failures = Math.max(0, state.seq - clearedThrough);
  return { failures, lastFailureAt: failures === 0 ? 0 : state.lastFailureAt, seq: state.seq };
}

/** Settles a reserved attempt as a failure: it stays counted; the wait runs from now. */
export function settleFailure(state: LockoutState, now: number): LockoutState {
  return state.failures === 0 ? state : { ...state, lastFailureAt: Math.max(state.lastFailureAt, now) };
}

/**
 * The failed-unlock counter of one vault, in its lockout file. Every read-modify-write holds a
 * cross-process lock (an exclusive SQLite transaction on `<lockout>.lock`, whose OS lock the
 * kernel releases if the holder dies), so several CLI processes and the desktop app never lose
 * each other's counts.
 */
export class UnlockLockout {
  private readonly path: string;
  private readonly lockPath: string;

  constructor(path: string) {
    this.path = path;
    this.lockPath = `${path}.lock`;
  }

  /** The stored state, clamped; a missing or unreadable file counts as no failures. */
  read(): LockoutState {
    if (!existsSync(this.path)) {
      return NO_FAILURES;
    }
    try {
      return clampLockoutState(JSON.parse(readFileSync(this.path, 'utf8')) as Record<string, unknown>);
    } catch {
      // A damaged counter must not lock the owner out of their own vault; the KDF still guards it.
      return NO_FAILURES;
    }
  }

  /** Milliseconds until an attempt is allowed (0 = now). */
  remainingMs(now: number): number {
    return remainingBackoffMs(this.read(), now);
  }

  /** Throws LOCKED_OUT (with retryAfterMs) when an attempt is not allowed yet. */
  assertAllowed(now: number): void {
    const remaining = this.remainingMs(now);
    if (remaining > 0) {
      throw new KeywardError(
        'LOCKED_OUT',
        `Too many failed unlock attempts; try again in ${Math.ceil(remaining / 1000)} s.`,
        { retryAfterMs: remaining },
      );
    }
  }

  /**
   * Reserves (and counts) one password check before it is evaluated; LOCKED_OUT while the backoff
   * runs. Null when the counter cannot be written (a read-only folder): the check still runs, the
   * KDF is then the only brake, as before this counter existed.
   */
  reserve(now: number, what = 'unlock attempts'): AttemptReservation | null {
    let outcome: ReturnType<typeof reserveAttempt> | null = null;
    try {
      this.update((state) => {
        outcome = reserveAttempt(state, now, what);
        return outcome.state;
      });
    } catch {
      // Not writable: decide on what can be read, count nothing.
      const refused = reserveAttempt(this.read(), now, what);
      if ('refusal' in refused) {
        throw refused.refusal;
      }
      return null;
    }
    const reserved = outcome as ReturnType<typeof reserveAttempt> | null;
    if (reserved !== null && 'refusal' in reserved) {
      throw reserved.refusal;
    }
    return reserved?.reservation ?? null;
  }

  /** The reserved check was right: it and the failures before it stop counting. */
  succeeded(reservation: AttemptReservation | null): void {
    if (reservation !== null) {
      this.tryUpdate((state) => settleSuccess(state, reservation));
    }
  }

  /** The reserved check was wrong: it stays counted. Returns the state after it. */
  failed(reservation: AttemptReservation | null, now: number): LockoutState {
    if (reservation === null) {
      return { ...this.read(), failures: this.read().failures + 1 };
    }
    return this.tryUpdate((state) => settleFailure(state, now)) ?? this.read();
  }

  /** Removes the counter (a new vault: no attempt on it can be in flight). */
  reset(): void {
    rmSync(this.path, { force: true });
  }

  private tryUpdate(change: (state: LockoutState) => LockoutState): LockoutState | null {
    try {
      return this.update(change);
    } catch {
      return null; // not writable: the next attempt sees the previous state
    }
  }

  /** Read-modify-write of the lockout file under the cross-process lock. */
  private update(change: (state: LockoutState) => LockoutState): LockoutState {
    const lock = new SqliteDatabaseConstructor(this.lockPath, { timeout: 30_000 });
    try {
      chmodSync(this.lockPath, 0o600);
      lock.exec('BEGIN EXCLUSIVE');
      try {
        const next = change(this.read());
        writeFileAtomic(this.path, `${JSON.stringify(next)}\n`);
        return next;
      } finally {
        lock.exec('COMMIT');
      }
    } finally {
      lock.close();
    }
  }
}
