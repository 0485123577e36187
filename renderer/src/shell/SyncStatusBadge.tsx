import { useNav } from '../state/nav-store.ts';
import { useSync } from '../state/sync-store.ts';
import { syncStatusText } from './sync-status-text.ts';

/**
 * The sync status in the top bar, live from main's `sync.status` event: "Up to date", "N changes
 * waiting", "Offline — reason" or "Sync error — reason"; hidden when no server is connected. It is
 * a button to Settings → Server, and a polite live region, so a change is announced once.
 */
export function SyncStatusBadge() {
  const status = useSync((state) => state.status);
  const go = useNav((state) => state.go);
  const text = syncStatusText(status);
  if (status === null || text === null) {
    return null;
  }
  return (
    <div role="status" aria-live="polite" aria-atomic="true" className="sync-status-region">
      <button
        type="button"
        className={`sync-status sync-status--${status.state}`}
        data-testid="sync-status"
        title="Server sync: open Settings → Server"
        onClick={() => go('settings')}
      >
        <span className="sync-status__dot" aria-hidden="true" />
        <span className="visually-hidden">Server sync: </span>
        <span className="sync-status__text">{text}</span>
      </button>
    </div>
  );
}
