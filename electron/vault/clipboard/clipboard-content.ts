import { createHash } from 'node:crypto';
import { KeywardError } from '../../../shared/errors.ts';
import type { ClipboardTarget, SystemClipboard } from './clipboard.ts';

/**
 * The SHA-256 (hex) of some clipboard text, as UTF-8. What Keyward remembers about a copy instead
 * of the text itself: enough to recognise the copy later, useless for reading it back.
 */
export function clipboardDigest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Checks a clear delay: seconds ≥ 0, or `null` for never (the 10–300 s product range is a
 * setting's rule, not the clipboard's). INVALID_INPUT otherwise.
 */
export function assertClearDelay(seconds: number | null): void {
  if (seconds !== null && !(Number.isFinite(seconds) && seconds >= 0)) {
    throw new KeywardError(
      'INVALID_INPUT',
      'The clipboard clear delay must be a number of seconds ≥ 0, or never.',
    );
  }
}

/**
 * Writes `text` to the clipboard and, where there is one, to the primary selection.
 * A failed clipboard write rejects (nothing was copied). A failed selection write does not: the
 * text is on the clipboard, which is what the user asked for, and the selection is simply not
 * among the returned targets (so nothing will try to clear it).
 */
export async function writeToTargets(
  clipboard: SystemClipboard,
  text: string,
): Promise<readonly ClipboardTarget[]> {
  await clipboard.write(text, 'clipboard');
  if (!clipboard.supportsSelection) {
    return ['clipboard'];
  }
  try {
    await clipboard.write(text, 'selection');
    return ['clipboard', 'selection'];
  } catch {
    // No selection to write (or it refused): the result says only the clipboard holds the copy.
    return ['clipboard'];
  }
}

/** What {@link clearIfUnchanged} did to one target. */
export type ClearOutcome = 'cleared' | 'left-alone';

/**
 * Clears `target` only if it still holds exactly the text whose digest is `expectedDigest`;
 * anything else there (the user copied or selected something since) is left alone. The text read
 * back is hashed and dropped at once. Rejects when the clipboard cannot be read or cleared.
 */
export async function clearIfUnchanged(
  clipboard: SystemClipboard,
  target: ClipboardTarget,
  expectedDigest: string,
): Promise<ClearOutcome> {
  const current = await clipboard.read(target);
  if (current === null || clipboardDigest(current) !== expectedDigest) {
    return 'left-alone';
  }
  await clipboard.clear(target);
  return 'cleared';
}
