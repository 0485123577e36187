/**
 * The `keyward` command: runs the CLI on the real process (argv, stdio, environment, the OS
 * keychain, the system clock) and sets the exit code. `bin/keyward.cjs` starts this file.
 */
import { createSystemClock } from '../vault/clock.ts';
import { OsKeychain } from '../vault/keychain/os-keychain.ts';
import { Vault } from '../vault/vault.ts';
import { createTerminalPrompt } from './password-source.ts';
import { runCli } from './program.ts';

process.exitCode = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: process.stdin.isTTY === true,
  openVault: (path) => new Vault({ path, clock: createSystemClock(), keychain: new OsKeychain() }),
  prompt: createTerminalPrompt(process.stdin, process.stderr),
});
