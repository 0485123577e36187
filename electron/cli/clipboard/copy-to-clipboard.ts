import type { ClipboardTarget } from '../../vault/clipboard/clipboard.ts';
import {
  assertClearDelay,
  clearIfUnchanged,
  clipboardDigest,
  writeToTargets,
} from '../../vault/clipboard/clipboard-content.ts';
import type { BackendEnvironment } from './clipboard-backends.ts';
import { scheduleClipboardClear } from './clear-later.ts';
import { openOsClipboard } from './os-clipboard.ts';

/** How the CLI copies. */
export interface CliCopyOptions {
  /** Seconds until the detached clear checks the clipboard, or null for never. */
  clearAfterSeconds: number | null;
  /** Where to find the clipboard (default: this process's environment and platform). */
  where?: Partial<BackendEnvironment>;
  /** Epoch milliseconds now (default `Date.now`), for the reported `clearAt`. */
  now?: () => number;
}

/** What the CLI tells the user after a copy. */
export interface CliCopyResult {
  targets: readonly ClipboardTarget[];
  /** When the clear will run (epoch ms), or null for never. */
  clearAt: number | null;
  /** The mechanism used, e.g. `xclip (X11, DISPLAY=:0)`. */
  clipboard: string;
}

/**
 * Copies `text` for the `keyward` CLI: writes the clipboard (and the primary selection where there
 * is one) through the OS tools, then hands the countdown to a detached child that clears each
 * target only if it still holds this text. Throws INVALID_STATE when there is no clipboard; if the
 * countdown cannot be started, what was just copied is cleared again and INVALID_STATE thrown, so a
 * secret is never left behind without its clear.
 */
export async function copyToClipboard(text: string, options: CliCopyOptions): Promise<CliCopyResult> {
  const seconds = options.clearAfterSeconds;
  assertClearDelay(seconds);
  const clipboard = openOsClipboard(options.where ?? {});
  const targets = await writeToTargets(clipboard, text);
  const now = options.now ?? Date.now;
  if (seconds === null) {
    return { targets, clearAt: null, clipboard: clipboard.describe() };
  }
  const digest = clipboardDigest(text);
  try {
    await scheduleClipboardClear({
      backend: clipboard.backend.name,
      digest,
      delayMs: seconds * 1000,
      targets,
      env: clipboard.backend.env,
    });
  } catch (error) {
    // No countdown: take the copy back off now rather than leave it there for good.
    for (const target of targets) {
      await clearIfUnchanged(clipboard, target, digest).catch(() => undefined);
    }
    throw error;
  }
  return { targets, clearAt: now() + seconds * 1000, clipboard: clipboard.describe() };
}
