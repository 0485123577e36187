import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeValidity,
  formatDuration,
  formatRelative,
  formatTimestamp,
} from '../../../../shared/time/format-time.ts';
import { codeOf } from '../../../support/checks.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
/** 2025-11-23T12:44:11.000Z, the example in docs/domain-rules.md ("Settings"). */
const SPEC_INSTANT = Date.UTC(2025, 10, 23, 12, 44, 11);
const ZONES = [
  'UTC',
  'Asia/Kolkata',
  'America/New_York',
  'Europe/Berlin',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/St_Johns',
  'Asia/Kathmandu',
];

describe('formatTimestamp: UTC', () => {
  it('is ISO 8601 to the second with a Z suffix', () => {
    expect(formatTimestamp(SPEC_INSTANT, { utc: true })).toBe('2025-11-23T12:44:11Z');
  });

  it('truncates milliseconds rather than rounding up to the next second', () => {
    expect(formatTimestamp(SPEC_INSTANT + 999, { utc: true })).toBe('2025-11-23T12:44:11Z');
    expect(formatTimestamp(-1, { utc: true })).toBe('1969-12-31T23:59:59Z');
  });

  it('ignores the time zone in UTC mode', () => {
    expect(formatTimestamp(SPEC_INSTANT, { utc: true, timeZone: 'Asia/Kolkata' })).toBe(
      '2025-11-23T12:44:11Z',
    );
  });

  it('agrees with Date#toISOString across the whole Date range (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString();
        expect(formatTimestamp(ms, { utc: true })).toBe(`${iso.slice(0, -5)}Z`);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes years outside 0000–9999 in the expanded form', () => {
    expect(formatTimestamp(8.64e15, { utc: true })).toBe('+275760-09-13T00:00:00Z');
    expect(formatTimestamp(-8.64e15, { utc: true })).toBe('-271821-04-20T00:00:00Z');
    expect(formatTimestamp(Date.parse('0000-01-01T00:00:00Z'), { utc: true })).toBe('0000-01-01T00:00:00Z');
    expect(formatTimestamp(Date.parse('0000-01-01T00:00:00Z') - 1, { utc: true })).toBe(
      '-000001-12-31T23:59:59Z',
    );
  });
});

