import { create } from 'zustand';
import type { Settings } from '../../../shared/domain/settings.ts';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings.ts';
import { call } from '../api/api.ts';

interface SettingsState {
  /** The vault's settings once unlocked; the defaults before (the UTC toggle and theme need a value). */
  settings: Settings;
  loaded: boolean;
  load: () => Promise<void>;
  /** Saves a change; the store updates only with what the engine accepted (throws an IpcError otherwise). */
  update: (patch: Partial<Settings>) => Promise<void>;
}

/** Settings, shared by every screen: the UTC toggle changes every timestamp at once from here. */
export const useSettings = create<SettingsState>((set) => ({
  settings: DEFAULT_SETTINGS,
  loaded: false,
  load: async () => {
    set({ settings: await call('settings.get', {}), loaded: true });
  },
  update: async (patch) => {
    set({ settings: await call('settings.set', { patch }) });
  },
}));
