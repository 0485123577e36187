/**
 * The `keyward` command: runs the CLI on the real process (argv, stdio, environment, the OS
 * keychain, the system clock, the OS clipboard) and sets the exit code. `bin/keyward.cjs` starts
 * this file.
 */
import { userInfo } from 'node:os';
import { isatty } from 'node:tty';
import { createSystemClock } from '../vault/clock.ts';
import { cliDebugLogger } from './debug-log.ts';
import { createTerminalPrompt } from './password-source.ts';
import { runCli } from './program.ts';

/** Who acts, for the activity log: `<os user>@cli`. */
function cliActor(): string {
  let user = '';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers): fall back to the environment.
  }
  user ||= process.env['USER'] ?? process.env['USERNAME'] ?? 'owner';
  return `${user.replace(/[^\w.-]/g, '_').slice(0, 64) || 'owner'}@cli`;
}

// A reader that stops early (`keyward log | head`) closes the pipe: end quietly, with no stack.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    }
  });
}

const clock = createSystemClock();

void runCli({
  argv: process.argv.slice(2),
  env: process.env,
  // process.stdin is created on first access, which costs more than some whole commands: only the
  // commands that read stdin (a password, a token, a code) touch it.
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: isatty(0),
  stdoutIsTTY: process.stdout.isTTY === true,
  // Loaded only by the commands that open a vault: `--help` never loads the engine, SQLite, Argon2,
  // zod, jose or the keychain binding.
  openEngine: async (path, options) => {
    const [{ KeywardEngine }, { OsKeychain }] = await Promise.all([
      import('../vault/keyward-engine.ts'),
      import('../vault/keychain/os-keychain.ts'),
    ]);
    return new KeywardEngine({
      path,
      clock,
      keychain: new OsKeychain(),
      actor: cliActor(),
      // KEYWARD_DEBUG=1: the engine's diagnostics on stderr too, redacted like the app's log file.
      logger: cliDebugLogger(process.env, process.stderr),
      ...options,
    });
  },
  now: () => clock.now(),
  prompt: (question) => createTerminalPrompt(process.stdin, process.stderr)(question),
  // Loaded only by `keys copy`: the other commands never touch the clipboard.
  clipboard: {
    check: async () => {
      (await import('./clipboard/os-clipboard.ts')).openOsClipboard();
    },
    copy: async (text, options) =>
      (await import('./clipboard/copy-to-clipboard.ts')).copyToClipboard(text, options),
  },
}).then((code) => {
  process.exitCode = code;
});
