import { useClipboard } from '../state/clipboard-store.ts';
import { useNow } from '../time/use-time.ts';

/**
 * The clipboard countdown in the top bar: what was copied and how many seconds until main clears
 * it; then whether it was cleared or left alone because something else had been copied.
 */
export function ClipboardStatus() {
  const { label, clearAt, outcome, failed, announcedSeconds, dismiss } = useClipboard();
  const now = useNow(250);
  if (outcome === null || label === null) {
    return null;
  }
  let text: string;
  // What screen readers hear: said once per change, not once per second of the countdown.
  let announcement: string;
  if (outcome === 'copied') {
    text =
      clearAt === null
        ? `${label} copied — not cleared automatically`
        : `${label} copied — clears in ${Math.max(0, Math.ceil((clearAt - now) / 1000))} s`;
    announcement =
      clearAt === null
        ? text
        : `${label} copied. The clipboard is cleared in ${announcedSeconds ?? ''} seconds if it still holds it.`;
  } else if (outcome === 'cleared') {
    text = failed
      ? `Clipboard cleared (${label}); the selection could not be checked`
      : `Clipboard cleared (${label})`;
    announcement = text;
  } else {
    text = failed
      ? 'The clipboard could not be checked: clear it yourself if it still holds the copy'
      : 'Clipboard left alone: it held something else by then';
    announcement = text;
  }
  return (
    <div className={`clipboard-status clipboard-status--${failed ? 'left-alone' : outcome}`}>
      <span className="clipboard-status__dot" aria-hidden="true" />
      <span data-testid="clipboard-countdown" aria-hidden="true">
        {text}
      </span>
      <span className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
        {announcement}
      </span>
      {(outcome !== 'copied' || clearAt === null) && (
        <button type="button" className="icon-button" aria-label="Dismiss clipboard status" onClick={dismiss}>
          ×
        </button>
      )}
    </div>
  );
}
