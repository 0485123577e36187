import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { KeywardError } from '../../shared/errors.ts';
import { defaultVaultPath } from '../vault/vault-paths.ts';
import type { CliDependencies, CommandBody, CommandContext } from './cli-context.ts';
import { registerInitCommand } from './commands/init.ts';
import { registerLockCommand } from './commands/lock.ts';
import { registerPasswdCommand } from './commands/passwd.ts';
import { registerStatusCommand } from './commands/status.ts';
import { registerUnlockCommand } from './commands/unlock.ts';
import { registerBackupCommand } from './commands/backup.ts';
import { registerExportCommand } from './commands/export.ts';
import { registerImportCommand } from './commands/import.ts';
import { registerIntegrationsCommand } from './commands/integrations.ts';
import { registerKeysCommand } from './commands/keys.ts';
import { registerLogCommand } from './commands/log.ts';
import { registerNoticesCommand } from './commands/notices.ts';
import { registerSecretCommand } from './commands/secret.ts';
import { registerDecodeCommand } from './commands/decode.ts';
import { registerJwksCommand } from './commands/jwks.ts';
import { registerSettingsCommand } from './commands/settings.ts';
import { registerTotpCommand } from './commands/totp.ts';
import { EXIT_CODE_HELP, EXIT_CODES } from './exit-codes.ts';
import type { ExitCode } from './exit-codes.ts';
import { CliOutput } from './output.ts';
import { NEW_PASSWORD_ENV, PASSWORD_ENV, PasswordSource } from './password-source.ts';

/** The global options as commander parses them. */
interface GlobalOptions {
  vault?: string;
  json?: boolean;
  utc?: boolean;
  passwordStdin?: boolean;
}

const DESCRIPTION =
  'Keyward from the command line: the same engine and the same vault file as the desktop app.';

function epilog(env: NodeJS.ProcessEnv): string {
  const fallback = defaultVaultPath({ ...env, KEYWARD_VAULT: undefined });
  return `
How locking works: every keyward command is its own process and keeps nothing in memory when it
ends. A command that needs the vault opens it, with the master password or with a device key
remembered in the OS keychain, and closes it before it exits. \`keyward unlock --remember\` stores
that device key, so later commands on this device need no password; \`keyward lock\` removes it,
so the next command needs the master password again.

Master password, for the commands that need one (the first that applies):
  --password-stdin      line 1 of stdin (passwd: line 2 is the new password)
  ${PASSWORD_ENV}      environment variable (passwd: ${NEW_PASSWORD_ENV} for the new one)
  a prompt              no echo, when stdin is a terminal
With none of them and no terminal, the command fails with exit code 2.

Environment:
  KEYWARD_VAULT         vault path when --vault is not given (else ${fallback})
  KEYWARD_DEBUG=1       show the details of unexpected (internal) errors

Output: text for people. With --json, success prints one JSON object on stdout (its shape is in
\`keyward help COMMAND\`), and failure one JSON object on stderr:
  {"error":{"code":"WRONG_PASSWORD","message":"…"}}   (+ "retryAfterMs", "retryAfterSeconds" when set)
Without --json, failure prints one line on stderr: keyward: <message>
Timestamps are ISO 8601: local time with offset, or UTC (…Z) with --utc or the vault's utc setting
(\`keyward settings set utc true\`).

Exit codes:
${EXIT_CODE_HELP}`;
}

function usageError(message: string): KeywardError {
  return new KeywardError('USAGE', message);
}

/**
 * Builds the `keyward` commander program over `deps`. Usage errors are thrown (never printed by
 * commander, never `process.exit`), so {@link runCli} can print them in the one error format.
 * `outputFor` gives the output for a run once `--json` is known.
 */
