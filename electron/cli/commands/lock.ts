import type { Command } from 'commander';
import { KeywardError } from '../../../shared/errors.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';

const HELP = `
Forgets the vault on this device: removes the device key that \`unlock --remember\` stored (first the
copy in the vault header, then the OS keychain entry), so the next command needs the master password.
Needs no password. A keyward process never keeps the vault open between commands, so there is no
other state to clear. Succeeds (forgotten: false) when the vault was not remembered.

--json output:
  {"locked":true,"path":"…","forgotten":true}`;

/** Forgets the device-remembered key, so every later command needs the master password. */
export async function runLock(context: CommandContext): Promise<CommandResult> {
  const { vaultPath } = context;
  context.engine.requireVault();
  let forgotten: boolean;
  try {
    forgotten = await context.engine.forgetDevice();
  } catch (error) {
    // The engine throws this only when the header had no device wrap: nothing could open the vault.
    if (!(error instanceof KeywardError && error.code === 'KEYCHAIN_UNAVAILABLE')) {
      throw error;
    }
    forgotten = false;
  }
  return {
    json: { locked: true, path: vaultPath, forgotten },
    lines: [
      forgotten
        ? `Locked ${vaultPath}: the remembered device key is gone; the next command needs the master password.`
        : `${vaultPath} was not remembered on this device; every command already needs the master password.`,
    ],
  };
}

/** Adds `lock` to the program. */
export function registerLockCommand(program: Command, run: CommandRunner): void {
  program
    .command('lock')
    .summary('forget the remembered device key: the next command needs the master password')
    .description('Forget the vault on this device, so the next command needs the master password.')
    .addHelpText('after', HELP)
    .action((_options: unknown, command: Command) => run(command, runLock));
}
