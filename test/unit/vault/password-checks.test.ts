// Issue 10 §3.1 and §3.6: every password check is counted before the next one is evaluated, and
// the lockout file cannot lock the owner out for ever.
import { existsSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { KeywardError } from '../../../shared/errors.ts';
import {
  FREE_ATTEMPTS,
  MAX_BACKOFF_MS,
  PENDING_TTL_MS,
  clampLockoutState,
  remainingBackoffMs,
  reserveAttempt,
  settleFailure,
  settleSuccess,
} from '../../../electron/vault/unlock-lockout.ts';
import { createTestEngine } from '../../support/temp-engine.ts';
import { makeTestVault } from '../../support/temp-vault.ts';

// Weak Argon2id for speed: the subject is the counting, not the KDF.
const WEAK = { kdfTuning: { memoryKiB: 1024, iterations: 1, parallelism: 1 }, allowWeakKdf: true };
const PASSWORD = 'password checks password';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

/** The KeywardError codes of settled promises ('ok' for a fulfilled one). */
async function codes(attempts: Promise<unknown>[]): Promise<string[]> {
  const settled = await Promise.allSettled(attempts);
  return settled.map((result) => {
    if (result.status === 'fulfilled') {
      return 'ok';
    }
    if (result.reason instanceof KeywardError) {
      return result.reason.code;
    }
    throw result.reason;
  });
}

function count(values: string[], value: string): number {
  return values.filter((each) => each === value).length;
}

describe('parallel unlock attempts on one vault', () => {
  it('are each counted before the next is evaluated: past the free ones, they wait without being checked', async () => {
    const made = makeTestVault(WEAK);
    cleanups.push(made.cleanup);
    await made.vault.create(PASSWORD);
    made.vault.lock();

    // Eight openers at once (eight windows, eight scripts): all with a wrong password.
    const results = await codes(
      Array.from({ length: 8 }, () => made.reopen().unlockWithPassword('not the password')),
    );
    expect(count(results, 'WRONG_PASSWORD')).toBe(FREE_ATTEMPTS);
    expect(count(results, 'LOCKED_OUT')).toBe(8 - FREE_ATTEMPTS);
    // Every evaluated attempt is in the counter.
    expect((await made.reopen().status()).lockout.failures).toBe(FREE_ATTEMPTS);

    // Once the wait is over, the right password opens it and the counter is cleared.
    made.clock.advance(MAX_BACKOFF_MS);
    const owner = made.reopen();
    await owner.unlockWithPassword(PASSWORD);
    expect((await owner.status()).lockout.failures).toBe(0);
    owner.lock();
  });

  it('the right password from many openers at once: all of them open it (the first ones clear the way)', async () => {
    const made = makeTestVault(WEAK);
    cleanups.push(made.cleanup);
    await made.vault.create(PASSWORD);
    made.vault.lock();
    const openers = Array.from({ length: 8 }, () => made.reopen());
    expect(await codes(openers.map((opener) => opener.unlockWithPassword(PASSWORD)))).toEqual(
      Array.from({ length: 8 }, () => 'ok'),
    );
    for (const opener of openers) {
      opener.lock();
    }
    expect((await made.reopen().status()).lockout.failures).toBe(0);
  });

  it('an absurd lockout file (lastFailureAt 1e300) makes the owner wait at most the longest backoff', async () => {
    const made = makeTestVault(WEAK);
    cleanups.push(made.cleanup);
    await made.vault.create(PASSWORD);
    made.vault.lock();
    writeFileSync(made.vault.files.lockout, JSON.stringify({ failures: 1e9, lastFailureAt: 1e300 }));

    let refused: unknown;
    try {
      await made.reopen().unlockWithPassword(PASSWORD);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(KeywardError);
    expect((refused as KeywardError).code).toBe('LOCKED_OUT');
    expect((refused as KeywardError).retryAfterMs).toBeLessThanOrEqual(MAX_BACKOFF_MS);

    made.clock.advance(MAX_BACKOFF_MS);
    const owner = made.reopen();
    await owner.unlockWithPassword(PASSWORD);
    expect(owner.isUnlocked).toBe(true);
    owner.lock();
    expect(existsSync(made.vault.files.lockout)).toBe(false); // a success leaves nothing to count
  });
});

describe('parallel re-authentications in one engine', () => {
  it('16 wrong passwords at once: every evaluated one is counted and logged, the rest wait unevaluated', async () => {
    const made = await createTestEngine({ password: PASSWORD });
    cleanups.push(made.cleanup);
    const { engine, internals, clock } = made;

    const results = await codes(
      Array.from({ length: 16 }, () => engine.reauthenticate({ password: 'a wrong guess' })),
    );
    const wrong = count(results, 'WRONG_PASSWORD');
    expect(wrong).toBe(FREE_ATTEMPTS);
    expect(count(results, 'LOCKED_OUT')).toBe(16 - FREE_ATTEMPTS);
    const failures = internals()
      .log.list({ limit: 100 })
      .filter((entry) => entry.action === 'reauth' && entry.outcome === 'failure');
    expect(failures).toHaveLength(wrong);
    const stored = internals().db.prepare(`SELECT value FROM meta WHERE key = 'reauth_failures'`).get() as {
      value: string;
    };
    expect(Number(stored.value)).toBe(wrong);

    // Still backing off, even with the right password; then the right one clears the counter.
    expect(await codes([engine.reauthenticate({ password: PASSWORD })])).toEqual(['LOCKED_OUT']);
    clock.advance(MAX_BACKOFF_MS);
    await engine.reauthenticate({ password: PASSWORD });
    expect(
      internals().db.prepare(`SELECT value FROM meta WHERE key = 'reauth_failures'`).get(),
    ).toBeUndefined();
  });
});

describe('the attempt counter', () => {
  const now = 1_000_000;

  it('clamps what it reads: no negative, fractional, endless or future values', () => {
    expect(clampLockoutState({ failures: -4, lastFailureAt: Number.NaN })).toEqual({
      failures: 0,
      lastFailureAt: 0,
      seq: 0,
      pending: [],
    });
    expect(clampLockoutState({ failures: 2.7, lastFailureAt: 5, seq: 1 })).toEqual({
      failures: 2,
      lastFailureAt: 5,
      seq: 2,
      pending: [],
    });
    const absurd = clampLockoutState({ failures: Number.MAX_VALUE, lastFailureAt: 1e300 });
    expect(remainingBackoffMs(absurd, now)).toBeLessThanOrEqual(MAX_BACKOFF_MS);
  });

  it('a success clears the attempts reserved before it, never one reserved after it', () => {
    let state = clampLockoutState({});
    const reserve = (at: number) => {
      const outcome = reserveAttempt(state, at, 'tries');
      if (!('reservation' in outcome)) {
        throw new Error('expected a reservation');
      }
      state = outcome.state;
      return outcome.reservation;
    };
    const first = reserve(now);
    const second = reserve(now);
    // The first turns out right while the second is still being evaluated: the second still counts.
    state = settleSuccess(state, first);
    expect(state.failures).toBe(1);
    state = settleFailure(state, second, now + 5);
    expect(state).toMatchObject({ failures: 1, lastFailureAt: now + 5, pending: [] });
    // A later success clears everything up to it.
    const third = reserve(now + 10);
    expect(settleSuccess(state, third).failures).toBe(0);
  });

  it('while attempts are in flight, the next waits for them; then refuses while the backoff runs', () => {
    let state = clampLockoutState({});
    const reservations = [];
    for (let i = 0; i < FREE_ATTEMPTS; i++) {
      const outcome = reserveAttempt(state, now, 'tries');
      state = outcome.state;
      reservations.push('reservation' in outcome ? outcome.reservation : null);
    }
    // Their outcome decides: not evaluated yet, so the next one is asked to wait, not refused.
    expect('busy' in reserveAttempt(state, now, 'tries')).toBe(true);
    for (const reservation of reservations) {
      state = settleFailure(state, reservation!, now);
    }
    const refused = reserveAttempt(state, now, 'tries');
    expect('refusal' in refused && refused.refusal.message).toBe('Too many failed tries; try again in 1 s.');
    const later = reserveAttempt(state, now + 1000, 'tries');
    expect('reservation' in later && later.reservation.failures).toBe(FREE_ATTEMPTS + 1);
  });

  it('an attempt in flight for longer than a process can take (it died) holds nobody up', () => {
    let state = clampLockoutState({});
    for (let i = 0; i < FREE_ATTEMPTS; i++) {
      state = reserveAttempt(state, now, 'tries').state;
    }
    const later = reserveAttempt(state, now + PENDING_TTL_MS + 1, 'tries');
    // Still counted (the backoff of 3 failures ran out long ago), no longer waited for.
    expect('reservation' in later && later.reservation.failures).toBe(FREE_ATTEMPTS + 1);
  });
});
