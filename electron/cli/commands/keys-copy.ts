import type { Command } from 'commander';
import { addReauthOption } from '../arguments.ts';
import type { ReauthFlags } from '../arguments.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';
import { printableLine } from '../present.ts';
import { unlockEngine } from '../vault-access.ts';

/** `keys copy` options. */
export interface CopyOptions extends ReauthFlags {
  raw?: boolean;
}

const HELP = `
Copies a fresh Secret for the integration (default), or with --raw its active key itself, to the
system clipboard — and on Linux to the primary selection too. After the vault's
clipboardClearSeconds setting (default 30 s; \`keyward settings set clipboardClearSeconds never\`
to keep it) a small background process clears each of them, but only if it still holds what was
copied: anything you copied since is left alone. Needs re-authentication; logged as secret.copy or
key.copy. Nothing is printed but where it went.

Linux needs a graphical session (DISPLAY or WAYLAND_DISPLAY) and xclip, xsel or wl-clipboard;
without one the command fails with exit code 5, and \`keyward secret\` prints to stdout instead.

--json output:
  {"copied":"secret"|"key","integration":{"id":"…","name":"…"},"keyId":"…","expiresAt":"…"|null,
   "targets":["clipboard","selection"],"clearAt":"…"|null,"clipboard":"xclip (X11, DISPLAY=:0)"}`;

/** `keys copy INTEGRATION [--raw]`: a Secret (or the key) to the clipboard, cleared later if unchanged. */
export async function runCopy(
  context: CommandContext,
  ref: string,
  options: CopyOptions,
): Promise<CommandResult> {
  // No clipboard (SSH, a container): say so before asking for any password or logging a copy.
  await context.clipboard.check();
  const { engine } = context;
  const { time } = await unlockEngine(context, {
    reauth: { purpose: 'keys copy', totp: options.totp },
  });
  const integration = engine.integration(ref);
  const write = (text: string) =>
    context.clipboard.copy(text, { clearAfterSeconds: engine.settings().clipboardClearSeconds });
  let keyId: string;
  let expiresAt: number | null = null;
  let copied: Awaited<ReturnType<typeof write>>;
  if (options.raw === true) {
    keyId = engine.activeKey(integration.id).id;
    copied = await context.engine.copyKey(keyId, write);
  } else {
    const result = await context.engine.copySecret(integration.id, write);
    copied = result.written;
    keyId = result.secret.keyId;
    expiresAt = result.secret.expiresAt;
  }
  const what = options.raw === true ? 'the API key' : 'a Secret';
  const where = copied.targets.includes('selection')
    ? 'the clipboard and the primary selection'
    : 'the clipboard';
  return {
    json: {
      copied: options.raw === true ? 'key' : 'secret',
      integration: { id: integration.id, name: integration.name },
      keyId,
      expiresAt: time.maybe(expiresAt),
      targets: copied.targets,
      clearAt: time.maybe(copied.clearAt),
      clipboard: copied.clipboard,
    },
    lines: [
      `Copied ${what} of "${printableLine(integration.name)}" to ${where} (${copied.clipboard}).`,
      ...(expiresAt === null
        ? []
        : [`The Secret expires ${time.at(expiresAt)} (${time.relative(expiresAt)}).`]),
      copied.clearAt === null
        ? 'It is not cleared automatically (clipboardClearSeconds is never).'
        : `Cleared ${time.at(copied.clearAt)} (${time.relative(copied.clearAt)}) if it is still there.`,
    ],
  };
}

/** Adds `keys copy` to the `keys` group. */
export function registerKeysCopyCommand(group: Command, run: CommandRunner): void {
  addReauthOption(
    group
      .command('copy')
      .summary('copy a Secret (or --raw the key) to the clipboard; cleared later if unchanged')
      .description('Copy a fresh Secret, or the raw active key, to the system clipboard.')
      .argument('<integration>', 'name or id')
      .option('--raw', 'copy the active API key itself instead of a Secret'),
  )
    .addHelpText('after', HELP)
    .action((ref: string, options: CopyOptions, command: Command) =>
      run(command, (context) => runCopy(context, ref, options)),
    );
}
