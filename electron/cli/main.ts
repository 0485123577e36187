/**
 * The `keyward` command: runs the CLI on the real process (argv, stdio, environment, the OS
 * keychain, the system clock, the OS clipboard) and sets the exit code. `bin/keyward.cjs` starts
 * this file.
 */
import { userInfo } from 'node:os';
import { createSystemClock } from '../vault/clock.ts';
import { OsKeychain } from '../vault/keychain/os-keychain.ts';
import { KeywardEngine } from '../vault/keyward-engine.ts';
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
const keychain = new OsKeychain();

process.exitCode = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: process.stdin.isTTY === true,
  stdoutIsTTY: process.stdout.isTTY === true,
  // KEYWARD_DEBUG=1: the engine's diagnostics on stderr too, redacted like the app's log file.
  openEngine: (path) =>
    new KeywardEngine({
      path,
      clock,
      keychain,
      actor: cliActor(),
      logger: cliDebugLogger(process.env, process.stderr),
    }),
  now: () => clock.now(),
  prompt: createTerminalPrompt(process.stdin, process.stderr),
  // Loaded only by `keys copy`: the other commands never touch the clipboard.
  clipboard: {
    check: async () => {
      (await import('./clipboard/os-clipboard.ts')).openOsClipboard();
    },
    copy: async (text, options) =>
      (await import('./clipboard/copy-to-clipboard.ts')).copyToClipboard(text, options),
  },
});