export function buildProgram(deps: CliDependencies, outputFor: (json: boolean) => CliOutput): Command {
  const program = new Command('keyward');
  program
    .description(DESCRIPTION)
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.stdout.write(text),
      // Commander writes here only the help for a missing command; with --json that becomes an error object.
      writeErr: (text) => {
        if (program.opts<GlobalOptions>().json !== true) {
          deps.stderr.write(text);
        }
      },
      outputError: () => undefined,
    })
    .option('--vault <path>', 'the vault file (default: $KEYWARD_VAULT, else the app data folder)')
    .option('--json', 'machine-readable output: one JSON object on stdout, errors as JSON on stderr')
    .option('--utc', 'print timestamps in UTC (2025-11-23T12:44:11Z) instead of local time with offset')
    .option('--password-stdin', 'read the master password from the first line of stdin')
    .addHelpText('after', epilog(deps.env))
    .showHelpAfterError(false);

  const run = async (command: Command, body: CommandBody): Promise<void> => {
    const globals = command.optsWithGlobals<GlobalOptions>();
    if (globals.vault === '') {
      throw usageError('--vault needs a path.');
    }
    const vaultPath = resolve(globals.vault ?? defaultVaultPath(deps.env));
    // One engine per process; commands open it with unlockEngine (vault-access.ts).
    const engine = deps.openEngine(vaultPath);
    const context: CommandContext = {
      vaultPath,
      engine,
      vault: engine.vault,
      utc: globals.utc === true,
      json: globals.json === true,
      passwords: new PasswordSource({
        passwordStdin: globals.passwordStdin === true,
        env: deps.env,
        stdin: deps.stdin,
        isTTY: deps.isTTY,
        prompt: deps.prompt,
      }),
      isTTY: deps.isTTY,
      stdoutIsTTY: deps.stdoutIsTTY,
      stdin: deps.stdin,
      stdout: deps.stdout,
      stderr: deps.stderr,
      prompt: deps.prompt,
      now: deps.now,
      clipboard: deps.clipboard,
    };
    try {
      outputFor(globals.json === true).result(await body(context));
    } finally {
      engine.lock(); // stops the scheduler's timer, forgets re-authentication, zeroes the data key
    }
  };

  registerInitCommand(program, run);
  registerUnlockCommand(program, run);
  registerLockCommand(program, run);
  registerStatusCommand(program, run);
  registerPasswdCommand(program, run);
  registerIntegrationsCommand(program, run);
  registerKeysCommand(program, run);
  registerSecretCommand(program, run);
  registerDecodeCommand(program, run);
  registerJwksCommand(program, run);
  registerNoticesCommand(program, run);
  registerLogCommand(program, run);
  registerTotpCommand(program, run);
  registerBackupCommand(program, run);
  registerExportCommand(program, run);
  registerImportCommand(program, run);
  registerSettingsCommand(program, run);
  return program;
}

/**
 * Runs `keyward` once with `deps` and returns the exit code (see exit-codes.ts). Never throws and
 * never exits the process: `main.ts` sets the exit code, tests read it.
 */
export async function runCli(deps: CliDependencies): Promise<ExitCode> {
  const outputFor = (json: boolean): CliOutput =>
    new CliOutput({
      stdout: deps.stdout,
      stderr: deps.stderr,
      json,
      debug: deps.env['KEYWARD_DEBUG'] === '1',
    });
  let program: Command | undefined;
  try {
    program = buildProgram(deps, outputFor);
    await program.parseAsync([...deps.argv], { from: 'user' });
    return EXIT_CODES.ok;
  } catch (error) {
    const json = program?.opts<GlobalOptions>().json === true;
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) {
        return EXIT_CODES.ok; // --help, help COMMAND
      }
      if (error.code === 'commander.help') {
        // No command: commander has printed the help on stderr (text mode).
        return json
          ? outputFor(true).fail(usageError('No command given; see `keyward --help`.'))
          : EXIT_CODES.usage;
      }
      return outputFor(json).fail(usageError(error.message.replace(/^error: /, '')));
    }
    return outputFor(json).fail(error);
  }
}
