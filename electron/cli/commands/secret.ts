import type { Command } from 'commander';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';
import { printableLine } from '../present.ts';
import { unlockEngine } from '../vault-access.ts';
import type { ReauthFlags } from '../arguments.ts';
import { addReauthOption } from '../arguments.ts';

const HELP = `
Prints a freshly minted Secret for the integration's active key on stdout: one line, a compact JWS
signed by the vault (EdDSA), valid for the vault's secretLifetimeHours setting (default 24 h). The
Secret carries the API key (claim client_secret): treat it like the key. Logged as secret.mint.
For scripts:

  curl -H "Authorization: Bearer $(keyward secret Billing)" https://api.example.com/…

--json output:
  {"token":"eyJ…","expiresAt":"…","kid":"…","keyId":"…"}`;

/** `secret INTEGRATION`: a fresh Secret on stdout. */
export async function runSecret(
  context: CommandContext,
  ref: string,
  options: ReauthFlags,
): Promise<CommandResult> {
  const { time } = await unlockEngine(context, {
    reauth: { purpose: 'secret', totp: options.totp },
  });
  const integration = context.engine.integration(ref);
  const secret = await context.engine.mintSecret(integration.id);
  if (!integration.enabled) {
    context.stderr.write(
      `keyward: warning: API access for "${printableLine(integration.name)}" is off; this Secret will not verify until \`keyward integrations enable\`.\n`,
    );
  }
  if (context.stdoutIsTTY && !context.json) {
    context.stderr.write(
      `keyward: the Secret below carries the API key; it expires ${time.at(secret.expiresAt)}.\n`,
    );
  }
  return {
    json: {
      token: secret.token,
      expiresAt: time.at(secret.expiresAt),
      kid: secret.kid,
      keyId: secret.keyId,
    },
    lines: [secret.token],
  };
}

/** Adds `secret` to the program. */
export function registerSecretCommand(program: Command, run: CommandRunner): void {
  addReauthOption(
    program
      .command('secret')
      .summary('print a fresh Secret (signed JWT wrapping the active key) on stdout')
      .description('Mint a fresh Secret for an integration and print it.')
      .argument('<integration>', 'name or id'),
  )
    .addHelpText('after', HELP)
    .action((ref: string, options: ReauthFlags, command: Command) =>
      run(command, (context) => runSecret(context, ref, options)),
    );
}
