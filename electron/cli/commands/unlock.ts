import type { Command } from 'commander';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';
import { rememberOnThisDevice, unlockEngine } from '../vault-access.ts';

/** `keyward unlock` options. */
export interface UnlockOptions {
  remember?: boolean;
}

const HELP = `
Opens the vault to check that it can be opened, reports how, and closes it again: a keyward process
keeps nothing in memory after it ends, so "unlocked" outlives a command only as a device key in the
OS keychain.

With a password (--password-stdin, KEYWARD_PASSWORD, or a prompt) it checks the master password.
With none given and the vault remembered on this device, it opens the vault from the OS keychain.
Wrong passwords are counted: after 3 failures each attempt must wait longer (1 s, 2 s, 4 s … 15 min);
the error (exit code 3) says how long, and --json adds "retryAfterSeconds".

--remember stores a fresh device key in the OS keychain, so that later commands on this device need
no password until \`keyward lock\`. It weakens a protection, so it needs the master password: the one
given for this unlock, or (when the vault opened from the keychain) a prompt on a terminal. No usable keychain (e.g. no D-Bus session on Linux): exit code 7,
and the master password keeps working.

--json output:
  {"unlocked":true,"path":"…","vaultId":"…","method":"password"|"keychain","remembered":true}`;

/** Unlocks with the password or the remembered device key, optionally remembers, and reports. */
export async function runUnlock(context: CommandContext, options: UnlockOptions): Promise<CommandResult> {
  const { vault, vaultPath, engine } = context;
  // Remembering weakens a protection: it needs the master password (typed for this unlock, or
  // asked for after a keychain unlock).
  const { method } = await unlockEngine(
    context,
    options.remember === true ? { reauth: { purpose: 'unlock --remember', passwordOnly: true } } : {},
  );
  if (options.remember === true) {
    await rememberOnThisDevice('The master password is right and the vault unlocked', () =>
      engine.remember(),
    );
  }
  const status = await vault.status();
  const remembered = options.remember === true || method === 'keychain' || status.keychain.remembered;
  return {
    json: { unlocked: true, path: vaultPath, vaultId: status.vaultId, method, remembered },
    lines: [
      method === 'keychain'
        ? `Unlocked ${vaultPath} with the device key remembered in the OS keychain.`
        : `Unlocked ${vaultPath} with the master password.`,
      options.remember === true
        ? 'Remembered on this device: later commands need no password until `keyward lock`.'
        : remembered
          ? 'The vault is remembered on this device; `keyward lock` makes every command ask for the password.'
          : 'Nothing stays open after this command; `keyward unlock --remember` skips the password on this device.',
    ],
  };
}

/** Adds `unlock` to the program. */
export function registerUnlockCommand(program: Command, run: CommandRunner): void {
  program
    .command('unlock')
    .summary('check the master password (or the remembered key); --remember to skip it later')
    .description('Open the vault with the master password or the remembered device key, and report.')
    .option(
      '--remember',
      'remember the vault on this device (OS keychain) so later commands need no password',
    )
    .addHelpText('after', HELP)
    .action((options: UnlockOptions, command: Command) =>
      run(command, (context) => runUnlock(context, options)),
    );
}
