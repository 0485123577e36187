import { describe, expect, it } from 'vitest';
import {
  compileKeyFacts,
  DAY_MS,
  describeRefusal,
  keyAcceptance,
  keyStatusAt,
  REFUSAL_CODES,
} from '../../../../shared/keys/acceptance.ts';
import type { KeyFactsSource } from '../../../../shared/keys/acceptance.ts';
import { KeywardError } from '../../../../shared/errors.ts';

const T0 = Date.UTC(2026, 0, 1, 9);

/** An active key created at T0 that expires in 30 days, of an enabled integration with 7 grace days. */
function facts(overrides: Partial<KeyFactsSource> = {}) {
  return compileKeyFacts({
    status: 'active',
    createdAt: T0,
    expiresAt: T0 + 30 * DAY_MS,
    graceEndsAt: null,
    endedAt: null,
    neverExpire: false,
    graceDays: 7,
    enabled: true,
    ipAcl: [],
    ...overrides,
  });
}

describe('the acceptance rule, from published facts and the time alone', () => {
  it('accepts an active key before its expiry, and a key that never expires, years on', () => {
    expect(keyAcceptance(facts(), T0 + DAY_MS)).toEqual({
      accepted: true,
      status: 'active',
      graceEndsAt: null,
    });
    const forever = facts({ expiresAt: null, neverExpire: true });
    expect(keyAcceptance(forever, T0 + 3650 * DAY_MS)).toMatchObject({ accepted: true, status: 'active' });
  });

  it('an active key past its expiry that nobody rotated stays accepted for the grace days, then KEY_EXPIRED', () => {
    const key = facts();
    const expiry = T0 + 30 * DAY_MS;
    const graceEnd = expiry + 7 * DAY_MS;
    // No desktop ran: the status is still "active", yet the answer is what the rotation would give.
    expect(keyAcceptance(key, expiry)).toEqual({ accepted: true, status: 'grace', graceEndsAt: graceEnd });
    expect(keyAcceptance(key, graceEnd - 1)).toMatchObject({ accepted: true, status: 'grace' });
    expect(keyAcceptance(key, graceEnd)).toEqual({ accepted: false, code: 'KEY_EXPIRED' });
    expect(keyAcceptance(key, graceEnd + 365 * DAY_MS)).toEqual({ accepted: false, code: 'KEY_EXPIRED' });
    // With 0 grace days it stops at its expiry.
    expect(keyAcceptance(facts({ graceDays: 0 }), expiry)).toEqual({ accepted: false, code: 'KEY_EXPIRED' });
    expect(keyAcceptance(facts({ graceDays: 0 }), expiry - 1)).toMatchObject({ accepted: true });
  });

  it('a key in grace still verifies until its grace ends, then KEY_EXPIRED', () => {
    const graceEnd = T0 + 10 * DAY_MS;
    const grace = facts({ status: 'grace', graceEndsAt: graceEnd });
    expect(keyAcceptance(grace, graceEnd - 1)).toEqual({
      accepted: true,
      status: 'grace',
      graceEndsAt: graceEnd,
    });
    expect(keyAcceptance(grace, graceEnd)).toEqual({ accepted: false, code: 'KEY_EXPIRED' });
    // A grace key without an end (never written by the vault) fails closed.
    expect(keyAcceptance(facts({ status: 'grace', graceEndsAt: null }), T0)).toEqual({
      accepted: false,
      code: 'KEY_EXPIRED',
    });
  });

  it('revoked → KEY_REVOKED, expired → KEY_EXPIRED, no key → KEY_UNKNOWN, whatever the time', () => {
    for (const now of [T0 - DAY_MS, T0, T0 + 1000 * DAY_MS]) {
      expect(keyAcceptance(facts({ status: 'revoked', endedAt: T0 }), now)).toEqual({
        accepted: false,
        code: 'KEY_REVOKED',
      });
      expect(keyAcceptance(facts({ status: 'expired', endedAt: T0 }), now)).toEqual({
        accepted: false,
        code: 'KEY_EXPIRED',
      });
      expect(keyAcceptance(null, now)).toEqual({ accepted: false, code: 'KEY_UNKNOWN' });
    }
  });

  it('API access off → API_DISABLED for a live key; a dead key keeps its own code', () => {
    expect(keyAcceptance(facts({ enabled: false }), T0)).toEqual({ accepted: false, code: 'API_DISABLED' });
    expect(keyAcceptance(facts({ enabled: false, status: 'grace', graceEndsAt: T0 + DAY_MS }), T0)).toEqual({
      accepted: false,
      code: 'API_DISABLED',
    });
    expect(keyAcceptance(facts({ enabled: false, status: 'revoked' }), T0)).toEqual({
      accepted: false,
      code: 'KEY_REVOKED',
    });
  });

  it('applies the IP ACL when the caller is known: outside → IP_NOT_ALLOWED', () => {
    const listed = facts({ ipAcl: ['203.0.113.0/24', '2001:db8::/32'] });
    expect(keyAcceptance(listed, T0, '203.0.113.9')).toMatchObject({ accepted: true });
    expect(keyAcceptance(listed, T0, '::ffff:203.0.113.9')).toMatchObject({ accepted: true });
    expect(keyAcceptance(listed, T0, '2001:db8::1')).toMatchObject({ accepted: true });
    expect(keyAcceptance(listed, T0, '198.51.100.7')).toEqual({ accepted: false, code: 'IP_NOT_ALLOWED' });
    expect(keyAcceptance(listed, T0, 'not an address')).toEqual({ accepted: false, code: 'IP_NOT_ALLOWED' });
    // No caller address (a local check): the ACL is not applied. An empty ACL lets anyone in.
    expect(keyAcceptance(listed, T0)).toMatchObject({ accepted: true });
    expect(keyAcceptance(facts(), T0, '198.51.100.7')).toMatchObject({ accepted: true });
    // A disabled integration says so before the address is looked at.
    expect(keyAcceptance(facts({ ipAcl: ['10.0.0.0/8'], enabled: false }), T0, '1.1.1.1')).toEqual({
      accepted: false,
      code: 'API_DISABLED',
    });
  });

  it('keyStatusAt tells where a key stands before the vault records it', () => {
    const expiry = T0 + 30 * DAY_MS;
    expect(keyStatusAt(facts(), expiry - 1)).toEqual({ status: 'active', graceEndsAt: null });
    expect(keyStatusAt(facts(), expiry)).toEqual({ status: 'grace', graceEndsAt: expiry + 7 * DAY_MS });
    expect(keyStatusAt(facts(), expiry + 7 * DAY_MS)).toEqual({
      status: 'expired',
      graceEndsAt: expiry + 7 * DAY_MS,
    });
  });

  it('refuses a non-finite time as a programming error', () => {
    expect(() => keyAcceptance(facts(), Number.NaN)).toThrow(KeywardError);
    expect(() => keyStatusAt(facts(), Number.POSITIVE_INFINITY)).toThrow(KeywardError);
  });
});

describe('refusal codes', () => {
  it("are the server's, each with default English that reads after 'Refused: '", () => {
    expect(REFUSAL_CODES).toEqual([
      'KEY_UNKNOWN',
      'KEY_EXPIRED',
      'KEY_REVOKED',
      'API_DISABLED',
      'IP_NOT_ALLOWED',
      'SECRET_EXPIRED',
      'SECRET_REQUIRED',
      'BAD_SIGNATURE',
      'KEY_MALFORMED',
    ]);
    const texts = REFUSAL_CODES.map(describeRefusal);
    expect(new Set(texts).size).toBe(REFUSAL_CODES.length);
    for (const text of texts) {
      expect(text).toMatch(/^(?:[a-z]|API )/);
      expect(text).not.toMatch(/\.$/);
    }
    expect(describeRefusal('KEY_EXPIRED')).toBe('the key has expired');
  });
});
