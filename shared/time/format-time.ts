import { KeywardError } from '../errors.ts';

/** How a timestamp is shown (docs/domain-rules.md, "Settings"). */
export interface TimestampOptions {
  /** True: UTC with a `Z` suffix. False: local wall time with its numeric offset. */
  utc: boolean;
  /** IANA time zone for local time (e.g. `Asia/Kolkata`); defaults to the system's. Ignored when `utc`. */
  timeZone?: string;
}

/** Where a token or key stands in its validity window. */
export type ValidityState = 'not-yet-valid' | 'valid' | 'expired' | 'no-expiry';

/** A validity state with its human text, e.g. `{ state: 'expired', text: 'expired 2 d ago' }`. */
export interface Validity {
  state: ValidityState;
  text: string;
}

/** The largest magnitude a JavaScript Date can hold (±100 000 000 days around 1970). */
const MAX_TIME = 8.64e15;
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

const formatters = new Map<string, Intl.DateTimeFormat>();

function checkTime(value: number, label: string): void {
  if (!Number.isFinite(value) || Math.abs(value) > MAX_TIME) {
    throw new KeywardError('INVALID_INPUT', `The ${label} is not a valid point in time.`);
  }
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        era: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      // Not swallowed: Intl's RangeError becomes the typed INVALID_INPUT error below.
      const shown = timeZone.length <= 64 ? ` "${timeZone}"` : '';
      throw new KeywardError('INVALID_INPUT', `Unknown time zone${shown}.`);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`). */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

/**
 * `YYYY-MM-DDTHH:MM:SS` of a whole-second count of milliseconds read as UTC; years outside
 * 0000–9999 in ISO 8601's expanded form (`+010000`, `-000001`), as `Date#toISOString` writes them.
 * Plain arithmetic, so it also works just past the Date range (a local time near its limits).
 */
function wallClock(ms: number): string {
  const days = Math.floor(ms / DAY);
  const secondOfDay = Math.floor((ms - days * DAY) / SECOND);
  const { year, month, day } = civilFromDays(days);
  const yearText =
    year >= 0 && year <= 9999
      ? String(year).padStart(4, '0')
      : `${year < 0 ? '-' : '+'}${String(Math.abs(year)).padStart(6, '0')}`;
  const time = `${pad2(Math.floor(secondOfDay / 3600))}:${pad2(Math.floor(secondOfDay / 60) % 60)}:${pad2(secondOfDay % 60)}`;
  return `${yearText}-${pad2(month)}-${pad2(day)}T${time}`;
}

/**
 * The system zone's UTC offset at `instant`, in whole minutes, from `Date` (the same zone data as
 * `Intl`, but without building an `Intl.DateTimeFormat`: the first one in a process loads ICU's
 * locale data, tens of milliseconds that a one-shot CLI command would pay on every run).
 */
function systemOffsetMinutes(instant: number): number {
  // The local wall time to the second, then as computeOffsetMinutes does with Intl's fields.
  const date = new Date(instant);
  const wall =
    daysFromCivil(date.getFullYear(), date.getMonth() + 1, date.getDate()) * DAY +
    ((date.getHours() * 60 + date.getMinutes()) * 60 + date.getSeconds()) * SECOND;
  return Math.round((wall - instant) / MINUTE);
}

const QUARTER_HOUR = 15 * MINUTE;
const offsetCache = new Map<string, number>();
/**
 * The zone's UTC offset at `instant` in whole minutes, cached per zone and quarter hour (offsets
 * change only on quarter-hour boundaries in every zone in use since 1972).
 */
function offsetMinutes(instant: number, timeZone: string): number {
  const slot = Math.floor(instant / QUARTER_HOUR);
  if (instant >= 63_072_000_000) {
    const cached = offsetCache.get(`${timeZone} ${slot}`);
    if (cached !== undefined) {
      return cached;
    }
  }
  const offset = computeOffsetMinutes(instant, timeZone);
  if (instant >= 63_072_000_000) {
    if (offsetCache.size > 4096) {
      offsetCache.clear();
    }
    offsetCache.set(`${timeZone} ${slot}`, offset);
  }
  return offset;
}

/** The zone's UTC offset at `instant` (whole seconds), in whole minutes. */
function computeOffsetMinutes(instant: number, timeZone: string): number {
  const fields: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    fields[part.type] = part.value;
  }
  const yearOfEra = Number(fields.year);
  const year = fields.era === 'BC' ? 1 - yearOfEra : yearOfEra;
  const wall =
    daysFromCivil(year, Number(fields.month), Number(fields.day)) * DAY +
    ((Number(fields.hour) * 60 + Number(fields.minute)) * 60 + Number(fields.second)) * SECOND;
  // Offsets before standard time (local mean time) have seconds; ISO 8601 offsets cannot.
  return Math.round((wall - instant) / MINUTE);
}

