import type { Command } from 'commander';
import type { Notice } from '../../vault/schedule/notices.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';
import type { CliTime } from '../present.ts';
import { table } from '../present.ts';
import { unlockEngine } from '../vault-access.ts';

/** `keyward notices` options. */
export interface NoticesOptions {
  all?: boolean;
  markRead?: boolean;
}

const HELP = `
Notices the vault has fired: a key expires in 30 days (lead time: setting noticeLeadDays), 7 days
and 1 day; a grace period ends within 3 days; a key expired; an automatic rotation happened or
failed. Opening the vault catches up on everything due while no app or command was running, so the
list is current. Shows unread notices, newest first; --all also read ones. --mark-read marks the
notices shown as read.

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
  const { services, time } = await unlockEngine(context);
  const notices = services.notices.list({ unreadOnly: options.all !== true });
  let markedRead = 0;
  if (options.markRead === true) {
    for (const notice of notices) {
      if (notice.readAt === null) {
        markedRead += services.notices.markRead(notice.id);
      }
    }
  }
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

/** Adds `notices` to the program. */
export function registerNoticesCommand(program: Command, run: CommandRunner): void {
  program
    .command('notices')
    .summary('expiry, grace-end and rotation notices (unread; --all for every one)')
    .description('Show the notices the vault has fired.')
    .option('--all', 'also notices already read')
    .option('--mark-read', 'mark the notices shown as read')
    .addHelpText('after', HELP)
    .action((options: NoticesOptions, command: Command) =>
      run(command, (context) => runNotices(context, options)),
    );
}
