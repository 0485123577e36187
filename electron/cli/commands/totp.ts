import QRCode from 'qrcode';
import type { Command } from 'commander';
import { KeywardError } from '../../../shared/errors.ts';
import { addReauthOption } from '../arguments.ts';
import type { ReauthFlags } from '../arguments.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';
import { readStdinLines } from '../password-source.ts';
import { unlockEngine } from '../vault-access.ts';

const GROUP_HELP = `
An authenticator app (TOTP, RFC 6238: 6 digits, 30 s) as the second way to confirm it is you for
guarded commands (\`--totp CODE\`), next to the master password. Useful when the vault is
remembered on this device, so that commands open it without the password.`;

const ENROLL_HELP = `
Shows a new authenticator secret as an otpauth:// URI and a QR code to scan, then asks for a code
from the app to prove it was set up (on a terminal a prompt; otherwise the next line of stdin, so a
program driving keyward can answer after reading the URI). Replaces an authenticator enrolled
before. Needs the master password (a remembered device key is not enough, and neither is an
authenticator code). With --json the URI and QR code go to stderr, and the result to stdout.

--json output:
  {"enrolled":true,"uri":"otpauth://totp/Keyward:…?secret=…&issuer=Keyward&…"}`;

const DISABLE_HELP = `
Removes the enrolled authenticator; --totp codes stop working. Needs re-authentication (the master
password, or --totp CODE with the authenticator being removed).

--json output:
  {"disabled":true}`;

async function readCode(context: CommandContext): Promise<string> {
  if (context.passwords.canPrompt) {
    return context.prompt('Code from the authenticator app: ');
  }
  if (context.passwords.readsStdin) {
    throw new KeywardError(
      'USAGE',
      'With --password-stdin and no terminal there is no way left to enter the code: give the password in KEYWARD_PASSWORD instead, and the code on stdin.',
    );
  }
  const [line] = await readStdinLines(context.stdin, 1);
  const code = line?.trim() ?? '';
  if (code === '') {
    throw new KeywardError(
      'USAGE',
      'No code given: run on a terminal to be asked, or write the code from the app to stdin once the URI is printed.',
    );
  }
  return code;
}

/** `totp enroll`: URI + QR code, then a code to confirm. */
export async function runEnroll(context: CommandContext): Promise<CommandResult> {
  await unlockEngine(context, {
    reauth: { purpose: 'totp enroll', passwordOnly: true },
  });
  const { uri, secret } = context.engine.beginTotpEnrollment();
  const qr = await QRCode.toString(uri, { type: 'terminal', small: true });
  const show = context.json ? context.stderr : context.stdout;
  show.write(
    [
      'Scan this QR code with your authenticator app, or enter the secret by hand:',
      '',
      qr.trimEnd(),
      '',
      `URI:    ${uri}`,
      `Secret: ${secret}`,
      '',
    ].join('\n') + '\n',
  );
  const code = await readCode(context);
  context.engine.confirmTotpEnrollment(code);
  return {
    json: { enrolled: true, uri },
    lines: [
      'Authenticator enrolled: guarded commands accept --totp CODE from it.',
      'Keep the secret safe: anyone with it can produce codes.',
    ],
  };
}

/** `totp disable`: removes the authenticator, after re-authentication. */
export async function runDisable(context: CommandContext, options: ReauthFlags): Promise<CommandResult> {
  await unlockEngine(context, {
    reauth: { purpose: 'totp disable', totp: options.totp },
  });
  if (!context.engine.reauthStatus().totpEnrolled) {
    throw new KeywardError('INVALID_STATE', 'No authenticator is enrolled; there is nothing to disable.');
  }
  context.engine.disableTotp();
  return {
    json: { disabled: true },
    lines: ['Authenticator removed: --totp codes no longer confirm it is you; the master password does.'],
  };
}

/** Adds `totp enroll|disable` to the program. */
export function registerTotpCommand(program: Command, run: CommandRunner): void {
  const group = program
    .command('totp')
    .summary('enrol or remove an authenticator app (codes for --totp)')
    .description('Manage the authenticator (TOTP) used to confirm it is you.')
    .addHelpText('after', GROUP_HELP);

  group
    .command('enroll')
    .summary('show a QR code for an authenticator app, then confirm a code')
    .description('Enrol an authenticator app.')
    .addHelpText('after', ENROLL_HELP)
    .action((_options: unknown, command: Command) => run(command, runEnroll));

  addReauthOption(
    group.command('disable').summary('remove the authenticator').description('Remove the authenticator.'),
  )
    .addHelpText('after', DISABLE_HELP)
    .action((options: ReauthFlags, command: Command) =>
      run(command, (context) => runDisable(context, options)),
    );
}
