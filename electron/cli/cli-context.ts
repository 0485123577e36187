import type { Command } from 'commander';
import type { DeriveKey } from '../vault/crypto/kdf.ts';
import type { KeywardEngine } from '../vault/keyward-engine.ts';
import type { Vault } from '../vault/vault.ts';
import type { CliCopyResult } from './clipboard/copy-to-clipboard.ts';
import type { CommandResult, TextSink } from './output.ts';
import type { PasswordSource, PromptFunction } from './password-source.ts';

/** The system clipboard, for `keys copy` (main.ts: `electron/cli/clipboard/`). */
export interface CliClipboard {
  /** Rejects with INVALID_STATE, naming what is missing, when there is no clipboard to copy to. */
  check(): Promise<void>;
  /** Copies `text` and has it cleared after the delay, only if it is still there. */
  copy(text: string, options: { clearAfterSeconds: number | null }): Promise<CliCopyResult>;
}

/** What the runner asks of {@link CliDependencies.openEngine} beyond the path. */
export interface OpenEngineOptions {
  /** Argon2id for a password unlock, already under way (kdf-prefetch.ts); pass it to the engine. */
  deriveKey?: DeriveKey;
}

/**
 * Everything the CLI takes from the outside world. `main.ts` passes the real process; tests pass
 * buffers, a temp vault, a fake clock, a fake clipboard and a scripted prompt, and run the whole
 * program in-process.
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
  /** Whether stdout is a terminal (`keys reveal` and `secret` then warn on stderr). */
  stdoutIsTTY: boolean;
  /**
   * Builds this process's one engine for a vault path (actor `<os user>@cli`). It reads nothing
   * until a command unlocks it; the runner locks it when the command ends. May be async: `main.ts`
   * loads the engine's modules only here, so commands that never open a vault (and `--help`) do
   * not pay for them.
   */
  openEngine: (path: string, options: OpenEngineOptions) => KeywardEngine | Promise<KeywardEngine>;
  /** The time now, from the same clock as the engine (for "expires in 3 d"). */
  now: () => number;
  /** The no-echo prompt, used only when `isTTY`. */
  prompt: PromptFunction;
  /** The system clipboard, for `keys copy`. */
  clipboard: CliClipboard;
}

/** What a command's body is given: the engine for the vault at `--vault`, and the process's I/O. */
export interface CommandContext {
  /** Absolute path of the vault's database file. */
  readonly vaultPath: string;
  /** This process's one engine, locked; open it with `unlockEngine` (vault-access.ts). */
  readonly engine: KeywardEngine;
  /** `engine.vault`: for the commands that never unlock (status, lock, passwd). */
  readonly vault: Vault;
  readonly passwords: PasswordSource;
  /** `--utc`: print timestamps in UTC (`…Z`); the vault's `utc` setting also turns this on once unlocked. */
  readonly utc: boolean;
  /** `--json`: the result is one JSON object; anything said before it goes to stderr. */
  readonly json: boolean;
  /** `--wide`: tables with every column and full timestamps, instead of fitting 80 columns. */
  readonly wide: boolean;
  /** Whether stdin / stdout are terminals. */
  readonly isTTY: boolean;
  readonly stdoutIsTTY: boolean;
  readonly stdin: NodeJS.ReadableStream;
  /** For what a command must show before its result (a QR code), or warnings on stderr. */
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly prompt: PromptFunction;
  readonly now: () => number;
  readonly clipboard: CliClipboard;
}

/** The body of a command: does the work and returns what to print. Throws `KeywardError` on failure. */
export type CommandBody = (context: CommandContext) => Promise<CommandResult>;

/**
 * Runs a command's body for the commander `command` whose action fired: resolves the global
 * options, builds the context, prints the result. Each command file registers itself with one.
 */
export type CommandRunner = (command: Command, body: CommandBody) => Promise<void>;
