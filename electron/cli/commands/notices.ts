import type { Command } from 'commander';
import type { Notice } from '../../vault/schedule/notices.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';
import type { CliTime } from '../present.ts';
import { KeywardError } from '../../../shared/errors.ts';
import { wholeNumber } from '../arguments.ts';
import { printableLine, table } from '../present.ts';
import { readScheduleFile } from '../../vault/schedule/schedule-file.ts';
import { timeFor, unlockEngine } from '../vault-access.ts';

/** `keyward notices` options. */
export interface NoticesOptions {
  all?: boolean;
  markRead?: boolean;
  markAllRead?: boolean;
  locked?: boolean;
  limit?: number;
  offset?: number;
}

/** How many notices one page shows by default, and at most. */
export const NOTICES_PAGE = { default: 50, max: 1000 } as const;

const HELP = `
Notices the vault has fired: a key expires in 30 days (lead time: setting noticeLeadDays), 7 days
and 1 day; a grace period ends within 3 days; a key expired; an automatic rotation happened or
failed. Opening the vault catches up on everything due while no app or command was running, so the
list is current. Shows unread notices, newest first; --all also read ones. One page at a time:
--limit N (default ${NOTICES_PAGE.default}, at most ${NOTICES_PAGE.max}) from --offset M (default 0); the
last line says how many there are in all and how to see the next page. --mark-read marks the
notices shown as read; --mark-all-read marks every unread notice as read in one call, however many
there are.

--locked reads the unencrypted schedule file beside the vault instead of opening it (no password):
the unread notices as of the last time the vault was open, and the expiry and grace notices due in
the next 100 days. It is what the desktop app's notifications use while the vault is locked; it
holds integration names, kinds and times, never key material.

--json output:
  {"notices":[{"id":"…","kind":"expires-soon"|"grace-ending"|"expired"|"rotated"|"rotation-failed"|
                              "backup-failed",
               "integrationId":"…"|null,"integrationName":"…","keyId":"…"|null,"dueAt":"…",
               "firedAt":"…","read":false,"message":"…"}],
   "total":120,"offset":0,"limit":50,"more":true,"markedRead":0}`;

function noticeJson(notice: Notice, time: CliTime, read: boolean): Record<string, unknown> {
  return {
    id: notice.id,
    kind: notice.kind,
    integrationId: notice.integrationId,
    integrationName: notice.integrationName,
    keyId: notice.keyId,
    dueAt: time.at(notice.dueAt),
    firedAt: time.at(notice.firedAt),
    read,
    message: notice.message,
  };
}

/** Fails with USAGE before any password is asked for when the flags do not fit together. */
function checkNoticesOptions(options: NoticesOptions): void {
  const paging = options.limit !== undefined || options.offset !== undefined;
  if (options.locked === true && (paging || options.markRead === true || options.markAllRead === true)) {
    throw new KeywardError(
      'USAGE',
      '--locked reads the schedule file only: it takes no --limit, --offset or --mark-read.',
    );
  }
  if (options.markRead === true && options.markAllRead === true) {
    throw new KeywardError(
      'USAGE',
      'Give --mark-read (the notices shown) or --mark-all-read (every one), not both.',
    );
  }
  if (options.limit !== undefined && (options.limit < 1 || options.limit > NOTICES_PAGE.max)) {
    throw new KeywardError('USAGE', `--limit must be between 1 and ${NOTICES_PAGE.max}.`);
  }
  if (options.offset !== undefined && options.offset < 0) {
    throw new KeywardError('USAGE', '--offset must be 0 or more.');
  }
}