/**
 * Formats an instant the one way the product shows time, to the second (truncated): with `utc`,
 * ISO 8601 UTC `2025-11-23T12:44:11Z`; otherwise ISO 8601 local time with its numeric offset
 * `2025-11-23T14:44:11+02:00` (`+00:00` for a zone at UTC, so the two modes stay distinguishable).
 * Throws `INVALID_INPUT` for a non-finite or out-of-range instant or an unknown time zone.
 */
export function formatTimestamp(epochMs: number, options: TimestampOptions): string {
  checkTime(epochMs, 'timestamp');
  const instant = Math.floor(epochMs / SECOND) * SECOND;
  if (options.utc) {
    return `${wallClock(instant)}Z`;
  }
  const offset =
    options.timeZone === undefined ? systemOffsetMinutes(instant) : offsetMinutes(instant, options.timeZone);
  const sign = offset < 0 ? '-' : '+';
  const magnitude = Math.abs(offset);
  return `${wallClock(instant + offset * MINUTE)}${sign}${pad2(Math.floor(magnitude / 60))}:${pad2(magnitude % 60)}`;
}

/**
 * A duration in the two largest units that matter, truncated: `3 d 4 h`, `2 h`, `5 m 3 s`, `45 s`,
 * or `less than 1 s`. The sign is ignored.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) {
    throw new KeywardError('INVALID_INPUT', 'The duration is not a finite number.');
  }
  const totalSeconds = Math.floor(Math.abs(ms) / SECOND);
  if (totalSeconds === 0) {
    return 'less than 1 s';
  }
  const units: [number, string][] = [
    [Math.floor(totalSeconds / 86_400), 'd'],
    [Math.floor(totalSeconds / 3600) % 24, 'h'],
    [Math.floor(totalSeconds / 60) % 60, 'm'],
    [totalSeconds % 60, 's'],
  ];
  const first = units.findIndex(([value]) => value > 0);
  const [value, unit] = units[first] ?? [0, 's'];
  const [nextValue, nextUnit] = units[first + 1] ?? [0, ''];
  return nextValue > 0 ? `${value} ${unit} ${nextValue} ${nextUnit}` : `${value} ${unit}`;
}

/** When `targetMs` is, seen from `nowMs`: `in 3 d 4 h`, `2 h ago`, `in 45 s`, or `now` (under 1 s). */
export function formatRelative(targetMs: number, nowMs: number): string {
  checkTime(targetMs, 'time');
  checkTime(nowMs, 'current time');
  const delta = targetMs - nowMs;
  if (Math.abs(delta) < SECOND) {
    return 'now';
  }
  const duration = formatDuration(delta);
  return delta > 0 ? `in ${duration}` : `${duration} ago`;
}

/**
 * Where `nowMs` stands between a not-before and an expiry (JWT semantics: valid from `nbf`
 * inclusive until `exp` exclusive), with the text the decoder shows: `valid for 23 h 59 m`,
 * `expired 2 d ago`, `not yet valid (starts in 5 m)`, `valid (no expiry)`.
 */
export function describeValidity(
  nbfMs: number | undefined,
  expMs: number | undefined,
  nowMs: number,
): Validity {
  checkTime(nowMs, 'current time');
  if (nbfMs !== undefined) {
    checkTime(nbfMs, 'not-before time');
  }
  if (expMs !== undefined) {
    checkTime(expMs, 'expiry time');
  }
  if (expMs !== undefined && nowMs >= expMs) {
    const ago = nowMs - expMs;
    return {
      state: 'expired',
      text: ago < SECOND ? 'expired just now' : `expired ${formatDuration(ago)} ago`,
    };
  }
  if (nbfMs !== undefined && nowMs < nbfMs) {
    if (expMs !== undefined && expMs <= nbfMs) {
      return { state: 'not-yet-valid', text: 'never valid: it expires before it starts' };
    }
    return { state: 'not-yet-valid', text: `not yet valid (starts in ${formatDuration(nbfMs - nowMs)})` };
  }
  if (expMs !== undefined) {
    return { state: 'valid', text: `valid for ${formatDuration(expMs - nowMs)}` };
  }
  return { state: 'no-expiry', text: 'valid (no expiry)' };
}
