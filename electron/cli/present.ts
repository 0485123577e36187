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

  /**
   * {@link at} to the minute, for narrow tables: `2025-11-23 13:44` (local) or `2025-11-23 12:44Z`
   * (UTC); `--wide` tables use {@link at}.
   */
  short(ms: number): string {
    const full = this.at(ms);
    return `${full.slice(0, 10)} ${full.slice(11, 16)}${this.utc ? 'Z' : ''}`;
  }

  /** {@link at}, or null for no time. */
  maybe(ms: number | null): string | null {
    return ms === null ? null : this.at(ms);
  }

  /** Like {@link relative} with the largest unit only, for narrow tables: `in 364 d`, `3 h ago`. */
  rough(ms: number): string {
    const delta = ms - this.now;
    const abs = Math.abs(delta);
    if (abs < 60_000) {
      return 'now';
    }
    const [unit, size] =
      abs >= 86_400_000 ? ['d', 86_400_000] : abs >= 3_600_000 ? ['h', 3_600_000] : ['m', 60_000];
    const n = Math.floor(abs / size);
    return delta > 0 ? `in ${n} ${unit}` : `${n} ${unit} ago`;
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

/** The width tables fit by default (a classic terminal); `--wide` lifts it. */
export const TERMINAL_WIDTH = 80;

/** How a table fits a terminal. */
export interface TableFit {
  /** Total width to fit (default: none, every cell whole). */
  maxWidth?: number | null;
  /**
   * The columns that may be shortened (cells cut with `…`) to fit, e.g. names and messages; the
   * others (ids, times) are always whole. Default: every column.
   */
  flex?: readonly number[];
}

/** `text` cut to `width` characters, the last one `…` when anything was cut. */
function cut(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/**
 * Left-aligned columns separated by two spaces; the header row first. No trailing spaces. With
 * `fit.maxWidth`, the flexible columns are shortened, the widest first, until the table fits (no
 * column below its header's width).
 */
export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  fit: TableFit = {},
): string[] {
  const cells = rows.map((row) => row.map(printableLine));
  const widths = headers.map((header, column) =>
    Math.max([...header].length, ...cells.map((row) => [...(row[column] ?? '')].length)),
  );
  const maxWidth = fit.maxWidth ?? null;
  if (maxWidth !== null) {
    const flex = fit.flex ?? headers.map((_header, column) => column);
    const floor = (column: number): number => Math.max([...(headers[column] ?? '')].length, 4);
    const total = (): number => widths.reduce((sum, width) => sum + width, 0) + 2 * (widths.length - 1);
    while (total() > maxWidth) {
      const widest = flex
        .filter((column) => (widths[column] ?? 0) > floor(column))
        .sort((a, b) => (widths[b] ?? 0) - (widths[a] ?? 0))[0];
      if (widest === undefined) {
        break;
      }
      widths[widest] = (widths[widest] ?? 0) - 1;
    }
  }
  const line = (row: readonly string[]): string =>
    row
      .map((raw, column) => {
        const cell = cut(raw, widths[column] ?? 0);
        return cell.padEnd((widths[column] ?? 0) + cell.length - [...cell].length);
      })
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)];
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
    accepts: integration.accepts,
    rateLimit: integration.rateLimit,
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

/**
 * The keys table (`keys list`, `integrations show`). It fits 80 columns: id, integration, status,
 * when it ends and when it was last used, relative ("in 364 d"). `wide`: every column, with full
 * timestamps and the masked key.
 */
export function keyTable(
  keys: readonly ApiKeyView[],
  time: CliTime,
  integrationName: (integrationId: string) => string,
  wide = false,
): string[] {
  if (wide) {
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
  const ends = (key: ApiKeyView): string => {
    const at =
      key.status === 'active' ? key.expiresAt : key.status === 'grace' ? key.graceEndsAt : key.endedAt;
    return key.status === 'active' && at === null ? 'never' : at === null ? NONE : time.rough(at);
  };
  return table(
    ['KEY ID', 'INTEGRATION', 'STATUS', 'ENDS', 'LAST USED'],
    keys.map((key) => [
      key.id,
      integrationName(key.integrationId),
      key.status,
      ends(key),
      key.lastUsedAt === null ? 'never' : time.rough(key.lastUsedAt),
    ]),
    { maxWidth: TERMINAL_WIDTH, flex: [1] },
  );
}

/** `1 day`, `3 days`. */
export function days(n: number): string {
  return n === 1 ? '1 day' : `${n} days`;
}
