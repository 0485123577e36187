import { useEffect } from 'react';
import { call, onEvent } from '../api/api.ts';
import { useReauth } from '../reauth/reauth-store.ts';
import { useClipboard } from '../state/clipboard-store.ts';
import { useNoticeCount } from '../state/notices-store.ts';
import { useSync } from '../state/sync-store.ts';
import { toast } from '../state/toast-store.ts';
import { useVault } from '../state/vault-store.ts';

/** How often user activity is reported to main at most (the idle auto-lock counts in minutes). */
const ACTIVITY_EVERY_MS = 15_000;

/** Subscribes to main's events (lock, notices, clipboard, server sync status) for the app's lifetime. */
export function useAppEvents(): void {
  useEffect(() => {
    const stops = [
      onEvent('vault.locked', ({ reason }) => {
        // A pending re-authentication ends with the session: the guarded action is cancelled.
        useReauth.getState().request?.resolve(false);
        useVault.getState().lockedBy(reason);
      }),
      onEvent('notices.fired', ({ notices }) => {
        void useNoticeCount.getState().refresh();
        for (const notice of notices.slice(0, 3)) {
          toast('info', notice.message);
        }
      }),
      onEvent('clipboard.changed', ({ kind, clearAt, failed }) =>
        useClipboard.getState().changed(kind, clearAt, failed),
      ),
      onEvent('sync.status', (status) => useSync.getState().set(status)),
    ];
    return () => stops.forEach((stop) => stop());
  }, []);
}

/** Reports keyboard and pointer activity to main (throttled) so the idle auto-lock only fires when idle. */
export function useActivityReports(enabled: boolean): void {
  useEffect(() => {
    if (!enabled) {
      return;
    }
    let last = 0;
    const report = () => {
      const now = Date.now();
      if (now - last >= ACTIVITY_EVERY_MS) {
        last = now;
        call('app.activity', {}).catch(() => undefined);
      }
    };
    window.addEventListener('keydown', report, { passive: true });
    window.addEventListener('pointerdown', report, { passive: true });
    window.addEventListener('wheel', report, { passive: true });
    return () => {
      window.removeEventListener('keydown', report);
      window.removeEventListener('pointerdown', report);
      window.removeEventListener('wheel', report);
    };
  }, [enabled]);
}
