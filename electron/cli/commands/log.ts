import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { KeywardError } from '../../../shared/errors.ts';
import type { ActivityEntry } from '../../vault/audit/activity-log.ts';
import { detailsFor, entryJson } from '../../vault/audit/log-export.ts';
import { wholeNumber } from '../arguments.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';
import type { CliTime } from '../present.ts';
import { NONE, table, TERMINAL_WIDTH } from '../present.ts';
import { unlockEngine } from '../vault-access.ts';

/** `keyward log` options. */
export interface LogOptions {
  limit?: number;
  unlocks?: boolean;
  verify?: boolean;
  export?: string;
  format?: 'json' | 'csv';
}

/** How many entries `log` shows by default. */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100_000;

const HELP = `
The activity log: append-only and hash-chained (each entry carries the SHA-256 of the one before),
never any key material. Without options: the newest entries (--limit, default ${DEFAULT_LIMIT}),
without the successful unlocks (every CLI command opens the vault, so they would be most of it):
the last line says how many were left out; --unlocks shows them. Failed unlocks are always shown.
The table fits 80 columns (SEQ, TIME to the minute, ACTION, OUTCOME, INTEGRATION, DETAILS; cut with
"…"); --wide adds the actor and the key id, shows full timestamps and cuts nothing.

--verify walks the whole chain. Intact: "OK" and the number of entries, exit 0. An entry edited,
reordered or deleted: one line naming the first bad entry, exit code 8 (code LOG_TAMPERED).

--export FILE writes every entry, oldest first, as a JSON array or a CSV file with a header row
(--format, default from the file name: .csv → csv, else json); timestamps as everywhere (UTC with
--utc or the vault's utc setting). Never overwrites a file. Logged as log.export. CSV cells that a
spreadsheet would run as a formula (starting with = + - @) get a leading '.

--json output:
  log            {"entries":[{"seq":12,"at":"…","actor":"alice@cli","action":"key.rotate",
                  "outcome":"success","integrationId":"…"|null,"integrationName":"…"|null,
                  "keyId":"…"|null,"details":{…},"prevHash":"…","hash":"…"}],
                  "unlocksHidden":7}   (newest first; unlocksHidden: 0 with --unlocks)
  log --verify   {"verified":true,"entries":12,"headHash":"…"}
  log --export   {"exported":true,"file":"…","format":"csv","entries":12}`;

/** Integration names of these entries (id → name), for `entryJson`. */
function integrationNames(
  entries: readonly { integrationId: string | null; integrationName: string | null }[],
) {
  const names = new Map<string, string>();
  for (const { integrationId, integrationName } of entries) {
    if (integrationId !== null && integrationName !== null) {
      names.set(integrationId, integrationName);
    }
  }
  return names;
}

function describeDetails(details: ActivityEntry['details'], time: CliTime): string {
  return Object.entries(detailsFor(details, time))
    .map(([name, value]) => `${name}=${String(value)}`)
    .join(' ');
}

async function runVerify(context: CommandContext): Promise<CommandResult> {
  await unlockEngine(context);
  const verdict = context.engine.verifyLog();
  if (!verdict.ok) {
    throw new KeywardError(
      'LOG_TAMPERED',
      `The activity log does not verify: ${verdict.reason} (first bad entry: #${verdict.firstBadSeq}; ${verdict.entries} entries read).`,
    );
  }
  return {
    json: { verified: true, entries: verdict.entries, headHash: verdict.headHash },
    lines: [
      `OK: the activity log verifies: ${verdict.entries} entries, each chained to the one before (head ${verdict.headHash.slice(0, 16)}…).`,
    ],
  };
}

async function runExport(
  context: CommandContext,
  target: string,
  format: 'json' | 'csv',
): Promise<CommandResult> {
  const file = resolve(target);
  const { time } = await unlockEngine(context);
  const { entries } = context.engine.exportLog(file, format, { utc: time.utc });
  return {
    json: { exported: true, file, format, entries },
    lines: [`Exported ${entries} activity-log entries to ${file} (${format}).`],
  };
}

