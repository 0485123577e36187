import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../support/temp-vault.ts';

/** The CLI's entry point, run exactly as `npm run keyward` does. */
export const CLI_MAIN = join(process.cwd(), 'electron/cli/main.ts');

/** The exit codes the CLI documents (electron/cli/exit-codes.ts). */
export const DOCUMENTED_EXIT_CODES = [0, 1, 2, 3, 4, 5, 6, 7, 8];

/** What one run of the CLI did. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options for one spawned run: stdin text and environment changes (undefined removes a variable). */
export interface SpawnOptions {
  input?: string;
  env?: Record<string, string | undefined>;
}

/**
 * The environment a spawned CLI gets: this process's, without any KEYWARD_* setting a developer
 * may have (so no real password or vault leaks in), with KEYWARD_VAULT pointing at `fallbackVault`
 * so a test that forgets --vault can never reach the real app-data vault.
 */
function childEnv(fallbackVault: string, changes: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (
      !name.startsWith('KEYWARD_') ||
      name === 'KEYWARD_TEST_KEYRING' ||
      name === 'KEYWARD_IN_TEST_KEYRING'
    ) {
      env[name] = value;
    }
  }
  env['KEYWARD_VAULT'] = fallbackVault;
  if (process.env['KEYWARD_TEST_KEYRING'] !== '1') {
    // Outside scripts/with-keyring.sh the session bus is the developer's own: keep the CLI off it.
    delete env['DBUS_SESSION_BUS_ADDRESS'];
  }
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) {
      delete env[name];
    } else {
      env[name] = value;
    }
  }
  return env;
}

/** Runs `node electron/cli/main.ts ARGS` as a child process with stdin from `input` (not a TTY). */
export function spawnCli(
  args: readonly string[],
  options: SpawnOptions & { fallbackVault: string },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], {
      env: childEnv(options.fallbackVault, options.env ?? {}),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** A temp folder with a vault path in it, and a `cli` runner bound to that vault. */
export interface CliSandbox {
  dir: string;
  /** The vault's database path (the header and lockout files sit beside it). */
  vault: string;
  /** Runs the CLI with `--vault <vault>` prepended. */
  cli: (args: readonly string[], options?: SpawnOptions) => Promise<CliRun>;
}

/**
 * Makes a fresh sandbox, removed when the test finishes (pass the test context's `onTestFinished`,
 * which also works for tests that run concurrently).
 */
export function makeCliSandbox(onTestFinished: (handler: () => void | Promise<void>) => void): CliSandbox {
  const { dir, cleanup } = makeTempDir('keyward-cli-');
  onTestFinished(cleanup);
  const vault = join(dir, 'keyward.vault');
  const fallbackVault = join(dir, 'not-this.vault');
  return {
    dir,
    vault,
    cli: (args, options = {}) => spawnCli(['--vault', vault, ...args], { ...options, fallbackVault }),
  };
}

/** Makes a sandbox and creates a vault in it with `password` (from KEYWARD_PASSWORD). */
export async function makeCliSandboxWithVault(
  onTestFinished: (handler: () => void | Promise<void>) => void,
  password: string,
  options: { args?: readonly string[]; env?: Record<string, string | undefined> } = {},
): Promise<CliSandbox & { init: CliRun }> {
  const sandbox = makeCliSandbox(onTestFinished);
  const init = await sandbox.cli(['init', '--json', ...(options.args ?? [])], {
    env: { KEYWARD_PASSWORD: password, ...options.env },
  });
  return { ...sandbox, init };
}

/** Parses stdout or stderr as the single JSON object the CLI prints with --json. */
export function parseJson(text: string): Record<string, unknown> {
  const lines = text.trim().split('\n');
  if (lines.length !== 1) {
    throw new Error(`expected exactly one line of JSON, got ${lines.length}: ${text}`);
  }
  return JSON.parse(lines[0] ?? '') as Record<string, unknown>;
}

/** The JSON a `--json` run printed on stdout; a non-zero exit throws with `what` and its stderr. */
export function okJson(run: CliRun, what: string): Record<string, unknown> {
  if (run.code !== 0) {
    throw new Error(`${what}: exit ${run.code}: ${run.stderr}`);
  }
  return parseJson(run.stdout);
}

/** SHA-256 of a file's bytes, to show that a command left it untouched. */
export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** True when the text looks like it holds a stack trace. */
export function hasStackTrace(text: string): boolean {
  return /\n\s+at .+\(?.+:\d+:\d+\)?/.test(text) || /\bat (async )?[\w.<>]+ \(/.test(text);
}
