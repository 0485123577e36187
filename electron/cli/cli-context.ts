import type { Command } from 'commander';
import type { Vault } from '../vault/vault.ts';
import type { CommandResult, TextSink } from './output.ts';
import type { PasswordSource, PromptFunction } from './password-source.ts';

/**
 * Everything the CLI takes from the outside world. `main.ts` passes the real process; tests pass
 * buffers, a temp vault and a scripted prompt, and run the whole program in-process.
 */
export interface CliDependencies {
  /** The arguments after `keyward` (no node, no script path). */
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
  stdout: TextSink;
  stderr: TextSink;
  /** Whether stdin is a terminal (so a password prompt is possible). */
  isTTY: boolean;
  /** Builds the engine's `Vault` for a path; it reads nothing until a command calls it. */
  openVault: (path: string) => Vault;
  /** The no-echo password prompt, used only when `isTTY`. */
  prompt: PromptFunction;
}

/** What a command's body is given: the vault at `--vault` and where its passwords come from. */
export interface CommandContext {
  /** Absolute path of the vault's database file. */
  readonly vaultPath: string;
  /** A fresh, locked `Vault` for this command; the runner locks it again when the body ends. */
  readonly vault: Vault;
  readonly passwords: PasswordSource;
  /** `--utc`: print timestamps in UTC (`…Z`) instead of local time with offset. */
  readonly utc: boolean;
}

/** The body of a command: does the work and returns what to print. Throws `KeywardError` on failure. */
export type CommandBody = (context: CommandContext) => Promise<CommandResult>;

/**
 * Runs a command's body for the commander `command` whose action fired: resolves the global
 * options, builds the context, prints the result. Each command file registers itself with one.
 */
export type CommandRunner = (command: Command, body: CommandBody) => Promise<void>;
