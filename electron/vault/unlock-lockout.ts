import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { KeywardError } from '../../shared/errors.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { SqliteDatabaseConstructor } from './db/sqlite.ts';

/**
 * Persisted failed-attempt state; survives restarts so quitting does not reset the backoff.
 *
 * `seq` numbers every attempt ever reserved; the attempts after the last success are the ones
 * counted (`failures`). An attempt is counted when it is reserved, before the password is
 * evaluated, so parallel attempts (calls of one process or several processes) cannot all be
 * evaluated against one stale count. `pending` lists the reserved attempts still being evaluated
 * (seq and when reserved); one older than {@link PENDING_TTL_MS} is a process that died and no
 * longer holds anyone up (it stays counted).
 */
export interface LockoutState {
  failures: number;
  lastFailureAt: number;
  seq: number;
  pending: { seq: number; at: number }[];
}

/** Failures allowed before any wait, and the wait's ceiling. */
export const FREE_ATTEMPTS = 3;
export const MAX_BACKOFF_MS = 15 * 60 * 1000;
/** A counter beyond this is treated as this (a damaged or hostile file cannot overflow anything). */
export const MAX_COUNTED_FAILURES = 1_000_000;
/** How long a reserved attempt may take to be evaluated before it is presumed abandoned. */
export const PENDING_TTL_MS = 60_000;
/** At most this many attempts are tracked as in flight (the rest only counted). */
const MAX_PENDING = 64;

/** The state of a vault nobody has failed to open. */
export const NO_FAILURES: LockoutState = { failures: 0, lastFailureAt: 0, seq: 0, pending: [] };

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
  const pending = Array.isArray(value.pending)
    ? (value.pending as unknown[])
        .filter(
          (entry): entry is { seq: number; at: number } =>
            typeof entry === 'object' &&
            entry !== null &&
            Number.isSafeInteger((entry as { seq?: unknown }).seq) &&
            Number.isFinite((entry as { at?: unknown }).at),
        )
        .map(({ seq: each, at }) => ({ seq: each, at }))
        .slice(-MAX_PENDING)
    : [];
  return { failures, lastFailureAt, seq, pending };
}

/**
 * Milliseconds until an attempt is allowed (0 = now). A last failure "in the future" (a clock set
 * back, or a damaged file) counts as now, so the wait is never longer than {@link MAX_BACKOFF_MS}.
 */
export function remainingBackoffMs(
  state: Pick<LockoutState, 'failures' | 'lastFailureAt'>,
  now: number,
): number {
  return Math.max(0, Math.min(state.lastFailureAt, now) + backoffDelayMs(state.failures) - now);
}

/** One attempt, counted as a failure until it is settled as a success. */
export interface AttemptReservation {
  /** The attempt's number in {@link LockoutState.seq}. */
  seq: number;
  /** Failures counted, this attempt included. */
  failures: number;
}

/** The outcome of {@link reserveAttempt}; `state` is what to store in every case. */
export type ReserveOutcome =
  | { state: LockoutState; reservation: AttemptReservation }
  | { state: LockoutState; refusal: KeywardError }
  /** Only attempts still being evaluated stand in the way: ask again once they are settled. */
  | { state: LockoutState; busy: true };

/**
 * Reserves an attempt. While the backoff of the settled failures runs: a LOCKED_OUT `refusal`.
 * When only attempts still in flight would make this one wait, `busy`: their outcome decides (a
 * success clears the counter), so the caller asks again once they are settled — this attempt is
 * never evaluated before the ones ahead of it are counted. Otherwise the attempt is counted as a
 * failure now (before anything is evaluated) and returned as `reservation`. A last failure "in the
 * future" is stored as now, so the wait it causes starts when it is first seen, and ends.
 */
export function reserveAttempt(state: LockoutState, now: number, what: string): ReserveOutcome {
  const live = state.pending.filter((entry) => entry.at <= now && now - entry.at < PENDING_TTL_MS);
  const base = { ...state, lastFailureAt: Math.min(state.lastFailureAt, now), pending: live };
  const wait = remainingBackoffMs(base, now);
  if (wait > 0) {
    const settled = { failures: Math.max(0, base.failures - live.length), lastFailureAt: base.lastFailureAt };
    if (live.length > 0 && remainingBackoffMs(settled, now) === 0) {
      return { state: base, busy: true };
    }
    return {
      state: base,
      refusal: new KeywardError(
        'LOCKED_OUT',
        `Too many failed ${what}; try again in ${Math.ceil(wait / 1000)} s.`,
        {
          retryAfterMs: wait,
        },
      ),
    };
  }
  const seq = base.seq + 1;
  const next: LockoutState = {
    failures: Math.min(base.failures + 1, MAX_COUNTED_FAILURES),
    lastFailureAt: now,
    seq,
    pending: [...live, { seq, at: now }].slice(-MAX_PENDING),
  };
  return { state: next, reservation: { seq, failures: next.failures } };
}

