// The X11 clipboard tools return before the X server has seen their work: `xclip -in` forks a child
// that owns the selection, and the parent may exit before the child's SetSelectionOwner has reached
// the server. A read right after a "finished" write can then find nothing (seen under load: a load
// average of 11 on 2 cores). Electron's clipboard, which this stands in for, is done when it returns,
// so the harness waits for each write and clear to show before it returns too.
import type { ClipboardTarget, SystemClipboard } from '../../../electron/vault/clipboard/clipboard.ts';

/** How long a write or clear may take to show on the X server before it counts as failed. */
const SETTLE_TIMEOUT_MS = 5_000;

/**
 * Waits, re-reading with a growing pause (X has no event for "the owner changed" that the tools
 * expose), until `target` reads as `accept` wants; rejects after {@link SETTLE_TIMEOUT_MS}.
 */
async function settle(
  clipboard: SystemClipboard,
  target: ClipboardTarget,
  accept: (text: string | null) => boolean,
  what: string,
): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (let pause = 5; ; pause = Math.min(pause * 2, 200)) {
    if (accept(await clipboard.read(target))) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`The X ${target} did not show the ${what} within ${SETTLE_TIMEOUT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/**
 * Wraps a {@link SystemClipboard} so that `write` and `clear` resolve only once a read shows their
 * effect, as Electron's synchronous clipboard calls do. Reads pass through.
 */
export function settledClipboard(inner: SystemClipboard): SystemClipboard {
  return {
    get supportsSelection() {
      return inner.supportsSelection;
    },
    describe: () => inner.describe(),
    read: (target) => inner.read(target),
    async write(text, target) {
      await inner.write(text, target);
      await settle(inner, target, (current) => current === text, 'written text');
    },
    async clear(target) {
      await inner.clear(target);
      await settle(inner, target, (current) => current === null || current === '', 'clear');
    },
  };
}