describe('formatTimestamp: local time with offset', () => {
  it('uses the given zone, with half-hour and quarter-hour offsets', () => {
    expect(formatTimestamp(SPEC_INSTANT, { utc: false, timeZone: 'Asia/Kolkata' })).toBe(
      '2025-11-23T18:14:11+05:30',
    );
    expect(formatTimestamp(SPEC_INSTANT, { utc: false, timeZone: 'Asia/Kathmandu' })).toBe(
      '2025-11-23T18:29:11+05:45',
    );
    expect(formatTimestamp(SPEC_INSTANT, { utc: false, timeZone: 'Europe/Berlin' })).toBe(
      '2025-11-23T13:44:11+01:00',
    );
    expect(formatTimestamp(SPEC_INSTANT, { utc: false, timeZone: 'America/St_Johns' })).toBe(
      '2025-11-23T09:14:11-03:30',
    );
  });

  it('writes +00:00 (not Z) for a zone at UTC, so local mode stays recognisable', () => {
    expect(formatTimestamp(SPEC_INSTANT, { utc: false, timeZone: 'UTC' })).toBe('2025-11-23T12:44:11+00:00');
    expect(formatTimestamp(Date.UTC(2025, 0, 15, 12), { utc: false, timeZone: 'Europe/London' })).toBe(
      '2025-01-15T12:00:00+00:00',
    );
  });

  it('follows America/New_York across the spring-forward change', () => {
    const ny = { utc: false, timeZone: 'America/New_York' };
    // 2025-03-09 02:00 EST → 03:00 EDT (07:00Z).
    expect(formatTimestamp(Date.UTC(2025, 2, 9, 6, 59, 59), ny)).toBe('2025-03-09T01:59:59-05:00');
    expect(formatTimestamp(Date.UTC(2025, 2, 9, 7, 0, 0), ny)).toBe('2025-03-09T03:00:00-04:00');
  });

  it('keeps the repeated hour apart at the fall-back change', () => {
    const ny = { utc: false, timeZone: 'America/New_York' };
    // 2025-11-02 02:00 EDT → 01:00 EST (06:00Z): 01:30 happens twice.
    expect(formatTimestamp(Date.UTC(2025, 10, 2, 5, 30), ny)).toBe('2025-11-02T01:30:00-04:00');
    expect(formatTimestamp(Date.UTC(2025, 10, 2, 6, 30), ny)).toBe('2025-11-02T01:30:00-05:00');
  });

  it('defaults to the system time zone', () => {
    const system = new Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(formatTimestamp(SPEC_INSTANT, { utc: false })).toBe(
      formatTimestamp(SPEC_INSTANT, { utc: false, timeZone: system }),
    );
  });

  it('gives the system zone the same offsets as naming it, without Intl (property, several TZ)', () => {
    const saved = process.env['TZ'];
    try {
      for (const zone of [
        'America/St_Johns',
        'Asia/Kathmandu',
        'Europe/Amsterdam',
        'Australia/Lord_Howe',
        'UTC',
      ]) {
        process.env['TZ'] = zone; // Node re-reads the zone when TZ is set
        fc.assert(
          fc.property(
            fc.oneof(
              fc.integer({ min: Date.UTC(1800, 0, 1), max: Date.UTC(2200, 0, 1) }),
              fc.constantFrom(-8.64e15, 8.64e15, 0, Date.UTC(1937, 6, 1)),
            ),
            (ms) => {
              expect(formatTimestamp(ms, { utc: false })).toBe(
                formatTimestamp(ms, { utc: false, timeZone: zone }),
              );
            },
          ),
          { numRuns: 300 },
        );
      }
    } finally {
      if (saved === undefined) {
        delete process.env['TZ'];
      } else {
        process.env['TZ'] = saved;
      }
    }
  });

  it('always names the same instant it was given, to the second (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }),
        fc.constantFrom(...ZONES),
        (ms, timeZone) => {
          const text = formatTimestamp(ms, { utc: false, timeZone });
          expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
          expect(Date.parse(text)).toBe(Math.floor(ms / 1000) * 1000);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('works at the very ends of the Date range', () => {
    expect(Date.parse(formatTimestamp(-8.64e15, { utc: false, timeZone: 'America/New_York' }))).toBe(
      -8.64e15,
    );
    expect(formatTimestamp(8.64e15, { utc: false, timeZone: 'Asia/Tokyo' })).toBe(
      '+275760-09-13T09:00:00+09:00',
    );
  });

  it('refuses what is not a time, and unknown zones, with INVALID_INPUT', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 8.64e15 + 1]) {
      expect(codeOf(() => formatTimestamp(bad, { utc: true }))).toBe('INVALID_INPUT');
      expect(codeOf(() => formatTimestamp(bad, { utc: false, timeZone: 'UTC' }))).toBe('INVALID_INPUT');
    }
    expect(codeOf(() => formatTimestamp(0, { utc: false, timeZone: 'Mars/Olympus_Mons' }))).toBe(
      'INVALID_INPUT',
    );
    expect(() => formatTimestamp(0, { utc: false, timeZone: 'Mars/Olympus_Mons' })).toThrow(
      'Unknown time zone "Mars/Olympus_Mons".',
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [0, 'less than 1 s'],
    [999, 'less than 1 s'],
    [S, '1 s'],
    [45 * S, '45 s'],
    [5 * M + 3 * S, '5 m 3 s'],
    [2 * H, '2 h'],
    [2 * H + 59 * S, '2 h'],
    [23 * H + 59 * M + 59 * S, '23 h 59 m'],
    [3 * D + 4 * H + 5 * M, '3 d 4 h'],
    [365 * D, '365 d'],
    [-90 * S, '1 m 30 s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('never shows more than two units (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e15, max: 1e15 }), (ms) => {
        expect(formatDuration(ms)).toMatch(/^(less than 1 s|\d+ [dhms]( \d+ [hms])?)$/);
      }),
    );
  });

  it('refuses non-finite durations', () => {
    expect(codeOf(() => formatDuration(Number.NaN))).toBe('INVALID_INPUT');
  });
});

