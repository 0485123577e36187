import { resolve } from 'node:path';
import { Command, CommanderError, Help } from 'commander';
import { KeywardError } from '../../shared/errors.ts';
import { mapCorruption } from '../vault/db/corruption.ts';
import type { KeywardEngine } from '../vault/keyward-engine.ts';
import { defaultVaultPath, vaultFiles } from '../vault/vault-paths.ts';
import type { CliDependencies, CommandBody, CommandContext, CommandRunner } from './cli-context.ts';
import { EXIT_CODE_HELP, EXIT_CODES } from './exit-codes.ts';
import type { ExitCode } from './exit-codes.ts';
import { commandPath, prefetchPasswordKey, unlocksAtStart } from './kdf-prefetch.ts';
import type { KdfPrefetch } from './kdf-prefetch.ts';
import { CliOutput } from './output.ts';
import { NEW_PASSWORD_ENV, PASSWORD_ENV, PasswordSource } from './password-source.ts';

/** The global options as commander parses them. */
interface GlobalOptions {
  vault?: string;
  json?: boolean;
  utc?: boolean;
  passwordStdin?: boolean;
  wide?: boolean;
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

/** Adds one top-level command (and its subcommands) to the program: each commands/*.ts exports one. */
export type CommandRegistrar = (program: Command, run: CommandRunner) => void;

/**
 * One top-level command as `keyward --help` lists it, and the module that defines it. The module
 * (and what it imports: the engine, zod, jose, qrcode, SQLite, Argon2, the keychain) is loaded only
 * when the command runs or its own help is asked for, so `keyward --help` and a command's start-up
 * pay only for what they use (docs/targets.md, `npm run bench:cli-startup`).
 *
 * `term` and `summary` must be what the command's module declares (its name, `[options]` when it
 * has any, its arguments; its `.summary()`): test/unit/cli/program-commands.test.ts checks that the
 * root help with these entries is the root help with every module loaded.
 */
export interface CommandEntry {
  name: string;
  term: string;
  summary: string;
  load: () => Promise<CommandRegistrar>;
}

/** Every top-level command, in the order the root help lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'init',
    term: 'init [options]',
    summary: 'create a new vault',
    load: async () => (await import('./commands/init.ts')).registerInitCommand,
  },
  {
    name: 'unlock',
    term: 'unlock [options]',
    summary: 'check the master password (or the remembered key); --remember to skip it later',
    load: async () => (await import('./commands/unlock.ts')).registerUnlockCommand,
  },
  {
    name: 'lock',
    term: 'lock',
    summary: 'forget the remembered device key: the next command needs the master password',
    load: async () => (await import('./commands/lock.ts')).registerLockCommand,
  },
  {
    name: 'status',
    term: 'status',
    summary: 'show the vault: path, id, locked or remembered, KDF, keychain, failed attempts',
    load: async () => (await import('./commands/status.ts')).registerStatusCommand,
  },
  {
    name: 'passwd',
    term: 'passwd',
    summary: 'change the master password',
    load: async () => (await import('./commands/passwd.ts')).registerPasswdCommand,
  },
  {
    name: 'integrations',
    term: 'integrations',
    summary: 'add, edit, list, show, enable, disable or delete integrations',
    load: async () => (await import('./commands/integrations.ts')).registerIntegrationsCommand,
  },
  {
    name: 'keys',
    term: 'keys',
    summary: 'list, reveal, copy, test, rotate, revoke, regenerate, delete keys; end grace; never-expire',
    load: async () => (await import('./commands/keys.ts')).registerKeysCommand,
  },
  {
    name: 'secret',
    term: 'secret [options] <integration>',
    summary: 'print a fresh Secret (signed JWT wrapping the active key) on stdout',
    load: async () => (await import('./commands/secret.ts')).registerSecretCommand,
  },
  {
    name: 'decode',
    term: 'decode [options] [token]',
    summary: 'decode a Secret, any JWT/JWS or a raw key, offline; verify and match vault keys',
    load: async () => (await import('./commands/decode.ts')).registerDecodeCommand,
  },
  {
    name: 'jwks',
    term: 'jwks [options]',
    summary: "print the vault's public Secret-verification keys as a JWKS",
    load: async () => (await import('./commands/jwks.ts')).registerJwksCommand,
  },
  {
    name: 'notices',
    term: 'notices [options]',
    summary: 'expiry, grace-end and rotation notices (unread; --all for every one)',
    load: async () => (await import('./commands/notices.ts')).registerNoticesCommand,
  },
  {
    name: 'log',
    term: 'log [options]',
    summary: 'the activity log: list, --verify the hash chain, --export as JSON or CSV',
    load: async () => (await import('./commands/log.ts')).registerLogCommand,
  },
  {
    name: 'totp',
    term: 'totp',
    summary: 'enrol or remove an authenticator app (codes for --totp)',
    load: async () => (await import('./commands/totp.ts')).registerTotpCommand,
  },
  {
    name: 'backup',
    term: 'backup',
    summary: 'make, list or restore encrypted backups',
    load: async () => (await import('./commands/backup.ts')).registerBackupCommand,
  },
  {
    name: 'export',
    term: 'export <file>',
    summary: 'write an encrypted export of the whole vault to FILE',
    load: async () => (await import('./commands/export.ts')).registerExportCommand,
  },
  {
    name: 'import',
    term: 'import <file>',
    summary: 'make the vault from an encrypted export (only where there is none)',
    load: async () => (await import('./commands/import.ts')).registerImportCommand,
  },
  {
    name: 'server',
    term: 'server',
    summary: 'connect to a Keyward server, show the sync status, publish now, disconnect',
    load: async () => (await import('./commands/server.ts')).registerServerCommand,
  },
  {
    name: 'usage',
    term: 'usage <integration>',
    summary: "an integration's calls from the server's log: last used, 30 days, recent calls",
    load: async () => (await import('./commands/usage.ts')).registerUsageCommand,
  },
  {
    name: 'settings',
    term: 'settings',
    summary: 'show or change the vault’s settings',
    load: async () => (await import('./commands/settings.ts')).registerSettingsCommand,
  },
];

/** The registrars of the named commands (all of them without `names`), loaded in parallel. */
export async function loadCommands(
  names: Iterable<string> = COMMANDS.map((entry) => entry.name),
): Promise<Map<string, CommandRegistrar>> {
  const wanted = new Set(names);
  const entries = COMMANDS.filter((entry) => wanted.has(entry.name));
  const loaded = await Promise.all(entries.map(async (entry) => [entry.name, await entry.load()] as const));
  return new Map(loaded);
}

function usageError(message: string): KeywardError {
  return new KeywardError('USAGE', message);
}

/** What {@link buildProgram} is given besides the dependencies. */
export interface BuildOptions {
  /** The loaded command modules ({@link loadCommands}); the other commands are placeholders. */
  registrars?: ReadonlyMap<string, CommandRegistrar>;
  /** Called with a placeholder's name when the arguments select it (nothing else runs). */
  onPlaceholder?: (name: string) => void;
  /**
   * An Argon2id hash already started for the vault at `vaultPath` (runCli starts it as soon as it
   * knows the command unlocks with the password from the environment); the command takes it over.
   */
  early?: { vaultPath: string; prefetch: KdfPrefetch } | null | undefined;
  /** Told the exit code of a command that ran (a refused `keys test` is 5 with its result printed). */
  onExitCode?: (code: ExitCode) => void;
}

/**
 * Builds the `keyward` commander program over `deps`. Usage errors are thrown (never printed by
 * commander, never `process.exit`), so {@link runCli} can print them in the one error format.
 * `outputFor` gives the output for a run once `--json` is known.
 *
 * `options.registrars` are the loaded command modules ({@link loadCommands}). Every other command
 * is a placeholder that the root help lists like the real one; when the arguments select it,
 * `options.onPlaceholder` is called with its name (and nothing runs), so the caller can load it and
 * parse again.
 */
export function buildProgram(
  deps: CliDependencies,
  outputFor: (json: boolean) => CliOutput,
  options: BuildOptions = {},
): Command {
  const {
    registrars = new Map<string, CommandRegistrar>(),
    onPlaceholder = () => undefined,
    onExitCode = () => undefined,
  } = options;
  const program = new Command('keyward');
  const placeholders = new Map<Command, CommandEntry>();
  program
    .description(DESCRIPTION)
    .configureHelp({
      showGlobalOptions: true,
      subcommandTerm(command: Command): string {
        return placeholders.get(command)?.term ?? Help.prototype.subcommandTerm.call(this, command);
      },
      // `keyward help COMMAND` asks a placeholder for its help directly: report it, print nothing.
      formatHelp(command: Command, helper: Help): string {
        const placeholder = placeholders.get(command);
        if (placeholder) {
          onPlaceholder(placeholder.name);
          return '';
        }
        return Help.prototype.formatHelp.call(this, command, helper);
      },
    })
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
    .option('--wide', 'tables with every column and full timestamps (default: fit 80 columns)')
    .addHelpText('after', epilog(deps.env))
    .showHelpAfterError(false);

  const run = async (command: Command, body: CommandBody): Promise<void> => {
    const globals = command.optsWithGlobals<GlobalOptions>();
    if (globals.vault === '') {
      throw usageError('--vault needs a path.');
    }
    const vaultPath = resolve(globals.vault ?? defaultVaultPath(deps.env));
    const passwords = new PasswordSource({
      passwordStdin: globals.passwordStdin === true,
      env: deps.env,
      get stdin() {
        return deps.stdin; // read on first use only (main.ts creates process.stdin lazily)
      },
      isTTY: deps.isTTY,
      prompt: deps.prompt,
    });
    // A command that unlocks with a password given up front: its Argon2id hash runs while the
    // engine's modules load (kdf-prefetch.ts); started by runCli already when it could tell.
    const early = options.early ?? null;
    let prefetch: KdfPrefetch | null = null;
    if (passwords.supplied && unlocksAtStart(commandPath(command))) {
      prefetch =
        early !== null && early.vaultPath === vaultPath
          ? early.prefetch
          : prefetchPasswordKey(vaultFiles(vaultPath).header, () => passwords.current());
    }
    if (early !== null && early.prefetch !== prefetch) {
      early.prefetch.dispose();
    }
    await prefetch?.started;
    // One engine per process; commands open it with unlockEngine (vault-access.ts).
    let engine: KeywardEngine;
    try {
      engine = await deps.openEngine(vaultPath, prefetch ? { deriveKey: prefetch.deriveKey } : {});
    } catch (error) {
      prefetch?.dispose();
      throw error;
    }
    const context: CommandContext = {
      vaultPath,
      engine,
      vault: engine.vault,
      utc: globals.utc === true,
      json: globals.json === true,
      wide: globals.wide === true,
      passwords,
      isTTY: deps.isTTY,
      stdoutIsTTY: deps.stdoutIsTTY,
      get stdin() {
        return deps.stdin;
      },
      stdout: deps.stdout,
      stderr: deps.stderr,
      prompt: deps.prompt,
      now: deps.now,
      clipboard: deps.clipboard,
    };
    try {
      const result = await body(context);
      // Connected to a Keyward server: what the command changed goes out now (sync-after.ts).
      const path = commandPath(command);
      if (path !== 'server' && !path.startsWith('server ') && mayBeConnected(engine)) {
        const { syncAfterCommand } = await import('./sync-after.ts');
        const sync = await syncAfterCommand(context, path, deps.env);
        if (sync !== null) {
          result.json = { ...result.json, sync };
        }
      }
      outputFor(globals.json === true).result(result);
      onExitCode(result.exitCode ?? EXIT_CODES.ok);
    } catch (error) {
      // A damaged page met by any command: exit 6 pointing to `backup restore`, not "internal".
      throw mapCorruption(error);
    } finally {
      engine.lock(); // stops the scheduler's timer, forgets re-authentication, zeroes the data key
      prefetch?.dispose();
    }
  };

  for (const entry of COMMANDS) {
    const register = registrars.get(entry.name);
    if (register) {
      register(program, run);
      continue;
    }
    // Takes any arguments and options (its own help too): selecting it only reports its name.
    const placeholder = program
      .command(entry.name)
      .summary(entry.summary)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => onPlaceholder(entry.name));
    placeholders.set(placeholder, entry);
  }
  return program;
}

