import type { Command } from 'commander';
import type { Notice } from '../../vault/schedule/notices.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';
import type { CliTime } from '../present.ts';
import { table } from '../present.ts';
import { readScheduleFile } from '../../vault/schedule/schedule-file.ts';
import { timeFor, unlockEngine } from '../vault-access.ts';

/** `keyward notices` options. */
export interface NoticesOptions {
  all?: boolean;
  markRead?: boolean;
  locked?: boolean;
}

const HELP = `
Notices the vault has fired: a key expires in 30 days (lead time: setting noticeLeadDays), 7 days
and 1 day; a grace period ends within 3 days; a key expired; an automatic rotation happened or
failed. Opening the vault catches up on everything due while no app or command was running, so the
list is current. Shows unread notices, newest first; --all also read ones. --mark-read marks the
notices shown as read.

--locked reads the unencrypted schedule file beside the vault instead of opening it (no password):
the unread notices as of the last time the vault was open, and the expiry and grace notices due in
the next 100 days. It is what the desktop app's notifications use while the vault is locked; it
holds integration names, kinds and times, never key material.

--json output:
  {"notices":[{"id":"…","kind":"expires-soon"|"grace-ending"|"expired"|"rotated"|"rotation-failed",
               "integrationId":"…","integrationName":"…","keyId":"…"|null,"dueAt":"…",
               "firedAt":"…","read":false,"message":"…"}],"markedRead":0}`;

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

/** `notices [--all] [--mark-read]`. */
export async function runNotices(context: CommandContext, options: NoticesOptions): Promise<CommandResult> {
  if (options.locked === true) {
    return lockedNotices(context);
  }
  const { time } = await unlockEngine(context);
  const notices = context.engine.notices({ unreadOnly: options.all !== true });
  const markedRead =
    options.markRead === true
      ? context.engine.markNoticesRead(
          notices.filter((notice) => notice.readAt === null).map((notice) => notice.id),
        )
      : 0;
  const readNow = (notice: Notice): boolean => notice.readAt !== null || options.markRead === true;
  const lines =
    notices.length === 0
      ? [
          options.all === true
            ? 'No notices.'
            : 'No unread notices (`keyward notices --all` shows read ones too).',
        ]
      : [
          ...table(
            ['FIRED', 'KIND', ...(options.all === true ? ['READ'] : []), 'MESSAGE'],
            notices.map((notice) => [
              time.at(notice.firedAt),
              notice.kind,
              ...(options.all === true ? [notice.readAt === null ? 'no' : 'yes'] : []),
              notice.message,
            ]),
          ),
          ...(markedRead > 0 ? [`Marked ${markedRead} notice${markedRead === 1 ? '' : 's'} as read.`] : []),
        ];
  return {
    json: { notices: notices.map((notice) => noticeJson(notice, time, readNow(notice))), markedRead },
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
      `From the schedule file (as of ${time.at(file.generatedAt)}; the vault stays locked).`,
      ...(unread.length === 0
        ? ['No unread notices.']
        : table(
            ['FIRED', 'KIND', 'MESSAGE'],
            unread.map((entry) => [entry.firedAt, entry.kind, entry.message]),
          )),
      '',
      ...(upcoming.length === 0
        ? ['Nothing due in the next 100 days.']
        : [
            'Coming up:',
            ...table(
              ['DUE', 'KIND', 'MESSAGE'],
              upcoming.map((entry) => [entry.dueAt, entry.kind, entry.message]),
            ),
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
    .option('--mark-read', 'mark the notices shown as read')
    .option('--locked', 'read the schedule file without opening the vault (no password)')
    .addHelpText('after', HELP)
    .action((options: NoticesOptions, command: Command) =>
      run(command, (context) => runNotices(context, options)),
    );
}