/** `log [--limit N] [--verify] [--export FILE [--format json|csv]]`. */
export async function runLog(context: CommandContext, options: LogOptions): Promise<CommandResult> {
  if (options.verify === true && options.export !== undefined) {
    throw new KeywardError('USAGE', 'Give --verify or --export, not both.');
  }
  if (options.format !== undefined && options.export === undefined) {
    throw new KeywardError('USAGE', '--format goes with --export FILE.');
  }
  if (options.unlocks === true && (options.export !== undefined || options.verify === true)) {
    throw new KeywardError('USAGE', '--unlocks is for listing entries; --verify and --export read them all.');
  }
  if (options.limit !== undefined && (options.export !== undefined || options.verify === true)) {
    throw new KeywardError('USAGE', '--limit is for listing entries; --verify and --export read them all.');
  }
  if (options.verify === true) {
    return runVerify(context);
  }
  if (options.export !== undefined) {
    if (options.export.trim() === '') {
      throw new KeywardError('USAGE', '--export needs a file name.');
    }
    if (existsSync(resolve(options.export))) {
      // exportActivityLog refuses too; here it spares asking for a password that cannot help.
      throw new KeywardError(
        'INVALID_STATE',
        `${resolve(options.export)} already exists; choose a new file name.`,
      );
    }
    const format = options.format ?? (/\.csv$/i.test(options.export) ? 'csv' : 'json');
    return runExport(context, options.export, format);
  }
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (limit < 1 || limit > MAX_LIMIT) {
    throw new KeywardError('USAGE', `--limit must be between 1 and ${MAX_LIMIT}.`);
  }
  const { time } = await unlockEngine(context);
  const showUnlocks = options.unlocks === true;
  const entries = context.engine.activity({
    limit,
    ...(showUnlocks ? {} : { excludeAction: 'vault.unlock' }),
  });
  const names = integrationNames(entries);
  const oldest = entries.at(-1)?.seq ?? Number.MAX_SAFE_INTEGER;
  const unlocksHidden = showUnlocks ? 0 : context.engine.countActivity('vault.unlock', oldest);
  const integrationOf = (entry: ActivityEntry): string =>
    entry.integrationId === null ? NONE : (names.get(entry.integrationId) ?? entry.integrationId);
  const rows = context.wide
    ? table(
        ['SEQ', 'TIME', 'ACTOR', 'ACTION', 'OUTCOME', 'INTEGRATION', 'KEY ID', 'DETAILS'],
        entries.map((entry) => [
          String(entry.seq),
          time.at(entry.at),
          entry.actor,
          entry.action,
          entry.outcome,
          integrationOf(entry),
          entry.keyId ?? NONE,
          describeDetails(entry.details, time) || NONE,
        ]),
      )
    : table(
        ['SEQ', 'TIME', 'ACTION', 'OUTCOME', 'INTEGRATION', 'DETAILS'],
        entries.map((entry) => [
          String(entry.seq),
          time.short(entry.at),
          entry.action,
          entry.outcome,
          integrationOf(entry),
          describeDetails(entry.details, time) || NONE,
        ]),
        { maxWidth: TERMINAL_WIDTH, flex: [2, 4, 5] },
      );
  return {
    json: { entries: entries.map((entry) => entryJson(entry, time, names)), unlocksHidden },
    lines: [
      ...(entries.length === 0 ? ['No entries.'] : rows),
      ...(unlocksHidden > 0
        ? [
            `(${unlocksHidden} unlock${unlocksHidden === 1 ? '' : 's'} in this range not shown; \`keyward log --unlocks\` shows them.)`,
          ]
        : []),
    ],
  };
}

/** Adds `log` to the program. */
export function registerLogCommand(program: Command, run: CommandRunner): void {
  program
    .command('log')
    .summary('the activity log: list, --verify the hash chain, --export as JSON or CSV')
    .description('Show, verify or export the activity log.')
    .option('--limit <n>', `how many of the newest entries to show (default ${DEFAULT_LIMIT})`, wholeNumber)
    .option('--unlocks', 'also show the successful unlocks (left out by default)')
    .option('--verify', 'check the hash chain; exit 8 naming the first bad entry if it fails')
    .option('--export <file>', 'write every entry to FILE (never overwrites)')
    .addOption(
      new Option('--format <format>', 'export format (default: from the file name)').choices(['json', 'csv']),
    )
    .addHelpText('after', HELP)
    .action((options: LogOptions, command: Command) => run(command, (context) => runLog(context, options)));
}
