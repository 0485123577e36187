/**
 * The CLI's delayed clipboard clear. `keyward` exits right after copying, so the countdown runs in
 * a detached child: `node clear-later.ts --backend NAME --delay-ms N --targets clipboard,selection`
 * with the SHA-256 of the copied text in the environment variable {@link DIGEST_VARIABLE}. The text
 * itself never reaches the child: not in argv (which `ps` shows to every user), not in its
 * environment. After the delay the child clears each target only if what is there now hashes the
 * same, then exits.
 */
import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { parse } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KeywardError } from '../../../shared/errors.ts';
import type { ClipboardTarget } from '../../vault/clipboard/clipboard.ts';
import { CLIPBOARD_TARGETS } from '../../vault/clipboard/clipboard.ts';
import { clearIfUnchanged } from '../../vault/clipboard/clipboard-content.ts';
import type { ClipboardBackendName } from './clipboard-backends.ts';
import { CLIPBOARD_BACKEND_NAMES } from './clipboard-backends.ts';
import { openOsClipboard } from './os-clipboard.ts';

/** The environment variable that carries the digest to the child. */
export const DIGEST_VARIABLE = 'KEYWARD_CLIPBOARD_SHA256';

/** The longest delay the child accepts (a day; the product's maximum is 300 s). */
export const MAX_CLEAR_DELAY_MS = 24 * 3_600_000;

const THIS_FILE = fileURLToPath(import.meta.url);

/** What the detached child needs. */
export interface ClearLaterRequest {
  backend: ClipboardBackendName;
  /** SHA-256 (hex) of the copied text: `clipboardDigest(text)`. */
  digest: string;
  delayMs: number;
  targets: readonly ClipboardTarget[];
  /** The environment the clipboard tools need (DISPLAY, WAYLAND_DISPLAY, PATH …). */
  env: NodeJS.ProcessEnv;
}

/**
 * Starts the detached clear and resolves with its pid once it is running. It outlives this
 * process: own process group, no stdio, unref'd. Rejects (INVALID_STATE) if it cannot start.
 * CLI only: it starts `process.execPath` as Node on this `.ts` file, so it must stay a separate,
 * unbundled file; the desktop app keeps its countdown in-process with `ClipboardGuard`.
 */
export function scheduleClipboardClear(request: ClearLaterRequest): Promise<{ pid: number }> {
  validate(request);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(request.env)) {
    // The child needs no password, vault path or other Keyward setting: don't keep them alive.
    if (!name.startsWith('KEYWARD_')) {
      env[name] = value;
    }
  }
  env[DIGEST_VARIABLE] = request.digest;
  const args = [
    THIS_FILE,
    '--backend',
    request.backend,
    '--delay-ms',
    String(Math.round(request.delayMs)),
    '--targets',
    request.targets.join(','),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      detached: true,
      stdio: 'ignore',
      env,
      // Not the caller's folder: the child must not keep a removable drive or a temp folder busy.
      cwd: parse(THIS_FILE).root,
      windowsHide: true,
    });
    child.once('error', (error) => {
      reject(
        new KeywardError('INVALID_STATE', 'Could not start the delayed clipboard clear.', { cause: error }),
      );
    });
    child.once('spawn', () => {
      child.unref();
      resolve({ pid: child.pid ?? 0 });
    });
  });
}

/** Parses the child's argv and environment; throws INVALID_INPUT on anything unexpected. */
export function parseClearLaterArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Omit<ClearLaterRequest, 'env'> {
  let values: { backend?: string; 'delay-ms'?: string; targets?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        backend: { type: 'string' },
        'delay-ms': { type: 'string' },
        targets: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new KeywardError('INVALID_INPUT', 'clear-later: unexpected arguments.', { cause: error });
  }
  const backend = CLIPBOARD_BACKEND_NAMES.find((name) => name === values.backend);
  const targets = (values.targets ?? '').split(',').map((name) => CLIPBOARD_TARGETS.find((t) => t === name));
  const request = {
    backend: backend ?? 'xclip',
    digest: env[DIGEST_VARIABLE] ?? '',
    delayMs: Number(values['delay-ms']),
    targets: targets.filter((target) => target !== undefined),
  };
  if (backend === undefined || targets.includes(undefined)) {
    throw new KeywardError('INVALID_INPUT', 'clear-later: unknown backend or target.');
  }
  validate(request);
  return request;
}

/**
 * The child's work: waits, then clears each target that still holds the copied text. Resolves
 * with what happened to each (the child has no stdio; tests call this directly).
 */
export async function clearLater(
  request: ClearLaterRequest,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<Partial<Record<ClipboardTarget, 'cleared' | 'left-alone' | 'failed'>>> {
  validate(request);
  await sleep(request.delayMs);
  const clipboard = openOsClipboard({ env: request.env, only: request.backend });
  const outcomes: Partial<Record<ClipboardTarget, 'cleared' | 'left-alone' | 'failed'>> = {};
  for (const target of request.targets) {
    try {
      outcomes[target] = await clearIfUnchanged(clipboard, target, request.digest);
    } catch {
      // Reported as `failed` (the exit code says so); this detached helper has no terminal to write to.
      outcomes[target] = 'failed';
    }
  }
  return outcomes;
}

function validate(request: Omit<ClearLaterRequest, 'env'>): void {
  if (!/^[0-9a-f]{64}$/.test(request.digest)) {
    throw new KeywardError('INVALID_INPUT', 'clear-later: the digest must be a hex SHA-256.');
  }
  if (!Number.isFinite(request.delayMs) || request.delayMs < 0 || request.delayMs > MAX_CLEAR_DELAY_MS) {
    throw new KeywardError('INVALID_INPUT', 'clear-later: the delay must be between 0 ms and a day.');
  }
  if (request.targets.length === 0 || new Set(request.targets).size !== request.targets.length) {
    throw new KeywardError('INVALID_INPUT', 'clear-later: name each target once.');
  }
}

function isEntryPoint(): boolean {
  const started = process.argv[1];
  if (started === undefined) {
    return false;
  }
  try {
    return realpathSync(started) === realpathSync(THIS_FILE);
  } catch {
    // A path that cannot be resolved is not this file: the module was imported, not run.
    return false;
  }
}

// No top-level await: the CLI bundle (scripts/build-cli.ts) is CommonJS, and this file's code is
// started from it as the detached child.
if (isEntryPoint()) {
  void (async () => {
    try {
      const request = { ...parseClearLaterArgs(process.argv.slice(2), process.env), env: process.env };
      delete process.env[DIGEST_VARIABLE]; // the clipboard tools it runs do not need it
      const outcomes = await clearLater(request);
      process.exitCode = Object.values(outcomes).includes('failed') ? 1 : 0;
    } catch {
      // Bad arguments: exit code 2; the detached helper has no terminal, and must not echo its input.
      process.exitCode = 2;
    }
  })();
}
