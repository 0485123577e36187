// The desktop's server screens, checked as you type: the connect form (the address rule itself is
// test/unit/shared/sync/server-url.test.ts), the integration's accepted credential and rate limit, the sync badge's
// words, the usage panel's words and the sparkline's text alternative.
import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../shared/sync/sync-status.ts';
import { validateServerForm } from '../../../renderer/src/screens/settings/server-form.ts';
import {
  checkRateLimit,
  editFormState,
  newFormState,
  validateCreate,
  validateEdit,
} from '../../../renderer/src/screens/keys/integration-form.ts';
import {
  sparklineDescription,
  sparklinePoints,
} from '../../../renderer/src/screens/keys/sparkline-geometry.ts';
import {
  callsWords,
  graceCanEnd,
  outcomeWords,
  testedWhere,
} from '../../../renderer/src/screens/keys/usage-format.ts';
import { syncStatusText } from '../../../renderer/src/shell/sync-status-text.ts';
import { sampleIntegration } from '../../support/integration-fixtures.ts';

const CODE = 'ABCDE-FGHJK-MNPQR-STVWX';

describe('the server address', () => {
  it('the connect form: the address, a 20-character code (dashes optional), an optional device name', () => {
    const valid = validateServerForm({ url: 'https://keys.example.com/', code: ` ${CODE} `, deviceName: '' });
    expect(valid.input).toEqual({ url: 'https://keys.example.com', code: CODE });
    expect(
      validateServerForm({
        url: 'http://localhost:8787',
        code: 'abcdefghjkmnpqrstvwx',
        deviceName: ' Laptop ',
      }).input,
    ).toEqual({ url: 'http://localhost:8787', code: 'abcdefghjkmnpqrstvwx', deviceName: 'Laptop' });
    const bad = validateServerForm({
      url: 'http://keys.example.com',
      code: 'ABC',
      deviceName: 'x'.repeat(101),
    });
    expect(bad.input).toBeNull();
    expect(Object.keys(bad.errors).sort()).toEqual(['code', 'deviceName', 'url']);
    expect(validateServerForm({ url: '', code: '', deviceName: '' }).errors.code).toMatch(/enrolment code/);
  });
});

describe('accepted credential and rate limit in the integration form', () => {
  const EXISTING = sampleIntegration();

  it('a new integration accepts a key or a Secret and has no limit unless one is turned on', () => {
    const state = { ...newFormState({ rotationDays: 365, graceDays: 30 }), name: 'Billing' };
    expect(validateCreate(state).input).toMatchObject({ accepts: 'key-or-secret' });
    expect(validateCreate(state).input).not.toHaveProperty('rateLimit');
    const limited = {
      ...state,
      accepts: 'secret-only' as const,
      rateLimitOn: true,
      rateRequests: '5',
      rateWindowSeconds: '1',
    };
    expect(validateCreate(limited).input).toMatchObject({
      accepts: 'secret-only',
      rateLimit: { requests: 5, windowSeconds: 1 },
    });
  });

  it('out-of-bounds numbers are refused per field, in words', () => {
    const state = { ...newFormState({ rotationDays: 365, graceDays: 30 }), rateLimitOn: true };
    expect(checkRateLimit({ ...state, rateRequests: '0', rateWindowSeconds: '86401' }).errors).toEqual({
      rateRequests: 'Requests must be a whole number from 1 to 1,000,000.',
      rateWindowSeconds: 'The window must be a whole number of seconds from 1 to 86,400 (a day).',
    });
    expect(checkRateLimit({ ...state, rateRequests: '2.5' }).value).toBeNull();
    expect(validateCreate({ ...state, name: 'X', rateRequests: '' }).input).toBeNull();
  });

  it('an edit sends the accepted credential and the limit only when they changed; turning the limit off sends null', () => {
    const form = editFormState(EXISTING);
    expect(validateEdit(form, EXISTING).patch).toEqual({});
    expect(validateEdit({ ...form, accepts: 'secret-only' }, EXISTING).patch).toEqual({
      accepts: 'secret-only',
    });
    const on = { ...form, rateLimitOn: true, rateRequests: '100', rateWindowSeconds: '60' };
    expect(validateEdit(on, EXISTING).patch).toEqual({ rateLimit: { requests: 100, windowSeconds: 60 } });
    const limited = { ...EXISTING, rateLimit: { requests: 100, windowSeconds: 60 } };
    expect(validateEdit(editFormState(limited), limited).patch).toEqual({});
    expect(validateEdit({ ...editFormState(limited), rateLimitOn: false }, limited).patch).toEqual({
      rateLimit: null,
    });
  });
});