describe('formatRelative', () => {
  const now = SPEC_INSTANT;
  it.each([
    [now + 3 * D + 4 * H, 'in 3 d 4 h'],
    [now - 2 * H, '2 h ago'],
    [now + 45 * S, 'in 45 s'],
    [now + 45 * S + 999, 'in 45 s'],
    [now - 30 * D, '30 d ago'],
    [now, 'now'],
    [now + 999, 'now'],
    [now - 999, 'now'],
  ])('%d → %s', (target, text) => {
    expect(formatRelative(target, now)).toBe(text);
  });

  it('handles the widest gap between two valid times', () => {
    expect(formatRelative(8.64e15, -8.64e15)).toBe('in 200000000 d');
  });

  it('refuses invalid times', () => {
    expect(codeOf(() => formatRelative(Number.NaN, 0))).toBe('INVALID_INPUT');
    expect(codeOf(() => formatRelative(0, Number.POSITIVE_INFINITY))).toBe('INVALID_INPUT');
  });
});

describe('describeValidity', () => {
  const now = SPEC_INSTANT;

  it('valid: how long is left', () => {
    expect(describeValidity(now - M, now + D - M, now)).toEqual({
      state: 'valid',
      text: 'valid for 23 h 59 m',
    });
    expect(describeValidity(undefined, now + 10 * S, now)).toEqual({
      state: 'valid',
      text: 'valid for 10 s',
    });
    expect(describeValidity(now, now + H, now)).toEqual({ state: 'valid', text: 'valid for 1 h' });
  });

  it('expired: how long ago (exp itself is already expired)', () => {
    expect(describeValidity(undefined, now - 2 * D, now)).toEqual({
      state: 'expired',
      text: 'expired 2 d ago',
    });
    expect(describeValidity(now - 3 * D, now - 2 * D - 5 * H, now)).toEqual({
      state: 'expired',
      text: 'expired 2 d 5 h ago',
    });
    expect(describeValidity(undefined, now, now)).toEqual({ state: 'expired', text: 'expired just now' });
  });

  it('not yet valid: when it starts', () => {
    expect(describeValidity(now + 5 * M, now + D, now)).toEqual({
      state: 'not-yet-valid',
      text: 'not yet valid (starts in 5 m)',
    });
    expect(describeValidity(now + 5 * M, undefined, now)).toEqual({
      state: 'not-yet-valid',
      text: 'not yet valid (starts in 5 m)',
    });
  });

  it('says so when a token can never be valid', () => {
    expect(describeValidity(now + H, now + M, now)).toEqual({
      state: 'not-yet-valid',
      text: 'never valid: it expires before it starts',
    });
  });

  it('no expiry', () => {
    expect(describeValidity(undefined, undefined, now)).toEqual({
      state: 'no-expiry',
      text: 'valid (no expiry)',
    });
    expect(describeValidity(now - D, undefined, now)).toEqual({
      state: 'no-expiry',
      text: 'valid (no expiry)',
    });
  });

  it('always answers with a state and text for valid times (property)', () => {
    const time = fc.option(fc.integer({ min: -8.64e15, max: 8.64e15 }), { nil: undefined });
    fc.assert(
      fc.property(time, time, fc.integer({ min: -8.64e15, max: 8.64e15 }), (nbf, exp, current) => {
        const validity = describeValidity(nbf, exp, current);
        expect(['not-yet-valid', 'valid', 'expired', 'no-expiry']).toContain(validity.state);
        expect(validity.text.length).toBeGreaterThan(0);
        if (exp !== undefined && current >= exp) {
          expect(validity.state).toBe('expired');
        }
      }),
    );
  });

  it('refuses invalid times', () => {
    expect(codeOf(() => describeValidity(Number.NaN, undefined, 0))).toBe('INVALID_INPUT');
    expect(codeOf(() => describeValidity(undefined, undefined, Number.NaN))).toBe('INVALID_INPUT');
  });
});