/**
 * Settles a reserved attempt as a success: it and every attempt reserved before it stop counting;
 * attempts reserved after it (still being evaluated elsewhere) keep counting.
 */
export function settleSuccess(state: LockoutState, reservation: AttemptReservation): LockoutState {
  const clearedThrough = Math.max(state.seq - state.failures, reservation.seq);
  const failures = Math.max(0, state.seq - clearedThrough);
  return {
    failures,
    lastFailureAt: failures === 0 ? 0 : state.lastFailureAt,
    seq: state.seq,
    pending: state.pending.filter((entry) => entry.seq > reservation.seq),
  };
}

/** Settles a reserved attempt as a failure: it stays counted; the wait runs from now. */
export function settleFailure(
  state: LockoutState,
  reservation: AttemptReservation,
  now: number,
): LockoutState {
  const pending = state.pending.filter((entry) => entry.seq !== reservation.seq);
  return state.failures === 0
    ? { ...state, pending }
    : { ...state, lastFailureAt: Math.max(state.lastFailureAt, now), pending };
}

/** How long to sleep between asks while attempts ahead are still being evaluated. */
export const BUSY_POLL_MS = 20;
/** How long to wait for them at most (real time) before answering LOCKED_OUT anyway. */
const BUSY_LIMIT_MS = 2 * PENDING_TTL_MS;

/**
 * Runs `attempt` (one read-modify-write of a counter) until it is not `busy`, sleeping in between;
 * throws the refusal, returns the reservation.
 */
export async function reserveWhenReady(
  attempt: () => ReserveOutcome,
  what: string,
): Promise<AttemptReservation> {
  const giveUpAt = Date.now() + BUSY_LIMIT_MS;
  for (;;) {
    const outcome = attempt();
    if ('reservation' in outcome) {
      return outcome.reservation;
    }
    if ('refusal' in outcome) {
      throw outcome.refusal;
    }
    if (Date.now() > giveUpAt) {
      throw new KeywardError('LOCKED_OUT', `Too many ${what} at once; try again in a moment.`, {
        retryAfterMs: 1000,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, BUSY_POLL_MS));
  }
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
   * runs; waits while attempts ahead of it are still being evaluated. Null when the counter cannot
   * be written (a read-only folder): the check still runs, the KDF is then the only brake, as before
   * this counter existed.
   */
  async reserve(now: () => number, what = 'unlock attempts'): Promise<AttemptReservation | null> {
    try {
      return await reserveWhenReady(() => {
        let outcome: ReserveOutcome | null = null;
        try {
          this.update((state) => {
            outcome = reserveAttempt(state, now(), what);
            return outcome.state;
          });
        } catch (error) {
          throw new CounterUnwritable(error);
        }
        return outcome as unknown as ReserveOutcome;
      }, what);
    } catch (error) {
      if (!(error instanceof CounterUnwritable)) {
        throw error;
      }
      // Not writable: decide on what can be read, count nothing.
      const refused = reserveAttempt(this.read(), now(), what);
      if ('refusal' in refused) {
        throw refused.refusal;
      }
      return null;
    }
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
    return this.tryUpdate((state) => settleFailure(state, reservation, now)) ?? this.read();
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
        if (next.failures === 0 && next.pending.length === 0) {
          rmSync(this.path, { force: true }); // nothing to remember (and nothing in flight to number)
        } else {
          writeFileAtomic(this.path, `${JSON.stringify(next)}\n`);
        }
        return next;
      } finally {
        lock.exec('COMMIT');
      }
    } finally {
      lock.close();
    }
  }
}

/** The counter file could not be read-modify-written (wraps the cause). */
class CounterUnwritable extends Error {
  constructor(cause: unknown) {
    super('the lockout counter cannot be written', { cause });
  }
}
