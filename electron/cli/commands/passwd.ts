import type { Command } from 'commander';
import { KeywardError } from '../../../shared/errors.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';
import { assertVaultExists } from '../vault-access.ts';

const HELP = `
Changes the master password. The data key is re-wrapped under the new password (fresh salt); the
database is not re-encrypted, and a device key remembered with --remember keeps working.

Passwords: on a terminal it asks for the current one, then the new one twice. Otherwise the current
one comes from line 1 of stdin (--password-stdin) or KEYWARD_PASSWORD, and the new one from line 2
of stdin (--password-stdin) or KEYWARD_NEW_PASSWORD. A wrong current password counts as a failed
unlock (exit code 3). The new password needs at least 8 characters.

  printf '%s\\n%s\\n' "$OLD" "$NEW" | keyward passwd --password-stdin

--json output:
  {"passwordChanged":true,"path":"…"}`;

/** Changes the master password: current and new from stdin, the environment, or prompts. */
export async function runPasswd(context: CommandContext): Promise<CommandResult> {
  const { vault, vaultPath } = context;
  assertVaultExists(vault);
  const { current, next } = await context.passwords.forChange();
  if (current === next) {
    throw new KeywardError(
      'USAGE',
      'The new master password is the same as the current one; nothing was changed.',
    );
  }
  await context.engine.changePassword(current, next);
  return {
    json: { passwordChanged: true, path: vaultPath },
    lines: [
      `Changed the master password of ${vaultPath}.`,
      'The data key was re-wrapped; the database was not re-encrypted. The old password no longer opens it.',
    ],
  };
}

/** Adds `passwd` to the program. */
export function registerPasswdCommand(program: Command, run: CommandRunner): void {
  program
    .command('passwd')
    .summary('change the master password')
    .description('Change the master password of the vault.')
    .addHelpText('after', HELP)
    .action((_options: unknown, command: Command) => run(command, runPasswd));
}
