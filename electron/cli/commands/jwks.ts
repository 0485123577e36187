import { resolve } from 'node:path';
import type { Command } from 'commander';
import { KeywardError } from '../../../shared/errors.ts';
import { writeFileAtomic } from '../../vault/atomic-file.ts';
import { vaultFiles } from '../../vault/vault-paths.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';
import { unlockEngine } from '../vault-access.ts';

/** `keyward jwks` options. */
export interface JwksOptions {
  out?: string;
}

const HELP = `
Prints the vault's public Secret-verification keys as a JSON Web Key Set (RFC 7517): the current
Ed25519 signing key and every retired key that still has an unexpired Secret. Public keys only: the
output may be published (e.g. as /.well-known/jwks.json) and fed to any JWT library, which then
verifies Secrets with alg EdDSA. Needs the vault opened (master password or remembered key). If no
Secret has been minted yet, the signing key is created now, so verifiers can be set up first.

  keyward jwks --out /srv/www/.well-known/jwks.json    (atomic replace, mode 0644)

Output: the JWKS itself, pretty-printed; with --json on one line (the same JSON). With --out, the
JWKS goes to FILE and stdout says what was written; --json then prints
  {"written":true,"path":"…","keys":2,"kids":["…","…"]}`;

/** `keyward jwks [--out FILE]`: the public JWKS on stdout or in a file. */
export async function runJwks(context: CommandContext, options: JwksOptions): Promise<CommandResult> {
  if (options.out === '') {
    throw new KeywardError('USAGE', '--out needs a file name.');
  }
  await unlockEngine(context);
  const jwks = await context.engine.jwks();
  const kids = jwks.keys.map((key) => key.kid);
  if (options.out === undefined) {
    return { json: { keys: jwks.keys }, lines: JSON.stringify(jwks, null, 2).split('\n') };
  }
  const path = resolve(options.out);
  const own = vaultFiles(context.vaultPath);
  if ([own.database, own.header, own.lockout].includes(path) || path.startsWith(`${own.database}-`)) {
    throw new KeywardError('USAGE', `--out ${path} is one of the vault's own files; choose another file.`);
  }
  try {
    writeFileAtomic(path, `${JSON.stringify(jwks, null, 2)}\n`, 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unwritable';
    throw new KeywardError('USAGE', `--out ${path}: cannot write the file (${code}).`);
  }
  return {
    json: { written: true, path, keys: kids.length, kids },
    lines: [
      `Wrote the JWKS (${kids.length === 1 ? '1 key' : `${kids.length} keys`}: ${kids.join(', ')}) to ${path}.`,
    ],
  };
}

/** Adds `jwks` to the program. */
export function registerJwksCommand(program: Command, run: CommandRunner): void {
  program
    .command('jwks')
    .summary("print the vault's public Secret-verification keys as a JWKS")
    .description('Print the public JWKS that verifies Secrets (public keys only), or write it to a file.')
    .option('--out <file>', 'write the JWKS to FILE (atomically, mode 0644) instead of stdout')
    .addHelpText('after', HELP)
    .action((options: JwksOptions, command: Command) => run(command, (context) => runJwks(context, options)));
}
