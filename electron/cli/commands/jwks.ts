import type { Command } from 'commander';
import { KeywardError } from '../../../shared/errors.ts';
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

  keyward jwks --out /srv/www/.well-known/jwks.json    (a new file, mode 0644)

--out never overwrites a file (exit code 5), like \`keyward export\`: not a backup, a backup header, an
export, the vault's own files, nor an earlier JWKS (remove it first, or write a new name and rename).

Output: the JWKS itself, pretty-printed; with --json on one line (the same JSON). With --out, the
JWKS goes to FILE and stdout says what was written; --json then prints
  {"written":true,"path":"…","keys":2,"kids":["…","…"]}`;

/** `keyward jwks [--out FILE]`: the public JWKS on stdout or in a new file. */
export async function runJwks(context: CommandContext, options: JwksOptions): Promise<CommandResult> {
  if (options.out === '') {
    throw new KeywardError('USAGE', '--out needs a file name.');
  }
  // The engine's one rule, checked before asking for a password that could not help (and again
  // when writing).
  const refusal = options.out === undefined ? null : context.engine.jwksTargetRefusal(options.out);
  if (refusal !== null) {
    throw refusal;
  }
  await unlockEngine(context);
  if (options.out === undefined) {
    const jwks = await context.engine.jwks();
    return { json: { keys: jwks.keys }, lines: JSON.stringify(jwks, null, 2).split('\n') };
  }
  // The engine's rule, the same as the desktop's: a new file only (never a backup, an export or the
  // vault's own files).
  const { path, kids } = await context.engine.exportJwks(options.out);
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
    .option('--out <file>', 'write the JWKS to a new FILE (mode 0644; never overwrites) instead of stdout')
    .addHelpText('after', HELP)
    .action((options: JwksOptions, command: Command) => run(command, (context) => runJwks(context, options)));
}