describe('words for the server state', () => {
  const status = (overrides: Partial<SyncStatus>): SyncStatus => ({
    state: 'up-to-date',
    waiting: 0,
    reason: null,
    server: null,
    ...overrides,
  });

  it('the top bar badge: hidden without a server, then up to date, N waiting, offline or error with the reason', () => {
    expect(syncStatusText(null)).toBeNull();
    expect(syncStatusText(status({ state: 'not-connected' }))).toBeNull();
    expect(syncStatusText(status({}))).toBe('Up to date');
    expect(syncStatusText(status({ state: 'waiting', waiting: 1 }))).toBe('1 change waiting');
    expect(syncStatusText(status({ state: 'waiting', waiting: 3 }))).toBe('3 changes waiting');
    expect(syncStatusText(status({ state: 'offline', waiting: 2, reason: 'connection refused' }))).toBe(
      'Offline — connection refused',
    );
    expect(syncStatusText(status({ state: 'error', reason: 'this device was revoked' }))).toBe(
      'Sync error — this device was revoked',
    );
  });

  it('usage: outcomes in words, grace that can end after a quiet day, where a test ran', () => {
    expect(outcomeWords('OK')).toBe('Accepted');
    expect(outcomeWords('KEY_REVOKED')).toBe('Refused — key revoked');
    expect(outcomeWords('RATE_LIMITED')).toBe('Rate limited');
    expect(outcomeWords('SOMETHING_NEW')).toBe('SOMETHING_NEW');
    expect(callsWords(3)).toBe('× 3 in that second');
    expect(callsWords(undefined)).toBeNull();
    expect(callsWords(1)).toBeNull();
    const daily = Array.from({ length: 30 }, () => 0);
    expect(graceCanEnd({ keyId: 'k', lastUsedAt: 1, daily, callsLast24h: 0 })).toBe(true);
    expect(graceCanEnd({ keyId: 'k', lastUsedAt: 1, daily, callsLast24h: 2 })).toBe(false);
    expect(graceCanEnd(undefined)).toBe(false);
    expect(testedWhere({ against: 'local', ip: null })).toBe('locally, in this vault');
    expect(testedWhere({ against: 'server', ip: null })).toBe('by the server');
    expect(testedWhere({ against: 'server', ip: '203.0.113.9' })).toBe(
      'by the server, as if from 203.0.113.9',
    );
    expect(testedWhere({ against: 'local', ip: null, unreachable: true })).toBe(
      'locally, in this vault (the server could not be reached)',
    );
  });

  it('the sparkline: scaled to its busiest day, zeros on the base line, and every number in its text', () => {
    const daily = [...Array.from({ length: 28 }, () => 0), 4, 2];
    const points = sparklinePoints(daily, 150, 30).split(' ');
    expect(points).toHaveLength(30);
    expect(points[0]).toBe('2.0,28.0');
    expect(points[28]).toBe('143.0,2.0');
    expect(points[29]).toBe('148.0,15.0');
    expect(sparklinePoints([0, 0], 150, 30)).toBe('2.0,28.0 148.0,28.0');
    expect(sparklineDescription(daily)).toBe(
      `6 accepted calls in the last 30 days; at most 4 on one day; 2 in the last 24 hours. Per day, oldest first: ${daily.join(', ')}.`,
    );
    expect(sparklineDescription([1])).toMatch(/^1 accepted call in the last 1 days/);
  });
});