/** `notices [--all] [--limit N] [--offset M] [--mark-read | --mark-all-read]`. */
export async function runNotices(context: CommandContext, options: NoticesOptions): Promise<CommandResult> {
  checkNoticesOptions(options);
  if (options.locked === true) {
    return lockedNotices(context);
  }
  const { time } = await unlockEngine(context);
  const filter = { unreadOnly: options.all !== true };
  const limit = options.limit ?? NOTICES_PAGE.default;
  const offset = options.offset ?? 0;
  const total = context.engine.noticeCount(filter);
  const notices = context.engine.notices({ ...filter, limit, offset });
  // Marking read refreshes the schedule file's unread list (the engine does it).
  const markedRead =
    options.markAllRead === true
      ? context.engine.markNoticesRead('all')
      : options.markRead === true
        ? context.engine.markNoticesRead(
            notices.filter((notice) => notice.readAt === null).map((notice) => notice.id),
          )
        : 0;
  const readNow = (notice: Notice): boolean =>
    notice.readAt !== null || options.markRead === true || options.markAllRead === true;
  const shownTo = offset + notices.length;
  const more = shownTo < total;
  const nextPage = [
    'keyward notices',
    ...(options.all === true ? ['--all'] : []),
    ...(limit === NOTICES_PAGE.default ? [] : ['--limit', String(limit)]),
    '--offset',
    String(shownTo),
  ].join(' ');
  const what = options.all === true ? 'notices' : 'unread notices';
  const summary =
    notices.length === 0
      ? total === 0
        ? options.all === true
          ? 'No notices.'
          : 'No unread notices (`keyward notices --all` shows read ones too).'
        : `No ${what} from offset ${offset}; there are ${total} in all.`
      : `${what[0]?.toUpperCase()}${what.slice(1)} ${offset + 1}–${shownTo} of ${total}${more ? `; more: \`${nextPage}\`` : '.'}`;
  const lines = [
    ...(notices.length === 0
      ? []
      : context.wide
        ? table(
            ['FIRED', 'KIND', ...(options.all === true ? ['READ'] : []), 'MESSAGE'],
            notices.map((notice) => [
              time.at(notice.firedAt),
              notice.kind,
              ...(options.all === true ? [notice.readAt === null ? 'no' : 'yes'] : []),
              notice.message,
            ]),
          )
        : // 80 columns: one heading line per notice, its message (prose, wrapped by the terminal) below.
          notices.flatMap((notice) => [
            `${time.short(notice.firedAt)}  ${notice.kind}${options.all === true && notice.readAt === null ? '  (unread)' : ''}`,
            `  ${printableLine(notice.message)}`,
          ])),
    summary,
    ...(markedRead > 0 ? [`Marked ${markedRead} notice${markedRead === 1 ? '' : 's'} as read.`] : []),
  ];
  return {
    json: {
      notices: notices.map((notice) => noticeJson(notice, time, readNow(notice))),
      total,
      offset,
      limit,
      more,
      markedRead,
    },
    lines,
  };
}

/** `notices --locked`: from the unencrypted schedule file, without opening the vault. */
function lockedNotices(context: CommandContext): CommandResult {
  context.engine.requireVault();
  const file = readScheduleFile(context.engine.vault.files.schedule);
  const time = timeFor(context, null);
  const upcoming = file.upcoming.map((entry) => ({ ...entry, dueAt: time.at(entry.dueAt) }));
  const unread = file.unread.map((entry) => ({
    ...entry,
    dueAt: time.at(entry.dueAt),
    firedAt: time.at(entry.firedAt),
  }));
  return {
    json: { asOf: time.at(file.generatedAt), unread, upcoming },
    lines: [
      `From the schedule file as of ${time.at(file.generatedAt)} (the vault stays locked).`,
      ...(unread.length === 0
        ? ['No unread notices.']
        : context.wide
          ? table(
              ['FIRED', 'KIND', 'MESSAGE'],
              unread.map((entry) => [entry.firedAt, entry.kind, entry.message]),
            )
          : file.unread.flatMap((entry) => [
              `${time.short(entry.firedAt)}  ${entry.kind}`,
              `  ${printableLine(entry.message)}`,
            ])),
      '',
      ...(upcoming.length === 0
        ? ['Nothing due in the next 100 days.']
        : [
            'Coming up:',
            ...(context.wide
              ? table(
                  ['DUE', 'KIND', 'MESSAGE'],
                  upcoming.map((entry) => [entry.dueAt, entry.kind, entry.message]),
                )
              : file.upcoming.flatMap((entry) => [
                  `${time.short(entry.dueAt)}  ${entry.kind}`,
                  `  ${printableLine(entry.message)}`,
                ])),
          ]),
    ],
  };
}

/** Adds `notices` to the program. */
export function registerNoticesCommand(program: Command, run: CommandRunner): void {
  program
    .command('notices')
    .summary('expiry, grace-end and rotation notices (unread; --all for every one)')
    .description('Show the notices the vault has fired.')
    .option('--all', 'also notices already read')
    .option(
      '--limit <n>',
      `how many to show (default ${NOTICES_PAGE.default}, at most ${NOTICES_PAGE.max})`,
      wholeNumber,
    )
    .option(
      '--offset <n>',
      'skip this many first (the next page: the offset the last line names)',
      wholeNumber,
    )
    .option('--mark-read', 'mark the notices shown as read')
    .option('--mark-all-read', 'mark every unread notice as read, in one call')
    .option('--locked', 'read the schedule file without opening the vault (no password)')
    .addHelpText('after', HELP)
    .action((options: NoticesOptions, command: Command) =>
      run(command, (context) => runNotices(context, options)),
    );
}
