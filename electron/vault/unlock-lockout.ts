import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { KeywardError } from '../../shared/errors.ts';
import { writeFileAtomic } from './atomic-file.ts';

/** Persisted failed-unlock state; survives restarts so quitting does not reset the backoff. */
export interface LockoutState {
  failures: number;
  lastFailureAt: number;
}

/** Failures allowed before any wait, and the wait's ceiling. */
export const FREE_ATTEMPTS = 3;
export const MAX_BACKOFF_MS = 15 * 60 * 1000;

/**
 * How long after the last failure the next attempt must wait: none for the first
 * {@link FREE_ATTEMPTS} failures, then 1 s, 2 s, 4 s, … doubling up to 15 minutes.
 */
export function backoffDelayMs(failures: number): number {
  if (failures < FREE_ATTEMPTS) {
    return 0;
  }
  return Math.min(1000 * 2 ** (failures - FREE_ATTEMPTS), MAX_BACKOFF_MS);
}

/** Reads, checks and records unlock attempts in the vault's lockout file. */
export class UnlockLockout {
  private readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  /** The stored state; a missing or unreadable file counts as no failures. */
  read(): LockoutState {
    if (!existsSync(this.path)) {
      return { failures: 0, lastFailureAt: 0 };
    }
    try {
      const value = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<LockoutState>;
      const failures = Number.isSafeInteger(value.failures) ? Math.max(0, value.failures ?? 0) : 0;
      const lastFailureAt = Number.isFinite(value.lastFailureAt) ? (value.lastFailureAt ?? 0) : 0;
      return { failures, lastFailureAt };
    } catch {
      // A damaged counter must not lock the owner out of their own vault; the KDF still guards it.
      return { failures: 0, lastFailureAt: 0 };
    }
  }

  /** Milliseconds until an attempt is allowed (0 = now). */
  remainingMs(now: number): number {
    const state = this.read();
    return Math.max(0, state.lastFailureAt + backoffDelayMs(state.failures) - now);
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

  /** Records a failure and returns the new state. */
  recordFailure(now: number): LockoutState {
    const next = { failures: this.read().failures + 1, lastFailureAt: now };
    writeFileAtomic(this.path, `${JSON.stringify(next)}\n`);
    return next;
  }

  /** Clears the counter after a success. */
  reset(): void {
    if (existsSync(this.path)) {
      unlinkSync(this.path);
    }
  }
}
