import type { Command } from 'commander';
import { KeywardError } from '../../../shared/errors.ts';
import type { BackupInfo } from '../../vault/backup/backup-service.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';
import type { CliTime } from '../present.ts';
import { printableLine, table } from '../present.ts';
import { timeFor, unlockEngine } from '../vault-access.ts';

const GROUP_HELP = `
Encrypted backups of the vault, in the "backups" folder beside it: one a day is made automatically
whenever the vault is opened (by the app or any keyward command) and the last one is older than a
day, and they are kept 14 days. Each backup opens only itself, with the master password that was
current when it was made: after \`keyward passwd\` the vault is re-keyed, so an old backup (or its
header) and the old password never open the live vault. Backup files are readable by you only.`;

const NOW_HELP = `
Makes a backup now (a consistent online copy, encrypted like the vault).

--json output:
  {"backup":{"name":"keyward-20261123T120000123Z","createdAt":"…","bytes":40960,"path":"…"}}`;

const LIST_HELP = `
The backups beside the vault, newest first. Needs no password (and works without a vault, to find
one to restore); timestamps are local unless --utc.

--json output:
  {"directory":"…","backups":[{"name":"…","createdAt":"…","bytes":40960,"path":"…"}]}`;

const RESTORE_HELP = `
Replaces the vault with backup NAME (see \`keyward backup list\`). Asks for the master password the
backup was made with (--password-stdin, KEYWARD_PASSWORD, or a prompt); the backup is opened and
checked before anything moves. Wrong passwords count like failed unlocks (after 3, each attempt waits
longer: exit 3 with the wait), and while the vault is open the password is also checked as a
re-authentication, logged. The current vault is never deleted: it is kept beside it as
<vault>.before-restore-<time>, and the command prints where. The restored vault is not remembered
on this device: run \`keyward unlock --remember\` again if you want that.

--json output:
  {"restored":"keyward-…","path":"…","previous":"…"|null}`;

function backupJson(backup: BackupInfo, time: CliTime): Record<string, unknown> {
  return { name: backup.name, createdAt: time.at(backup.createdAt), bytes: backup.bytes, path: backup.path };
}

function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** `backup now`. */
export async function runBackupNow(context: CommandContext): Promise<CommandResult> {
  const { time } = await unlockEngine(context);
  const backup = context.engine.backupNow();
  return {
    json: { backup: backupJson(backup, time) },
    lines: [`Backed up to ${backup.name} (${size(backup.bytes)}): ${backup.path}`],
  };
}

/** `backup list`: works while locked. */
export function runBackupList(context: CommandContext): Promise<CommandResult> {
  const backups = context.engine.listBackups();
  const directory = context.engine.backupDirectory();
  const time = timeFor(context, null);
  return Promise.resolve({
    json: { directory, backups: backups.map((backup) => backupJson(backup, time)) },
    lines:
      backups.length === 0
        ? [`No backups in ${directory}.`]
        : [
            ...table(
              ['NAME', 'CREATED', 'SIZE'],
              backups.map((backup) => [backup.name, time.at(backup.createdAt), size(backup.bytes)]),
            ),
            `${backups.length} backup${backups.length === 1 ? '' : 's'} in ${directory}.`,
          ],
  });
}

/** `backup restore NAME`. */
export async function runBackupRestore(context: CommandContext, name: string): Promise<CommandResult> {
  // No such backup: say so before asking for its password (the engine checks again).
  if (!context.engine.listBackups().some((backup) => backup.name === name)) {
    throw new KeywardError(
      'NOT_FOUND',
      `No backup named "${printableLine(name.slice(0, 80))}"; see \`keyward backup list\`.`,
    );
  }
  const password = await context.passwords.current();
  const { previous } = await context.engine.restoreBackup(name, password);
  return {
    json: { restored: name, path: context.vaultPath, previous },
    lines: [
      `Restored ${name} to ${context.vaultPath}.`,
      previous === null
        ? 'There was no vault at that path before.'
        : `The previous vault was kept at ${previous} (with its .header).`,
      'The restored vault is not remembered on this device; `keyward unlock --remember` remembers it again.',
    ],
  };
}

/** Adds `backup now|list|restore` to the program. */
export function registerBackupCommand(program: Command, run: CommandRunner): void {
  const group = program
    .command('backup')
    .summary('make, list or restore encrypted backups')
    .description('Encrypted backups of the vault.')
    .addHelpText('after', GROUP_HELP);

  group
    .command('now')
    .summary('make a backup now')
    .description('Make a backup now.')
    .addHelpText('after', NOW_HELP)
    .action((_options: unknown, command: Command) => run(command, runBackupNow));

  group
    .command('list')
    .summary('the backups, newest first (no password needed)')
    .description('List the backups.')
    .addHelpText('after', LIST_HELP)
    .action((_options: unknown, command: Command) => run(command, runBackupList));

  group
    .command('restore')
    .summary('replace the vault with a backup (the current one is kept aside)')
    .description('Restore a backup.')
    .argument('<name>', 'the backup’s name (keyward backup list)')
    .addHelpText('after', RESTORE_HELP)
    .action((name: string, _options: unknown, command: Command) =>
      run(command, (context) => runBackupRestore(context, name)),
    );
}
