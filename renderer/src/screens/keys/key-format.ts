// How the Keys screen words keys and times. Pure: every timestamp goes through the TimeFormat the
// caller got from useTimeFormat(), so the ISO 8601 UTC setting applies everywhere.
import type { ApiKeyView } from '../../../../shared/domain/api-key.ts';
import type { Platform } from '../../../../shared/domain/integration.ts';
import type { TimeFormat } from '../../time/use-time.ts';

const DAY_MS = 86_400_000;

/** A time as a table cell shows it: short text, the full timestamp as its title, and a tone. */
export interface TimeText {
  text: string;
  /** The full timestamp (or a sentence) for the tooltip; null when there is no time. */
  title: string | null;
  tone: 'normal' | 'muted' | 'warn' | 'danger';
}

/** Platform names as people write them. */
export const PLATFORM_LABELS: Record<Platform, string> = {
  web: 'Web',
  mobile: 'Mobile',
  desktop: 'Desktop',
  server: 'Server',
  other: 'Other',
};

/** "1 day", "30 days". */
export function days(count: number): string {
  return count === 1 ? '1 day' : `${count} days`;
}

/**
 * "Expires in": the active key's expiry relative to now ("in 3 d 4 h", warn under 7 days, danger
 * under 1), "Never" for a key that never expires; a replaced key shows when it ended, or that its
 * grace carries it (the next column).
 */
export function expiresText(key: ApiKeyView, now: number, time: TimeFormat): TimeText {
  if (key.status === 'grace') {
    return {
      text: 'Replaced',
      title: 'Replaced by a newer key; accepted until its grace ends',
      tone: 'muted',
    };
  }
  if (key.status === 'expired' || key.status === 'revoked') {
    const ended = key.endedAt ?? key.expiresAt;
    return ended === null
      ? { text: 'Ended', title: null, tone: 'muted' }
      : { text: `ended ${time.relative(ended, now)}`, title: time.at(ended), tone: 'muted' };
  }
  if (key.expiresAt === null) {
    return { text: 'Never', title: 'This key never expires', tone: 'warn' };
  }
  const left = key.expiresAt - now;
  return {
    text: left <= 0 ? 'due now' : time.relative(key.expiresAt, now),
    title: time.at(key.expiresAt),
    tone: left < DAY_MS ? 'danger' : left < 7 * DAY_MS ? 'warn' : 'normal',
  };
}

/** "Grace ends": only a key in grace has one ahead; an ended grace is shown muted. */
export function graceText(key: ApiKeyView, now: number, time: TimeFormat): TimeText {
  if (key.graceEndsAt === null) {
    return { text: '—', title: null, tone: 'muted' };
  }
  const ahead = key.graceEndsAt > now;
  return {
    text: time.relative(key.graceEndsAt, now),
    title: time.at(key.graceEndsAt),
    tone:
      ahead && key.status === 'grace' ? (key.graceEndsAt - now < 3 * DAY_MS ? 'danger' : 'warn') : 'muted',
  };
}

/** "Last used": from the verify log or a test; "Never used" when neither. */
export function lastUsedText(key: ApiKeyView, now: number, time: TimeFormat): TimeText {
  return key.lastUsedAt === null
    ? { text: 'Never used', title: null, tone: 'muted' }
    : { text: time.relative(key.lastUsedAt, now), title: time.at(key.lastUsedAt), tone: 'normal' };
}

/** "Created": the date part of the full timestamp (local or UTC as set), the full one as title. */
export function createdText(key: ApiKeyView, time: TimeFormat): TimeText {
  const full = time.at(key.createdAt);
  return { text: full.slice(0, 10), title: full, tone: 'normal' };
}
