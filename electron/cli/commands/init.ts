import type { Command } from 'commander';
import { MASTER_PASSWORD_MIN_LENGTH } from '../../../shared/domain/master-password.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';
import { rememberOnThisDevice, timeFor } from '../vault-access.ts';

/** `keyward init` options. */
export interface InitOptions {
  remember?: boolean;
}

const HELP = `
Creates a new, empty vault at the vault path (see --vault). Refuses, with exit code 5, when a vault is
already there: an existing vault is never overwritten. On a terminal the new master password is asked
twice (no echo); otherwise it comes from --password-stdin or KEYWARD_PASSWORD. At least ${MASTER_PASSWORD_MIN_LENGTH} characters.

--remember also stores a device key in the OS keychain, so later commands on this device need no
password (as after \`keyward unlock --remember\`). Without a usable keychain the vault is still created
and the command exits with code 7.

--json output:
  {"created":true,"path":"…","vaultId":"…","createdAt":"…","remembered":false}`;

/** Creates a vault; with `--remember`, also remembers it on this device. */
export async function runInit(context: CommandContext, options: InitOptions): Promise<CommandResult> {
  const { engine, vault, vaultPath } = context;
  engine.requireNoVault('create');
  const password = await context.passwords.forNewVault();
  // The new password is the proof `--remember` needs; a keychain failure leaves the vault created.
  await rememberOnThisDevice(`The vault was created at ${vaultPath}`, () =>
    engine.create(password, options.remember === true ? { remember: true } : {}),
  );
  const status = await vault.status();
  const remembered = options.remember === true;
  const createdAt =
    status.createdAt === null ? null : timeFor(context, null).at(Date.parse(status.createdAt));
  return {
    json: { created: true, path: vaultPath, vaultId: status.vaultId, createdAt, remembered },
    lines: [
      `Created a vault at ${vaultPath} (id ${status.vaultId ?? '?'}).`,
      remembered
        ? 'Remembered on this device: later commands open it from the OS keychain until `keyward lock`.'
        : 'Every command asks for the master password; `keyward unlock --remember` stores a device key instead.',
    ],
  };
}

/** Adds `init` to the program. */
export function registerInitCommand(program: Command, run: CommandRunner): void {
  program
    .command('init')
    .summary('create a new vault')
    .description('Create a new vault at the vault path.')
    .option('--remember', 'also remember the vault on this device (OS keychain)')
    .addHelpText('after', HELP)
    .action((options: InitOptions, command: Command) => run(command, (context) => runInit(context, options)));
}