/**
 * Whether the vault is open and connected to a Keyward server: one cheap read, so that a command on
 * a vault with no server loads nothing more after its body (sync-after.ts would find nothing to do).
 */
function mayBeConnected(engine: KeywardEngine): boolean {
  try {
    engine.requireUnlocked();
  } catch {
    return false; // the command never unlocked the vault: nothing to publish
  }
  return engine.serverStatus().state !== 'not-connected';
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
  let early: BuildOptions['early'] = null;
  let exitCode: ExitCode = EXIT_CODES.ok;
  try {
    // First with placeholders only: commander finds the command (or prints the root help, or
    // reports an unknown command) without loading any command module. Then, with that one
    // command's module loaded, for real.
    let selected: string | null = null;
    program = buildProgram(deps, outputFor, {
      onPlaceholder: (name) => {
        selected = name;
      },
    });
    try {
      await program.parseAsync([...deps.argv], { from: 'user' });
    } catch (error) {
      if (selected === null) {
        throw error; // root help, an unknown command, a bad global option: as is
      }
    }
    if (selected !== null) {
      early = startEarlyPrefetch(selected, program.opts<GlobalOptions>(), deps.env);
      await early?.prefetch.started; // the hash runs before the command's module loads
      program = buildProgram(deps, outputFor, {
        registrars: await loadCommands([selected]),
        early,
        onExitCode: (code) => (exitCode = code),
      });
      await program.parseAsync([...deps.argv], { from: 'user' });
    }
    return exitCode;
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
  } finally {
    early?.prefetch.dispose(); // zeroes the key if the command did not take it
  }
}

/**
 * Starts the Argon2id hash as soon as the top-level command is known, before its module and the
 * engine load: when the whole command group unlocks at start (`keys`, `integrations`, …) with the
 * master password from KEYWARD_PASSWORD. (`--password-stdin` waits for the command's own runner,
 * which reads stdin.)
 */
function startEarlyPrefetch(
  name: string,
  globals: GlobalOptions,
  env: NodeJS.ProcessEnv,
): BuildOptions['early'] {
  const password = env[PASSWORD_ENV];
  if (!unlocksAtStart(name) || globals.passwordStdin === true || password === undefined || password === '') {
    return null;
  }
  if (globals.vault === '') {
    return null; // the runner reports the usage error
  }
  const vaultPath = resolve(globals.vault ?? defaultVaultPath(env));
  return {
    vaultPath,
    prefetch: prefetchPasswordKey(vaultFiles(vaultPath).header, () => Promise.resolve(password)),
  };
}
