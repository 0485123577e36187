// The activity log's export, shared by `keyward log --export` and the desktop's Activity screen:
// every entry, oldest first, as JSON or CSV (spreadsheet formulas defused), into a NEW file, and
// the export itself logged. Never key material: the log holds none (activity-log.ts refuses it).
import { writeFileSync } from 'node:fs';
import { KeywardError } from '../../../shared/errors.ts';
import type { ActivityEntry, ActivityLog } from './activity-log.ts';

/** The export's formats. */
export type LogExportFormat = 'json' | 'csv';

const CSV_COLUMNS = [
  'seq',
  'at',
  'actor',
  'action',
  'outcome',
  'integrationId',
  'integrationName',
  'keyId',
  'details',
  'prevHash',
  'hash',
] as const;

/** An entry as printed and exported: times formatted, integration named. */
export type ExportRow = Record<
  (typeof CSV_COLUMNS)[number],
  string | number | null | Record<string, string | number | boolean | null>
>;

/** Details as printed: numbers under a name ending in `At` are times, so they are formatted like every time. */
export function detailsFor(
  details: ActivityEntry['details'],
  time: { at: (epochMs: number) => string },
): Record<string, string | number | boolean | null> {
  return Object.fromEntries(
    Object.entries(details).map(([name, value]) => [
      name,
      /At$/.test(name) && typeof value === 'number' && Number.isFinite(value) ? time.at(value) : value,
    ]),
  );
}

/** One entry as `--json` and the JSON export show it. */
export function entryJson(
  entry: ActivityEntry,
  time: { at: (epochMs: number) => string },
  names: Map<string, string>,
): ExportRow {
  return {
    seq: entry.seq,
    at: time.at(entry.at),
    actor: entry.actor,
    action: entry.action,
    outcome: entry.outcome,
    integrationId: entry.integrationId,
    integrationName: entry.integrationId === null ? null : (names.get(entry.integrationId) ?? null),
    keyId: entry.keyId,
    details: detailsFor(entry.details, time),
    prevHash: entry.prevHash,
    hash: entry.hash,
  };
}

/** One CSV cell (details as JSON): quoted when needed, and defused when a spreadsheet would run it as a formula. */
export function csvCell(value: ExportRow[keyof ExportRow]): string {
  if (value === null) {
    return '';
  }
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function writeNewFile(file: string, text: string): void {
  try {
    writeFileSync(file, text, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new KeywardError('INVALID_STATE', `${file} already exists; choose a new file name.`);
    }
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new KeywardError('NOT_FOUND', `The folder of ${file} does not exist.`);
    }
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'EISDIR') {
      throw new KeywardError('INVALID_STATE', `Cannot write ${file} (${code}).`);
    }
    throw error;
  }
}

/**
 * Writes every entry of `log` to `file` (which must not exist yet) and logs the export. `at`
 * formats instants (the UTC setting); `names` maps integration ids to names.
 */
export function exportActivityLog(args: {
  log: ActivityLog;
  file: string;
  format: LogExportFormat;
  time: { at: (epochMs: number) => string };
  names: Map<string, string>;
  actor: string;
}): { entries: number } {
  const rows = args.log.all().map((entry) => entryJson(entry, args.time, args.names));
  const text =
    args.format === 'json'
      ? `${JSON.stringify(rows, null, 2)}\n`
      : [
          CSV_COLUMNS.join(','),
          ...rows.map((row) => CSV_COLUMNS.map((column) => csvCell(row[column])).join(',')),
        ]
          .map((line) => `${line}\r\n`)
          .join('');
  writeNewFile(args.file, text);
  args.log.append({
    actor: args.actor,
    action: 'log.export',
    outcome: 'success',
    details: { format: args.format, entries: rows.length },
  });
  return { entries: rows.length };
}
