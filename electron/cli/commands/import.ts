import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { KeywardError } from '../../../shared/errors.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';

const HELP = `
Makes the vault at the vault path (--vault) from FILE, an export written by \`keyward export\` or
the desktop app. Only where there is no vault yet (exit code 5 otherwise: import into a new path).
Asks for the master password the export was made with (--password-stdin, KEYWARD_PASSWORD, or a
prompt); the export is opened and checked before anything is written. The imported vault keeps
that master password and is not remembered on this device.

--json output:
  {"imported":true,"path":"…","vaultId":"…"}`;

/** `import FILE`: a new vault from an encrypted export. */
export async function runImport(context: CommandContext, source: string): Promise<CommandResult> {
  const file = resolve(source);
  // Both checks again in the engine; here they spare asking for a password that cannot help.
  context.engine.requireNoVault('import');
  if (!existsSync(file)) {
    throw new KeywardError('NOT_FOUND', `No file at ${file}.`);
  }
  const password = await context.passwords.current();
  const { vaultId } = await context.engine.importFrom(file, password);
  return {
    json: { imported: true, path: context.vaultPath, vaultId },
    lines: [`Imported ${file} as the vault at ${context.vaultPath} (id ${vaultId}).`],
  };
}

/** Adds `import` to the program. */
export function registerImportCommand(program: Command, run: CommandRunner): void {
  program
    .command('import')
    .summary('make the vault from an encrypted export (only where there is none)')
    .description('Import an encrypted export as the vault.')
    .argument('<file>', 'an export file')
    .addHelpText('after', HELP)
    .action((file: string, _options: unknown, command: Command) =>
      run(command, (context) => runImport(context, file)),
    );
}
