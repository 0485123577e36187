import type { SyncStatus } from '../../../shared/sync/sync-status.ts';

/** The badge's words for a status, or null when no server is connected (no badge). */
export function syncStatusText(status: SyncStatus | null): string | null {
  if (status === null) {
    return null;
  }
  switch (status.state) {
    case 'not-connected':
      return null;
    case 'up-to-date':
      return 'Up to date';
    case 'waiting':
      return status.waiting === 1 ? '1 change waiting' : `${status.waiting} changes waiting`;
    case 'offline':
      return `Offline — ${status.reason ?? 'the server cannot be reached'}`;
    case 'error':
      return `Sync error — ${status.reason ?? 'the server refused'}`;
  }
}
