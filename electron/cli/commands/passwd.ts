import type { Command } from 'commander';
import { MASTER_PASSWORD_MIN_LENGTH } from '../../../shared/domain/master-password.ts';
import { KeywardError } from '../../../shared/errors.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';

const HELP = `
Changes the master password and shuts the old one out: the database is re-keyed with a new random
data key, wrapped under the new password (fresh salt). The old password no longer opens the vault,
not even together with an old copy of its header. Backups keep the key they were made with: each
opens only itself, with the master password that was current when it was made. A device key
remembered with --remember keeps working when the OS keychain is reachable during the change;
otherwise run \`keyward unlock --remember\` again. Run it while the desktop app is locked: a session
open elsewhere cannot read the re-keyed vault and has to unlock again.

Passwords: on a terminal it asks for the current one, then the new one twice. Otherwise the current
one comes from line 1 of stdin (--password-stdin) or KEYWARD_PASSWORD, and the new one from line 2
of stdin (--password-stdin) or KEYWARD_NEW_PASSWORD. A wrong current password counts as a failed
unlock (exit code 3). The new password needs at least ${MASTER_PASSWORD_MIN_LENGTH} characters.

  printf '%s\\n%s\\n' "$OLD" "$NEW" | keyward passwd --password-stdin

--json output:
  {"passwordChanged":true,"path":"…","rekeyed":true,"remembered":false}`;

/** Changes the master password: current and new from stdin, the environment, or prompts. */
export async function runPasswd(context: CommandContext): Promise<CommandResult> {
  const { vault, vaultPath } = context;
  context.engine.requireVault();
  const { current, next } = await context.passwords.forChange();
  if (current === next) {
    throw new KeywardError(
      'USAGE',
      'The new master password is the same as the current one; nothing was changed.',
    );
  }
  const rememberedBefore = (await vault.status()).keychain.deviceKeyInHeader;
  const { remembered } = await context.engine.changePassword(current, next);
  return {
    json: { passwordChanged: true, path: vaultPath, rekeyed: true, remembered },
    lines: [
      `Changed the master password of ${vaultPath}.`,
      'The vault was re-keyed with a new data key: the old password no longer opens it.',
      'Each backup still opens only with the master password it was made under.',
      ...(rememberedBefore && !remembered
        ? [
            'It is no longer remembered on this device (the OS keychain did not answer): run `keyward unlock --remember`.',
          ]
        : []),
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
