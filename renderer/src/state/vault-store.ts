import { create } from 'zustand';
import type { Output } from '../../../shared/ipc/contract.ts';
import { call } from '../api/api.ts';
import { errorMessage } from '../api/ipc-error.ts';

/** The vault status main reports (no secrets). */
export type VaultStatus = Output<'vault.status'>;

interface VaultState {
  status: VaultStatus | null;
  /** Why the vault status could not be read (the app shows it instead of a screen). */
  loadError: string | null;
  /** The reason of the last lock main reported (idle, suspend, manual…), shown on the unlock screen. */
  lockReason: string | null;
  refresh: () => Promise<void>;
  setStatus: (status: VaultStatus) => void;
  lockedBy: (reason: string) => void;
}

/** Vault state: locked or unlocked, created or not. Holds no password and no key material. */
export const useVault = create<VaultState>((set) => ({
  status: null,
  loadError: null,
  lockReason: null,
  refresh: async () => {
    try {
      set({ status: await call('vault.status', {}), loadError: null });
    } catch (error) {
      set({ loadError: errorMessage(error) });
    }
  },
  setStatus: (status) => set({ status, ...(status.state === 'unlocked' ? { lockReason: null } : {}) }),
  lockedBy: (reason) =>
    set((state) => ({
      lockReason: reason,
      status: state.status === null ? null : { ...state.status, state: 'locked' },
    })),
}));
