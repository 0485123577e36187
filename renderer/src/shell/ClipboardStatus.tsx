import { useClipboard } from '../state/clipboard-store.ts';
import { useNow } from '../time/use-time.ts';

/**
 * The clipboard countdown in the top bar: what was copied and how many seconds until main clears
 * it; then whether it was cleared or left alone because something else had been copied.
 */
export function ClipboardStatus() {
  const { label, clearAt, outcome, dismiss } = useClipboard();
  const now = useNow(250);
  if (outcome === null || label === null) {
    return null;
  }
  let text: string;
  if (outcome === 'copied') {
    text =
      clearAt === null
        ? `${label} copied — not cleared automatically`
        : `${label} copied — clears in ${Math.max(0, Math.ceil((clearAt - now) / 1000))} s`;
  } else if (outcome === 'cleared') {
    text = `Clipboard cleared (${label})`;
  } else {
    text = 'Clipboard left alone: it held something else by then';
  }
  return (
    <div
      className={`clipboard-status clipboard-status--${outcome}`}
      role="status"
      aria-live="polite"
      aria-atomic="true"
    >
      <span className="clipboard-status__dot" aria-hidden="true" />
      <span data-testid="clipboard-countdown">{text}</span>
      {outcome !== 'copied' && (
        <button type="button" className="icon-button" aria-label="Dismiss" onClick={dismiss}>
          ×
        </button>
      )}
    </div>
  );
}
