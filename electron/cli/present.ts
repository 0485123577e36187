import type { ApiKeyView } from '../../shared/domain/api-key.ts';
import type { Integration } from '../../shared/domain/integration.ts';
import { formatRelative, formatTimestamp } from '../../shared/time/format-time.ts';

/** Shown in a table cell that has no value. */
export const NONE = '—';

/**
 * How one command prints time: every timestamp through `formatTimestamp` (UTC with `Z`, or local
 * time with offset), durations relative to one `now` so a table never mixes two moments.
 */
export class CliTime {
  readonly utc: boolean;
  readonly now: number;

  constructor(utc: boolean, now: number) {
    this.utc = utc;
    this.now = now;
  }

  /** `2025-11-23T12:44:11Z` or `2025-11-23T13:44:11+01:00`. */
  at(ms: number): string {
    return formatTimestamp(ms, { utc: this.utc });
  }

  /** {@link at}, or null for no time. */
  maybe(ms: number | null): string | null {
    return ms === null ? null : this.at(ms);
  }

  /** `in 3 d 4 h`, `2 h ago`, `now`. */
  relative(ms: number): string {
    return formatRelative(ms, this.now);
  }
}

/**
 * Text from the vault (names, notes, log details) made safe for a terminal: control characters
 * other than tab and newline become `\xNN`, so stored text can never drive the terminal.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (char) => {
    return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/** {@link printable} on one line: newlines and tabs shown as `\n` and `\t`. */
export function printableLine(text: string): string {
  return printable(text).replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}

/** Left-aligned columns separated by two spaces; the header row first. No trailing spaces. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((header, column) =>
    Math.max([...header].length, ...rows.map((row) => [...(row[column] ?? '')].length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd((widths[column] ?? 0) + cell.length - [...cell].length))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map((row) => line(row.map(printableLine)))];
}

/** An integration in `--json` output (never key material). */
export function integrationJson(integration: Integration, time: CliTime): Record<string, unknown> {
  return {
    id: integration.id,
    name: integration.name,
    platform: integration.platform,
    website: integration.website,
    ipAcl: integration.ipAcl,
    prefix: integration.prefix,
    rotationDays: integration.rotationDays,
    graceDays: integration.graceDays,
    neverExpire: integration.neverExpire,
    enabled: integration.enabled,
    notes: integration.notes,
    createdAt: time.at(integration.createdAt),
    updatedAt: time.at(integration.updatedAt),
  };
}

/** A key in `--json` output: masked only. */
export function keyJson(key: ApiKeyView, time: CliTime): Record<string, unknown> {
  return {
    id: key.id,
    integrationId: key.integrationId,
    masked: key.masked,
    status: key.status,
    createdAt: time.at(key.createdAt),
    expiresAt: time.maybe(key.expiresAt),
    graceEndsAt: time.maybe(key.graceEndsAt),
    endedAt: time.maybe(key.endedAt),
    lastUsedAt: time.maybe(key.lastUsedAt),
    replacedBy: key.replacedBy,
  };
}

/** When a key stops being accepted, in words: `expires 2026-… (in 365 d)`, `never expires`, … */
export function describeKeyEnd(key: ApiKeyView, time: CliTime): string {
  switch (key.status) {
    case 'active':
      return key.expiresAt === null
        ? 'never expires'
        : `expires ${time.at(key.expiresAt)} (${time.relative(key.expiresAt)})`;
    case 'grace':
      return key.graceEndsAt === null
        ? 'in its grace period'
        : `still accepted until ${time.at(key.graceEndsAt)} (${time.relative(key.graceEndsAt)})`;
    case 'revoked':
      return `revoked${key.endedAt === null ? '' : ` ${time.at(key.endedAt)}`}; no longer accepted`;
    case 'expired':
      return `expired${key.endedAt === null ? '' : ` ${time.at(key.endedAt)}`}; no longer accepted`;
  }
}

/** The keys table (`keys list`, `integrations show`). */
export function keyTable(
  keys: readonly ApiKeyView[],
  time: CliTime,
  integrationName: (integrationId: string) => string,
): string[] {
  return table(
    ['KEY ID', 'INTEGRATION', 'KEY', 'STATUS', 'CREATED', 'EXPIRES', 'GRACE ENDS', 'LAST USED'],
    keys.map((key) => [
      key.id,
      integrationName(key.integrationId),
      key.masked,
      key.status,
      time.at(key.createdAt),
      key.status === 'active' ? (key.expiresAt === null ? 'never' : time.at(key.expiresAt)) : NONE,
      key.graceEndsAt === null ? NONE : time.at(key.graceEndsAt),
      key.lastUsedAt === null ? NONE : time.at(key.lastUsedAt),
    ]),
  );
}

/** `1 day`, `3 days`. */
export function days(n: number): string {
  return n === 1 ? '1 day' : `${n} days`;
}
