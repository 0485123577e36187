// Pure: no `electron` import. Turns the clipboard guard's changes into the contract's
// 'clipboard.changed' event, so the renderer can show the countdown and its outcome.
import type { EventPayload } from '../../../shared/ipc/contract.ts';
import type { ClipboardChange, ClipboardGuard } from '../../vault/clipboard/clipboard-guard.ts';

/** The event payload for a guard change, or null for the internal `expired` step. */
export function clipboardEventFor(change: ClipboardChange): EventPayload<'clipboard.changed'> | null {
  switch (change.kind) {
    case 'copied':
      return { kind: 'copied', clearAt: change.clearAt, failed: false };
    case 'expired':
      return null;
    case 'cleared':
      return { kind: 'cleared', clearAt: null, failed: change.failed.length > 0 };
    case 'left-alone':
      return { kind: 'left-alone', clearAt: null, failed: change.failed.length > 0 };
  }
}

/** Sends every guard change to `send` as a 'clipboard.changed' payload; returns the unsubscribe. */
export function forwardClipboardChanges(
  guard: ClipboardGuard,
  send: (payload: EventPayload<'clipboard.changed'>) => void,
): () => void {
  return guard.onChange((change) => {
    const payload = clipboardEventFor(change);
    if (payload !== null) {
      send(payload);
    }
  });
}
