import { create } from 'zustand';
import type { SyncStatus } from '../../../shared/sync/sync-status.ts';
import { call } from '../api/api.ts';

interface SyncState {
  /** The last status main reported; null until the first `server.status` answer. */
  status: SyncStatus | null;
  /** Sets the status (from the `sync.status` event or a call's answer). */
  set: (status: SyncStatus) => void;
  /** Asks main for the status now. */
  refresh: () => Promise<void>;
}

/**
 * Where the vault stands with its Keyward server: loaded on unlock, then kept live by main's
 * `sync.status` event (every publish, change waiting, offline server). Read by the top bar's badge,
 * Settings → Server, the key test and the usage panel.
 */
export const useSync = create<SyncState>((set) => ({
  status: null,
  set: (status) => set({ status }),
  refresh: async () => {
    set({ status: await call('server.status', {}) });
  },
}));

/** Whether a server is connected (whatever its state). */
export function isConnected(status: SyncStatus | null): boolean {
  return status !== null && status.state !== 'not-connected';
}
