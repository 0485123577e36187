import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { KeywardError } from '../../../shared/errors.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';
import { unlockEngine } from '../vault-access.ts';

const HELP = `
Writes the whole vault to FILE, encrypted: the header (data key wrapped by the master password) and
the encrypted database in one file. Nothing in it can be read without the master password. Never
overwrites a file (exit code 5). Logged as vault.export. \`keyward import FILE\` reads it back.

--json output:
  {"exported":true,"file":"…","bytes":61440}`;

/** `export FILE`: an encrypted export of the whole vault. */
export async function runExport(context: CommandContext, target: string): Promise<CommandResult> {
  const file = resolve(target);
  if (!existsSync(dirname(file))) {
    throw new KeywardError('NOT_FOUND', `The folder of ${file} does not exist.`);
  }
  if (existsSync(file)) {
    // The engine refuses too; here it spares asking for a password that cannot help.
    throw new KeywardError('INVALID_STATE', `${file} already exists; choose a new file name.`);
  }
  await unlockEngine(context);
  const { bytes } = context.engine.exportTo(file);
  return {
    json: { exported: true, file, bytes },
    lines: [
      `Exported the vault to ${file} (${bytes} bytes, encrypted; opens only with the master password).`,
    ],
  };
}

/** Adds `export` to the program. */
export function registerExportCommand(program: Command, run: CommandRunner): void {
  program
    .command('export')
    .summary('write an encrypted export of the whole vault to FILE')
    .description('Export the whole vault, encrypted, to a file.')
    .argument('<file>', 'a new file')
    .addHelpText('after', HELP)
    .action((file: string, _options: unknown, command: Command) =>
      run(command, (context) => runExport(context, file)),
    );
}
